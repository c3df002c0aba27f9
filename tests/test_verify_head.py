"""`desk verify --head SEQ:HASH`: a chain head recorded outside the desk catches what the chain cannot.

The hash chain alone catches an edited or deleted event in the middle of the
log, but not two kinds of attack by someone with write access to the file:
deleting the last events and setting `chain_head` back, and rewriting an old
event with every later hash (and `chain_head`) recomputed. Both leave a chain
that verifies. A head noted elsewhere (an export, a bundle's bag-info) names
an event and its hash; `--head` checks that the desk's chain still holds it.

Each attack below is made with a plain `sqlite3` connection (no desk code),
the rewrite with the desk's own hash function, `db.events.event_hash`.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import Store
from db.events import GENESIS_HASH, event_hash
from db.integrity import check_head
from desk import verbs
from desk.bundle import parse_head
from desk.errors import BadInputError
from tests.clirun import run_cli

ACTOR = "head-test"
HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b[31m[bold]red[/bold]\u202eevil\x9b2J\x00"


@dataclass(frozen=True)
class Desk:
    path: Path
    head_seq: int
    head_hash: str
    heads: dict[int, str]

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    """A closed desk with a story, three items, tags, a note, a link and a verdict."""
    path = tmp_path / "head.desk"
    with Store(path, create=True) as store:
        story = verbs.create_story(store, ACTOR, "varnholt-ferry", "Varnholt ferry")
        a = verbs.add_item(store, ACTOR, text="Smoke over the ferry terminal", story_id=story).id
        b = verbs.add_item(store, ACTOR, text="Terminal evacuated", story_id=story).id
        c = verbs.add_item(store, ACTOR, text="Old photo from 2019").id
        verbs.tag(store, ACTOR, [a, b], ["+ferry"])
        verbs.annotate(store, ACTOR, a, "Called the port office")
        verbs.link(store, ACTOR, b, dst_item=a, relation="corroborates")
        verbs.set_verdict(store, ACTOR, [c], "misleading", "Reverse image search: 2019")
        events = store.events()
    return Desk(
        path=path,
        head_seq=events[-1].seq,
        head_hash=events[-1].hash,
        heads={e.seq: e.hash for e in events},
    )


def connect(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(path))


def rewrite_chain_from(conn: sqlite3.Connection, seq: int, payload: str) -> None:
    """Replace event `seq`'s payload, then recompute every hash after it and the head row.

    What someone who knows the format (it is no secret) does to make a
    rewritten log verify: the desk's own hash function over each event's
    stored fields, in order, each with the hash before it.
    """
    conn.execute("UPDATE events SET payload = ? WHERE seq = ?", [payload, seq])
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", [seq - 1]).fetchone()
    prev = row[0] if row else GENESIS_HASH
    rows = conn.execute(
        "SELECT seq, id, at, actor, kind, target, payload, base_version, os_user FROM events "
        "WHERE seq >= ? ORDER BY seq",
        [seq],
    ).fetchall()
    for s, eid, at, actor, kind, target, body, base, os_user in rows:
        digest = event_hash(
            id=eid,
            seq=s,
            at=at,
            actor=actor,
            kind=kind,
            target=target,
            payload_json=body,
            base_version=base,
            prev_hash=prev,
            os_user=os_user,
        )
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", [prev, digest, s])
        prev = digest
    conn.execute("UPDATE chain_head SET hash = ? WHERE one = 1", [prev])
    conn.commit()


# -- through the CLI ----------------------------------------------------------------


def test_head_of_an_intact_desk_verifies(desk: Desk) -> None:
    ran = run_cli(desk.path, "verify", "--head", desk.head)
    assert ran.code == 0, ran.err
    assert f"ok: {desk.head_seq} events, chain and raw hashes intact" in ran.out
    assert f"the chain holds event {desk.head_seq} with hash {desk.head_hash}" in ran.out


def test_an_earlier_head_and_several_heads_verify(desk: Desk) -> None:
    """A head noted before later work is still in the chain; --head repeats."""
    early = 3
    ran = run_cli(
        desk.path, "verify", "--head", f"{early}:{desk.heads[early]}", "--head", desk.head
    )
    assert ran.code == 0, ran.err
    assert f"event {early} with hash {desk.heads[early]}" in ran.out


def test_head_hash_in_capitals_is_read(desk: Desk) -> None:
    ran = run_cli(desk.path, "verify", "--head", f"{desk.head_seq}:{desk.head_hash.upper()}")
    assert ran.code == 0, ran.err


def test_head_named_by_an_export_verifies(desk: Desk) -> None:
    """The head a Markdown export writes in its front matter is one --head takes."""
    page = run_cli(desk.path, "export", "varnholt-ferry", "--format", "md")
    assert page.code == 0, page.err
    seq = re.search(r"desk_head_seq: *\"?(\d+)", page.out)
    digest = re.search(r"desk_head_hash: *\"?([0-9a-f]{64})", page.out)
    assert seq and digest, page.out[:400]
    ran = run_cli(desk.path, "verify", "--head", f"{seq.group(1)}:{digest.group(1)}")
    assert ran.code == 0, ran.err


def test_deleted_last_event_with_head_set_back_passes_verify_but_not_head(desk: Desk) -> None:
    """Two SQL statements: the last event goes, `chain_head` points at the one before."""
    with connect(desk.path) as conn:
        conn.execute("DELETE FROM events WHERE seq = ?", [desk.head_seq])
        conn.execute(
            "UPDATE chain_head SET seq = ?, hash = ? WHERE one = 1",
            [desk.head_seq - 1, desk.heads[desk.head_seq - 1]],
        )
        conn.commit()
    plain = run_cli(desk.path, "verify")
    assert plain.code == 0, "the chain alone cannot see this: that is why --head exists"
    ran = run_cli(desk.path, "verify", "--head", desk.head)
    assert ran.code == 1
    assert ran.err.strip().splitlines() == [
        f"desk: verify failed: the desk has only {desk.head_seq - 1} events: "
        f"event {desk.head_seq} is missing (deleted?)"
    ]
    assert "ok" not in ran.out


def test_consistent_rewrite_of_the_chain_is_caught_by_the_head(desk: Desk) -> None:
    """An old event edited and every later hash recomputed: verify passes, --head does not."""
    with connect(desk.path) as conn:
        seq, payload = conn.execute(
            "SELECT seq, payload FROM events WHERE kind = 'item.verdict'"
        ).fetchone()
        rewrite_chain_from(conn, seq, payload.replace("misleading", "verified"))
        new_head = conn.execute("SELECT hash FROM events WHERE seq = ?", [desk.head_seq]).fetchone()
    assert new_head[0] != desk.head_hash
    plain = run_cli(desk.path, "verify")
    assert plain.code == 0, plain.err
    ran = run_cli(desk.path, "verify", "--head", desk.head)
    assert ran.code == 1
    lines = ran.err.strip().splitlines()
    assert lines == [
        f"desk: verify failed: the desk's chain does not contain event {desk.head_seq} "
        f"with hash {desk.head_hash[:12]}\u2026 (it has {new_head[0][:12]}\u2026 there): "
        "the log was rewritten"
    ]
    # A head noted before the rewritten event still holds: the message names the right place.
    before = run_cli(desk.path, "verify", "--head", f"{seq - 1}:{desk.heads[seq - 1]}")
    assert before.code == 0, before.err


def test_a_broken_chain_and_a_missing_head_are_both_named(desk: Desk) -> None:
    with connect(desk.path) as conn:
        conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2")
        conn.commit()
    ran = run_cli(desk.path, "verify", "--head", f"{desk.head_seq + 5}:{desk.head_hash}")
    assert ran.code == 1
    lines = ran.err.strip().splitlines()
    assert len(lines) == 2
    assert "event seq 2" in lines[0] and "do not match its hash" in lines[0]
    assert f"event {desk.head_seq + 5} is missing" in lines[1]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("garbage", "give SEQ:HASH"),
        ("12", "give SEQ:HASH"),
        (":abc", "give SEQ:HASH"),
        ("", "give SEQ:HASH"),
        ("1:xyz", "give SEQ:HASH"),
        ("-1:" + "a" * 64, "give SEQ:HASH"),
        ("1:" + "a" * 63, "63 hex digits"),
        ("1:" + "a" * 65, "65 hex digits"),
        ("0:" + "a" * 64, "start at 1"),
        ("99999999999999999999999999:" + "a" * 64, "larger than any event's"),
        (str(1 << 63) + ":" + "a" * 64, "larger than any event's"),
        ("9" * 5000 + ":" + "a" * 64, "larger than any event's"),
        (HOSTILE, "give SEQ:HASH"),
        ("1:" + HOSTILE, "give SEQ:HASH"),
    ],
)
def test_bad_head_is_refused_in_one_line(desk: Desk, value: str, says: str) -> None:
    ran = run_cli(desk.path, "verify", "--head", value)
    assert ran.code == 1
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1, ran.err
    assert lines[0].startswith("desk: bad --head")
    assert says in lines[0]
    assert len(lines[0]) < 300
    for raw in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert raw not in ran.err
    assert ran.out == ""


def test_largest_sequence_is_checked_not_refused(desk: Desk) -> None:
    """2**63 - 1 is a sequence SQLite can hold: it is looked up, and missing."""
    ran = run_cli(desk.path, "verify", "--head", f"{(1 << 63) - 1}:{'a' * 64}")
    assert ran.code == 1
    assert f"event {(1 << 63) - 1} is missing (deleted?)" in ran.err


# -- units ----------------------------------------------------------------------------


def test_parse_head() -> None:
    assert parse_head(f" 12:{'AB' * 32} ") == (12, "ab" * 32)
    with pytest.raises(BadInputError):
        parse_head("12")


def test_check_head_on_a_connection(desk: Desk) -> None:
    with connect(desk.path) as conn:
        assert check_head(conn, desk.head_seq, desk.head_hash) is None
        wrong = check_head(conn, desk.head_seq, "b" * 64)
        assert wrong is not None and "the log was rewritten" in wrong.detail
        missing = check_head(conn, desk.head_seq + 1, desk.head_hash)
        assert missing is not None
        assert missing.detail == (
            f"the desk has only {desk.head_seq} events: "
            f"event {desk.head_seq + 1} is missing (deleted?)"
        )
        conn.execute("DELETE FROM events WHERE seq = 2")
        hole = check_head(conn, 2, desk.heads[2])
        assert hole is not None and hole.detail == "the desk has no event 2 (deleted?)"
