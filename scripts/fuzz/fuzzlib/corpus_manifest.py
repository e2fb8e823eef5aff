"""Experiment manifests for `ofasearch run M --out out [--check]`.

Two bases: `experiments/quickstart.yaml` as committed, mutated line-wise on its text (values
replaced by odd YAML scalars, lines deleted, duplicated or re-indented, anchors, aliases, tags and
alias bombs inserted) and only validated (`--check`; a real quickstart run takes seconds); and a
small generated manifest (one space, population 8, 3 generations), mutated on its structure and
written out as YAML, half the time really run, so that names and paths such as `../../fz-escape` reach
the code that writes the output folder."""
from __future__ import annotations

import json
import random
import re

from .case import Case, Context, InputFile, Link
from .values import Pairs, Raw, mutate_bytes, mutate_tree, path_text, set_at, get_at, all_paths

NAME = "manifest"
WEIGHT = 2

# YAML scalars for any value: numbers Yams reads specially, names that are paths, huge ranges.
SCALARS = [".nan", ".inf", "-.inf", "~", "null", "1e400", "-5", "0", "-0", "0x7fffffffffffffff", "99999999999999999999",
           "9223372036854775807", "1.5", "''", "'../../fz-escape'", "'../../../fz-escape'", "/tmp/fz-escape4", "'a/b'", "'.'",
           "'..'", "'" + "x" * 300 + "'", "\"nul\\0byte\"", "\"line\\nbreak\"", "yes", "no", "'0..9999999999999'",
           "'5..0'", "'0..-1'", "!!binary aGk=", "!!float 1", "!!int '3'", "!!str 3", "[]", "{}", "[[]]", "*nope",
           "300M", "1.2G", "-300M", "1e9999M", "nanM", "0M", "2020-01-01", "0o17", "+1", "'shared:../../../etc'",
           "shared:", "/etc/passwd", "/dev/zero", "'C:\\x'", "!!python/object:os.system 'echo x'", "[1, [2, [3]]]",
           "{a: {b: {c: 1}}}", "&a [*a]"]
# Escaping names end in "fz-escape" (long enough to be told apart from other processes' files).
NAMES = ["../../fz-escape", "../../../fz-escape", "../../../../fz-escape", "../../../../../../../../tmp/fz-escape2",
         "/tmp/fz-escape3", "a/b", "", ".", "..", "x" * 300, "x" * 5000, "nul\u0000",
         "a\nb", "with space", "ü", "-", "__", "CON", "runs", "report.md"]
BOMB_LEVELS = 9


def bomb(depth: int) -> str:
    """An alias bomb: `depth` levels of 9 aliases each (9**depth nodes once expanded)."""
    lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, depth + 1):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def to_yaml(value: object, indent: int = 0) -> str:
    """Block-style YAML; strings double-quoted JSON-style; `Raw` verbatim; `Pairs` may repeat keys."""
    pad = " " * indent
    if isinstance(value, (dict, Pairs)) and value:
        items = value.items() if isinstance(value, dict) else value
        out = []
        for k, v in items:
            key = json.dumps(str(k))
            if isinstance(v, (dict, Pairs, list)) and v:
                out.append(f"{pad}{key}:\n{to_yaml(v, indent + 2)}")
            else:
                out.append(f"{pad}{key}: {to_yaml(v)}")
        return "\n".join(out)
    if isinstance(value, list) and value:
        out = []
        for v in value:
            if isinstance(v, (dict, Pairs, list)) and v:
                body = to_yaml(v, indent + 2).lstrip()
                out.append(f"{pad}- {body}")
            else:
                out.append(f"{pad}- {to_yaml(v)}")
        return "\n".join(out)
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, (dict, Pairs)):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def small_manifest(rng: random.Random) -> dict:
    """A valid manifest whose real run takes a fraction of a second."""
    kind = rng.choice(["compofa-macs", "compofa-lut", "ofa-random", "multi"])
    m: dict = {"name": "fz", "description": "fuzz base", "jobs": 1}
    if kind == "ofa-random":
        m["spaces"] = [{"name": "ofa-mbv3-w1.0", "resolutions": [160, 192], "accuracy": "ofa-mbv3-w1.0-top1"}]
        m["strategies"] = {"random": {"samples": 20}, "evolutionary": {"population": 8, "generations": 3}}
    else:
        m["spaces"] = [{"name": "compofa-mbv3-w1.0", "resolutions": [128, 160], "accuracy": "compofa-elastic-mbv3-w1.0-top1"}]
        m["strategies"] = {"evolutionary": {"population": 8, "generations": 3}, "exhaustive": {}}
    if kind == "compofa-macs" and rng.random() < 0.5:
        m["strategies"]["surrogate"] = {"budget": 12, "batch": 4, "inner_generations": 2, "inner_starts": 1, "inner_stall": 2}
    if kind == "ofa-random" and rng.random() < 0.5:
        m["strategies"]["memetic"] = {"population": 8, "generations": 3, "restart_stall": 1, "climb_evaluations": 10}
    if kind == "compofa-lut":
        m["efficiency"], m["targets"] = "cpu-lut-w1.0", [4, 6]
    else:
        m["efficiency"], m["targets"] = "macs", ["200M", "300M"]
    if kind == "multi":
        m["strategies"] = {"evolutionary": {"population": 8, "generations": 3}}
        m["multi"] = {"modes": ["independent", "top-down"], "variants": ["improved"], "warm_generations": 2, "target_counts": [2]}
    m["seeds"] = [0]
    if rng.random() < 0.3:
        m = {"name": "fz", "jobs": 1, "parts": [dict({k: v for k, v in m.items() if k not in ("name", "jobs")}, name="p1")]}
    return m


# Paths of the generated manifest whose values a real run turns into file names or reads.
def _named(path: tuple) -> bool:
    return bool(path) and path[-1] in ("name", "accuracy", "efficiency", "targets", "seeds", "baseline", "description")


def mutate_manifest(m: dict, rng: random.Random, cheap: bool) -> tuple[object, str]:
    """One structural mutation. `cheap` (real runs) avoids huge counts that would only make the
    run slow, keeping names, paths, targets and structure."""
    if not isinstance(m, dict):
        return mutate_tree(m, rng)   # an earlier mutation replaced the whole manifest
    r = rng.random()
    if r < 0.35:
        paths = [p for p in all_paths(m) if p and p[-1] == "name"] or [("name",)]
        p = rng.choice(paths)
        value = rng.choice(NAMES)
        return set_at(m, p, value), f"{path_text(p)} = {json.dumps(value)[:40]}"
    if r < 0.55:
        paths = [p for p in all_paths(m) if _named(p)] or [("name",)]
        p = rng.choice(paths)
        value = Raw(rng.choice(SCALARS if not cheap else [s for s in SCALARS if not re.fullmatch(r"[-+0-9x.e]+|'0\.\..*'", s)]))
        return set_at(m, p, value), f"{path_text(p)} = {value.text[:40]}"
    if cheap:
        paths = [p for p in all_paths(m) if not (p and p[-1] in ("population", "generations", "samples",
                                                                 "warm_generations", "repeats", "limit"))]
        p = rng.choice(paths)
        if rng.random() < 0.5 and isinstance(get_at(m, p), (dict, list)):
            return mutate_tree(m, rng, prefer=lambda q: q[:len(p)] == p and not isinstance(get_at(m, q), (int, float)))
        value = Raw(rng.choice(SCALARS))
        return set_at(m, p, value), f"{path_text(p)} = {value.text[:40]}"
    if r < 0.7:
        p = rng.choice(all_paths(m))
        value = Raw(rng.choice(SCALARS))
        return set_at(m, p, value), f"{path_text(p)} = {value.text[:40]}"
    if r < 0.8:
        key = rng.choice(["repeats", "jobs", "seeds", "popluation", "unknown"])
        value = Raw(rng.choice(["1000000000000", "-1", "0", "'0..99999999999'", "2.5", "[]"]))
        m[key] = value
        return m, f"{key} = {value.text}"
    return mutate_tree(m, rng)


KEY_VALUE = re.compile(r"^(\s*(?:- )?)([\w-]+):\s+(\S.*)$")
LIST_ITEM = re.compile(r"^(\s*- )(\S.*)$")


def mutate_text(lines: list[str], rng: random.Random) -> str:
    """One line-wise mutation of a YAML manifest's text, in place."""
    op = rng.choice(["value", "value", "value", "item", "delete", "duplicate", "indent", "insert", "bomb"])
    content = [i for i, l in enumerate(lines) if l.strip() and not l.lstrip().startswith("#")]
    if op == "value":
        cands = [i for i in content if KEY_VALUE.match(lines[i]) and not KEY_VALUE.match(lines[i]).group(3).startswith("|")]
        if cands:
            i = rng.choice(cands)
            m = KEY_VALUE.match(lines[i])
            value = rng.choice(SCALARS + [json.dumps(n) for n in NAMES])
            lines[i] = f"{m.group(1)}{m.group(2)}: {value}"
            return f"line {i + 1}: {m.group(2)} = {value[:40]}"
    if op == "item":
        cands = [i for i in content if LIST_ITEM.match(lines[i])]
        if cands:
            i = rng.choice(cands)
            value = rng.choice(SCALARS)
            lines[i] = LIST_ITEM.match(lines[i]).group(1) + value
            return f"line {i + 1}: list item = {value[:40]}"
    if op == "delete" and content:
        i = rng.choice(content)
        del lines[i]
        return f"delete line {i + 1}"
    if op == "duplicate" and content:
        i = rng.choice(content)
        lines.insert(i, lines[i])
        return f"duplicate line {i + 1}"
    if op == "indent" and content:
        i = rng.choice(content)
        lines[i] = rng.choice(["", "  ", "\t", "      "]) + lines[i].lstrip()
        return f"indentation of line {i + 1}"
    if op == "bomb":
        depth = rng.randint(3, BOMB_LEVELS)
        where = rng.choice(["unknown", "description", "seeds", "targets"])
        block = bomb(depth)
        if where == "unknown":
            lines[0:0] = block.split("\n")
        else:
            lines[0:0] = ["x-bomb:"] + ["  " + l for l in block.split("\n")]
            lines.append(f"{where}: *l{depth}" if where != "description" else f"description: *l{depth}")
        return f"alias bomb, {depth} levels, at {where}"
    text = rng.choice(["---", "...", "%YAML 1.1", "%TAG ! tag:x,2000:", "? [a, b]\n: c", "<<: *nope",
                       "defaults: &d {population: 1}", "x: !!binary aGk=", "'name': dup", "\t", "- stray item",
                       "key without value", "{", "name: second"])
    i = rng.randrange(len(lines) + 1)
    lines[i:i] = text.split("\n")
    return f"insert {text!r} at line {i + 1}"


def links(ctx: Context) -> list[Link]:
    """Bare predictor names in a manifest resolve under the manifest's project's `predictors/`;
    the case folder has no Package.swift, so that is `in/predictors/` here."""
    return [Link(f"in/predictors/{n}", str(ctx.predictor(n)))
            for n in ("ofa-mbv3-w1.0-top1", "compofa-elastic-mbv3-w1.0-top1", "cpu-lut-w1.0")]


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    if rng.random() < 0.4:
        lines = ctx.read(ctx.repo / "experiments" / "quickstart.yaml").decode().split("\n")
        notes = ["quickstart.yaml"] + [mutate_text(lines, rng) for _ in range(rng.choice([1, 1, 2, 3]))]
        data = "\n".join(lines).encode()
        real = False
    else:
        real = rng.random() < 0.5
        m: object = small_manifest(rng)
        notes = ["small manifest"]
        for _ in range(rng.choice([0, 1, 1, 2]) if real else rng.choice([1, 1, 2])):
            m, note = mutate_manifest(m, rng, cheap=real)
            notes.append(note)
        data = to_yaml(m).encode() + b"\n"
    if rng.random() < 0.15:
        data, note = mutate_bytes(data, rng)
        notes.append(note)
    # Without --out the output folder is out/<name>: the manifest's name becomes a path.
    argv = ["run", "in/m.yaml"] + (["--out", "out"] if rng.random() < 0.8 else []) + ([] if real else ["--check"])
    if "--out" not in argv:
        notes.append("no --out")
    elif real and rng.random() < 0.1:
        argv += rng.choice([["--jobs", "0"], ["--jobs", "-1"], ["--jobs", "2"], ["--shard", "1/0"], ["--shard", "0/2"],
                            ["--shard", "-1/2"], ["--fresh", "--resume"], ["--jobs", "9223372036854775807"]])
        notes.append(" ".join(argv[-2:]))
    return Case(index, NAME, "; ".join(notes), argv, files=[InputFile("in/m.yaml", data)], links=links(ctx),
                stdout_format="text", timeout=30)
