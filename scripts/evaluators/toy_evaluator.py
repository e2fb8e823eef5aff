#!/usr/bin/env python3
"""A toy ofasearch evaluator: the protocol in its smallest form, and the misbehaving workers the
conformance tests need (--mode). Standard library only.

Protocol (docs/evaluators.md): print one handshake line, then answer each request line
{"id": N, "space": S, "archs": [{ks, e, d, r}, ...]} with {"id": N, "results": [{"value": v}, ...]}.

    python3 scripts/evaluators/toy_evaluator.py --metric latency_ms
"""
import argparse
import json
import os
import re
import sys
import time


def toy_value(arch, metric):
    """A deterministic stand-in that grows with every choice of the active blocks."""
    size = 0.0
    for unit, depth in enumerate(arch["d"]):
        for j in range(depth):
            b = unit * 4 + j
            size += arch["ks"][b] * arch["e"][b] * (1 + 0.2 * unit)
    scale = (arch["r"] / 224.0) ** 2
    if metric == "accuracy":
        return round(0.6 + 0.2 * size / (size + 300.0) + 0.0004 * (arch["r"] - 128), 6)
    return round(1.0 + scale * size / 50.0, 6)


def toy_layer_value(key):
    """A deterministic positive stand-in for a layer's latency: its shape numbers, scaled."""
    numbers = [int(n) for n in re.findall(r"\d+", key)]
    return round(0.001 + sum(numbers) / 100000.0, 6)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metric", choices=["accuracy", "latency_ms"], default="latency_ms")
    parser.add_argument("--mode", default="ok",
                        choices=["ok", "crash", "crash-once", "hang", "garbage", "nan", "negative", "wrong-id",
                                 "noise", "slow", "error", "no-hello", "bad-hello"])
    parser.add_argument("--state", help="a file marking that crash-once already crashed")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds per request (slow)")
    parser.add_argument("--log", help="append every architecture measured to this file")
    args = parser.parse_args()
    out = sys.stdout

    if args.mode == "no-hello":
        time.sleep(3600)
    hello = {"protocol": "ofasearch-evaluator/1", "name": "toy", "metric": args.metric,
             "device": "this machine", "version": "1"}
    if args.mode == "bad-hello":
        hello["protocol"] = "something-else/9"
    print(json.dumps(hello), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if "layers" in request:
            # Layer requests (lut profile --evaluator): a stand-in that grows with the key's numbers.
            results = [{"value": toy_layer_value(key), "spread": 0.0, "repeats": 1} for key in request["layers"]]
            print(json.dumps({"id": request["id"], "results": results}), flush=True)
            continue
        archs = request["archs"]
        if args.log:
            with open(args.log, "a") as f:
                for a in archs:
                    f.write(json.dumps(a) + "\n")
        if args.mode == "crash":
            print("toy: simulated crash (CUDA error: out of memory)", file=sys.stderr, flush=True)
            os._exit(3)
        if args.mode == "crash-once" and args.state and not os.path.exists(args.state):
            open(args.state, "w").close()
            print("toy: crashing once", file=sys.stderr, flush=True)
            os._exit(3)
        if args.mode == "hang":
            time.sleep(3600)
        if args.mode == "slow":
            time.sleep(args.delay)
        if args.mode == "noise":
            print("epoch 1/1 [=====>    ] validating...", flush=True)
        results = [{"value": toy_value(a, args.metric), "spread": 0.0, "repeats": 1} for a in archs]
        rid = request["id"]
        if args.mode == "garbage":
            out.write("{this is not json\n")
            out.flush()
            continue
        if args.mode == "nan":
            out.write('{"id": %d, "results": [%s]}\n' % (rid, ", ".join('{"value": NaN}' for _ in archs)))
            out.flush()
            continue
        if args.mode == "negative":
            results = [{"value": -1.5} for _ in archs]
        if args.mode == "wrong-id":
            rid += 1000
        if args.mode == "error":
            results[0] = {"error": "subnet does not fit in device memory"}
        print(json.dumps({"id": rid, "results": results}), flush=True)


if __name__ == "__main__":
    main()
