"""MLP accuracy predictors in the OFA tutorial export's format: a small generated network
(128 -> 8 -> 1, `archs.small_mlp`; the real 4.6 MB export is too slow to load per case) with
layers nulled, resized or given NaN / huge weights, used by `predict --accuracy`, `search
--accuracy` and `predictor eval --baseline`."""
from __future__ import annotations

import random

from .archs import SPACES, jsonl, small_mlp
from .case import Case, Context, InputFile
from .values import Raw, dumps, mutate_bytes, mutate_tree

NAME = "mlp"
WEIGHT = 2

WEIGHTS = [Raw("NaN"), Raw("Infinity"), Raw("1e400"), 1e30, -1e30, 1e39, 3.4e38, 1e-45, -1.0, 100.0, None, "0.1", True]


def mutate_mlp(mlp: dict, rng: random.Random) -> tuple[object, str]:
    layers = mlp["layers"]
    r = rng.random()
    if r < 0.35:
        # One weight or bias: the values json-c reads and Float() converts.
        l = rng.randrange(len(layers))
        value = rng.choice(WEIGHTS)
        if rng.random() < 0.5:
            row = rng.randrange(len(layers[l]["weight"]))
            col = rng.randrange(len(layers[l]["weight"][row]))
            layers[l]["weight"][row][col] = value
            return mlp, f"layers[{l}].weight[{row}][{col}] = {dumps(value)}"
        o = rng.randrange(len(layers[l]["bias"]))
        layers[l]["bias"][o] = value
        return mlp, f"layers[{l}].bias[{o}] = {dumps(value)}"
    if r < 0.5:
        # Every weight of a layer scaled: overflow in Float32 arithmetic rather than in parsing.
        l = rng.randrange(len(layers))
        scale = rng.choice([1e20, 1e38, -1e20, 0.0])
        layers[l]["weight"] = [[w * scale for w in row] for row in layers[l]["weight"]]
        return mlp, f"layers[{l}].weight scaled by {scale}"
    if r < 0.65:
        how = rng.choice(["null-layers", "null-layer", "one-layer", "extra-layer", "wide-last", "empty-weight", "empty-row"])
        if how == "null-layers":
            mlp["layers"] = None
        elif how == "null-layer":
            layers[rng.randrange(len(layers))] = None
        elif how == "one-layer":
            mlp["layers"] = layers[:1]
        elif how == "extra-layer":
            layers.append({"weight": [[1.0]], "bias": [0.0]})
        elif how == "wide-last":
            layers[-1]["weight"].append(layers[-1]["weight"][0])
            layers[-1]["bias"].append(0.5)
        elif how == "empty-weight":
            layers[0]["weight"] = []
        else:
            layers[1]["weight"] = [[]]
        return mlp, how
    return mutate_tree(mlp, rng, prefer=lambda p: len(p) <= 4)


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    mlp, note = mutate_mlp(small_mlp(rng), rng)
    data = dumps(mlp).encode()
    notes = [note]
    if rng.random() < 0.2:
        data, note = mutate_bytes(data, rng)
        notes.append(note)
    files = [InputFile("in/mlp.json", data)]
    space = SPACES[rng.choice(["ofa-mbv3-w1.0", "ofa-mbv3-w1.2", "compofa-mbv3-w1.2"])]
    archs = [space.random_arch(rng) for _ in range(rng.randint(1, 5))]
    mode = rng.random()
    if mode < 0.7:
        argv = ["predict", "--space", space.name, "--accuracy", "in/mlp.json"]
        return Case(index, NAME, "; ".join(notes), argv, stdin=jsonl(archs), files=files,
                    stdout_format="jsonl", timeout=20)
    if mode < 0.85:
        # Four distinct architectures per resolution: rank correlations are defined on this data.
        rows = [dict(SPACES["ofa-mbv3-w1.0"].random_arch(rng, r), top1=round(rng.uniform(70, 78), 3))
                for r in (160, 192, 224) for _ in range(4)]
        files.append(InputFile("in/data.jsonl", jsonl(rows)))
        argv = ["predictor", "eval", "--model", str(ctx.predictor("ofa-mbv3-w1.0-top1")), "--data", "in/data.jsonl",
                "--baseline", "in/mlp.json", "--json"]
        return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format="json", timeout=20)
    argv = ["search", "--space", space.name, "--resolutions", "160,192", "--accuracy", "in/mlp.json", "--macs",
            "--target", rng.choice(["200000000", "400000000"]), "--population", "8", "--generations", "3",
            "--seed", str(index), "--json"]
    return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format="json", timeout=20)
