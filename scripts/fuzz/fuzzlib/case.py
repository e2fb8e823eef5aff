"""What a fuzz case is, and the read-only context corpora build cases from."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class InputFile:
    """A file written into the case folder before the run (path relative to the case folder)."""
    path: str
    data: bytes


@dataclass(frozen=True)
class Link:
    """A symbolic link in the case folder to a read-only original (a committed predictor), so a
    manifest's bare names resolve without copying megabytes per case."""
    path: str
    target: str


@dataclass
class Case:
    """One run of the binary: arguments (paths relative to the case folder, which is the working
    directory), standard input, the files to create, and what exit-0 output must look like."""
    index: int
    corpus: str
    mutation: str                    # what was changed, for the report and the reproducer
    argv: list[str]                  # arguments after the binary
    stdin: bytes = b""
    files: list[InputFile] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    stdout_format: str = "text"      # jsonl | json | text
    timeout: float = 20.0

    @property
    def command(self) -> str:
        """The subcommand, e.g. `predict` or `predictor eval`."""
        words = [a for a in self.argv[:2] if not a.startswith("-")]
        return " ".join(words[:2]) if words[:1] == ["predictor"] else (words[0] if words else "")


@dataclass(frozen=True)
class Context:
    """Where the inputs' originals live. `shared` is None when ../shared/ofa-data is absent; the
    corpora that need it are then left out (with a message)."""
    repo: Path
    shared: Path | None

    def predictor(self, name: str) -> Path:
        return self.repo / "predictors" / name

    @functools.cache
    def read(self, path: Path) -> bytes:
        """Original files, read once per process (cases copy and mutate them)."""
        return Path(path).read_bytes()

    @functools.cache
    def lines(self, path: Path) -> list[bytes]:
        return [l for l in self.read(path).splitlines() if l.strip()]


def shared_data(repo: Path) -> Path | None:
    """The shared data folder, as ofasearch finds it: $OFA_DATA, else ../shared/ofa-data."""
    env = os.environ.get("OFA_DATA")
    candidate = Path(env) if env else repo.parent / "shared" / "ofa-data"
    return candidate.resolve() if (candidate / "README.md").exists() or (env and candidate.exists()) else None
