"""`desk checkout`: a consistent copy by SQLite's backup, marked with where it came from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import Store, merge_rows
from tests.clirun import run_cli
from tests.offline_helpers import ok


def _desk(tmp_path: Path) -> Path:
    desk = tmp_path / "server.desk"
    ok(desk, "init")
    ok(desk, "add", "--text", "first post")
    ok(desk, "add", "--text", "second post")
    return desk


def test_checkout_copies_the_whole_desk_and_names_its_origin(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    copy = tmp_path / "laptop.desk"
    ran = ok(desk, "checkout", "-o", str(copy))
    assert "at event 2" in ran.out
    with Store(desk) as a, Store(copy) as b:
        ida, idb = merge_rows.identity(a.conn), merge_rows.identity(b.conn)
        assert idb.origin_uuid == ida.uuid and idb.uuid != ida.uuid
        assert (idb.origin_seq, idb.origin_hash) == merge_rows.chain_head(a.conn)
        assert b.last_seq() == 2
    assert "ok: 2 events" in ok(copy, "verify").out


def test_checkout_sees_what_is_still_in_the_wal(tmp_path: Path) -> None:
    """A writer holding the WAL open (no checkpoint): the copy still has every event."""
    desk = _desk(tmp_path)
    holder = sqlite3.connect(str(desk))
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    with Store(desk) as store:
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(20):
        ok(desk, "add", "--text", f"post {n}")
    copy = tmp_path / "laptop.desk"
    ok(desk, "checkout", "-o", str(copy))
    holder.close()
    with Store(copy) as b:
        assert b.last_seq() == 22


def test_checkout_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    copy = tmp_path / "laptop.desk"
    copy.write_text("precious")
    ran = run_cli(desk, "checkout", "-o", str(copy))
    assert ran.code == 1 and "exists" in ran.err and "--force" in ran.err
    assert copy.read_text() == "precious"
    ok(desk, "checkout", "-o", str(copy), "--force")
    with Store(copy) as b:
        assert b.last_seq() == 2


def test_checkout_records_the_story_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    desk = _desk(tmp_path)
    ok(desk, "story", "new", "dam", "--title", "The dam")
    copy = tmp_path / "laptop.desk"
    assert "story dam" in ok(desk, "checkout", "--story", "dam", "-o", str(copy)).out
    with Store(copy) as b:
        assert merge_rows.identity(b.conn).origin_story == "dam"
    ran = run_cli(desk, "checkout", "--story", "nope", "-o", str(tmp_path / "x.desk"))
    assert ran.code == 1 and "no story 'nope'" in ran.err
    ran = run_cli(desk, "checkout", "-o", str(tmp_path / "no" / "where.desk"))
    assert ran.code == 1 and "no such folder" in ran.err
