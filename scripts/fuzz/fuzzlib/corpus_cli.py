"""Numbers on the command line of `ofasearch search`: a fast valid search (population 8,
3 generations) with one to three options given odd values (`15,,20`, `-5`, `1e400`, `nan`,
Int.max, `0x10`, full-width digits ...). A short timeout: the valid search takes ~0.2 s."""
from __future__ import annotations

import random

from .archs import small_mlp
from .case import Case, Context, InputFile
from .values import dumps

NAME = "cli"
WEIGHT = 2

INTS = ["-5", "-1", "0", "1", "2", "3", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "1e400", "1e3", "nan", "inf", "", " 5", "5 ", "+5", "0x10", "1_000", "３", "5.0", "five"]
DOUBLES = ["nan", "-nan", "inf", "-inf", "1e400", "-1e400", "1e-400", "5e-324", "0", "-0", "-0.5", "1", "1.0000001", "2",
           "0x1p-2", "", "0.25,", ".", "1e", "NaN"]
LISTS = ["15,,20", ",", ",,", "", " ", "-5", "0", "nan", "inf", "1e400", "1e-320", "5e-324", "15;20", "15 20", "1" * 400,
         "3,3,3", "1e9,1e300", "1.7976931348623157e308", "0x10", "+4", "4,", ",4", "4," * 2000 + "4"]
RESOLUTIONS = ["128,,160", ",", "", "0", "-128", "99999", "128,128", "130", "128;160", "9223372036854775808", "224,128",
               " 160", "160 ", "1e2", "nan", "112", "228"]

# option -> (values, applies to the latency base / macs base / both)
OPTIONS = {
    "--target": LISTS,
    "--population": INTS,
    "--generations": INTS,
    "--samples": INTS,
    "--max-tries": INTS,
    "--threads": ["0", "-1", "1", "2", "64", "4096", "100000", "9223372036854775807", "nan", "1e400"],
    "--seed": INTS + ["18446744073709551615", "18446744073709551616", "-1"],
    "--parent-ratio": DOUBLES,
    "--mutation-ratio": DOUBLES,
    "--mutate-prob": DOUBLES,
    "--resolutions": RESOLUTIONS,
    "--strategy": ["random", "exhaustive", "nsga2", "evolution", "", "EVOLUTIONARY", "memetic", "surrogate"],
    "--multi": ["top-down", "bottom-up", "independent", "nsga2", "sideways", ""],
    "--variant": ["paper", "improved", "", "x"],
    "--warm-generations": INTS,
    "--first-stall": INTS,
    "--warm-stall": INTS,
    "--warm-parent-ratio": DOUBLES,
    # NSGA-II's issue-16 switches.
    "--nsga2-init": ["stratified", "random", "", "x"],
    "--nsga2-duplicates": ["drop", "keep", ""],
    "--nsga2-floor": ["smallest-target", "none", "x"],
    "--nsga2-parents": ["answers", "tournament", "", "ANSWERS"],
    # Surrogate search: budgets kept small (a valid large one is slow by design, not a hang).
    "--budget": ["-1", "0", "1", "2", "3", "12", "10001", "nan", "1e308", "9223372036854775808", ""],
    "--initial": ["-1", "0", "1", "11", "13", "1e308", "nan"],
    "--batch": ["-1", "0", "1", "12", "13", "9223372036854775807"],
    "--inner-generations": ["-1", "0", "1", "1000001", "nan"],
    "--inner-starts": ["-1", "0", "1", "2", "16", "17"],
    "--warm-start": ["in/warm.jsonl", "in", "/nonexistent/warm.jsonl", ""],
    "--inner-stall": ["-1", "0", "1", "15", "1000001", "nan"],
    # Memetic search (restarts and climbs inside population × (generations + 1)).
    "--climb-evaluations": ["-1", "0", "1", "7", "100", "10000001", "1e308", "nan", ""],
    "--restart-stall": ["-1", "0", "1", "2", "1000001", "nan"],
}
SURROGATE = {"--budget", "--initial", "--batch", "--inner-generations", "--inner-starts", "--warm-start", "--inner-stall"}
MEMETIC = {"--climb-evaluations", "--restart-stall"}

ARCH = '"ks":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"e":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"d":[2,2,2,2,2]'
WARM_LINES = ["{" + ARCH + ',"r":160,"top1":70.5}', "{" + ARCH + ',"r":192,"top1":NaN}', "{" + ARCH + ',"r":160,"top1":1e308}',
              "{" + ARCH + ',"r":160,"top1":null}', "{" + ARCH + ',"r":161,"top1":70}', "{" + ARCH + ',"r":160}', "",
              '{"ks":[],"e":[],"d":[],"r":160,"top1":70}', "[]", "{" + ARCH + ',"r":160,"top1":-1}', "\x00\xff"]


def base(rng: random.Random, ctx: Context) -> tuple[list[str], list[InputFile]]:
    if rng.random() < 0.5:
        return (["search", "--space", "compofa-elastic-mbv3-w1.0", "--resolutions", "128,160", "--accuracy",
                 str(ctx.predictor("compofa-elastic-mbv3-w1.0-top1")), "--macs", "--target", "200000000,300000000"], [])
    return (["search", "--space", "ofa-mbv3-w1.0", "--resolutions", "160,192", "--accuracy", "in/mlp.json",
             "--latency", str(ctx.predictor("cpu-lut-w1.0")), "--target", "5,7"],
            [InputFile("in/mlp.json", dumps(small_mlp(rng)).encode())])


def set_option(argv: list[str], option: str, value: str) -> None:
    if option in argv:
        argv[argv.index(option) + 1] = value
    else:
        argv += [option, value]


def generate(rng: random.Random, ctx: Context, index: int) -> Case:
    argv, files = base(rng, ctx)
    argv += ["--population", "8", "--generations", "3", "--seed", str(index)]
    notes = []
    for option in rng.sample(sorted(OPTIONS), rng.choice([1, 1, 1, 2, 3])):
        value = rng.choice(OPTIONS[option])
        if option == "--samples" and "--strategy" not in argv:
            set_option(argv, "--strategy", "random")
        if option in SURROGATE and "--strategy" not in argv:
            set_option(argv, "--strategy", "surrogate")
            for o, v in (("--budget", "12"), ("--inner-generations", "2"), ("--inner-starts", "1")):
                if o not in argv:
                    set_option(argv, o, v)
        if option.startswith("--nsga2-") and "--multi" not in argv:
            set_option(argv, "--multi", "nsga2")
        if option in MEMETIC and "--strategy" not in argv:
            set_option(argv, "--strategy", "memetic")
        if option == "--warm-start":
            lines = [rng.choice(WARM_LINES) for _ in range(rng.choice([0, 1, 3]))]
            files.append(InputFile("in/warm.jsonl", "\n".join(lines).encode()))
        set_option(argv, option, value)
        notes.append(f"{option} {value[:30]!r}" + (f" ({len(value)} chars)" if len(value) > 30 else ""))
    if rng.random() < 0.8:
        argv.append("--json")
        fmt = "json"
    else:
        fmt = "text"
    return Case(index, NAME, "; ".join(notes), argv, files=files, stdout_format=fmt, timeout=10)
