"""XGBoost model folders: a copy of a committed model (`model.ubj` + `provenance.json`) with
bytes of the booster damaged (and, most of the time, the provenance's `model_sha256` updated to
match, so the damage reaches XGBoost's loader rather than the checksum), or the provenance
edited (target_transform offsets, resolutions, encoding, space, model_file ...), used by
`predict --accuracy`, `predictor eval --model` and `search --accuracy`."""
from __future__ import annotations

import hashlib
import json
import random

from .archs import SPACES, jsonl
from .case import Case, Context, InputFile
from .values import Raw, dumps, mutate_bytes, mutate_tree

NAME = "xgboost"
WEIGHT = 2

MODELS = {"ofa-mbv3-w1.0-top1": "ofa-mbv3-w1.0", "compofa-elastic-mbv3-w1.0-top1": "compofa-elastic-mbv3-w1.0"}
# Provenance fields that steer loading and prediction.
HOT = ("target_transform", "resolutions", "feature_count", "feature_encoding", "space", "kind",
       "model_file", "model_sha256", "format", "target", "unit")
MODEL_FILES = ["../../../../../etc/passwd", "/etc/passwd", "/dev/zero", "/dev/urandom", "model.ubj/..", "", ".",
               "../model.ubj", "provenance.json", "missing.ubj", "model.json", "m" * 5000]


def damage_booster(ubj: bytes, rng: random.Random) -> tuple[bytes, str]:
    op = rng.choice(["flip", "flip", "flip", "truncate", "zero-range", "insert", "generic"])
    data = bytearray(ubj)
    if op == "flip":
        k = rng.choice([1, 1, 2, 4, 16])
        for _ in range(k):
            i = rng.randrange(len(data))
            data[i] = rng.randrange(256)
        return bytes(data), f"model.ubj: {k} random byte(s)"
    if op == "truncate":
        n = rng.randrange(len(data))
        return bytes(data[:n]), f"model.ubj truncated to {n} bytes"
    if op == "zero-range":
        i = rng.randrange(len(data))
        n = rng.choice([8, 64, 4096])
        data[i:i + n] = bytes(min(n, len(data) - i))
        return bytes(data), f"model.ubj: {n} zero bytes at {i}"
    if op == "insert":
        i = rng.randrange(len(data))
        junk = rng.choice([b"\x00", b"{", b"[$d#L\x7f\xff\xff\xff\xff\xff\xff\xff", b"L\xff\xff\xff\xff\xff\xff\xff\xff"])
        return bytes(data[:i] + junk + data[i:]), f"model.ubj: {junk!r} inserted at {i}"
    mutated, note = mutate_bytes(bytes(data), rng)
    return mutated, "model.ubj: " + note


def edit_provenance(prov: dict, rng: random.Random) -> tuple[object, str]:
    r = rng.random()
    if r < 0.15:
        prov["model_file"] = rng.choice(MODEL_FILES)
        return prov, f"model_file = {prov['model_file'][:40]!r}"
    if r < 0.3:
        offsets = prov["target_transform"]["resolutionOffsets"]
        key = rng.choice(list(offsets) + ["0", "-128", "abc", "225"])
        value = rng.choice([1e300, -1e300, Raw("NaN"), Raw("1e400"), -50.0, 150.0, 0, None, "70"])
        offsets[key] = value
        return prov, f"target_transform.resolutionOffsets.{key} = {dumps(value)}"
    return mutate_tree(prov, rng, prefer=lambda p: bool(p) and p[0] in HOT)


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    model = rng.choice(list(MODELS))
    space = SPACES[MODELS[model]]
    ubj = ctx.read(ctx.predictor(model) / "model.ubj")
    prov = json.loads(ctx.read(ctx.predictor(model) / "provenance.json"))
    notes = []
    prov_text = None
    choice = rng.random()
    if choice < 0.45:
        ubj, note = damage_booster(ubj, rng)
        notes.append(note)
        if rng.random() < 0.75:
            prov["model_sha256"] = hashlib.sha256(ubj).hexdigest()
            notes.append("model_sha256 updated")
    elif choice < 0.9:
        prov, note = edit_provenance(prov, rng)
        notes.append("provenance: " + note)
    else:
        prov_text, note = mutate_bytes(json.dumps(prov, indent=2).encode(), rng)
        notes.append("provenance.json: " + note)
    files = [InputFile("in/model/model.ubj", ubj),
             InputFile("in/model/provenance.json", prov_text if prov_text is not None else dumps(prov).encode())]
    if rng.random() < 0.04:
        gone = rng.choice(files)
        files.remove(gone)
        notes.append(f"{gone.path} removed")
    # Resolutions the model was trained on: the unmutated model answers them all.
    resolutions = [128, 160, 192] if model.startswith("compofa") else [128, 160, 192, 224]
    archs = [space.random_arch(rng, rng.choice(resolutions)) for _ in range(rng.randint(1, 4))]
    mode = rng.random()
    if mode < 0.6:
        argv = ["predict", "--space", space.name, "--accuracy", "in/model"]
        return Case(index, NAME, "; ".join(notes), argv, stdin=jsonl(archs), files=files,
                    stdout_format="jsonl", timeout=20)
    if mode < 0.85:
        # Distinct architectures at each resolution: rank correlations are defined on unmutated data.
        rows = [dict(space.random_arch(rng, r), top1=round(rng.uniform(70, 78), 3)) for r in resolutions for _ in range(4)]
        files.append(InputFile("in/data.jsonl", jsonl(rows)))
        argv = ["predictor", "eval", "--model", "in/model", "--data", "in/data.jsonl", "--json"]
        return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format="json", timeout=20)
    r = ",".join(str(x) for x in rng.sample(resolutions, 2))
    argv = ["search", "--space", space.name, "--resolutions", r, "--accuracy", "in/model", "--macs",
            "--target", rng.choice(["200000000", "300000000"]), "--population", "8", "--generations", "3",
            "--seed", str(index), "--json"]
    return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format="json", timeout=20)
