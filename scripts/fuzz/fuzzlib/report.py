"""Counts, distinct findings and the summary files (summary.json, summary.md)."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .runner import Outcome

CATEGORIES = ["signal", "hang", "non-finite", "out-of-range", "bad-output", "bad-error", "wrote-outside"]


@dataclass
class Distinct:
    key: str
    category: str
    corpus: str
    command: str
    count: int = 0
    example_detail: str = ""
    example_mutation: str = ""
    reproducers: list[str] = field(default_factory=list)


@dataclass
class Tally:
    """Everything the summary reports, accumulated one outcome at a time."""
    per_corpus: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    distinct: dict[str, Distinct] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, o: Outcome, keep: int, findings_dir: Path) -> None:
        c = self.per_corpus[o.corpus]
        c["cases"] += 1
        c[o.status] += 1
        c["multi-line error"] += o.multiline_error
        c["slow"] += o.slow
        self.seconds += o.seconds
        kept = False
        for f in o.findings:
            c[f.category] += 1
            d = self.distinct.setdefault(f.key, Distinct(f.key, f.category, o.corpus, o.command,
                                                          example_detail=f.detail, example_mutation=o.mutation))
            d.count += 1
            if o.reproducer and len(d.reproducers) < keep:
                dest = findings_dir / f.category / slug(f.key) / Path(o.reproducer).name
                if not kept:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(o.reproducer, dest)
                    o.reproducer, kept = str(dest), True
                d.reproducers.append(o.reproducer)
        if o.reproducer and not kept:
            shutil.rmtree(o.reproducer, ignore_errors=True)

    @property
    def cases(self) -> int:
        return sum(c["cases"] for c in self.per_corpus.values())

    @property
    def findings(self) -> int:
        return sum(c["finding"] for c in self.per_corpus.values())


def slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-")[:80] or "x"


COLUMNS = ["cases", "exit0", "error", "finding"] + CATEGORIES + ["multi-line error", "slow", "generator-error"]


def markdown(t: Tally, meta: dict) -> str:
    lines = [f"# ofasearch fuzz run", "",
             f"binary `{meta['binary']}`, seed {meta['seed']}, {t.cases} cases in {meta['wall_seconds']:.0f} s "
             f"({meta['cases_per_second']:.2f} cases/s, {meta['jobs']} job(s)); corpora skipped: {', '.join(meta['skipped']) or 'none'}",
             "", "| corpus | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    total = Counter()
    for corpus in sorted(t.per_corpus):
        c = t.per_corpus[corpus]
        total.update(c)
        lines.append(f"| {corpus} | " + " | ".join(f"{c[k]:,}" for k in COLUMNS) + " |")
    lines.append("| **all** | " + " | ".join(f"**{total[k]:,}**" for k in COLUMNS) + " |")
    lines += ["", "exit0: exit status 0, output checked; error: non-zero exit with a readable message; finding: a case "
              "with at least one finding (the category columns count findings, a case may have several); slow: timed out "
              "once, finished with three times the timeout; generator-error: the fuzzer failed to build the case (a fuzzer "
              "bug, see cases.jsonl).", ""]
    if t.distinct:
        lines += ["## Distinct findings", "", "| category | corpus | command | cases | example | reproducer |", "|---|---|---|---:|---|---|"]
        for d in sorted(t.distinct.values(), key=lambda d: (CATEGORIES.index(d.category) if d.category in CATEGORIES else 99, -d.count)):
            example = (d.example_detail + " — " + d.example_mutation).replace("|", "\\|").replace("\n", " ")[:220]
            repro = d.reproducers[0] if d.reproducers else ""
            lines.append(f"| {d.category} | {d.corpus} | `{d.command}` | {d.count:,} | {example} | {repro} |")
    return "\n".join(lines) + "\n"


def write(t: Tally, meta: dict, out: Path) -> None:
    data = {"meta": meta, "cases": t.cases, "cases_with_findings": t.findings,
            "per_corpus": {k: dict(v) for k, v in sorted(t.per_corpus.items())},
            "distinct_findings": [asdict(d) for d in sorted(t.distinct.values(), key=lambda d: -d.count)]}
    (out / "summary.json").write_text(json.dumps(data, indent=2) + "\n")
    (out / "summary.md").write_text(markdown(t, meta))
