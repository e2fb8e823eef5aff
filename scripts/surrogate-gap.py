#!/usr/bin/env python3
"""Gap to the reference optima for experiments/surrogate.yaml (docs/surrogate.md).

Reads OUT/runs.jsonl of `ofasearch run experiments/surrogate.yaml --out OUT` and prints, per
strategy, the evaluations per seed (OFA's count, repeats included, and the distinct architectures,
summed over the seed's runs) and the gap = reference − best evaluated accuracy, in top-1 points, per target
as mean ± standard deviation over seeds (and the worst seed), and the worst target's mean gap.

usage: surrogate-gap.py OUT [--reference 15=78.79989,20=80.78912,25=82.2225,30=83.1871]
The default reference is the best any search of the project has found (docs/surrogate.md).
"""
import argparse, json, statistics, sys
from collections import defaultdict

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--reference", default="15=78.79989,20=80.78912,25=82.2225,30=83.1871",
                help="TARGET=TOP1 in %%, comma-separated")
args = ap.parse_args()
reference = {float(k): float(v) for k, v in (item.split("=") for item in args.reference.split(","))}

gaps = defaultdict(lambda: defaultdict(list))   # strategy -> target -> [gap]
runs_of = defaultdict(dict)                      # strategy -> run -> (seed, requests, distinct)
with open(args.out + "/runs.jsonl") as f:
    for line in f:
        r = json.loads(line)
        t = float(r["target"])
        if t not in reference or r.get("accuracy") is None:
            continue
        gaps[r["strategy"]][t].append(reference[t] - 100 * r["accuracy"])
        runs_of[r["strategy"]][r["run"]] = (r["seed"], r["run_evaluations"], r["run_unique_archs"])

def spread(xs):
    return statistics.stdev(xs) if len(xs) > 1 else 0.0

print("| strategy | evaluations per seed (distinct) | " + " | ".join(f"{t:g} ms gap" for t in sorted(reference)) + " | worst target |")
print("|---|---:|" + "---|" * len(reference) + "---:|")
for strategy, by_target in gaps.items():
    per_seed = defaultdict(lambda: [0, 0])
    for seed, requests, distinct in runs_of[strategy].values():
        per_seed[seed][0] += requests; per_seed[seed][1] += distinct
    requests = statistics.mean(v[0] for v in per_seed.values()); distinct = statistics.mean(v[1] for v in per_seed.values())
    cells, means = [], []
    for t in sorted(reference):
        g = by_target.get(t, [])
        if not g:
            cells.append("–"); continue
        means.append((statistics.mean(g), t))
        cells.append(f"{statistics.mean(g):.3f} ± {spread(g):.3f} (max {max(g):.3f})")
    worst = max(means) if means else (float("nan"), 0)
    print(f"| {strategy} | {requests:,.0f} ({distinct:,.0f}) | " + " | ".join(cells) + f" | {worst[0]:.3f} ({worst[1]:g} ms) |")
