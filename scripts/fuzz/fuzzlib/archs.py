"""Valid inputs every corpus starts from: architectures of each space, and a small MLP.

Mutations are only interesting near valid input: a random byte string is refused by the first
check, while one wrong field in an otherwise valid setting reaches the code behind it."""
from __future__ import annotations

import random
from dataclasses import dataclass

from .values import dumps

UNITS, BLOCKS_PER_UNIT = 5, 4
BLOCKS = UNITS * BLOCKS_PER_UNIT


@dataclass(frozen=True)
class Space:
    name: str
    resolutions: tuple[int, ...]
    kernels: str            # "elastic" (any of 3,5,7 per block) or "fixed" (CompOFA's per unit)
    coupled: bool           # CompOFA: expand ratio set by the unit's depth

    def random_arch(self, rng: random.Random, resolution: int | None = None) -> dict:
        d = [rng.choice((2, 3, 4)) for _ in range(UNITS)]
        if self.coupled:
            e = [{2: 3, 3: 4, 4: 6}[d[u]] for u in range(UNITS) for _ in range(BLOCKS_PER_UNIT)]
        else:
            e = [rng.choice((3, 4, 6)) for _ in range(BLOCKS)]
        if self.kernels == "fixed":
            ks = [k for k in (3, 5, 3, 3, 5) for _ in range(BLOCKS_PER_UNIT)]
        else:
            ks = [rng.choice((3, 5, 7)) for _ in range(BLOCKS)]
        return {"ks": ks, "e": e, "d": d, "r": resolution or rng.choice(self.resolutions)}


def _range(lo: int, hi: int) -> tuple[int, ...]:
    return tuple(range(lo, hi + 1, 4))


SPACES = {s.name: s for s in [
    Space("ofa-mbv3-w1.0", _range(128, 224), "elastic", False),
    Space("ofa-mbv3-w1.2", _range(160, 224), "elastic", False),
    Space("compofa-mbv3-w1.0", _range(128, 224), "fixed", True),
    Space("compofa-mbv3-w1.2", _range(160, 224), "fixed", True),
    Space("compofa-elastic-mbv3-w1.0", _range(128, 224), "elastic", True),
    Space("compofa-elastic-mbv3-w1.2", _range(160, 224), "elastic", True),
]}


def small_mlp(rng: random.Random, hidden: int = 8) -> dict:
    """A valid MLP in the tutorial export's format, 128 -> hidden -> 1, whose output stays in
    [0.5, 0.75] for every encoding (non-negative weights bounded so): any accuracy outside [0, 1]
    from a mutated copy is the mutation's doing. The real 4.6 MB export takes ~0.5 s to load."""
    w1 = [[round(rng.uniform(0, 0.01), 5) for _ in range(128)] for _ in range(hidden)]
    b1 = [0.1] * hidden
    w2 = [[0.05] * hidden]
    return {"kind": "mlp", "activation": "relu", "encoding": "ofa-tutorial-128",
            "layers": [{"weight": w1, "bias": b1}, {"weight": w2, "bias": [0.5]}]}


def jsonl(rows: list) -> bytes:
    return "".join(dumps(r) + "\n" for r in rows).encode()
