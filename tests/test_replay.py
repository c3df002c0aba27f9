"""`desk verify --replay`: the state rebuilt from the log matches the desk, and every row
changed behind the verbs is caught and named (issue 10, chain of custody)."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Store
from db.slices import snapshot
from desk import verbs
from desk.errors import NothingToUndoError
from desk.ingest import registry
from desk.ingest.pipeline import ingest_bytes
from desk.merge import OFFLINE_KINDS
from desk.replay import APPLY, ReplayReport, replay
from desk.verbs.payloads import EVENT_KINDS, INVERSE_PAYLOADS
from desk.verbs.undo import INVERSES
from tests.clirun import run_cli
from tests.test_event_bytes import _script
from tests.test_pipeline import _fake_format, _lines


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = _fake_format()
    sys.modules["fake_jsonl"] = module
    monkeypatch.setattr(registry, "FORMAT_MODULES", ("fake_jsonl",))
    return module


@pytest.fixture
def full(store: Store, fake: types.ModuleType) -> Iterator[Store]:
    """A desk touched by every verb and undo (the event-bytes script), and two ingests:
    one leaving a link pending, the next resolving it and linking within its batch."""
    _script(store)
    ingest_bytes(store, _lines({"id": "9", "text": "reply", "reply_to": "8"}), "a", actor="ann")
    ingest_bytes(
        store,
        _lines({"id": "8", "text": "parent"}, {"id": "7", "text": "child", "reply_to": "8"}),
        "b",
        actor="ann",
        tags=("dam",),
    )
    with pytest.raises(NothingToUndoError, match="an import is many items"):
        verbs.undo(store, "ann")  # an undo.refused event, which changes nothing
    yield store


def _replay(store: Store) -> ReplayReport:
    with snapshot(store.conn, store.lock):
        return replay(store.conn)


def _lines_of(report: ReplayReport) -> list[str]:
    return [d.line() for d in report.differences]


def test_every_kind_has_an_apply_function_and_every_undo_an_inverse() -> None:
    assert set(APPLY) == set(EVENT_KINDS)
    from desk.replay import UNDO_APPLY

    assert set(UNDO_APPLY) == set(INVERSE_PAYLOADS) == set(INVERSES)


def test_a_desk_built_by_every_verb_replays_to_itself(full: Store) -> None:
    kinds = {r[0] for r in full.conn.execute("SELECT DISTINCT kind FROM events")}
    assert kinds == set(EVENT_KINDS) - OFFLINE_KINDS  # tests/test_merge.py replays those
    report = _replay(full)
    assert report.ok, _lines_of(report)
    assert report.notices() == []
    assert report.events == full.conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_new_events_carry_the_items_and_links_they_made(full: Store) -> None:
    rows = full.conn.execute(
        "SELECT kind, payload FROM events WHERE kind IN ('item.add', 'ingest') ORDER BY seq"
    ).fetchall()
    for kind, text in rows:
        body = json.loads(text)
        if kind == "item.add":
            assert body["row"]["id"] == body["item"]
            assert body["row"]["uuid"]
        else:
            assert [r["id"] for r in body["items"]] == [pair[0] for pair in body["raw"]]
    # The script's own ingests (a post's copies, issue 12) come first; then the fixture's two.
    first, second = [json.loads(t) for k, t in rows if k == "ingest"][-2:]
    assert first["pending"] == [[first["items"][0]["id"], "reply-to", "fake", "8", ""]]
    assert len(second["made_links"]) == 2


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE items SET text = 'Changed behind the log' WHERE id = 1", "items #1 text: live"),
        ("INSERT INTO tags(item_id, tag) VALUES (2, 'sneaked-in')", "tags #2 'sneaked-in' row"),
        ("UPDATE items SET verdict = 'false' WHERE id = 1", "items #1 verdict: live 'false'"),
        (
            "UPDATE check_steps SET status = 'passed' WHERE item_id = 1 AND pillar = 'date'",
            "check_steps #1 'date' status: live 'passed' but the log says 'unclear'",
        ),
        (
            "UPDATE recap_entries SET headline = 'Rewritten' WHERE id = 1",
            "recap_entries #1 headline: live 'Rewritten' but the log says 'Sirens before dawn'",
        ),
    ],
)
def test_a_row_changed_behind_the_verbs_is_named(full: Store, sql: str, expected: str) -> None:
    # The script undoes the step's second log; redo one so a step row stands.
    verbs.log_check(full, "ann", 1, "date", "unclear")
    assert _replay(full).ok
    full.conn.execute(sql)
    report = _replay(full)
    assert not report.ok
    assert any(line.startswith(expected) for line in _lines_of(report)), _lines_of(report)


def test_the_last_event_deleted_with_the_head_set_back_is_caught(
    full: Store, desk_path: Path
) -> None:
    verbs.set_verdict(full, "ann", [1], "false", reason="a fake")
    full.conn.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    full.conn.execute(
        "UPDATE chain_head SET seq = (SELECT max(seq) FROM events), "
        "hash = (SELECT hash FROM events ORDER BY seq DESC LIMIT 1)"
    )
    plain = run_cli(desk_path, "verify")
    assert plain.code == 0, plain.err  # the chain alone cannot tell
    ran = run_cli(desk_path, "verify", "--replay")
    assert ran.code == 1
    assert "items #1 verdict: live 'false' but the log says" in ran.err
    assert "items #1 verdict_reason: live 'a fake' but the log says nothing" in ran.err


def test_the_cli_says_ok_on_a_clean_desk(full: Store, desk_path: Path) -> None:
    ran = run_cli(desk_path, "verify", "--replay")
    assert ran.code == 0, ran.err
    assert "the state matches the log" in ran.out


def test_hostile_text_in_a_difference_never_reaches_the_terminal_raw(
    full: Store, desk_path: Path
) -> None:
    full.conn.execute(
        "UPDATE items SET text = ? WHERE id = 2", ["\x1b]52;c;cGF3bmVk\x07\x1b[2Jgone\r\nx" * 20]
    )
    ran = run_cli(desk_path, "verify", "--replay")
    assert ran.code == 1
    assert "items #2 text: live" in ran.err
    assert "\x1b" not in ran.err and "\x07" not in ran.err and "\r" not in ran.err
    line = next(x for x in ran.err.splitlines() if "items #2 text" in x)
    assert len(line) < 220


def test_a_row_deleted_or_inserted_behind_the_log_is_named(full: Store) -> None:
    full.conn.execute("DELETE FROM saved_filters")
    full.conn.execute("UPDATE notes SET text = 'edited' WHERE id = 1")
    lines = _lines_of(_replay(full))
    assert "saved_filters 'to-verify' row: live missing but the log says it exists" in lines
    assert any(x.startswith("notes ") and " text: live 'edited'" in x for x in lines)


def test_older_events_without_items_are_reported_plainly(full: Store) -> None:
    # Strip the rows from the log as an older desk wrote it (the chain is not the point).
    for seq, text in full.conn.execute(
        "SELECT seq, payload FROM events WHERE kind IN ('item.add', 'ingest')"
    ).fetchall():
        body = json.loads(text)
        body.pop("row", None)
        for key in ("items", "made_links", "pending"):
            body.pop(key, None)
        full.conn.execute("UPDATE events SET payload = ? WHERE seq = ?", [json.dumps(body), seq])
    report = _replay(full)
    notices = report.notices()
    assert notices and "written by an older desk and carry no items" in notices[0]
    assert "events 1-3" in notices[0]
    # Their items are not each reported missing; what the log does say is still checked.
    assert not any(d.table == "items" and d.column == "row" for d in report.differences)


def test_an_unknown_kind_is_named_not_skipped_silently(full: Store, desk_path: Path) -> None:
    full.conn.execute("UPDATE events SET kind = 'item.frobnicate' WHERE seq = 4")
    report = _replay(full)
    assert any("'item.frobnicate'" in line for line in report.notices())
    ran = run_cli(desk_path, "verify", "--replay")
    assert ran.code == 1
    assert "item.frobnicate" in ran.err
