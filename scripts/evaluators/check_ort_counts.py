#!/usr/bin/env python3
"""Check that the ONNX graphs ort_evaluator.py builds are OFA's subnets: MACs and parameters
counted from each graph (OFA profile / fvcore conventions, see count_macs_params) against
`ofasearch predict --macs --params` for random subnets of every space.

    .venv/bin/python scripts/evaluators/check_ort_counts.py [--binary .build/release/ofasearch] [--samples 200]

Exit status 0 when every subnet of every space agrees exactly. Progress on standard error, the
summary (one JSON line per space) on standard output.
"""
import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ort_evaluator as ev  # noqa: E402

RESOLUTIONS = {"1.0": list(range(128, 225, 4)), "1.2": list(range(160, 225, 4))}
COMPOFA_KERNELS = [3, 5, 3, 3, 5]           # CompOFA's fixed-kernel supernet, per unit
COMPOFA_EXPAND = {2: 3, 3: 4, 4: 6}         # CompOFA: a unit's depth fixes its expand ratio


def random_arch(space, rng):
    w = space.rsplit("-w", 1)[1]
    d = [rng.choice([2, 3, 4]) for _ in range(ev.UNITS)]
    ks, e = [], []
    for u in range(ev.UNITS):
        for j in range(ev.MAX_DEPTH):
            if space.startswith("ofa-"):
                ks.append(rng.choice([3, 5, 7]))
                e.append(rng.choice([3, 4, 6]))
            else:
                ks.append(COMPOFA_KERNELS[u] if space.startswith("compofa-mbv3") else rng.choice([3, 5, 7]))
                e.append(COMPOFA_EXPAND[d[u]])
    # canonical form: skipped blocks repeat the unit's last active block
    for u in range(ev.UNITS):
        last = u * ev.MAX_DEPTH + d[u] - 1
        for j in range(d[u], ev.MAX_DEPTH):
            ks[u * ev.MAX_DEPTH + j], e[u * ev.MAX_DEPTH + j] = ks[last], e[last]
    return {"ks": ks, "e": e, "d": d, "r": rng.choice(RESOLUTIONS[w])}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=".build/release/ofasearch")
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--spaces", default=",".join(ev.SPACES))
    args = p.parse_args()
    failures = 0
    for space in args.spaces.split(","):
        rng = random.Random("%d:%s" % (args.seed, space))
        archs = [random_arch(space, rng) for _ in range(args.samples)]
        out = subprocess.run([args.binary, "predict", "--space", space, "--macs", "--params"],
                             input="".join(json.dumps(a) + "\n" for a in archs), capture_output=True, text=True)
        if out.returncode != 0:
            print("%s: ofasearch predict failed: %s" % (space, out.stderr.strip()), file=sys.stderr)
            failures += 1
            continue
        predicted = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        assert len(predicted) == len(archs)
        diffs = []
        for a, pr in zip(archs, predicted):
            if (pr["ks"], pr["e"], pr["d"], pr["r"]) != (a["ks"], a["e"], a["d"], a["r"]):
                diffs.append({"arch": a, "problem": "ofasearch canonicalised it differently", "ofasearch": pr})
                continue
            model, _ = ev.subnet_model(space, a)
            macs, params = ev.count_macs_params(model)
            if (macs, params) != (pr["macs"], pr["params"]):
                diffs.append({"arch": a, "onnx": [macs, params], "ofasearch": [pr["macs"], pr["params"]],
                              "delta": [macs - pr["macs"], params - pr["params"]]})
        failures += bool(diffs)
        for d in diffs[:5]:
            print("%s: %s" % (space, json.dumps(d)), file=sys.stderr)
        macs_all = [pr["macs"] for pr in predicted]
        print(json.dumps({"space": space, "subnets": len(archs), "equal": len(archs) - len(diffs),
                          "different": len(diffs), "macs_range_M": [round(min(macs_all) / 1e6, 1),
                                                                    round(max(macs_all) / 1e6, 1)]}), flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
