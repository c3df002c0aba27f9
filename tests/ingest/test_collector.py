"""The ingest's raised collection threshold: raised while it runs, put back after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Store
from desk.ingest import collector, pipeline
from desk.ingest.base import Source


@pytest.fixture(autouse=True)
def _default_threshold() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after() -> None:
    with collector.fewer_collections():
        assert gc.get_threshold() == (collector.INGEST_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_restored_after_an_exception() -> None:
    with pytest.raises(KeyboardInterrupt), collector.fewer_collections():
        raise KeyboardInterrupt
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_ingests_restore_once_the_last_ends() -> None:
    inner_started, outer_may_end = threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def other() -> None:
        with collector.fewer_collections():
            inner_started.set()
            outer_may_end.wait(5)
        seen.append(gc.get_threshold())

    with collector.fewer_collections():
        thread = threading.Thread(target=other)
        thread.start()
        assert inner_started.wait(5)
    # this one ended first: the other still runs, so the threshold stays raised
    assert gc.get_threshold()[0] == collector.INGEST_THRESHOLD
    outer_may_end.set()
    thread.join(5)
    assert seen == [(700, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_caller_is_kept() -> None:
    gc.set_threshold(50_000, 10, 10)
    with collector.fewer_collections():
        assert gc.get_threshold()[0] == 50_000
    assert gc.get_threshold() == (50_000, 10, 10)


def test_worker_setting_keeps_the_older_generations() -> None:
    gc.set_threshold(700, 7, 3)
    collector.fewer_collections_now()
    assert gc.get_threshold() == (collector.INGEST_THRESHOLD, 7, 3)


def test_ingest_source_raises_it_while_reading_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    during: list[int] = []
    real = pipeline._iter_parsed

    def watched(module, source):  # type: ignore[no-untyped-def]
        during.append(gc.get_threshold()[0])
        yield from real(module, source)

    monkeypatch.setattr(pipeline, "_iter_parsed", watched)
    feed = tmp_path / "f.rss"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>a</title><link>https://example.com/a</link><description>x</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    store = Store(tmp_path / "d.desk", create=True)
    report = pipeline.ingest_source(store, Source(str(feed), path=feed), actor="t")
    assert report.new == 1
    assert during == [collector.INGEST_THRESHOLD]
    assert gc.get_threshold() == (700, 10, 10)
