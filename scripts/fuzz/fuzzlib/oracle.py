"""The oracle: what a run of ofasearch may and may not do, whatever its input.

1. No signal (a crash: Swift traps are SIGILL/SIGTRAP, native code SIGSEGV/SIGABRT).
2. No hang (the runner's timeout; confirmed with a longer one).
3. Exit 0: every number printed or written is finite and in range (accuracy a fraction, top-1 in
   [0, 100], latency, MACs and parameters positive, errors and times non-negative, rank
   correlations in [-1, 1]); a `null` where a number is expected counts as non-finite (ofasearch's
   JSON writer prints NaN and infinities as null), except where a null is documented.
4. Exit != 0: standard error says why, in a readable first line: not empty, not a Swift
   `Fatal error`, not a Foundation/NSError dump or a Swift type dump, not XGBoost internals. Errors
   longer than one line (ArgumentParser prints usage after its message) are counted apart, not
   failed.
5. Nothing written outside the output folder (checked by the runner's snapshots).
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    category: str   # signal | hang | non-finite | out-of-range | bad-output | bad-error | wrote-outside
    detail: str     # what was seen, for people
    key: str        # what makes two findings the same bug (for counting distinct findings)


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float
    lo_open: bool = False   # lo itself excluded

    def contains(self, x: float) -> bool:
        return (x > self.lo if self.lo_open else x >= self.lo) and x <= self.hi


INF = math.inf
RANGES = {
    "accuracy": Range(0, 1), "top1": Range(0, 100), "accuracy_mean": Range(0, 1), "accuracy_best": Range(0, 1),
    "latency_ms": Range(0, INF, True), "macs": Range(0, INF, True), "params": Range(0, INF, True),
    "rmse": Range(0, INF), "mae": Range(0, INF), "kendall_tau": Range(-1, 1), "spearman": Range(-1, 1),
    "within_5pct": Range(0, 1), "within_10pct": Range(0, 1), "cache_hit_rate": Range(0, 1),
    "seconds": Range(0, INF), "run_seconds": Range(0, INF), "evaluations": Range(0, INF),
    "unique_architectures": Range(0, INF), "unique_archs": Range(0, INF),
}
# runs.jsonl documents `accuracy: null` (and no cost) for a target nothing feasible was found for.
NULLABLE_IN_RUNS = {"accuracy", "latency_ms", "macs", "arch", "accuracy_mean", "accuracy_best"}
NON_FINITE_WORD = re.compile(r"(?i)(?<![A-Za-z0-9_])[-+]?(nan|inf|infinity)(?![A-Za-z0-9_])")

# First-line patterns of an error message a user cannot act on.
UNREADABLE = [
    ("swift-fatal-error", re.compile(r"Fatal error|Swift runtime failure|Precondition failed|Assertion failed")),
    ("nserror-dump", re.compile(r"Error Domain=|NSCocoaErrorDomain|NSPOSIXErrorDomain|NSUnderlyingError|UserInfo=")),
    # Foundation's generic text is acceptable when a reason follows ("... The file doesn't exist.").
    ("foundation-generic", re.compile(r"(The operation could not be completed|couldn.t be completed)\.?\s*$", re.M)),
    ("swift-type-dump", re.compile(r"DecodingError|CodingKeys\(|Swift\.\w+Error|Optional\(|\w+Error\(|\bdebugDescription\b")),
    ("native-internals", re.compile(r"dmlc|Check failed|\[\d\d:\d\d:\d\d\]|std::|terminate called")),
]


def normalize(text: str, limit: int = 110) -> str:
    """A message with its particulars removed, so the same bug seen twice gives the same key."""
    text = re.sub(r"0x[0-9a-fA-F]+", "ADDR", text)
    text = re.sub(r"(?<![\w])/[^\s:,'\"]+", "PATH", text)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|‘[^’]*’", "'…'", text)
    text = re.sub(r"[-+]?\d+(\.\d+)?(e[-+]?\d+)?", "N", text)
    return text[:limit]


def _parse_json(text: str) -> object:
    """json.loads that keeps NaN / Infinity tokens as floats (the finite check catches them)."""
    return json.loads(text, parse_constant=lambda c: {"NaN": math.nan, "Infinity": INF, "-Infinity": -INF}[c])


def _key_where(where: str) -> str:
    """A file's place in a key: every run's own file counts as one place."""
    return re.sub(r"^out/runs/[^/]+$", "out/runs/RUN.jsonl", where)


def check_numbers(doc: object, where: str, nullable: set[str], command: str) -> list[Finding]:
    """Walks a parsed JSON document for non-finite and out-of-range numbers."""
    out: list[Finding] = []
    kw = _key_where(where)

    def visit(node: object, key: str, parent: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                visit(v, k, key)
        elif isinstance(node, list):
            for v in node:
                visit(v, key, parent)
        elif isinstance(node, bool):
            return
        elif isinstance(node, (int, float)):
            name = "top1" if parent == "resolutionOffsets" else key
            if not math.isfinite(node):
                out.append(Finding("non-finite", f"{where}: {key} = {node}", f"non-finite|{command}|{kw}|{name}"))
            elif name in RANGES and not RANGES[name].contains(node):
                out.append(Finding("out-of-range", f"{where}: {key} = {node!r}", f"out-of-range|{command}|{kw}|{name}"))
        elif node is None and key in RANGES and key not in nullable:
            out.append(Finding("non-finite", f"{where}: {key} = null", f"non-finite|{command}|{kw}|{key}=null"))

    visit(doc, "", "")
    return out


# A path the tool names (`report: out/<name>/report.md`) holds the manifest's name as the user
# wrote it: a name `x.nan` is no number.
REPORTED_PATH = re.compile(r"(report: )\S+")


def check_text(text: str, where: str, command: str) -> list[Finding]:
    text = REPORTED_PATH.sub(lambda m: m.group(1) + "PATH".ljust(len(m.group(0)) - len(m.group(1)), "_"), text)
    m = NON_FINITE_WORD.search(text)
    if not m:
        return []
    line = text[:m.start()].count("\n") + 1
    return [Finding("non-finite", f"{where}:{line}: '{m.group(0)}'", f"non-finite|{command}|{where}|text")]


def check_output(stdout: bytes, fmt: str, out_dir: Path, command: str) -> list[Finding]:
    """Exit 0: standard output in its declared format, and the JSON/CSV files under out/."""
    findings: list[Finding] = []
    text = stdout.decode("utf-8", "replace")
    if fmt == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    findings += check_numbers(_parse_json(line), "stdout", set(), command)
                except ValueError:
                    findings.append(Finding("bad-output", f"stdout:{n}: not JSON: {line[:80]}", f"bad-output|{command}|stdout"))
    elif fmt == "json" and text.strip():
        try:
            findings += check_numbers(_parse_json(text), "stdout", set(), command)
        except ValueError:
            findings += check_text(text, "stdout", command)
    else:
        findings += check_text(text, "stdout", command)
    if out_dir.is_dir():
        for path in sorted(out_dir.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            rel = "out/" + str(path.relative_to(out_dir))
            nullable = NULLABLE_IN_RUNS if path.name.endswith(".jsonl") else set()
            try:
                body = path.read_text("utf-8", "replace")
            except OSError:
                continue
            if path.suffix == ".jsonl":
                for line in body.splitlines():
                    if line.strip():
                        try:
                            findings += check_numbers(_parse_json(line), rel, nullable, command)
                        except ValueError:
                            pass
            elif path.suffix == ".json":
                try:
                    findings += check_numbers(_parse_json(body), rel, nullable, command)
                except ValueError:
                    pass
            elif path.suffix == ".csv":
                for row in csv.DictReader(io.StringIO(body)):
                    for k, v in row.items():
                        if v and NON_FINITE_WORD.fullmatch(v.strip()):
                            findings.append(Finding("non-finite", f"{rel}: {k} = {v}", f"non-finite|{command}|{_key_where(rel)}|{k}"))
    return findings


def check_error(stderr: bytes, command: str) -> tuple[list[Finding], bool]:
    """Exit != 0 (no signal): (findings, whether the message has more than one line)."""
    text = stderr.decode("utf-8", "replace")
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        return [Finding("bad-error", "exit != 0 with nothing on stderr", f"bad-error|{command}|silent")], False
    first = lines[0]
    findings = []
    for name, pattern in UNREADABLE:
        if pattern.search(text):
            findings.append(Finding("bad-error", f"{name}: {first[:200]}", f"bad-error|{command}|{name}|{normalize(first, 60)}"))
            break
    if not findings and (any(ord(c) < 32 and c != "\t" for c in first) or "\ufffd" in first):
        findings.append(Finding("bad-error", f"control or invalid bytes in: {first[:200]!r}", f"bad-error|{command}|unprintable"))
    return findings, len(lines) > 1


CRASH_LINE = re.compile(r"Fatal error|runtime failure|Program crashed|Precondition failed|Assertion failed|terminate called")
# A backtrace frame in ofasearch's own sources: "0x… Function in ofasearch at …/Sources/X.swift:80:69".
FRAME = re.compile(r"0x[0-9a-f]+ (.+?) in ofasearch\S* at \S*?(Sources/[^:\s]+):(\d+)")
# Any frame, when none is in ofasearch's sources (a crash inside a library whose unwinding stops).
ANY_FRAME = re.compile(r"^\d+ .*?0x[0-9a-f]+ (\S+)(?: \+ \d+)? in (\S+)")


def signal_finding(returncode: int, stderr: bytes, command: str) -> Finding:
    """A crash, keyed by its message and the innermost frame in ofasearch's sources (Swift prints
    a symbolicated backtrace on a crash), so two inputs that crash the same line count once."""
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    lines = [l.strip(" *") for l in stderr.decode("utf-8", "replace").splitlines() if l.strip()]
    cause = next((l for l in lines if CRASH_LINE.search(l)), lines[-1] if lines else "")
    # The innermost frame and its caller: a shared helper (a JSON accessor) crashes for several callers.
    frames = [m for m in map(FRAME.search, lines) if m][:2]
    if frames:
        where = " < ".join(f"{re.sub(r' [+] [0-9]+$', '', f.group(1))} ({f.group(2).rsplit('/', 1)[-1]}:{f.group(3)})"
                           for f in frames)
    else:
        other = next((m for m in map(ANY_FRAME.search, lines) if m), None)
        where = f"{other.group(1)} in {other.group(2)}" if other else "no frame"
    return Finding("signal", f"{name}: {cause[:160]} at {where}", f"signal|{command}|{name}|{normalize(cause, 80)}|{where}")
