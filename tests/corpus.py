"""Where the shared corpus of real published files lives, for tests that read it.

The corpus sits beside the project (`../shared/corpus`), never inside it:
tests read it in place and skip, saying why, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DESK_CORPUS", ROOT.parent / "shared" / "corpus"))

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS} (set DESK_CORPUS)"
)


def corpus_path(relative: str) -> Path:
    """The path of one corpus file; skips the test when it is missing."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file {relative} is not at {path}")
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
