#!/usr/bin/env python3
"""The table of scripts/nsga2-budgets.sh: per setup and budget, the window hypervolume of the
NSGA-II front (mean ± sd over seeds) and each target's best accuracy; with a second folder, the
deltas against it (a baseline run of another binary).

    python3 scripts/nsga2-budgets.py OUT [BASELINE]

The hypervolume is recomputed here from the front's points, exactly as Hypervolume.area does:
the area (cost in ms × accuracy as a fraction) of {(t, a): LO ≤ t ≤ HI, 0.70 ≤ a ≤ best accuracy
of a front point costing ≤ t}; window [15, 60] ms for the mlp setup, [4, 13] ms for xgb.
"""
import glob, json, os, re, statistics, sys

WINDOWS = {"mlp": (15.0, 60.0, 0.70), "xgb": (4.0, 13.0, 0.70)}


def hypervolume(points, lo, hi, min_acc):
    ps = sorted((c, a) for c, a in points if c <= hi)
    area, best = 0.0, min_acc
    for i, (c, a) in enumerate(ps):
        best = max(best, a)
        x0, x1 = max(c, lo), min(ps[i + 1][0] if i + 1 < len(ps) else hi, hi)
        if x1 > x0:
            area += (x1 - x0) * (best - min_acc)
    return area


def front_points(doc):
    metric = doc.get("metric", "latency_ms")
    if isinstance(doc.get("front"), dict):          # the front result (issue 16)
        pts = doc["front"]["points"]
    else:                                           # before: per-result pareto_front
        pts = doc["results"][0]["pareto_front"]
    return [(p[metric], p["accuracy"]) for p in pts]


def load(folder):
    runs = {}
    for path in glob.glob(os.path.join(folder, "*-seed*.json")):
        m = re.match(r"(\w+)-(\d+)-seed(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            doc = json.load(f)
        setup, budget, seed = m.group(1), int(m.group(2)), int(m.group(3))
        lo, hi, acc = WINDOWS[setup]
        metric = doc.get("metric", "latency_ms")
        targets = [r["target"] for r in doc["results"]]
        best = [r["accuracy"] for r in doc["results"]]
        runs.setdefault((setup, budget), {})[seed] = {
            "hv": hypervolume(front_points(doc), lo, hi, acc), "targets": targets, "best": best,
            "seconds": doc["seconds"], "evaluations": doc["evaluations"]}
    return runs


def ms(xs, digits=3, scale=1.0):
    xs = [x * scale for x in xs]
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return f"{statistics.mean(xs):.{digits}f} ± {sd:.{digits}f}"


def main(folder, baseline=None):
    runs, base = load(folder), load(baseline) if baseline else {}
    print(f"| setup | evaluations | seeds | window HV | {'baseline HV | Δ HV | ' if base else ''}s per run |")
    print("|---|---:|---:|---:|" + ("---:|---:|" if base else "") + "---:|")
    for key in sorted(runs):
        r = runs[key]
        seeds = sorted(r)
        hv = [r[s]["hv"] for s in seeds]
        row = f"| {key[0]} | {key[1]} | {len(seeds)} | {ms(hv, 3)} |"
        if base and key in base:
            bhv = [base[key][s]["hv"] for s in seeds if s in base[key]]
            row += f" {ms(bhv, 3)} | {statistics.mean(hv) - statistics.mean(bhv):+.3f} |"
        elif base:
            row += " — | — |"
        print(row + f" {statistics.mean(r[s]['seconds'] for s in seeds):.3f} |")
    print()
    for key in sorted(runs):
        r = runs[key]
        seeds = sorted(r)
        targets = r[seeds[0]]["targets"]
        print(f"{key[0]}, {key[1]} evaluations: best accuracy per target, % (mean over {len(seeds)} seeds)"
              + (", Δ points vs baseline" if base and key in base else ""))
        print("| " + " | ".join(f"{t:g}" for t in targets) + " |")
        print("|" + "---:|" * len(targets))
        mean = [statistics.mean(r[s]["best"][i] for s in seeds) * 100 for i in range(len(targets))]
        print("| " + " | ".join(f"{m:.3f}" for m in mean) + " |")
        if base and key in base:
            b = base[key]
            bmean = [statistics.mean(b[s]["best"][i] for s in seeds if s in b) * 100 for i in range(len(targets))]
            print("| " + " | ".join(f"{m - q:+.3f}" for m, q in zip(mean, bmean)) + " |")
        print()


if __name__ == "__main__":
    main(*sys.argv[1:3])
