"""Where the shared corpus of real published files lives, for tests that read it.

The corpus sits beside the project (`../shared/corpus`, or `$DESK_CORPUS`),
never inside it: tests read it in place. Without it a local run skips the
tests that read it and says so once in its summary (tests/conftest.py); in
CI (`CI` set, as `.ci/run` does) a missing corpus fails the run before any
test starts, and a missing corpus file fails the test that wants it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DESK_CORPUS", ROOT.parent / "shared" / "corpus"))
MISSING = f"the shared corpus is not at {CORPUS} (set DESK_CORPUS)"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=MISSING)


def in_ci() -> bool:
    """Whether this run is CI's: `CI` set to anything but empty, 0, false, no or off."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def corpus_path(relative: str) -> Path:
    """The path of one corpus file; skips the test when it is missing (fails it in CI)."""
    path = CORPUS / relative
    if not path.exists():
        message = f"corpus file {relative} is not at {path}" if CORPUS.is_dir() else MISSING
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return path


def corpus_files(folder: str, *patterns: str) -> list[str]:
    """Corpus files under a folder, relative to the corpus root, for parametrize.

    Returns [] when the corpus is absent, so collection still works.
    """
    base = CORPUS / folder
    if not base.is_dir():
        return []
    found: set[Path] = set()
    for pattern in patterns or ("*",):
        found.update(p for p in base.rglob(pattern) if p.is_file())
    return sorted(str(p.relative_to(CORPUS)) for p in found)
