"""Undo among colleagues (issue 11): my undo never overrides a colleague's later change to
the same thing, says who made it and when, is not stuck on it, and reaches back to my
first action whatever the number of my actions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db import Store, event_walk
from desk import verbs
from desk.errors import NothingToUndoError, UndoConflictError
from tests.clirun import run_cli


def _item(store: Store, text: str = "a post") -> int:
    return verbs.add_item(store, "seed", text=text).id


def test_undo_leaves_a_tag_a_colleague_set_again_and_names_them(store: Store) -> None:
    a = _item(store)
    verbs.tag(store, "alice", [a], ["+urgent"])
    verbs.tag(store, "bob", [a], ["-urgent"])
    verbs.tag(store, "bob", [a], ["+urgent"])
    with pytest.raises(UndoConflictError) as caught:
        verbs.undo(store, "alice")
    text = str(caught.value)
    assert "cannot undo your item.tag" in text
    assert f"#{a} changed since: bob added tag urgent at " in text and " UTC on " in text
    assert "undo again to go on" in text
    assert store.tags_of(a) == ("urgent",)  # bob's tag stands
    assert store.events()[-1].kind == "undo.refused"
    assert store.verify() is None


def test_after_a_refusal_the_next_undo_goes_on_to_my_action_before(store: Store) -> None:
    a, b = _item(store, "one"), _item(store, "two")
    verbs.set_triage(store, "alice", [b], "kept")
    verbs.tag(store, "alice", [a], ["+urgent"])
    verbs.tag(store, "bob", [a], ["-urgent"])
    with pytest.raises(UndoConflictError, match="bob removed tag urgent"):
        verbs.undo(store, "alice")
    result = verbs.undo(store, "alice")  # not the same error again
    assert result.undone.kind == "item.triage"
    assert store.item(b).triage == "new"
    assert any("your item.tag" in line and "stays as it is" in line for line in result.skipped)
    assert store.tags_of(a) == ()  # bob's removal stands
    with pytest.raises(NothingToUndoError, match="nothing to undo for alice"):
        verbs.undo(store, "alice")  # the add was seed's, not alice's


def test_a_colleague_who_withdrew_their_change_does_not_block_my_undo(store: Store) -> None:
    a = _item(store)
    verbs.tag(store, "alice", [a], ["+urgent"])
    verbs.tag(store, "bob", [a], ["-urgent"])
    verbs.undo(store, "bob")  # bob puts urgent back: as alice left it
    assert verbs.undo(store, "alice").undone.kind == "item.tag"
    assert store.tags_of(a) == ()


def test_once_the_obstacle_is_gone_the_refused_action_is_undone(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "alice", [a], "false")
    verbs.set_verdict(store, "bob", [a], "misleading")
    with pytest.raises(UndoConflictError, match="bob set verdict 'misleading'"):
        verbs.undo(store, "alice")
    verbs.undo(store, "bob")  # bob takes his back: false again, as alice left it
    assert verbs.undo(store, "alice").undone.kind == "item.verdict"
    assert store.item(a).verdict == "unverified"


def test_a_colleagues_change_to_another_tag_or_field_does_not_block(store: Store) -> None:
    a = _item(store)
    verbs.tag(store, "alice", [a], ["+urgent"])
    verbs.tag(store, "bob", [a], ["+other"])
    verbs.set_verdict(store, "bob", [a], "false")
    verbs.annotate(store, "bob", a, "a note")
    result = verbs.undo(store, "alice")
    assert result.skipped == ()
    assert store.tags_of(a) == ("other",)
    assert store.item(a).verdict == "false"


def test_the_same_value_set_back_by_a_colleague_is_still_their_change(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "alice", [a], "false")
    verbs.set_verdict(store, "bob", [a], "verified", override="seen the tape")
    verbs.set_verdict(store, "bob", [a], "false")
    with pytest.raises(UndoConflictError, match="bob set verdict 'false'"):
        verbs.undo(store, "alice")
    assert store.item(a).verdict == "false"


def test_a_marked_action_undoes_what_is_mine_and_reports_the_rest(store: Store) -> None:
    a, b = _item(store, "one"), _item(store, "two")
    verbs.tag(store, "alice", [a, b], ["+urgent"])
    verbs.tag(store, "bob", [b], ["-urgent"])
    result = verbs.undo(store, "alice")
    assert store.tags_of(a) == () and store.tags_of(b) == ()
    assert [line.split(":")[0] for line in result.skipped] == [f"#{b} changed since"]
    assert result.event.payload["inverse"] == {
        "changes": {str(a): {"added": ["urgent"], "removed": []}}
    }
    assert store.verify() is None


def test_every_action_of_mine_is_undoable_back_to_the_first(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """150 actions (the old walk stopped at 200 events, so 100 of them); small pages, so
    the walk crosses many page boundaries, with a colleague's work in between."""
    monkeypatch.setattr(event_walk, "PAGE", 7)
    a = _item(store)
    for n in range(150):
        verbs.tag(store, "alice", [a], [f"+t{n}"])
        if n % 10 == 0:
            verbs.tag(store, "bob", [a], [f"+bob{n}"])
    for n in reversed(range(150)):
        assert verbs.undo(store, "alice").undone.payload["changes"][str(a)]["added"] == [f"t{n}"]
    assert all(t.startswith("bob") for t in store.tags_of(a)) and len(store.tags_of(a)) == 15
    with pytest.raises(NothingToUndoError, match="nothing to undo for alice"):
        verbs.undo(store, "alice")


def test_the_undo_walk_reads_pages_not_the_whole_log(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undoing my last action reads one page of my events, however long my history."""
    a = _item(store)
    for n in range(60):
        verbs.tag(store, "alice", [a], [f"+t{n}"])
    monkeypatch.setattr(event_walk, "PAGE", 5)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        verbs.undo(store, "alice")
    finally:
        store.conn.set_trace_callback(None)
    walks = [s for s in statements if "FROM events WHERE actor" in s]
    assert len(walks) == 1 and "LIMIT 5" in walks[0]


def test_a_kind_without_undo_is_refused_once_then_passed(store: Store) -> None:
    a = _item(store)
    verbs.tag(store, "alice", [a], ["+x"])
    verbs.save_filter(store, "alice", "mine", "tag:x")
    with pytest.raises(NothingToUndoError, match=r"\(filter\.save, event \d+\) cannot be undone"):
        verbs.undo(store, "alice")
    result = verbs.undo(store, "alice")
    assert result.undone.kind == "item.tag" and store.tags_of(a) == ()


# -- the command line -----------------------------------------------------------------------


def test_cli_undo_says_who_changed_it_then_goes_on(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    with Store(desk, create=True) as store:
        a = _item(store)
    assert run_cli(desk, "triage", str(a), "kept", actor="alice").code == 0
    assert run_cli(desk, "tag", str(a), "+urgent", actor="alice").code == 0
    assert run_cli(desk, "tag", str(a), "-urgent", actor="bob").code == 0
    assert run_cli(desk, "tag", str(a), "+urgent", actor="bob").code == 0
    first = run_cli(desk, "undo", actor="alice")
    assert first.code == 1 and first.out == ""
    assert first.err.startswith("desk: cannot undo your item.tag") and first.err.count("\n") == 1
    assert "bob added tag urgent" in first.err and "Traceback" not in first.err
    second = run_cli(desk, "undo", actor="alice")
    assert second.code == 0, second.err
    assert second.out.startswith("undone: item.triage")
    assert "left alone: your item.tag" in second.err
    with Store(desk) as store:
        assert store.tags_of(a) == ("urgent",) and store.item(a).triage == "new"
        assert store.verify() is None


def test_cli_undo_names_a_markup_looking_colleague_as_typed(tmp_path: Path) -> None:
    """Names with escapes are refused when given (`--as`, $DESK_USER); one that looks like
    Rich markup is a legal name, and is printed as it is, not interpreted."""
    desk = tmp_path / "d.desk"
    with Store(desk, create=True) as store:
        a = _item(store)
    assert run_cli(desk, "tag", str(a), "+urgent", actor="alice").code == 0
    assert run_cli(desk, "tag", str(a), "-urgent", actor="[bold]bob[/bold]").code == 0
    ran = run_cli(desk, "undo", actor="alice")
    assert ran.code == 1 and "\x1b" not in ran.err
    assert "[bold]bob[/bold] removed tag urgent" in ran.err
