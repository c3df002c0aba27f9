"""Every format of the fixed desk equals its golden file, byte for byte.

The golden files under `golden/` were read line by line when written (they
are the pages a reader gets); a change to any format shows here as a diff to
review. `DESK_UPDATE_GOLDEN=1` rewrites them after such a review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.export.conftest import FORMATS, GOLDEN_NAMES

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(published: dict[str, str], fmt: str) -> None:
    path = GOLDEN / GOLDEN_NAMES[fmt]
    if os.environ.get("DESK_UPDATE_GOLDEN"):
        path.write_bytes(published[fmt].encode("utf-8"))
    assert path.exists(), f"no golden file {path.name}: run with DESK_UPDATE_GOLDEN=1 and review it"
    assert published[fmt] == path.read_bytes().decode("utf-8")
