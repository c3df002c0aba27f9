"""The corpus gate: in CI a missing corpus fails the run at once; locally it skips, saying so.

Each test runs pytest in a subprocess on one small corpus test, with
`DESK_CORPUS` pointing nowhere, so the gate in tests/conftest.py is what
is exercised, as `.ci/run` would meet it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.corpus import ROOT, in_ci

ONE_CORPUS_TEST = "tests/ingest/test_telegram.py::test_every_corpus_file_is_in_the_table"
NOWHERE = "/nonexistent/desk-corpus"


def run_pytest(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["DESK_CORPUS"] = NOWHERE
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_CORPUS_TEST],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("ci", ["true", "1"])
def test_in_ci_a_missing_corpus_fails_the_run_before_any_test(ci: str) -> None:
    proc = run_pytest(ci)
    out = proc.stdout + proc.stderr
    assert proc.returncode not in (0, 5), out
    assert f"CI is set and the shared corpus is not at {NOWHERE} (set DESK_CORPUS)" in out
    assert "passed" not in out and "skipped" not in out  # no test ran


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_locally_a_missing_corpus_skips_and_says_so_once(ci: str | None) -> None:
    proc = run_pytest(ci)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "1 skipped" in out
    line = f"1 corpus tests skipped: the shared corpus is not at {NOWHERE} (set DESK_CORPUS)"
    assert out.count(line) == 1


def test_in_ci_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in [("true", True), ("1", True), ("yes", True), (" False ", False)]:
        monkeypatch.setenv("CI", value)
        assert in_ci() is expected
    monkeypatch.delenv("CI")
    assert in_ci() is False
