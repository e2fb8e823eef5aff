#!/usr/bin/env python3
"""Preview: does a look-up table profiled with the ONNX Runtime evaluator's layer requests add up
to the end-to-end latency of whole subnets? For N random subnets of a space: each subnet's
end-to-end median, and the sum of the medians of its layer keys (OFA's composition: Conv, the
first expanded_conv, every active block, Conv_1, AvgPool2D, Conv_2, Logits), each key timed once
as a one-layer graph (exactly what a {"layers": [...]} request does).

    .venv/bin/python scripts/evaluators/ort_layer_sum_preview.py --subnets 30 [--lut predictors/cpu-lut-w1.0]

Also times a one-node graph to estimate the per-call overhead of a session run (paid once by an
end-to-end run, once per layer by the sum) and reports the sum with it removed. Summary JSON on
standard output; progress on standard error.
"""
import argparse
import json
import os
import random
import sys
import time

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ort_evaluator as ev  # noqa: E402
from check_ort_counts import random_arch  # noqa: E402


def kendall_tau(a, b):
    n, s = len(a), 0
    for i in range(n):
        for j in range(i + 1, n):
            s += np.sign(a[i] - a[j]) * np.sign(b[i] - b[j])
    return float(s) / (n * (n - 1) / 2)


def overhead_model():
    node = helper.make_node("Relu", ["input"], ["out"])
    g = helper.make_graph([node], "overhead", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 1, 1])],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 1, 1, 1])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", ev.OPSET)])
    m.ir_version = ev.IR_VERSION
    return m


def lut_keys(folder, r):
    path = os.path.join(folder, "%d_lookup_table.yaml" % r)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return {line.rstrip().rstrip(":") for line in f if line[:1].isalpha()}


def load():
    try:
        return [float(x) for x in os.getloadavg()]
    except OSError:
        return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--space", default="ofa-mbv3-w1.0")
    p.add_argument("--subnets", type=int, default=30)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--clock", choices=["wall", "thread-cpu"], default="wall")
    p.add_argument("--lut", help="an OFA-format table folder whose keys the subnets' keys must be found in")
    p.add_argument("--details", help="write one JSON line per subnet here")
    args = p.parse_args()

    timer = ev.Timer(args.threads, args.warmup, args.repeats, clock=args.clock)
    rng = random.Random("%d:%s" % (args.seed, args.space))
    archs = [random_arch(args.space, rng) for _ in range(args.subnets)]
    t_start, load_start = time.time(), load()
    overhead = [timer.time(overhead_model())[0]]
    layer_ms, rows, missing = {}, [], 0
    for i, a in enumerate(archs):
        model, layers = ev.subnet_model(args.space, a)
        measured = timer.time(model)[0]
        keys = [L.key() for L in layers]
        if args.lut:
            known = lut_keys(args.lut, a["r"])
            missing += sum(k not in known for k in keys) if known is not None else 0
        for k in keys:
            if k not in layer_ms:
                layer_ms[k] = timer.time(ev.layer_model(k)[0])[0]
        summed = sum(layer_ms[k] for k in keys)
        rows.append({"arch": a, "measured_ms": measured, "summed_ms": summed, "layers": len(keys)})
        print("subnet %d/%d r%d: measured %.3f ms, layer sum %.3f ms (%d layers, %d keys timed so far)"
              % (i + 1, len(archs), a["r"], measured, summed, len(keys), len(layer_ms)), file=sys.stderr, flush=True)
    overhead.append(timer.time(overhead_model())[0])
    ov = float(np.median(overhead))

    def agreement(pred):
        m = np.array([r["measured_ms"] for r in rows])
        s = np.array(pred)
        ratio = m / s
        err = s / m - 1
        return {"ratio_measured_over_summed": {"median": round(float(np.median(ratio)), 4),
                                               "min": round(float(ratio.min()), 4), "max": round(float(ratio.max()), 4)},
                "within_10pct": round(float(np.mean(np.abs(err) <= 0.10)), 4),
                "within_5pct": round(float(np.mean(np.abs(err) <= 0.05)), 4),
                "kendall_tau": round(kendall_tau(m, s), 4)}

    summary = {
        "space": args.space, "subnets": len(rows), "seed": args.seed, "threads": args.threads, "clock": args.clock,
        "warmup": args.warmup, "repeats": args.repeats, "distinct_layer_keys": len(layer_ms),
        "keys_missing_from_lut": missing if args.lut else None,
        "mean_measured_ms": round(float(np.mean([r["measured_ms"] for r in rows])), 4),
        "mean_summed_ms": round(float(np.mean([r["summed_ms"] for r in rows])), 4),
        "run_overhead_ms": round(ov, 4),
        "raw_sum": agreement([r["summed_ms"] for r in rows]),
        "sum_minus_overhead": agreement([r["summed_ms"] - (r["layers"] - 1) * ov for r in rows]),
        "seconds": round(time.time() - t_start, 1), "load_average_start": load_start, "load_average_end": load(),
    }
    if args.details:
        with open(args.details, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
