"""Every event records the OS account that wrote it, beside the display name, tamper-evidently.

The display name is what `--as`, `$DESK_USER` or config say; the account
is the effective uid's (`db.whoami`), never `$USER`. `desk log` and the
panes show both when they differ (`alice (os: bob)`), cleaned for the
terminal whatever the desk file holds.
"""

from __future__ import annotations

import json
import os
import pwd
import sqlite3
from pathlib import Path

import pytest

import db.whoami
from db import Store
from db.events import event_hash
from desk import verbs
from desk.cli.render import event_line
from desk.identity import os_user, resolve_actor, who
from tests.clirun import run_cli

ME = pwd.getpwuid(os.geteuid()).pw_name


def test_the_os_user_is_the_effective_uid_not_dollar_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "mallory")
    assert db.whoami.os_user() == ME
    assert os_user() == ME
    assert resolve_actor(env={}) == ME  # the fallback display name is the account too


def test_cli_events_carry_the_os_user_and_log_shows_both(desk_path: Path) -> None:
    assert run_cli(desk_path, "init").code == 0
    assert run_cli(desk_path, "add", "--text", "a post", actor="alice").code == 0
    assert run_cli(desk_path, "--as", ME, "tag", "1", "+fire").code == 0
    with Store(desk_path) as store:
        events = store.events()
    assert [(e.actor, e.os_user) for e in events] == [("alice", ME), (ME, ME)]
    log = run_cli(desk_path, "log")
    first, second = log.out.splitlines()
    assert f"alice (os: {ME})" in first
    assert f" {ME} " in second and "(os:" not in second  # the same name shows once


def test_os_user_is_in_the_hash_and_the_chain_verifies(store: Store) -> None:
    verbs.add_item(store, "alice", text="one")
    event = store.events()[0]
    assert event.os_user == ME
    fields = dict(
        id=event.id,
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        kind=event.kind,
        target=event.target,
        payload_json=store.conn.execute("SELECT payload FROM events").fetchone()[0],
        base_version=event.base_version,
        prev_hash=event.prev_hash,
    )
    assert event_hash(**fields, os_user=ME) == event.hash
    assert event_hash(**fields) != event.hash
    assert store.verify() is None


@pytest.mark.parametrize("forged", ["mallory", None])
def test_changing_an_events_os_user_breaks_its_hash(desk_path: Path, forged: str | None) -> None:
    with Store(desk_path, create=True) as store:
        verbs.add_item(store, "alice", text="one")
        verbs.add_item(store, "alice", text="two")
    conn = sqlite3.connect(desk_path)
    conn.execute("UPDATE events SET os_user = ? WHERE seq = 1", [forged])
    conn.commit()
    conn.close()
    with Store(desk_path) as store:
        problem = store.verify()
    assert problem is not None
    assert problem.where.startswith("event seq 1 ") and "hash" in problem.detail
    ran = run_cli(desk_path, "verify")
    assert ran.code == 1 and "event seq 1" in ran.err


def test_events_from_before_0008_still_verify(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old events have no OS user and keep their old hash; new ones after them carry it."""
    monkeypatch.setattr(db.whoami, "os_user", lambda: None)
    with Store(desk_path, create=True) as store:
        verbs.add_item(store, "ann", text="old")
    monkeypatch.undo()
    with Store(desk_path) as store:
        verbs.add_item(store, "ann", text="new")
        assert [e.os_user for e in store.events()] == [None, ME]
        assert store.verify() is None
    log = run_cli(desk_path, "log")
    assert "ann (os:" not in log.out.splitlines()[0]


def test_notes_and_step_history_carry_the_os_user(store: Store) -> None:
    item = verbs.add_item(store, "alice", text="one").id
    verbs.annotate(store, "alice", item, "called them")
    verbs.log_check(store, "carol", item, "provenance", "passed")
    assert [n.os_user for n in store.notes_of(item)] == [ME]
    assert [h.os_user for h in store.step_history(item)] == [ME]


HOSTILE = "bob\x1b]52;c;ZXZpbA==\x07\u202eevil\x1b[2J\r\nroot"


def test_hostile_os_names_are_cleaned_on_the_terminal(
    desk_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A passwd entry (LDAP, a hand-edited desk) with escapes, bidi and line breaks."""
    monkeypatch.setattr(db.whoami, "os_user", lambda: HOSTILE)
    with Store(desk_path, create=True) as store:
        verbs.add_item(store, "alice", text="one")
        event = store.events()[0]
    assert event.os_user == HOSTILE  # kept exactly in the log ...
    for shown in (event_line(event), run_cli(desk_path, "log").out, who("alice", HOSTILE)):
        for bad in ("\x1b", "\x07", "\u202e", "\r"):
            assert bad not in shown  # ... and never reaches a terminal
        assert "alice (os: bob" in shown
    assert len(run_cli(desk_path, "log").out.strip().splitlines()) == 1


def test_who_shows_one_name_when_they_agree() -> None:
    assert who("alice", "alice") == "alice"
    assert who("alice", None) == "alice"
    assert who("alice", "bob") == "alice (os: bob)"


def test_log_json_carries_the_os_user(desk_path: Path) -> None:
    assert run_cli(desk_path, "init").code == 0
    assert run_cli(desk_path, "add", "--text", "x", actor="alice").code == 0
    events = json.loads(run_cli(desk_path, "log", "--json").out)
    assert events[0]["actor"] == "alice" and events[0]["os_user"] == ME
