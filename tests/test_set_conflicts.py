"""Setting one value from a stale screen (issue 11): two people rate the same item at once.

The second write carries the value its user saw (`seen`, the CLI's `--base`); when a
colleague set it meanwhile, nothing is written and the error names who, what and when,
so the user can choose. Appends (tags, notes) never conflict, and undo keeps working
for both people afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db import Store
from desk import verbs
from desk.errors import BadInputError, SetConflictError
from tests.clirun import run_cli


def _item(store: Store, text: str = "a post") -> int:
    return verbs.add_item(store, "seed", text=text).id


def test_a_verdict_set_since_i_looked_is_a_conflict_naming_them(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "bob", [a], "false", reason="old photo")
    before = store.last_seq()
    with pytest.raises(SetConflictError) as caught:
        verbs.set_verdict(
            store, "alice", [a], "verified", override="on tape", seen={a: "unverified"}
        )
    (clash,) = caught.value.clashes
    assert (clash.item_id, clash.field, clash.who) == (a, "verdict", "bob")
    assert (clash.seen, clash.theirs, clash.mine) == ("unverified", "false", "verified")
    assert clash.at == store.events()[-1].at
    assert f"#{a}: bob set verdict 'false' at " in str(caught.value)
    assert "you saw 'unverified', chose 'verified'" in str(caught.value)
    assert store.last_seq() == before and store.item(a).verdict == "false"  # nothing written


def test_use_mine_is_a_set_from_their_value_and_both_can_undo(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "bob", [a], "false")
    with pytest.raises(SetConflictError):
        verbs.set_verdict(store, "alice", [a], "misleading", seen={a: "unverified"})
    verbs.set_verdict(store, "alice", [a], "misleading", seen={a: "false"})  # "use mine"
    assert store.item(a).verdict == "misleading"
    assert verbs.undo(store, "alice").undone.kind == "item.verdict"
    assert store.item(a).verdict == "false"  # bob's, back
    assert verbs.undo(store, "bob").undone.kind == "item.verdict"
    assert store.item(a).verdict == "unverified"
    assert store.verify() is None


def test_what_i_saw_or_what_i_chose_already_is_no_conflict(store: Store) -> None:
    a, b = _item(store, "one"), _item(store, "two")
    verbs.set_verdict(store, "bob", [b], "false")
    changes = verbs.set_verdict(store, "alice", [a, b], "false", seen={a: "unverified"})
    assert list(changes) == [a]  # b: bob chose the same, nothing of his is lost
    verbs.set_triage(store, "alice", [a], "kept", seen={a: "new"})
    assert store.item(a).triage == "kept"


def test_appends_never_conflict_with_a_set(store: Store) -> None:
    a = _item(store)
    verbs.tag(store, "bob", [a], ["+urgent"])
    verbs.annotate(store, "bob", a, "a note")
    verbs.set_triage(store, "alice", [a], "flagged", seen={a: "new"})  # the item's version moved
    assert store.item(a).triage == "flagged"


def test_marked_items_conflict_together_and_nothing_is_written(store: Store) -> None:
    a, b, c = (_item(store, t) for t in ("one", "two", "three"))
    verbs.set_triage(store, "bob", [b], "discarded")
    verbs.set_triage(store, "carol", [c], "kept")
    before = store.last_seq()
    seen = dict.fromkeys((a, b, c), "new")
    with pytest.raises(SetConflictError) as caught:
        verbs.set_triage(store, "alice", [a, b, c], "flagged", seen=seen)
    assert [(x.item_id, x.who, x.theirs) for x in caught.value.clashes] == [
        (b, "bob", "discarded"),
        (c, "carol", "kept"),
    ]
    assert store.last_seq() == before and store.item(a).triage == "new"


def test_the_setter_named_is_the_last_one_even_by_an_undo(store: Store) -> None:
    a = _item(store)
    verbs.set_triage(store, "bob", [a], "kept")
    verbs.set_triage(store, "carol", [a], "flagged")
    verbs.undo(store, "carol")  # back to bob's kept, by carol's undo
    with pytest.raises(SetConflictError, match=r"carol set triage 'kept'"):
        verbs.set_triage(store, "alice", [a], "discarded", seen={a: "new"})


def test_a_bad_base_is_refused_clearly(store: Store) -> None:
    a = _item(store)
    with pytest.raises(BadInputError, match=r"bad base triage 'kep\[t\]'"):
        verbs.set_triage(store, "alice", [a], "kept", seen={a: "kep[t]\x1b[0m"})
    with pytest.raises(BadInputError):
        verbs.set_verdict(store, "alice", [a], "false", seen={a: "nonsense"})


def test_cli_base_refuses_a_stale_set_in_one_line(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    with Store(desk, create=True) as store:
        a = _item(store)
    assert run_cli(desk, "verdict", str(a), "false", actor="bob").code == 0
    ran = run_cli(desk, "verdict", str(a), "misleading", "--base", "unverified", actor="alice")
    assert ran.code == 1 and ran.out == "" and ran.err.count("\n") == 1
    assert ran.err.startswith(f"desk: #{a}: bob set verdict 'false' at ")
    assert "nothing changed" in ran.err and "Traceback" not in ran.err
    ok = run_cli(desk, "verdict", str(a), "misleading", "--base", "false", actor="alice")
    assert ok.code == 0, ok.err
    assert run_cli(desk, "triage", str(a), "kept", "--base", "flagged").code == 1
    assert run_cli(desk, "triage", str(a), "kept", "--base", "new").code == 0
    bad = run_cli(desk, "triage", str(a), "kept", "--base", "\x1b]0;x\x07")
    assert bad.code == 1 and "\x1b" not in bad.err and "bad base triage" in bad.err
    with Store(desk) as store:
        assert (store.item(a).verdict, store.item(a).triage) == ("misleading", "kept")


def test_cli_without_base_reads_in_the_same_write(tmp_path: Path) -> None:
    """No `--base`: the value is read inside the write transaction, so the event records
    exactly what it replaced (bob's), and undo puts bob's back."""
    desk = tmp_path / "d.desk"
    with Store(desk, create=True) as store:
        a = _item(store)
    assert run_cli(desk, "verdict", str(a), "false", actor="bob").code == 0
    assert run_cli(desk, "verdict", str(a), "misleading", actor="alice").code == 0
    with Store(desk) as store:
        change = store.events()[-1].payload["changes"][str(a)]
        assert (change["from"], change["to"]) == ("false", "misleading")
    assert run_cli(desk, "undo", actor="alice").code == 0
    with Store(desk) as store:
        assert store.item(a).verdict == "false"
