"""Architectures on standard input to `ofasearch predict`.

Starts from valid OFA net settings of a space, then changes one or two fields (values just
outside the space, wrong types, extreme numbers, wrong lengths, missing or extra keys) and
sometimes the bytes of the whole input (NUL, invalid UTF-8, CRLF, comments, truncation)."""
from __future__ import annotations

import random

from .archs import SPACES, jsonl, small_mlp
from .case import Case, Context, InputFile
from .values import dumps, mutate_bytes, mutate_tree

NAME = "arch"
WEIGHT = 3

# Values just outside each field's choices: the checks a space makes, one at a time.
EDGE = {
    "ks": [0, 1, 2, 4, 6, 8, 9, -3, 3.0, 7.5, None],
    "e": [0, 1, 2, 5, 7, 8, -4, 4.0, 6.5, None],
    "d": [0, 1, 5, 6, -2, 3.0, None],
    "r": [None, 0, -224, 96, 112, 124, 126, 127, 130, 225, 228, 232, 256, 320, 512, 4096, 2**31, 2**63 - 1, 224.0, 224.5],
}


def predictors(space: str, ctx: Context, rng: random.Random) -> tuple[list[str], list[InputFile]]:
    """A random, non-empty choice of what to predict, valid for `space`."""
    files: list[InputFile] = []
    args: list[str] = []
    if rng.random() < 0.6:
        if space == "ofa-mbv3-w1.0" and rng.random() < 0.4:
            args += ["--accuracy", str(ctx.predictor("ofa-mbv3-w1.0-top1"))]
        else:
            files.append(InputFile("in/mlp.json", dumps(small_mlp(rng)).encode()))
            args += ["--accuracy", "in/mlp.json"]
    if rng.random() < 0.6:
        if space.endswith("w1.0"):
            args += ["--latency", str(ctx.predictor("cpu-lut-w1.0"))]
        elif ctx.shared and rng.random() < 0.5:
            args += ["--latency", str(ctx.shared / "latency" / "note10")]
        else:
            args += ["--latency", str(ctx.predictor("cpu-lut-w1.2"))]
    if rng.random() < 0.5 or not args:
        args.append("--macs")
    if rng.random() < 0.3:
        args.append("--params")
    return args, files


def mutate_arch(arch: object, rng: random.Random) -> tuple[object, str]:
    """One change to a net setting: a domain edge value (2 in 5) or a generic mutation. (An earlier
    mutation may have replaced the setting by anything.)"""
    if isinstance(arch, dict) and rng.random() < 0.4:
        key = rng.choice([k for k in EDGE if k == "r" or isinstance(arch.get(k), list) and arch[k]] or ["r"])
        value = rng.choice(EDGE[key])
        if key == "r":
            arch["r"] = value
            return arch, f"r = {value}"
        i = rng.randrange(len(arch[key]))
        arch[key][i] = value
        return arch, f"{key}[{i}] = {value}"
    return mutate_tree(arch, rng, prefer=lambda p: bool(p) and p[0] in ("ks", "e", "d", "r"))


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    name = rng.choice(["ofa-mbv3-w1.0", "ofa-mbv3-w1.0", "ofa-mbv3-w1.2", "compofa-mbv3-w1.2",
                       "compofa-mbv3-w1.0", "compofa-elastic-mbv3-w1.0"])
    space = SPACES[name]
    args, files = predictors(name, ctx, rng)
    archs: list[object] = [space.random_arch(rng) for _ in range(rng.randint(1, 4))]
    # The accepted alternative spellings of the resolution are worth mutating too.
    spelling = rng.random()
    if spelling < 0.1:
        archs[0]["r"] = [archs[0]["r"]]
    elif spelling < 0.2:
        archs[0]["image_size"] = archs[0].pop("r")
    notes = []
    for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
        i = rng.randrange(len(archs))
        archs[i], note = mutate_arch(archs[i], rng)
        notes.append(f"line {i + 1}: {note}")
    stdin = jsonl(archs)
    if rng.random() < 0.3:
        stdin, note = mutate_bytes(stdin, rng)
        notes.append(note)
    argv = ["predict", "--space", name] + args
    extra = rng.random()
    if extra < 0.05:
        value = rng.choice(["0", "-1", "1", "9223372036854775807", "1e3", "nan"])
        argv += ["--batch-size", value]
        notes.append(f"--batch-size {value}")
    elif extra < 0.15:
        files.append(InputFile("in/archs.jsonl", stdin))
        where = rng.choice(["in/archs.jsonl", "in/archs.jsonl", "in", "in/missing.jsonl", ""])
        argv += ["--input", where]
        notes.append(f"--input {where!r}")
        stdin = b""
    if rng.random() < 0.1:
        r = rng.choice(["160", "128,,224", "0", "-4", "225", "160,160", "abc", "9223372036854775808", ""])
        argv += ["--resolutions", r]
        notes.append(f"--resolutions {r!r}")
    return Case(index, NAME, "; ".join(notes) or "valid", argv, stdin=stdin, files=files,
                stdout_format="jsonl", timeout=20)
