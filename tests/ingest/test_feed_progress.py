"""A large feed's progress bar follows the items, not the entry scan's reads.

The scan reads the whole file before the first item comes (it finds where
each entry lies, to cut the file into runs), so a bar that counted bytes
read stood at 100% while most items were still to come: about 12 s of a
100k-entry ingest, three minutes of a million. The reader now reports, run
by run, the offset its items have reached.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db import Store
from desk.ingest import pipeline
from desk.ingest.base import ParsedItem, Source
from desk.ingest.formats import feeds


def _feed(path: Path, n: int) -> Path:
    items = "".join(
        f"<item><title>t{k}</title><link>https://desk.example/{k}</link>"
        f"<description>body {k}</description></item>\n"
        for k in range(n)
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
        f"<link>https://desk.example/</link>\n{items}</channel></rss>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "STREAM_BYTES", 1)  # streamed from its file, scanned first
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 5)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 1000)  # parsed here


def test_the_bar_moves_with_the_runs_and_ends_at_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_runs: None
) -> None:
    feed = _feed(tmp_path / "big.rss", 23)
    size = feed.stat().st_size
    reports: list[tuple[int, int, int]] = []  # (done, total, items given before it)
    given = 0
    real = pipeline._iter_parsed

    def counted(module, source):  # type: ignore[no-untyped-def]
        nonlocal given
        for out in real(module, source):
            if isinstance(out, ParsedItem):
                given += 1
            yield out

    monkeypatch.setattr(pipeline, "_iter_parsed", counted)
    store = Store(tmp_path / "d.desk", create=True)
    report = pipeline.ingest_source(
        store,
        Source(str(feed), path=feed),
        actor="t",
        progress=lambda done, total: reports.append((done, total, given)),
    )
    assert report.new == 23
    assert all(total == size for _, total, _ in reports)
    done = [d for d, _, _ in reports]
    assert done == sorted(done) and done[-1] == size
    # no report of the whole file while items were still to come
    assert all(items == 23 for d, _, items in reports if d == size)
    # one report per run of five (23 entries: five runs), each past the run's last entry
    text = feed.read_bytes()
    ends = [text.index(f"<title>t{k}</title>".encode()) for k in (4, 9, 14, 19, 22)]
    moving = [(d, items) for d, _, items in reports if d < size]
    assert [items for _, items in moving] == [5, 10, 15, 20, 23][: len(moving)]
    assert len(moving) >= 4
    assert all(d > end for (d, _), end in zip(moving, ends, strict=False))


def test_a_small_feed_read_whole_still_counts_its_bytes(tmp_path: Path) -> None:
    feed = _feed(tmp_path / "small.rss", 3)
    reports: list[int] = []
    store = Store(tmp_path / "d.desk", create=True)
    pipeline.ingest_source(
        store, Source(str(feed), path=feed), actor="t", progress=lambda d, t: reports.append(d)
    )
    assert reports and reports[-1] == feed.stat().st_size


def test_a_source_without_a_bar_ignores_positions(tmp_path: Path) -> None:
    source = Source("x", data=b"abc")
    source.positions_reported()
    source.reached(2)  # the base Source has no bar: nothing happens, nothing raises
    assert source.size() == 3
