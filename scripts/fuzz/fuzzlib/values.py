"""Mutation primitives shared by every corpus.

Three layers:
- `Raw` and `dumps`: a JSON writer that can also emit what Python's json module cannot (NaN
  literals, 1e400, leading zeros, single quotes, comments, duplicate keys), so a corpus mutates a
  parsed document and still produces the malformed spellings a hand-edited file may contain;
- `mutate_tree`: one structural mutation of a parsed JSON document (a value replaced, a key
  removed or duplicated, a list resized ...), returning a short description of what it did;
- `mutate_bytes`: one byte-level mutation of any text file (truncation, NUL, invalid UTF-8, CRLF,
  a very long line, trailing garbage ...).

Every function takes the case's `random.Random`, so a case is a pure function of its seed.
"""
from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Raw:
    """Text written verbatim into a JSON document (an invalid or extreme token)."""
    text: str


class Pairs(list):
    """A JSON object kept as (key, value) pairs, so that it may hold duplicate keys."""


def dumps(value: Any) -> str:
    """JSON text of `value`; `Raw` is copied verbatim, non-finite floats become NaN/Infinity."""
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Pairs):
        return "{" + ",".join(json.dumps(k) + ":" + dumps(v) for k, v in value) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__}")


# Numbers a numeric field may be given. Raw tokens are the spellings json.loads would refuse or
# silently change (1e400 -> inf, 0224 -> error) but that a C parser (json-c) or Yams might accept.
NASTY_NUMBERS: list[Any] = [
    Raw("NaN"), Raw("-NaN"), Raw("nan"), Raw("Infinity"), Raw("-Infinity"), Raw("inf"),
    Raw("1e400"), Raw("-1e400"), Raw("1e-400"), 1e300, -1e300, 5e-324, 1.7976931348623157e308,
    -1, 0, -0.0, Raw("-0"), 1, 2, 101, 1000, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64,
    -(2**63), -(2**63) - 1, Raw("99999999999999999999999999999"), 3.5, 224.0, 4.0000000001,
    Raw("0224"), Raw("00"), Raw("0x10"), Raw("+3"), Raw(".5"), Raw("5."), Raw("1e"), Raw("3e+"),
    Raw("1_000"), Raw("٣"),
]

# Values of the wrong kind for any field.
NASTY_OTHER: list[Any] = [
    None, True, False, "", "3", "224", "NaN", "null", " 3", "a" * 5000, "\u0000", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    [], [3], [[3]], {}, {"a": 1}, Raw("'3'"), Raw("\"\\ud800\""), Raw("\"\\u0000\""), Raw("3 /* comment */"),
    Raw("3 // comment"), Raw("[" * 200 + "]" * 200), Raw("[" * 100000 + "]" * 100000),
    Raw("{\"a\":" * 5000 + "1" + "}" * 5000), Raw("undefined"), Raw("True"), Raw("None"),
]


def nasty_value(rng: random.Random, numeric_bias: float = 0.7) -> Any:
    """A value to put where a field's value was: null one time in ten (the commonest hand edit
    and an easy force-unwrap), else mostly numbers, sometimes anything."""
    if rng.random() < 0.1:
        return None
    return rng.choice(NASTY_NUMBERS if rng.random() < numeric_bias else NASTY_OTHER)


def describe(value: Any) -> str:
    """A short, stable spelling of a value for mutation descriptions."""
    text = dumps(value)
    return text if len(text) <= 40 else text[:30] + f"...({len(text)} chars)"


# --- structural mutations of parsed JSON ---------------------------------------------------------

Path = tuple  # keys (str) and indices (int) from the root


def all_paths(doc: Any, prefix: Path = ()) -> list[Path]:
    """Every node's path, root first, in a deterministic order."""
    paths = [prefix]
    if isinstance(doc, dict):
        for k in doc:
            paths += all_paths(doc[k], prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            paths += all_paths(v, prefix + (i,))
    return paths


def get_at(doc: Any, path: Path) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def set_at(doc: Any, path: Path, value: Any) -> Any:
    """Returns the document with the node at `path` replaced (the root may be replaced)."""
    if not path:
        return value
    get_at(doc, path[:-1])[path[-1]] = value
    return doc


def path_text(path: Path) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path) or "<root>"


def mutate_tree(doc: Any, rng: random.Random, prefer: Callable[[Path], bool] | None = None) -> tuple[Any, str]:
    """One structural mutation of `doc` (mutated in place where possible; returns the new root).

    `prefer` picks the paths a corpus cares about (e.g. `top1`, `target_transform`); they are
    chosen two times out of three when any exist."""
    paths = all_paths(doc)
    preferred = [p for p in paths if prefer(p)] if prefer else []
    path = rng.choice(preferred if preferred and rng.random() < 0.67 else paths)
    node = get_at(doc, path)
    parent = get_at(doc, path[:-1]) if path else None
    op = rng.choice(["replace", "replace", "replace", "delete", "extra-key", "duplicate-key",
                     "resize", "wrap", "stringify"])
    where = path_text(path)
    if op == "delete" and path:
        if isinstance(parent, dict):
            del parent[path[-1]]
        else:
            del parent[path[-1]]
        return doc, f"delete {where}"
    if op == "extra-key" and isinstance(node, dict):
        key = rng.choice(["extra", "", "ks", "__proto__", "k" * 300, "r"])
        node[key] = nasty_value(rng)
        return doc, f"extra key {json.dumps(key[:20])} in {where}"
    if op == "duplicate-key" and isinstance(node, dict) and node:
        pairs = Pairs(node.items())
        k, _ = rng.choice(pairs)
        pairs.append((k, nasty_value(rng)))
        return set_at(doc, path, pairs), f"duplicate key {where}.{k}"
    if op == "resize" and isinstance(node, list):
        how = rng.choice(["empty", "drop", "append", "double", "huge"])
        if how == "empty":
            new: Any = []
        elif how == "drop":
            new = node[:-1] if node else [1]
        elif how == "append":
            new = node + [node[-1] if node else 1]
        elif how == "double":
            new = node + node
        else:
            new = (node or [1]) * (20000 // max(1, len(node)))
        return set_at(doc, path, new), f"resize {where} ({how})"
    if op == "wrap":
        return set_at(doc, path, [node]), f"wrap {where} in a list"
    if op == "stringify" and isinstance(node, (int, float)) and not isinstance(node, bool):
        return set_at(doc, path, str(node)), f"stringify {where}"
    value = nasty_value(rng, numeric_bias=0.85 if isinstance(node, (int, float)) else 0.5)
    return set_at(doc, path, value), f"{where} = {describe(value)}"


# --- byte-level mutations of any text ------------------------------------------------------------

_NUMBER = re.compile(rb"(?<![\w.])\d+(\.\d+)?")


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One byte-level mutation of a text file."""
    op = rng.choice(["truncate", "nul", "invalid-utf8", "crlf", "cr", "bom", "long-line", "garbage",
                     "flip", "delete-chunk", "duplicate-chunk", "leading-zeros", "single-quotes",
                     "comment", "empty", "whitespace", "tabs"])
    n = len(data)
    pos = rng.randrange(n + 1) if n else 0
    if op == "truncate":
        return data[:pos], f"truncate at byte {pos}"
    if op == "nul":
        return data[:pos] + b"\x00" + data[pos:], f"NUL at byte {pos}"
    if op == "invalid-utf8":
        bad = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf"])
        return data[:pos] + bad + data[pos:], f"invalid UTF-8 {bad!r} at byte {pos}"
    if op == "crlf":
        return data.replace(b"\n", b"\r\n"), "CRLF line ends"
    if op == "cr":
        return data.replace(b"\n", b"\r"), "CR line ends"
    if op == "bom":
        return b"\xef\xbb\xbf" + data, "UTF-8 byte-order mark"
    if op == "long-line":
        filler = rng.choice([b" ", b"9", b"a", b"[", b"{\"a\":"])
        return data[:pos] + filler * rng.choice([10_000, 200_000]) + data[pos:], f"long run of {filler!r} at byte {pos}"
    if op == "garbage":
        junk = rng.choice([b"}", b"]", b"garbage", b"\n{", b"\n]]]", b"\x1b[2J", b"\n---\n", b",", b"\n:\n"])
        return data + junk, f"trailing {junk!r}"
    if op == "flip" and n:
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(n)
            out[i] ^= 1 << rng.randrange(8)
        return bytes(out), "bit flips"
    if op == "delete-chunk" and n:
        end = min(n, pos + rng.randint(1, 64))
        return data[:pos] + data[end:], f"delete bytes {pos}..{end}"
    if op == "duplicate-chunk" and n:
        end = min(n, pos + rng.randint(1, 256))
        return data[:end] + data[pos:end] + data[end:], f"duplicate bytes {pos}..{end}"
    if op == "leading-zeros":
        matches = list(_NUMBER.finditer(data))
        if matches:
            m = rng.choice(matches)
            return data[:m.start()] + b"00" + data[m.start():], f"leading zeros at byte {m.start()}"
    if op == "single-quotes":
        return data.replace(b'"', b"'"), "single quotes"
    if op == "comment":
        c = rng.choice([b"// c\n", b"/* c */", b"# c\n"])
        return data[:pos] + c + data[pos:], f"comment {c!r} at byte {pos}"
    if op == "empty":
        return b"", "empty"
    if op == "whitespace":
        return b" \n\t\n", "whitespace only"
    if op == "tabs":
        return data.replace(b"  ", b"\t"), "tabs for indentation"
    return data + b"\n", "trailing newline"
