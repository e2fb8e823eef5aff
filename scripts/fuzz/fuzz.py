#!/usr/bin/env python3
"""Fuzz ofasearch with mutated architectures, latency tables, models, datasets, manifests and
command-line numbers; see docs/fuzz.md.

    python3 scripts/fuzz/fuzz.py --binary .build/release/ofasearch --seed 1 --cases 100000 --seconds 600 --jobs 2 --out out/fuzz

Stops at whichever of --cases / --seconds comes first. Case i of seed s is the same input whatever
--jobs is and whatever ran before it. Exit status 1 when any case has a finding."""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzlib import (corpus_arch, corpus_cli, corpus_dataset, corpus_lut, corpus_manifest,  # noqa: E402
                     corpus_mlp, corpus_xgboost, report, runner)
from fuzzlib.case import Context, shared_data  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ALL_CORPORA = (corpus_arch, corpus_lut, corpus_xgboost, corpus_mlp, corpus_dataset, corpus_manifest, corpus_cli)

_worker_cfg: runner.Config | None = None


def _init_worker(cfg: runner.Config) -> None:
    global _worker_cfg
    _worker_cfg = cfg


def _work(index: int) -> runner.Outcome:
    return runner.run_case(_worker_cfg, index)


def fingerprint(paths: list[Path]) -> dict[str, tuple]:
    """Sizes and times of the originals the fuzzer reads: the run must leave them alone."""
    out = {}
    for base in paths:
        for root, _, files in os.walk(base):
            for name in files:
                p = os.path.join(root, name)
                st = os.lstat(p)
                out[p] = (st.st_size, st.st_mtime_ns)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(REPO / ".build/release/ofasearch"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="first case index (to resume or replay one case)")
    ap.add_argument("--out", default=str(REPO / "out/fuzz"))
    ap.add_argument("--corpus", action="append", help="only these corpora (repeatable)")
    ap.add_argument("--keep", type=int, default=3, help="reproducers kept per distinct finding")
    ap.add_argument("--timeout-scale", type=float, default=1.0, help="multiply every case's timeout")
    ap.add_argument("--no-fork-server", action="store_true",
                    help="start the binary for every case instead of forking a loaded one (slower; the same oracle)")
    args = ap.parse_args()

    binary = Path(args.binary).resolve()
    if not os.access(binary, os.X_OK):
        print(f"fuzz: no executable at {binary} (build it: swift build -c release --product ofasearch)", file=sys.stderr)
        return 2
    ctx = Context(REPO, shared_data(REPO))
    corpora = [c for c in ALL_CORPORA if not args.corpus or c.NAME in args.corpus]
    skipped = []
    if ctx.shared is None:
        print("fuzz: ../shared/ofa-data not found: note10, i7 and measured-row inputs left out", file=sys.stderr)
        skipped = ["note10 / i7 tables, measured dataset rows (shared data absent)"]
    if not corpora:
        print("fuzz: no corpus selected", file=sys.stderr)
        return 2

    out = Path(args.out).resolve()
    if (out / "findings").exists():
        shutil.rmtree(out / "findings")
    pending = out / "findings" / "pending"
    pending.mkdir(parents=True)
    work = Path(tempfile.mkdtemp(prefix="ofasearch-fuzz-"))
    (work / "cases").mkdir()
    cfg = runner.Config(binary, args.seed, work, pending, ctx, tuple(corpora), args.timeout_scale,
                        fork_server=not args.no_fork_server)
    originals = [REPO / "predictors", REPO / "experiments"] + ([ctx.shared] if ctx.shared else [])
    before = fingerprint(originals)

    tally = report.Tally()
    # One line per case, in completion order: what ran and how it ended (jobs do not change it).
    log = (out / "cases.jsonl").open("w")
    progress = sys.stderr.isatty()
    start = time.monotonic()
    deadline = start + args.seconds
    indices = iter(range(args.start, args.start + args.cases))

    def record(o: runner.Outcome) -> None:
        tally.add(o, args.keep, out / "findings")
        log.write(json.dumps({"index": o.index, "corpus": o.corpus, "command": o.command, "status": o.status,
                              "returncode": o.returncode, "findings": [f.category for f in o.findings],
                              "seconds": o.seconds, "mutation": o.mutation[:200]}) + "\n")
        if progress:
            print(f"\r{tally.cases} cases, {tally.findings} with findings, {time.monotonic() - start:.0f} s", end="",
                  file=sys.stderr, flush=True)

    try:
        if args.jobs <= 1:
            for i in indices:
                if time.monotonic() >= deadline:
                    break
                record(runner.run_case(cfg, i))
        else:
            with cf.ProcessPoolExecutor(args.jobs, initializer=_init_worker, initargs=(cfg,)) as pool:
                # A bounded window of cases in flight, so the time limit stops submission promptly.
                running = set()
                exhausted = False
                while running or not exhausted:
                    while not exhausted and len(running) < 2 * args.jobs and time.monotonic() < deadline:
                        i = next(indices, None)
                        if i is None:
                            exhausted = True
                        else:
                            running.add(pool.submit(_work, i))
                    if time.monotonic() >= deadline:
                        exhausted = True
                    if not running:
                        break
                    done, running = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        record(fut.result())
    except KeyboardInterrupt:
        print("\nfuzz: interrupted; summarising the cases done", file=sys.stderr)
    finally:
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    if progress:
        print(file=sys.stderr)

    after = fingerprint(originals)
    if before != after:
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        print("fuzz: originals changed during the run: " + ", ".join(changed[:10]), file=sys.stderr)
        tally.per_corpus["(originals)"]["wrote-outside"] += len(changed)
        tally.per_corpus["(originals)"]["finding"] += 1
    shutil.rmtree(pending, ignore_errors=True)

    wall = time.monotonic() - start
    meta = {"binary": str(binary), "seed": args.seed, "start": args.start, "jobs": args.jobs, "wall_seconds": round(wall, 1),
            "cases_per_second": round(tally.cases / wall, 3) if wall else 0, "corpora": [c.NAME for c in corpora],
            "skipped": skipped, "shared": str(ctx.shared) if ctx.shared else None}
    report.write(tally, meta, out)
    print(f"fuzz: {tally.cases} cases in {wall:.0f} s ({meta['cases_per_second']} cases/s), "
          f"{tally.findings} with findings, {len(tally.distinct)} distinct; {out / 'summary.md'}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
