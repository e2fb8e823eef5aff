#!/usr/bin/env python3
"""Checks the fuzzer's oracle against a fake ofasearch that misbehaves on purpose, one way per
subcommand: the fuzz run must report every category. Takes ~40 s; no Swift build needed.

    python3 scripts/fuzz/selftest.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

FAKE = r'''#!/usr/bin/env python3
import os, signal, sys, time
cmd = sys.argv[1]
if cmd == "predict":        # non-finite and out-of-range output with exit 0
    print('{"accuracy": NaN, "latency_ms": -1}')
    sys.exit(0)
elif cmd == "search":       # a hang
    time.sleep(600)
elif sys.argv[2:3] == ["eval"]:   # a crash (predictor train falls through to an unreadable error)
    os.kill(os.getpid(), signal.SIGSEGV)
elif cmd == "run":          # writes beside the output folder and into the inputs
    open("out/../escaped.txt", "w").write("x")
    open("../fz-escape-selftest", "w").write("x")   # beside the case folder
    open("in/m.yaml", "a").write("x")
    print("1 run(s) done")
    sys.exit(0)
sys.stderr.write("Fatal error: Unexpectedly found nil\n")
sys.exit(1)
'''
EXPECTED = {"non-finite", "out-of-range", "hang", "signal", "wrote-outside", "bad-error"}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ofasearch-fuzz-selftest-") as tmp:
        fake = Path(tmp) / "fake-ofasearch"
        fake.write_text(FAKE)
        fake.chmod(0o755)
        out = Path(tmp) / "out"
        proc = subprocess.run([sys.executable, str(HERE / "fuzz.py"), "--binary", str(fake), "--seed", "7", "--cases", "40",
                               "--timeout-scale", "0.05", "--out", str(out)], capture_output=True, text=True)
        summary = json.loads((out / "summary.json").read_text())
        seen = {d["category"] for d in summary["distinct_findings"]}
        problems = []
        if proc.returncode != 1:
            problems.append(f"exit status {proc.returncode}, expected 1 (findings)")
        if not EXPECTED <= seen:
            problems.append(f"categories missing: {sorted(EXPECTED - seen)}")
        escapes = [d for d in summary["distinct_findings"] if d["category"] == "wrote-outside" and "cases:" in d["key"]]
        if not escapes or not any((Path(r) / "escaped").is_dir() for d in escapes for r in d["reproducers"]):
            problems.append("a write beside the case folder not seen or not collected into escaped/")
        repro = [d["reproducers"][0] for d in summary["distinct_findings"] if d["reproducers"]]
        if not repro or not all((Path(r) / "cmd.sh").exists() for r in repro):
            problems.append("a finding without a reproducer (cmd.sh)")
        for p in problems:
            print("selftest: " + p, file=sys.stderr)
        print(f"selftest: {'FAILED' if problems else 'ok'}; categories seen: {', '.join(sorted(seen))}")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
