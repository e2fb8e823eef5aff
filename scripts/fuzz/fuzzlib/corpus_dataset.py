"""Measurement datasets (JSON Lines rows `ks, e, d, r, top1`, or OFA's AccuracyDataset `.dict`)
for `predictor train --kind accuracy` (small: at most 60 rows, `--quick`, few folds, so a case
takes about a second) and `predictor eval --model predictors/ofa-mbv3-w1.0-top1`.

Rows come from the shared measurements when present, else are generated; mutations put top-1
outside [0, 100], make it NaN / null / a string, move architectures outside the space, and
degenerate the set as a whole (one row, a constant target, one architecture repeated)."""
from __future__ import annotations

import json
import random

from .archs import SPACES, jsonl
from .case import Case, Context, InputFile
from .values import Raw, dumps, mutate_bytes, mutate_tree

NAME = "dataset"
WEIGHT = 2

TOP1 = [101, 100.0001, -1, -0.0, 0, 1e300, -1e300, Raw("NaN"), Raw("Infinity"), Raw("1e400"), None, "76.1",
        True, [76.1], 5e-324, 2**64]
SPACE = SPACES["ofa-mbv3-w1.0"]


def base_rows(ctx: Context, rng: random.Random, count: int) -> list[dict]:
    if ctx.shared and rng.random() < 0.7:
        lines = ctx.lines(ctx.shared / "accuracy" / "ofa-mbv3-w1.0.jsonl")
        rows = [json.loads(lines[rng.randrange(len(lines))]) for _ in range(count)]
        return [{k: r[k] for k in ("ks", "e", "d", "r", "top1")} for r in rows]
    return [dict(SPACE.random_arch(rng, rng.choice([128, 160, 192, 224])), top1=round(rng.uniform(68, 78), 3))
            for _ in range(count)]


def mutate_rows(rows: list, rng: random.Random) -> str:
    """One change to the rows, in place (an earlier one may have made a row anything)."""
    r = rng.random() if all(isinstance(row, dict) for row in rows) else 1.0
    if r < 0.3:
        i = rng.randrange(len(rows))
        rows[i]["top1"] = rng.choice(TOP1)
        return f"row {i + 1}: top1 = {dumps(rows[i]['top1'])}"
    if r < 0.45:
        how = rng.choice(["one-row", "two-rows", "constant", "same-arch", "same-arch-constant", "one-resolution-each"])
        if how == "one-row":
            del rows[1:]
        elif how == "two-rows":
            del rows[2:]
        elif how == "constant":
            for row in rows:
                row["top1"] = 75.0
        elif how in ("same-arch", "same-arch-constant"):
            for row in rows:
                row.update({k: rows[0][k] for k in ("ks", "e", "d", "r") if k in rows[0]})
                if how == "same-arch-constant":
                    row["top1"] = 75.0
        else:
            for row, res in zip(rows, [128, 160, 192, 224]):
                row["r"] = res
            del rows[4:]
        return how
    i = rng.randrange(len(rows))
    rows[i], note = mutate_tree(rows[i], rng, prefer=lambda p: bool(p) and p[0] in ("top1", "r", "d", "ks", "e"))
    return f"row {i + 1}: {note}"


def as_dict(rows: list) -> bytes:
    """OFA's AccuracyDataset `.dict`: the JSON text of each net setting (with image_size) -> top-1."""
    pairs = []
    for row in rows:
        if isinstance(row, dict) and all(k in row for k in ("ks", "e", "d", "r")):
            key = {"ks": row["ks"], "e": row["e"], "d": row["d"], "image_size": row["r"]}
            pairs.append(json.dumps(dumps(key)) + ": " + dumps(row.get("top1")))
        else:
            pairs.append(json.dumps(dumps(row)) + ": 75.0")
    return ("{" + ", ".join(pairs) + "}").encode()


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    rows: list = base_rows(ctx, rng, rng.randint(6, 60))
    notes = [mutate_rows(rows, rng) for _ in range(rng.choice([0, 1, 1, 2]))]
    if rng.random() < 0.15:
        path, data = "in/src/224.dict", as_dict(rows)
        data_arg = rng.choice(["in", "in/src/224.dict"])
        notes.append(f"AccuracyDataset ({data_arg})")
    else:
        path, data = "in/data.jsonl", jsonl(rows)
        data_arg = path
    if rng.random() < 0.2:
        data, note = mutate_bytes(data, rng)
        notes.append(note)
    files = [InputFile(path, data)]
    mutation = "; ".join(notes) or "valid"
    if rng.random() < 0.35:
        folds = rng.choice(["2", "2", "2", "3", "5", "0", "1", "61", "1000", "-1"])
        argv = ["predictor", "train", "--kind", "accuracy", "--space", "ofa-mbv3-w1.0", "--data", data_arg,
                "--out", "out/model", "--quick", "--folds", folds, "--seed", str(index % 1000)]
        if folds != "2":
            mutation += f"; --folds {folds}"
        if rng.random() < 0.1:
            argv += ["--encoding", "ordinal"]
        if rng.random() < 0.05:
            target = rng.choice(["r", "ks", "top1.x", "", "d.0", "macs"])
            argv += ["--target", target]
            mutation += f"; --target {target!r}"
        return Case(index, NAME, mutation, argv, files=files, stdout_format="json", timeout=40)
    argv = ["predictor", "eval", "--model", str(ctx.predictor("ofa-mbv3-w1.0-top1")), "--data", data_arg]
    argv += ["--json"] if rng.random() < 0.85 else []
    if rng.random() < 0.2:
        argv.append("--allow-extrapolation")
    if rng.random() < 0.05:
        target = rng.choice(["r", "ks", "top1.x", "", "macs"])
        argv += ["--target", target]
        mutation += f"; --target {target!r}"
    return Case(index, NAME, mutation, argv, files=files,
                stdout_format="json" if "--json" in argv else "text", timeout=20)
