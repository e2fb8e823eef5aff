#!/usr/bin/env python3
"""Runs the public OFA tutorial evolutionary search (PyPI package `ofa`, ofa/tutorial/*.py, used
unmodified) with the shared MLP weights and the shared note10 tables, and prints one JSON line per
(target, seed): best accuracy, its latency and the search's wall time.

The package's __init__ files pull in torchvision and PIL and its loaders download files, so the
three tutorial modules are loaded from their files with `ofa.utils.download_url` stubbed out; the
search code itself is the package's.

usage: search-ofa-reference.py DATA_DIR --targets 25 --seeds 3 [--threads 1]
"""
import argparse, importlib.util, json, os, random, sys, time, types

os.environ.setdefault("TQDM_DISABLE", "1")
import numpy as np
import torch
import yaml

ap = argparse.ArgumentParser()
ap.add_argument("data")
ap.add_argument("--targets", default="25")
ap.add_argument("--seeds", default="3")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--population", type=int, default=100)
ap.add_argument("--generations", type=int, default=500)
args = ap.parse_args()
torch.set_num_threads(args.threads)

root = importlib.util.find_spec("ofa").submodule_search_locations[0]
pkg = types.ModuleType("ofa"); pkg.__path__ = [root]
utils = types.ModuleType("ofa.utils")
def _no_download(*a, **k):
    raise RuntimeError("no downloads in the benchmark")
utils.download_url = _no_download
sys.modules["ofa"] = pkg; sys.modules["ofa.utils"] = utils

def load(name):
    spec = importlib.util.spec_from_file_location("ofa.tutorial." + name, os.path.join(root, "tutorial", name + ".py"))
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); return mod

acc_mod, lat_mod, evo_mod = load("accuracy_predictor"), load("latency_table"), load("evolution_finder")

predictor = acc_mod.AccuracyPredictor(pretrained=False, device="cpu")
mlp = json.load(open(os.path.join(args.data, "predictors/ofa-tutorial-mlp-w1.2.json")))
linears = [m for m in predictor.model if isinstance(m, torch.nn.Linear)]
with torch.no_grad():
    for layer, saved in zip(linears, mlp["layers"]):
        layer.weight.copy_(torch.tensor(saved["weight"], dtype=torch.float32))
        layer.bias.copy_(torch.tensor(saved["bias"], dtype=torch.float32))

table = lat_mod.LatencyTable.__new__(lat_mod.LatencyTable)
table.latency_tables = {}
for r in (160, 176, 192, 208, 224):
    est = lat_mod.LatencyEstimator.__new__(lat_mod.LatencyEstimator)
    with open(os.path.join(args.data, "latency/note10/%d_lookup_table.yaml" % r)) as f:
        est.lut = yaml.safe_load(f)
    table.latency_tables[r] = est

for target in [float(t) for t in args.targets.split(",")]:
    for seed in [int(s) for s in args.seeds.split(",")]:
        random.seed(seed); np.random.seed(seed); torch.manual_seed(seed)
        finder = evo_mod.EvolutionFinder(
            constraint_type="note10", efficiency_constraint=target, efficiency_predictor=table,
            accuracy_predictor=predictor, mutate_prob=0.1, mutation_ratio=0.5, parent_ratio=0.25,
            population_size=args.population, max_time_budget=args.generations)
        t0, c0 = time.perf_counter(), time.process_time()
        best_valids, best_info = finder.run_evolution_search()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        acc, arch, latency = best_info
        print(json.dumps({"target": target, "seed": seed, "accuracy": acc, "latency_ms": latency,
                          "seconds": seconds, "cpu_seconds": cpu, "arch": {k: arch[k] for k in ("ks", "e", "d", "r")}}), flush=True)
