"""Shared fixtures (a fresh desk file per test, a CLI runner through the real entry point)
and the corpus gate: in CI a missing shared corpus fails the run before any test starts;
a local run without it skips the tests that read it and says so once in the summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

from db import Store
from tests.corpus import CORPUS, MISSING, in_ci

ROOT = Path(__file__).resolve().parent.parent

CORPUS_GATE = (
    f"CI is set and {MISSING}: the corpus tests cannot run, so this run fails "
    "(unset CI to skip them locally)"
)


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, no corpus is an error before any test runs, never two thirds of the suite skipped."""
    if in_ci() and not CORPUS.is_dir():
        raise pytest.UsageError(CORPUS_GATE)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Without the corpus (a local run), say once how many tests that reads it were skipped."""
    if CORPUS.is_dir():
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if _reads_corpus(r)]
    terminalreporter.write_sep(
        "-", f"{len(skipped)} corpus tests skipped: {MISSING}; CI=true makes this an error"
    )


def _reads_corpus(report: pytest.TestReport) -> bool:
    """Whether a skip comes from the corpus being absent (its mark, its reason, no files)."""
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return "corpus" in report.keywords or "corpus" in reason or "got empty parameter set" in reason


@pytest.fixture
def desk_path(tmp_path: Path) -> Path:
    return tmp_path / "test.desk"


@pytest.fixture
def store(desk_path: Path) -> Iterator[Store]:
    with Store(desk_path, create=True) as opened:
        yield opened


@dataclass
class Result:
    code: int
    out: str
    err: str


class RunDesk(Protocol):
    """The `run_desk` fixture: `desk ARGS...` on the test's desk, as its user would run it."""

    def __call__(
        self,
        *args: str,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        actor: str = "tester",
    ) -> Result: ...


@pytest.fixture
def run_desk(desk_path: Path, tmp_path: Path) -> RunDesk:
    """Run `python -m desk ...` as a user would, on the test's desk file."""

    def run(
        *args: str,
        input: str | bytes | None = None,
        env: dict[str, str] | None = None,
        actor: str = "tester",
    ) -> Result:
        full_env = {
            **os.environ,
            "DESK_FILE": str(desk_path),
            "DESK_USER": actor,
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "EDITOR": "false",
            "PYTHONIOENCODING": "utf-8",
            **(env or {}),
        }
        data = input.encode("utf-8") if isinstance(input, str) else input
        proc = subprocess.run(
            [sys.executable, "-m", "desk", *args],
            input=data if data is not None else b"",
            capture_output=True,
            env=full_env,
            cwd=ROOT,
            timeout=120,
        )
        return Result(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return run
