#!/usr/bin/env python3
"""Aggregates the JSON of scripts/multitarget-bench.sh into markdown tables: per target and
strategy, mean ± std of accuracy, latency, time and evaluations; the speedup over Independent for
the first K targets of each sweep; hypervolumes.

    python3 scripts/multitarget-table.py out/multitarget
"""
import glob, json, os, re, statistics, sys

REF_COST, REF_ACC, FLOOR = 60.0, 0.70, 15.0
STRATEGIES = [("independent-improved", "Independent"), ("bottom-up-paper", "Bottom-up (paper)"),
              ("bottom-up-improved", "Bottom-up (improved)"),
              ("top-down-paper", "Top-down (paper)"), ("top-down-improved", "Top-down (improved)"),
              ("nsga2-improved", "NSGA-II front")]


def ms(xs, scale=1.0, digits=3):
    xs = [x * scale for x in xs]
    if not xs:
        return "—"
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return f"{statistics.mean(xs):.{digits}f} ± {sd:.{digits}f}"


def hypervolume(points):
    """Area dominated within latency [FLOOR, REF_COST] and accuracy above REF_ACC."""
    ps = sorted((c, a) for c, a in points if c <= REF_COST)
    area, best = 0.0, REF_ACC
    for i, (c, a) in enumerate(ps):
        best = max(best, a)
        lo, hi = max(c, FLOOR), min(ps[i + 1][0] if i + 1 < len(ps) else REF_COST, REF_COST)
        if hi > lo:
            area += (hi - lo) * (best - REF_ACC)
    return area


def front_points(doc):
    """The front's points: the top-level front result (issue 16), or the first result's
    pareto_front of earlier outputs; empty without either."""
    if isinstance(doc.get("front"), dict):
        return doc["front"].get("points", [])
    return doc["results"][0].get("pareto_front", [])


def main(folder):
    runs = {}
    for path in glob.glob(os.path.join(folder, "*-seed*.json")):
        m = re.match(r"(.*)-seed(\d+)\.json$", os.path.basename(path))
        with open(path) as f:
            runs.setdefault(m.group(1), {})[int(m.group(2))] = json.load(f)
    present = [(k, name) for k, name in STRATEGIES if k in runs]
    if "independent-improved" not in runs:
        sys.exit("no independent runs in " + folder)
    seeds = sorted(runs["independent-improved"])
    targets = [r["target"] for r in runs["independent-improved"][seeds[0]]["results"]]
    print(f"ofa-mbv3-w1.2 @ 160..224, OFA MLP, note10 LUT; targets {targets[0]:g}..{targets[-1]:g} ms; "
          f"{len(seeds)} seeds; release build, 1 thread. Accuracy in %, Δ in points vs Independent.\n")

    def per_target(key, i, field):
        return [runs[key][s]["results"][i][field] for s in seeds if s in runs[key]]

    print("| target | strategy | accuracy % | Δ pts | latency ms | time s | evaluations |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    worst = {}
    for i, t in enumerate(targets):
        base = statistics.mean(per_target("independent-improved", i, "accuracy"))
        for key, name in present:
            acc = per_target(key, i, "accuracy")
            gap = (statistics.mean(acc) - base) * 100
            if key != "independent-improved":
                worst[key] = min(worst.get(key, 0.0), gap)
            single = key.startswith("nsga2")
            print(f"| {t:g} | {name} | {ms(acc, 100)} | {gap:+.3f} | {ms(per_target(key, i, 'latency_ms'), 1, 2)} | "
                  f"{'—' if single else ms(per_target(key, i, 'seconds'))} | "
                  f"{'—' if single else round(statistics.mean(per_target(key, i, 'evaluations')))} |")

    print("\nWorst per-target gap of the mean accuracy vs Independent (points; ≥ −0.1 required): " +
          ", ".join(f"{name} {worst[k]:+.3f}" for k, name in present if k in worst))

    # Speedup for the first K targets of each sweep (its processing order) against Independent on
    # the same targets: sums over seeds of stage seconds and of stage evaluations.
    ks = [k for k in (1, 2, 3, 4, 5, 10) if k <= len(targets)]
    print("\n| strategy | total s | evaluations | predictor calls | " +
          " | ".join(f"K={k}" for k in ks) + " | evaluations K=10 |")
    print("|---|---:|---:|---:|" + "---:|" * (len(ks) + 1))
    indep = runs["independent-improved"]
    for key, name in present:
        tot = [runs[key][s]["seconds"] for s in seeds if s in runs[key]]
        ev = [runs[key][s]["evaluations"] for s in seeds if s in runs[key]]
        calls = [runs[key][s]["predictor_calls"] for s in seeds if s in runs[key]]
        cells = []
        for k in ks:
            if key.startswith("nsga2"):
                cells.append("—")
                continue
            num = den = 0.0
            for s in seeds:
                if s not in runs[key]:
                    continue
                order = runs[key][s]["order"][:k]
                idx = [targets.index(t) for t in order]
                den += sum(runs[key][s]["results"][j]["seconds"] for j in idx)
                num += sum(indep[s]["results"][j]["seconds"] for j in idx)
            cells.append(f"{num / den:.2f}x")
        evk = statistics.mean(indep[s]["evaluations"] for s in seeds) / statistics.mean(ev)
        print(f"| {name} | {ms(tot)} | {round(statistics.mean(ev))} | {round(statistics.mean(calls))} | " +
              " | ".join(cells) + f" | {evk:.3f}x |")
    tot_i = sum(indep[s]["seconds"] for s in seeds)
    print("\nK=10 by whole-sweep wall time (pruning and feasibility check included): " + ", ".join(
        f"{name} {tot_i / sum(runs[k][s]['seconds'] for s in seeds):.2f}x" for k, name in present
        if k != "independent-improved" and all(s in runs[k] for s in seeds)))

    print(f"\nHypervolume (latency window [{FLOOR:g}, {REF_COST:g}] ms, accuracy above {REF_ACC:.2f}; "
          "ms × accuracy fraction), mean ± std over seeds:")
    print("\n| strategy | HV of the 10 answers | HV of the whole front |")
    print("|---|---:|---:|")
    for key, name in present:
        answers = [hypervolume([(r["latency_ms"], r["accuracy"]) for r in runs[key][s]["results"]]) for s in seeds if s in runs[key]]
        fronts = [hypervolume([(p["latency_ms"], p["accuracy"]) for p in front_points(runs[key][s])])
                  for s in seeds if s in runs[key] and front_points(runs[key][s])]
        print(f"| {name} | {ms(answers, 1, 4)} | {ms(fronts, 1, 4) if fronts else '—'} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/multitarget")
