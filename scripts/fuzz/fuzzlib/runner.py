"""Runs one case: builds its folder, runs the binary under limits, judges the run, and keeps the
folder as a reproducer when something is wrong.

Case folder (the working directory of the run):
    in/      inputs (written from the Case; links to committed predictors)
    out/     the only place the run may write (given as --out where the command has one)
    tmp/     $TMPDIR, so temporary files stay in the case
    home/    $HOME, so a write to ~ is seen (it is outside out/)
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import resource
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

from . import oracle
from .case import Case, Context
from .oracle import Finding

CASE_DIR = re.compile(r"^c\d{7}$")
MEMORY_LIMIT = 4 << 30     # address space: an alias bomb or a runaway allocation fails, not the machine
FILE_LIMIT = 1 << 30       # largest file a run may write
HANG_CONFIRM = 3.0         # a timed-out case is run again with this many times the timeout
ESCAPE_MARKER = "fz-escape"  # in every path a corpus aims outside the case (manifest names, ...)


@dataclass(frozen=True)
class Config:
    binary: Path
    seed: int
    work: Path              # temporary root; cases live in work/cases
    findings: Path          # where reproducers are moved (out/findings/pending)
    ctx: Context
    corpora: tuple[ModuleType, ...]
    timeout_scale: float = 1.0
    fork_server: bool = False   # run cases in forked children of one `ofasearch _fork-server`

    @property
    def cases(self) -> Path:
        return self.work / "cases"


@dataclass
class Outcome:
    index: int
    corpus: str
    command: str
    mutation: str
    returncode: int | None      # None: hang
    seconds: float
    status: str                 # exit0 | error | finding
    findings: list[Finding] = field(default_factory=list)
    multiline_error: bool = False
    slow: bool = False          # timed out once, finished with the longer timeout
    stderr_first: str = ""
    reproducer: str | None = None


def pick_corpus(rng: random.Random, corpora: tuple[ModuleType, ...]) -> ModuleType:
    return rng.choices(corpora, weights=[c.WEIGHT for c in corpora])[0]


def make_case(cfg: Config, index: int) -> Case:
    """Case `index` of seed `cfg.seed`: its own generator, so cases do not depend on each other,
    on the order they run in, or on --jobs."""
    rng = random.Random(f"{cfg.seed}:{index}")
    corpus = pick_corpus(rng, cfg.corpora)
    return corpus.generate(rng, cfg.ctx, index)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def prepare(case: Case, d: Path) -> None:
    if d.exists():
        shutil.rmtree(d)
    for sub in ("in", "out", "tmp", "home"):
        (d / sub).mkdir(parents=True)
    for f in case.files:
        p = d / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)
    for link in case.links:
        p = d / link.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.symlink_to(link.target)
    (d / "in" / "stdin").write_bytes(case.stdin)


def environment(cfg: Config, d: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH")}
    env.update(TMPDIR=str(d / "tmp"), HOME=str(d / "home"), OPENBLAS_NUM_THREADS="1")
    if cfg.ctx.shared:
        env["OFA_DATA"] = str(cfg.ctx.shared)
    return env


class ForkServer:
    """One `ofasearch _fork-server` per worker process: a case is a fork of an already loaded
    program instead of a new one (ten to fifty times faster for small cases). Each case still
    gets its own directory, environment, limits, streams and process group, so the oracle is
    the same; a case that kills the server itself is run again as a plain process."""

    def __init__(self, binary: Path):
        self.binary = binary
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([str(self.binary), "_fork-server", "--memory-limit", str(MEMORY_LIMIT),
                                      "--file-limit", str(FILE_LIMIT)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1"})

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], stdin: Path, stdout: Path, stderr: Path,
            timeout: float) -> tuple[int | None, bool]:
        """(returncode, or None on timeout; whether the server answered at all)."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        request = {"argv": argv, "cwd": str(cwd), "env": env, "stdin": str(stdin), "stdout": str(stdout),
                   "stderr": str(stderr), "timeout": timeout}
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = b""
        if not line:
            self.proc = None
            return None, False
        reply = json.loads(line)
        if reply.get("timeout"):
            return None, True
        if "signal" in reply:
            return -int(reply["signal"]), True
        return int(reply["status"]), True


_server: ForkServer | None = None


def execute(cfg: Config, case: Case, d: Path, timeout: float) -> tuple[int | None, bytes, bytes, float]:
    """(returncode or None on timeout, stdout, stderr, seconds)."""
    global _server
    if cfg.fork_server:
        if _server is None:
            _server = ForkServer(cfg.binary)
        start = time.monotonic()
        # The streams go to tmp/, which the "written outside out/" check leaves alone.
        streams = d / "tmp" / ".fuzz-streams"
        streams.mkdir(exist_ok=True)
        (streams / "stdout").write_bytes(b"")
        (streams / "stderr").write_bytes(b"")
        code, answered = _server.run(case.argv, d, environment(cfg, d), d / "in" / "stdin", streams / "stdout",
                                     streams / "stderr", timeout)
        if answered:
            out, err = (streams / "stdout").read_bytes(), (streams / "stderr").read_bytes()
            shutil.rmtree(streams, ignore_errors=True)
            return code, out, err, time.monotonic() - start
        shutil.rmtree(streams, ignore_errors=True)
        # The server died (not the case): judge this case as a plain process.
    start = time.monotonic()
    proc = subprocess.Popen([str(cfg.binary), *case.argv], cwd=d, env=environment(cfg, d), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_limits)
    try:
        out, err = proc.communicate(case.stdin, timeout=timeout)
        return proc.returncode, out, err, time.monotonic() - start
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err, time.monotonic() - start


# --- writes outside the output folder ----------------------------------------------------------

def inside_snapshot(d: Path) -> dict[str, tuple]:
    """Every entry of the case folder except out/ and tmp/ (links not followed)."""
    snap = {}
    for root, dirs, files in os.walk(d):
        rel_root = os.path.relpath(root, d)
        if rel_root == ".":
            dirs[:] = [x for x in dirs if x not in ("out", "tmp")]
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            snap[os.path.relpath(p, d)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return snap


def outside_roots(cfg: Config) -> list[Path]:
    return [cfg.cases, cfg.work, Path("/tmp"), Path("/"), cfg.ctx.repo, cfg.ctx.repo / "predictors",
            cfg.ctx.repo / "experiments", Path(os.path.expanduser("~"))]


def outside_snapshot(cfg: Config) -> dict[Path, set[str]]:
    snap = {}
    for root in outside_roots(cfg):
        try:
            names = set(os.listdir(root))
        except OSError:
            names = set()
        if root == cfg.cases:
            names = {n for n in names if not CASE_DIR.match(n)}   # other workers' cases come and go
        snap[root] = names
    return snap


def written_outside(cfg: Config, case: Case, before_in: dict, after_in: dict,
                    before_out: dict[Path, set[str]], after_out: dict[Path, set[str]]) -> tuple[list[Finding], list[Path]]:
    """(findings, the new entries outside the case folder that the run made)."""
    found, escaped = [], []
    # Created, changed or removed ("home" itself changes with anything written under it).
    changed = sorted(p for p in set(after_in) | set(before_in) if before_in.get(p) != after_in.get(p) and p != "home")
    if changed:
        found.append(Finding("wrote-outside", "in the case folder, outside out/: " + ", ".join(changed[:5]),
                             f"wrote-outside|{case.command}|case:{oracle.normalize(','.join(changed[:3]))}"))
    # Machine-wide folders also change under other processes (builds and people write to /tmp):
    # there only names carrying the marker every escaping path of the corpora ends in count (and
    # only those are moved away). The fuzzer's own folders count whatever the name.
    private = {cfg.cases, cfg.work}
    for root, names in after_out.items():
        new = sorted(names - before_out.get(root, set()))
        if root not in private:
            new = [n for n in new if ESCAPE_MARKER in n]
        if new:
            found.append(Finding("wrote-outside", f"new in {root}: " + ", ".join(new[:5]),
                                 f"wrote-outside|{case.command}|{root.name or '/'}:{oracle.normalize(','.join(new[:3]))}"))
            escaped += [root / n for n in new]
    return found, escaped


def collect(escaped: list[Path], d: Path) -> None:
    """Moves what a run wrote outside its folder into the case's `escaped/`: the evidence goes
    with the reproducer, and the next case that writes the same name is seen writing it."""
    for path in escaped:
        dest = d / "escaped" / str(path.parent).strip("/").replace("/", "_") / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.move(str(path), dest)
        except OSError:
            pass


# --- one case ----------------------------------------------------------------------------------

def run_case(cfg: Config, index: int) -> Outcome:
    try:
        case = make_case(cfg, index)
    except Exception as e:   # a bug in a mutator must not end a long run: counted, shown in the summary
        return Outcome(index, "(generator)", "", f"{type(e).__name__}: {e}"[:300], None, 0.0, "generator-error")
    d = cfg.cases / f"c{index:07d}"
    prepare(case, d)
    before_in, before_out = inside_snapshot(d), outside_snapshot(cfg)
    timeout = case.timeout * cfg.timeout_scale
    code, out, err, seconds = execute(cfg, case, d, timeout)
    slow = False
    if code is None:
        # Confirm with a longer timeout: a loaded machine is not a hang.
        prepare(case, d)
        before_in = inside_snapshot(d)
        code, out, err, seconds = execute(cfg, case, d, timeout * HANG_CONFIRM)
        slow = code is not None
    after_in, after_out = inside_snapshot(d), outside_snapshot(cfg)
    findings: list[Finding] = []
    multiline = False
    if code is None:
        findings.append(Finding("hang", f"no exit within {timeout * HANG_CONFIRM:.0f} s",
                                f"hang|{case.command}|{case.corpus}|{oracle.normalize(case.mutation, 60)}"))
    elif code < 0:
        findings.append(oracle.signal_finding(code, err, case.command))
    elif code == 0:
        findings += oracle.check_output(out, case.stdout_format, d / "out", case.command)
    else:
        errors, multiline = oracle.check_error(err, case.command)
        findings += errors
    outside, escaped = written_outside(cfg, case, before_in, after_in, before_out, after_out)
    findings += outside
    collect(escaped, d)
    first = next((l for l in err.decode("utf-8", "replace").splitlines() if l.strip()), "")
    outcome = Outcome(index, case.corpus, case.command, case.mutation, code, round(seconds, 3),
                      "finding" if findings else ("exit0" if code == 0 else "error"), findings, multiline, slow,
                      first[:300])
    if findings:
        outcome.reproducer = keep_reproducer(cfg, case, d, out, err, outcome)
    else:
        shutil.rmtree(d, ignore_errors=True)
    return outcome


def keep_reproducer(cfg: Config, case: Case, d: Path, out: bytes, err: bytes, outcome: Outcome) -> str:
    """Moves the case folder to the findings with the command that reproduces it; what the run
    wrote is kept as observed-out/, and out/ is left empty for a re-run."""
    dest = cfg.findings / d.name
    if dest.exists():
        shutil.rmtree(dest)
    shutil.move(str(d), dest)
    (dest / "out").rename(dest / "observed-out")
    (dest / "out").mkdir()
    shutil.rmtree(dest / "tmp", ignore_errors=True)
    (dest / "tmp").mkdir()
    (dest / "stdout.txt").write_bytes(out)
    (dest / "stderr.txt").write_bytes(err)
    env = f"OFA_DATA={shlex.quote(str(cfg.ctx.shared))} " if cfg.ctx.shared else ""
    stdin = " < in/stdin" if case.stdin else " < /dev/null"
    (dest / "cmd.sh").write_text(
        "#!/bin/sh\n"
        f"# fuzz case {case.index} (seed {cfg.seed}), corpus {case.corpus}: {case.mutation}\n"
        + "".join(f"# {f.category}: {f.detail}\n" for f in outcome.findings)
        + 'cd "$(dirname "$0")" && rm -rf out tmp && mkdir -p out tmp home\n'
        + f'{env}TMPDIR="$PWD/tmp" HOME="$PWD/home" OPENBLAS_NUM_THREADS=1 '
        + f'"${{OFASEARCH:-{cfg.binary}}}" ' + " ".join(shlex.quote(a) for a in case.argv) + stdin + "\n")
    (dest / "cmd.sh").chmod(0o755)
    (dest / "case.json").write_text(json.dumps(asdict(outcome) | {"argv": case.argv,
                                                                   "input_sha256": hashlib.sha256(case.stdin).hexdigest()},
                                               indent=2, default=str))
    return str(dest)
