"""Shared fixtures: a fresh desk file per test, and a CLI runner through the real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import Store

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.fixture
def run_desk(desk_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
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
