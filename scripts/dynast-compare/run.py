#!/usr/bin/env python3
"""DyNAS-T 1.6.0-style NSGA-II (pymoo) on ofasearch's issue-16 objective, and the comparison table.

    python run.py --seeds 1-5 --budgets 1000,5000,25000 --out DIR      # search, one JSON per run
    python run.py --table DIR [--ours OURS]                            # table (and deltas vs ours)

The search loop mirrors what DyNAS-T 1.6.0 sets up for `Evolutionary(search_algo='nsga2')` on an
OFA MobileNetV3 supernet (see README.md for the settings and where they are in DyNAS-T):
an integer genotype of option indices (20 kernel sizes, 20 expand ratios, 5 depths; here plus one
resolution index, see README), pymoo's NSGA2 with pop_size 50, IntegerRandomSampling, SBX
(prob 0.9, eta 15, float + RoundingRepair), PM (prob 0.02, eta 20, float + RoundingRepair),
eliminate_duplicates=True on the genotype, `minimize(..., ('n_gen', budget / 50), seed=seed)`,
objectives (latency, -accuracy) evaluated as one batch per generation.

Objectives come from `ofasearch predict` (OFA's tutorial MLP, note10 table) kept open for the
whole run; every evaluated (latency, accuracy) pair is recorded, and the metrics use all of them:
window hypervolume over [15, 60] ms above 0.70 (scripts/nsga2-budgets.py's `hypervolume`) and the
best accuracy at latency <= each target 15, 20, ..., 60 ms.
"""
import argparse, importlib.util, json, os, statistics, subprocess, sys, time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

KS, EXPAND, DEPTH = [3, 5, 7], [3, 4, 6], [2, 3, 4]
RESOLUTIONS = [160, 176, 192, 208, 224]
TARGETS = [15, 20, 25, 30, 35, 40, 45, 50, 55, 60]
LO, HI, MIN_ACC = 15.0, 60.0, 0.70

# Genotype layout (the order of DyNAS-T's parameter dictionary ks, e, d; r appended):
# one option index per variable, bounds 0 .. len(options) - 1.
LAYOUT = [KS] * 20 + [EXPAND] * 20 + [DEPTH] * 5 + [RESOLUTIONS]


def _load_hypervolume():
    spec = importlib.util.spec_from_file_location("nsga2_budgets", os.path.join(REPO, "scripts", "nsga2-budgets.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.hypervolume


hypervolume = _load_hypervolume()


def decode(x):
    """Genotype (floats holding integers) -> OFA net setting."""
    v = [opts[int(round(g))] for opts, g in zip(LAYOUT, x)]
    return {"ks": v[0:20], "e": v[20:40], "d": v[40:45], "r": v[45]}


class Predictor:
    """One `ofasearch predict` process per run; each generation is written and read as one batch
    of BATCH lines (short generations are padded with copies of their first line)."""

    BATCH = 50

    def __init__(self, binary, data):
        cmd = [binary, "predict", "--space", "ofa-mbv3-w1.2", "--resolutions", ",".join(map(str, RESOLUTIONS)),
               "--accuracy", os.path.join(data, "predictors", "ofa-tutorial-mlp-w1.2.json"),
               "--latency", os.path.join(data, "latency", "note10"), "--batch-size", str(self.BATCH)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def __call__(self, archs):
        out = []
        for i in range(0, len(archs), self.BATCH):
            chunk = archs[i:i + self.BATCH]
            lines = [json.dumps(a) for a in chunk]
            lines += [lines[0]] * (self.BATCH - len(lines))
            self.proc.stdin.write("\n".join(lines) + "\n")
            self.proc.stdin.flush()
            answers = [json.loads(self.proc.stdout.readline()) for _ in lines]
            out.extend(answers[:len(chunk)])
        return out

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def search(seed, budget, population, predictor):
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.operators.sampling.rnd import IntegerRandomSampling
    from pymoo.optimize import minimize

    log = []  # every evaluation: canonical arch, genotype, latency, accuracy, generation

    class OFAProblem(Problem):
        def __init__(self):
            super().__init__(n_var=len(LAYOUT), n_obj=2, xl=np.zeros(len(LAYOUT)),
                             xu=np.array([len(o) - 1 for o in LAYOUT], dtype=float))
            self.generation = 0

        def _evaluate(self, X, out, *args, **kwargs):
            self.generation += 1
            answers = predictor([decode(x) for x in X])
            F = []
            for x, a in zip(X, answers):
                log.append({"g": self.generation, "x": [int(round(v)) for v in x],
                            "arch": {k: a[k] for k in ("ks", "e", "d", "r")},
                            "latency_ms": a["latency_ms"], "accuracy": a["accuracy"]})
                # DyNAS-T: latency in ms and top-1 in %, negated because pymoo minimises
                F.append([a["latency_ms"], -100.0 * a["accuracy"]])
            out["F"] = np.array(F)

    algorithm = NSGA2(
        pop_size=population,
        sampling=IntegerRandomSampling(),
        crossover=SBX(prob=0.9, eta=15.0, vtype=float, repair=RoundingRepair()),
        mutation=PM(prob=0.02, eta=20.0, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )
    t0 = time.time()
    minimize(OFAProblem(), algorithm, ("n_gen", int(budget / population)), seed=int(seed), verbose=False)
    return log, time.time() - t0


def metrics(points):
    best = []
    for t in TARGETS:
        feasible = [a for c, a in points if c <= t]
        best.append(max(feasible) if feasible else None)
    return hypervolume(points, LO, HI, MIN_ACC), best


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def run(args):
    os.makedirs(args.out, exist_ok=True)
    for budget in args.budgets:
        for seed in args.seeds:
            path = os.path.join(args.out, f"mlp-{budget}-seed{seed}.json")
            if os.path.exists(path):
                continue
            predictor = Predictor(args.bin, args.data)
            log, seconds = search(seed, budget, args.population, predictor)
            predictor.close()
            points = [(e["latency_ms"], e["accuracy"]) for e in log]
            hv, best = metrics(points)
            doc = {"seed": seed, "budget": budget, "population": args.population,
                   "evaluations": len(log), "generations": log[-1]["g"],
                   "distinct_genotypes": len({tuple(e["x"]) for e in log}),
                   "distinct_architectures": len({json.dumps(e["arch"], sort_keys=True) for e in log}),
                   "seconds": seconds, "window_hv": hv,
                   "targets": TARGETS, "best": best}
            with open(path + ".tmp", "w") as f:
                json.dump(doc, f)
            os.replace(path + ".tmp", path)
            if args.keep_evaluations:
                with open(os.path.join(args.out, f"mlp-{budget}-seed{seed}.evals.jsonl"), "w") as f:
                    for e in log:
                        f.write(json.dumps(e) + "\n")
            print(f"budget {budget} seed {seed}: {len(log)} evaluations ({doc['distinct_architectures']} distinct "
                  f"architectures), HV {hv:.3f}, {seconds:.1f} s", file=sys.stderr, flush=True)


def load_ours(folder):
    """ofasearch's runs from scripts/nsga2-budgets.sh: the window HV of its front and the best
    accuracy per target, recomputed exactly as scripts/nsga2-budgets.py does."""
    spec = importlib.util.spec_from_file_location("nsga2_budgets", os.path.join(REPO, "scripts", "nsga2-budgets.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    runs = {}
    for (setup, budget), by_seed in mod.load(folder).items():
        if setup == "mlp":
            runs[budget] = {s: {"window_hv": r["hv"], "best": r["best"], "evaluations": r["evaluations"],
                                "seconds": r["seconds"]} for s, r in by_seed.items()}
    return runs


def load_mine(folder):
    runs = {}
    for name in os.listdir(folder):
        if name.startswith("mlp-") and name.endswith(".json"):
            with open(os.path.join(folder, name)) as f:
                doc = json.load(f)
            runs.setdefault(doc["budget"], {})[doc["seed"]] = doc
    return runs


def ms(xs, d=3):
    return f"{statistics.mean(xs):.{d}f} ± {(statistics.stdev(xs) if len(xs) > 1 else 0.0):.{d}f}"


def table(folder, ours_folder=None, only=None):
    mine = load_mine(folder)
    ours = load_ours(ours_folder) if ours_folder else {}
    head = "| evaluations | seeds | DyNAS-T-style window HV | evaluations made | distinct archs |"
    if ours:
        head += " ofasearch window HV | Δ (ours − DyNAS-T-style) |"
    print(head)
    print("|---:|---:|---:|---:|---:|" + ("---:|---:|" if ours else ""))
    for budget in sorted(mine):
        seeds = sorted(s for s in mine[budget] if (not ours or s in ours.get(budget, {})) and (not only or s in only))
        if not seeds:
            continue
        r = mine[budget]
        hv = [r[s]["window_hv"] for s in seeds]
        row = (f"| {budget} | {len(seeds)} | {ms(hv)} | {statistics.mean(r[s]['evaluations'] for s in seeds):.0f} |"
               f" {statistics.mean(r[s]['distinct_architectures'] for s in seeds):.0f} |")
        if ours and budget in ours:
            ohv = [ours[budget][s]["window_hv"] for s in seeds]
            row += f" {ms(ohv)} | {statistics.mean(ohv) - statistics.mean(hv):+.3f} |"
        print(row)
    print()
    for budget in sorted(mine):
        seeds = sorted(s for s in mine[budget] if (not ours or s in ours.get(budget, {})) and (not only or s in only))
        if not seeds:
            continue
        r = mine[budget]
        print(f"{budget} evaluations, best accuracy per target (%), mean over seeds {seeds}")
        print("| row | " + " | ".join(f"{t} ms" for t in TARGETS) + " |")
        print("|---|" + "---:|" * len(TARGETS))

        def mean_col(rows, i):
            vals = [x["best"][i] for x in rows if x["best"][i] is not None]
            return (statistics.mean(vals) * 100 if vals else None), len(rows) - len(vals)

        def fmt(cell):
            v, missing = cell
            return "—" if v is None else f"{v:.3f}" + (f" ({missing} seed{'s' if missing > 1 else ''} none)" if missing else "")

        dm = [mean_col([r[s] for s in seeds], i) for i in range(len(TARGETS))]
        print("| DyNAS-T-style | " + " | ".join(fmt(c) for c in dm) + " |")
        sds = []
        for i in range(len(TARGETS)):
            vals = [r[s]["best"][i] * 100 for s in seeds if r[s]["best"][i] is not None]
            sds.append(f"{statistics.stdev(vals):.3f}" if len(vals) > 1 else "—")
        print("| DyNAS-T-style sd | " + " | ".join(sds) + " |")
        if ours and budget in ours:
            o = ours[budget]
            print("| ofasearch | " + " | ".join(fmt(mean_col([o[s] for s in seeds], i)) for i in range(len(TARGETS))) + " |")
            deltas = []
            for i in range(len(TARGETS)):
                both = [s for s in seeds if r[s]["best"][i] is not None and o[s]["best"][i] is not None]
                d = statistics.mean(o[s]["best"][i] - r[s]["best"][i] for s in both) * 100 if both else None
                deltas.append("—" if d is None else f"{d:+.3f}" + ("" if len(both) == len(seeds) else f" ({len(both)} seeds)"))
            print("| Δ points (ours − DyNAS-T-style) | " + " | ".join(deltas) + " |")
        print()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-5"))
    p.add_argument("--budgets", type=lambda s: [int(b) for b in s.split(",")], default=[1000, 5000, 25000])
    p.add_argument("--population", type=int, default=50)
    p.add_argument("--out", help="folder for one JSON per (budget, seed); existing runs are kept")
    p.add_argument("--bin", default=os.environ.get("BIN", os.path.join(REPO, ".build", "release", "ofasearch")))
    p.add_argument("--data", default=os.environ.get("OFA_DATA", os.path.join(REPO, "..", "shared", "ofa-data")))
    p.add_argument("--keep-evaluations", action="store_true", help="also write every evaluation (JSON Lines)")
    p.add_argument("--table", metavar="DIR", help="print the table of the runs in DIR")
    p.add_argument("--ours", metavar="DIR", help="with --table: ofasearch's runs (scripts/nsga2-budgets.sh)")
    p.add_argument("--table-seeds", type=parse_seeds, help="with --table: only these seeds")
    args = p.parse_args()
    if args.out:
        run(args)
    if args.table or args.out:
        table(args.table or args.out, args.ours, args.table_seeds or (args.seeds if args.out else None))


if __name__ == "__main__":
    main()
