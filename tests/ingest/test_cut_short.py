"""An ingest cut short (a full disk, Ctrl-C) says how many items went in, and they are there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from db import Store
from desk.ingest import pipeline
from desk.ingest.base import ParsedItem, Rejected, Source
from desk.ingest.pipeline import BATCH_SIZE, ingest_source
from tests.clirun import run_cli


def _tweets(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            tweet = {
                "id_str": str(10**17 + n),
                "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                "text": f"flood report number {n} " * 20,
                "user": {"screen_name": "watch"},
            }
            fh.write(json.dumps(tweet) + "\n")
    return path


def test_a_full_disk_says_how_many_items_were_saved(tmp_path: Path) -> None:
    source = _tweets(tmp_path / "many.jsonl", 6 * BATCH_SIZE)
    with Store(tmp_path / "d.desk", create=True) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 600}")  # SQLITE_FULL soon
        report = ingest_source(store, Source(str(source), path=source), actor="t")
        saved = store.counts().total
        assert report.error == f"{source}: disk full: {saved} items were saved before it filled"
        assert 0 < saved < 6 * BATCH_SIZE and saved % BATCH_SIZE == 0  # whole batches
        assert report.new == saved
        assert store.verify() is None
        store.conn.execute("PRAGMA max_page_count = 1073741823")
        again = ingest_source(store, Source(str(source), path=source), actor="t")
        assert (again.error, again.new, again.duplicates) == (None, 6 * BATCH_SIZE - saved, saved)


def test_ctrl_c_says_how_many_items_were_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _tweets(tmp_path / "many.jsonl", 3 * BATCH_SIZE)
    real = pipeline._iter_parsed

    def stopped(module: ModuleType, src: Source) -> Iterator[ParsedItem | Rejected]:
        for n, out in enumerate(real(module, src)):
            if n == 2 * BATCH_SIZE + 10:
                raise KeyboardInterrupt
            yield out

    monkeypatch.setattr(pipeline, "_iter_parsed", stopped)
    desk = tmp_path / "d.desk"
    Store(desk, create=True).close()
    ran = run_cli(desk, "ingest", str(source))
    assert ran.code == 130
    assert ran.err.strip() == (
        f"desk: interrupted: {source}: {2 * BATCH_SIZE} items were saved before it stopped; "
        "the same ingest again adds the rest"
    )
    with Store(desk) as store:
        assert store.counts().total == 2 * BATCH_SIZE
        assert store.verify() is None
    monkeypatch.setattr(pipeline, "_iter_parsed", real)
    ran = run_cli(desk, "ingest", str(source))
    assert ran.code == 0 and f"added {BATCH_SIZE} new, {2 * BATCH_SIZE} duplicates" in ran.out


def test_a_full_disk_is_one_line_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desk.cli.ingest import run_ingest

    source = _tweets(tmp_path / "many.jsonl", 4 * BATCH_SIZE)
    with Store(tmp_path / "d.desk", create=True) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 400}")
        failed = run_ingest(
            store, [str(source)], actor="t", story_id=None, tags=(), fmt=None,
            dry_run=False, as_json=False,
        )  # fmt: skip
        saved = store.counts().total
    err = capsys.readouterr().err
    assert failed
    assert err.strip() == f"{source}: disk full: {saved} items were saved before it filled"
    assert "rollback" not in err and "Traceback" not in err
