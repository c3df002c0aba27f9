"""The undo table: every event kind has an inverse or a reason, and payloads match their types.

`undo()` looks an event's kind up in `INVERSES`; a kind in neither that
table nor `NOT_UNDOABLE` is a verb whose undo was forgotten. These tests
find every kind the code writes (by reading the source, and by running
every verb) and hold each one to the tables and to its payload type.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from db import Store
from desk import verbs
from desk.errors import NothingToUndoError
from desk.ingest.pipeline import ingest_bytes
from desk.merge import OFFLINE_KINDS
from desk.verbs.payloads import (
    EVENT_KINDS,
    EVENT_PAYLOADS,
    INVERSE_PAYLOADS,
    inverse_keys,
    required_keys,
)
from desk.verbs.undo import INVERSES, NOT_UNDOABLE, inverse_of, not_undoable
from tests.test_event_bytes import _script

DESK = Path(__file__).resolve().parent.parent / "desk"


def _kinds_in_source() -> set[str]:
    """Every constant `kind=` the verbs pass, and every constant kind given to `append_event`."""
    found: set[str] = set()
    for path in DESK.rglob("*.py"):
        in_verbs = "verbs" in path.relative_to(DESK).parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not (in_verbs or name == "append_event"):
                continue
            for kw in node.keywords:
                if (
                    kw.arg == "kind"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ):
                    found.add(kw.value.value)
    return found


def test_every_kind_has_a_payload_type() -> None:
    assert set(EVENT_PAYLOADS) == set(EVENT_KINDS)


def test_every_kind_is_undoable_or_not_on_purpose() -> None:
    assert not set(INVERSES) & set(NOT_UNDOABLE)
    assert set(INVERSES) | set(NOT_UNDOABLE) == set(EVENT_KINDS)
    assert all(why.strip() for why in NOT_UNDOABLE.values())


def test_every_kind_the_source_writes_is_known() -> None:
    written = _kinds_in_source()
    assert {"item.add", "link.add", "ingest", "undo"} <= written  # the scan sees them
    assert written <= set(EVENT_KINDS), written - set(EVENT_KINDS)


def test_every_event_written_matches_its_payload_type(store: Store) -> None:
    _script(store)
    verbs.set_triage(store, "ann", [1], "flagged")  # ann's last undo left #1 at new
    ingest_bytes(store, b"A pasted post about the dam\n", "paste.txt", actor="ann")
    with pytest.raises(NothingToUndoError, match="an import is many items"):
        verbs.undo(store, "ann")  # recorded as undo.refused
    kinds = set()
    for event in store.events():
        kinds.add(event.kind)
        required, optional = required_keys(event.kind)
        keys = set(event.payload)
        assert required <= keys <= required | optional, (event.kind, keys)
    assert kinds == set(EVENT_KINDS) - OFFLINE_KINDS  # the script covers every kind


def test_an_undo_of_each_kind_names_what_it_undid(store: Store) -> None:
    assert set(INVERSE_PAYLOADS) == set(INVERSES)
    _script(store)
    undos = [e.payload for e in store.events() if e.kind == "undo"]
    assert {p["undoes_kind"] for p in undos} == set(INVERSES) - OFFLINE_KINDS
    for payload in undos:
        required, optional = inverse_keys(payload["undoes_kind"])
        assert required <= set(payload["inverse"]) <= required | optional, payload


def _old_event(store: Store, kind: str, target: str, payload: dict[str, Any]) -> None:
    """An event as an early desk wrote it, without the keys added since."""
    with store.transaction() as w:
        w.append_event(actor="ann", kind=kind, target=target, payload=payload)


def test_old_payloads_without_the_optional_keys_still_undo(store: Store) -> None:
    a, b = (verbs.add_item(store, "bob", text=t).id for t in ("one", "two"))
    link = verbs.link(store, "bob", a, dst_item=b, relation="quotes").link
    assert link is not None
    verbs.unlink(store, "bob", a, dst_item=b)
    fields = {"uuid": link.uuid, "src": a, "relation": "quotes", "dst_item": b, "dst_entry": None}
    _old_event(store, "link.remove", f"item:{a}", {"link": fields})  # no created_by
    assert verbs.undo(store, "ann").undone.kind == "link.remove"
    assert [x.created_by for x in store.links_of(a)] == ["ann"]  # the event's actor stands in
    verbs.set_verdict(store, "ann", [a], "false", reason="staged")
    with store.transaction() as w:  # as an early verdict event: no reason_from
        w.update_item(a, {"verdict": "verified"})
        w.append_event(
            actor="ann",
            kind="item.verdict",
            target=f"item:{a}",
            payload={"changes": {str(a): {"from": "false", "to": "verified"}}, "versions": {}},
        )
    verbs.undo(store, "ann")
    assert (store.item(a).verdict, store.item(a).verdict_reason) == ("false", None)


def test_a_kind_not_undoable_is_refused_with_its_reason(store: Store) -> None:
    verbs.save_filter(store, "ann", "mine", "tag:x")
    with pytest.raises(NothingToUndoError, match=r"\(filter\.save, event 1\) cannot be undone: "):
        verbs.undo(store, "ann")


def test_an_unknown_kind_is_refused_clearly(store: Store) -> None:
    with store.transaction() as w:
        w.append_event(actor="ann", kind="recap.merge", target="entry:1", payload={})
    with pytest.raises(NothingToUndoError, match=r"knows no undo for 'recap\.merge'"):
        verbs.undo(store, "ann")


def test_a_kind_gets_one_undo_rule() -> None:
    with pytest.raises(ValueError, match="already has an undo rule"):
        inverse_of("item.tag")(INVERSES["item.tag"])
    with pytest.raises(ValueError, match="already has an undo rule"):
        not_undoable("link.add", "no")
