"""csv and jsonl stream: memory stays at one page of items whatever the story's size.

Measured with tracemalloc (the Python heap) while exporting 2,000 and 20,000
items to a sink that keeps nothing: a writer that held the rows, or a
reader that fetched them all, would peak about ten times higher at 20,000;
streaming peaks about the same at both sizes. The big measure (100k items,
RSS of a child process) is bench/export.py's.
"""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import NewItem, Store
from db.clock import iso_second
from desk import verbs
from desk.export.publish import Options, publish

START = datetime(2024, 1, 1, tzinfo=UTC)


def build_many(path: Path, n: int) -> None:
    """A story of `n` posts, inserted in one transaction (the bench's shortcut too)."""
    with Store(path, create=True) as store:
        story = verbs.create_story(store, "ed", "big", "Big story")
        with store.transaction() as w:
            for i in range(n):
                w.insert_item(
                    NewItem(
                        platform="mastodon",
                        text=f"Post number {i} from the flood. " + "words " * 40,
                        platform_id=f"https://social.example/users/a{i % 97}/statuses/{i}",
                        url=f"https://social.example/@a{i % 97}/{i}",
                        author_name=f"Reporter {i % 97}",
                        author_handle=f"a{i % 97}@social.example",
                        posted_at=iso_second(START + timedelta(seconds=i)),
                        posted_precision="second",
                        story_id=story,
                    )
                )


class Sink(io.TextIOBase):
    """Counts what is written and keeps none of it."""

    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        self.lines += s.count("\n")
        return len(s)


def peak_of(path: Path, fmt: str) -> tuple[int, int]:
    """(peak traced bytes, lines written) of one export."""
    with Store(path) as store:
        sink = Sink()
        tracemalloc.start()
        try:
            publish(store, "big", fmt, sink, Options())  # type: ignore[arg-type]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, sink.lines


@pytest.fixture(scope="module")
def desks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    root = tmp_path_factory.mktemp("stream")
    out = {}
    for n in (2_000, 20_000):
        out[n] = root / f"{n}.desk"
        build_many(out[n], n)
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_streams_in_bounded_memory(desks: dict[int, Path], fmt: str) -> None:
    small, small_lines = peak_of(desks[2_000], fmt)
    big, big_lines = peak_of(desks[20_000], fmt)
    header = 1 if fmt == "csv" else 0
    assert (small_lines, big_lines) == (2_000 + header, 20_000 + header)
    # 20,000 rows of ~400 characters are ~8 MB held; one page of 500 is ~0.2 MB.
    assert big < 1.5 * small + 512 * 1024, (small, big)
    assert big < 4 * 1024 * 1024, big
