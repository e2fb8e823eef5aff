"""Latency look-up tables: small mutated copies of the committed CPU tables
(`predictors/cpu-lut-w1.0`, `cpu-lut-w1.2`) and of the shared note10 tables (one resolution each)
and of the nsganetv2 i7 file, read by `predict --latency` and `search --latency`.

The mutations are line-wise, on the text, since these are hand-editable YAML: a statistic given
an extreme or non-numeric value, an entry or field removed or duplicated, a key broken, odd
indentation, YAML constructs the flat reader does not expect; plus byte-level damage."""
from __future__ import annotations

import random
import re
from pathlib import Path

from .archs import SPACES, jsonl, small_mlp
from .case import Case, Context, InputFile
from .values import dumps, mutate_bytes

NAME = "lut"
WEIGHT = 2

SCALARS = ["1e300", "-1", "-0.001", "0", "-0", "nan", ".nan", "NaN", ".inf", "-.inf", "inf", "Infinity",
           "1e400", "-1e400", "5e-324", "1.7976931348623157e308", "abc", "''", '""', "~", "null", "0x10",
           "1_000", "[1]", "{}", "", "1e", "0.5.5", "+1", "\t0.3", "0.3 # comment", "&a 0.3", "*a", "!!str 0.3",
           "99999999999999999999999999"]
FIELD = re.compile(rb"^(\s+)(mean|count|std|var)(\s*:\s*)(.*)$")
ALWAYS_USED = (b"Conv-", b"Logits", b"Conv_1", b"Conv_2", b"AvgPool", b"first_conv", b"classifier",
               b"final_expand", b"feature_mix")


def source(ctx: Context, rng: random.Random) -> tuple[str, str, Path, int | None]:
    """(space, file name in the case, original file, resolution or None for a whole-file table)."""
    choices = ["cpu-w1.0", "cpu-w1.0", "cpu-w1.2"] + (["note10", "note10", "i7"] if ctx.shared else [])
    which = rng.choice(choices)
    if which == "i7":
        space = rng.choice(["ofa-mbv3-w1.0", "ofa-mbv3-w1.2"])
        return space, "in/i7_lut.yaml", ctx.shared / "latency" / "i7-8700k_lut.yaml", None
    space = rng.choice(["ofa-mbv3-w1.0", "compofa-mbv3-w1.0"]) if which == "cpu-w1.0" else rng.choice(["ofa-mbv3-w1.2", "compofa-mbv3-w1.2"])
    r = rng.choice(SPACES[space].resolutions)
    folder = ctx.shared / "latency" / "note10" if which == "note10" else ctx.predictor("cpu-lut-" + space[-4:])
    return space, f"in/lut/{r}_lookup_table.yaml", folder / f"{r}_lookup_table.yaml", r


def mutate_lines(lines: list[bytes], rng: random.Random) -> str:
    """One line-wise mutation, in place; returns its description."""
    fields = [i for i, l in enumerate(lines) if FIELD.match(l)]
    keys = [i for i, l in enumerate(lines) if l and not l[:1].isspace() and not l.startswith(b"#")]
    op = rng.choice(["value", "value", "value", "value", "delete-field", "delete-entry", "duplicate-entry",
                     "duplicate-field", "break-key", "indent", "insert", "huge-shape"])
    if op == "value" and fields:
        # Entries every subnet uses (stem, head) make the mutation reach the sum 1 time in 3.
        pool = [i for i in fields if lines[max(k for k in keys if k < i)].startswith(ALWAYS_USED)] if rng.random() < 0.33 else fields
        i = rng.choice(pool or fields)
        m = FIELD.match(lines[i])
        value = rng.choice(SCALARS)
        lines[i] = m.group(1) + m.group(2) + m.group(3) + value.encode()
        return f"line {i + 1}: {m.group(2).decode()} = {value!r}"
    if op == "delete-field" and fields:
        i = rng.choice(fields)
        del lines[i]
        return f"delete line {i + 1}"
    if op in ("delete-entry", "duplicate-entry") and keys:
        k = rng.randrange(len(keys))
        start, end = keys[k], keys[k + 1] if k + 1 < len(keys) else len(lines)
        if op == "delete-entry":
            del lines[start:end]
            return f"delete entry at line {start + 1}"
        lines[end:end] = lines[start:end]
        return f"duplicate entry at line {start + 1}"
    if op == "duplicate-field" and fields:
        i = rng.choice(fields)
        lines.insert(i + 1, lines[i].replace(b"0.", b"9.", 1))
        return f"duplicate field at line {i + 1}"
    if op == "break-key" and keys:
        i = rng.choice(keys)
        how = rng.choice(["no-colon", "quote", "empty", "space", "dims"])
        if how == "no-colon":
            lines[i] = lines[i].rstrip(b":")
        elif how == "quote":
            lines[i] = b"'" + lines[i].rstrip(b":") + b"':"
        elif how == "empty":
            lines[i] = b":"
        elif how == "space":
            lines[i] = lines[i].rstrip(b":") + b" :"
        else:
            lines[i] = re.sub(rb"\d+", lambda _: rng.choice([b"0", b"-1", b"99999999999999999999"]), lines[i], count=1)
        return f"key at line {i + 1}: {how}"
    if op == "indent" and fields:
        i = rng.choice(fields)
        lines[i] = rng.choice([b"", b"\t", b"        ", b" "]) + lines[i].lstrip()
        return f"indentation of line {i + 1}"
    if op == "huge-shape" and keys:
        i = rng.choice(keys)
        lines[i] = re.sub(rb"input:\d+x\d+x\d+", b"input:4294967296x4294967296x3", lines[i])
        return f"huge shape in key at line {i + 1}"
    text = rng.choice([b"---", b"...", b"# comment", b"top: level", b"  mean: 1", b"{a: 1}", b"<<: *a",
                       b"? complex key", b"- list item", b"key: &anchor", b"%YAML 1.2"])
    i = rng.randrange(len(lines) + 1)
    lines.insert(i, text)
    return f"insert {text.decode()!r} at line {i + 1}"


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    space, path, original, r = source(ctx, rng)
    lines = ctx.read(original).split(b"\n")
    notes = [mutate_lines(lines, rng) for _ in range(rng.choice([1, 1, 2, 3]))]
    data = b"\n".join(lines)
    if rng.random() < 0.25:
        data, note = mutate_bytes(data, rng)
        notes.append(note)
    files = [InputFile(path, data)]
    if r is not None and rng.random() < 0.05:
        # A table whose file name disagrees with its contents or names no resolution.
        bad = rng.choice(["0", "-4", "abc", "0224", "99999999999999999999", ""])
        files = [InputFile(f"in/lut/{bad}_lookup_table.yaml", data)]
        notes.append(f"file named {bad}_lookup_table.yaml")
    table = "in/lut" if r is not None else path
    archs = [SPACES[space].random_arch(rng, r) for _ in range(rng.randint(3, 8))]
    resolutions = ["--resolutions", str(r)] if r is not None else []
    if rng.random() < 0.8:
        argv = ["predict", "--space", space, *resolutions, "--latency", table]
        return Case(index, NAME, "; ".join(notes), argv, stdin=jsonl(archs), files=files,
                    stdout_format="jsonl", timeout=20)
    # A search prices its whole space with the table: feasible ranges, repairs, the best subnet.
    files.append(InputFile("in/mlp.json", dumps(small_mlp(rng)).encode()))
    target = rng.choice(["3", "5", "8", "20", "40", "1e9"])
    argv = ["search", "--space", space, *resolutions, "--accuracy", "in/mlp.json", "--latency", table,
            "--target", target, "--population", "8", "--generations", "3", "--seed", str(index), "--json"]
    return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format="json", timeout=20)
