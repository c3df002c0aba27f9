"""Tampering with the event log, the raw bytes or an evidence file is caught by `desk verify`.

The event log is the desk's audit trail and the raw bytes are the
evidentiary copy of what was collected; a reporter must be able to show
neither was altered after the fact. Each test builds a small desk through
the verbs, closes it, then edits the file with a plain `sqlite3`
connection, as someone with write access to the file (and no desk code)
would, and checks that verify fails and names the altered record.

Out of scope, by construction: the chain has no secret, so someone who
rewrites an event *and* recomputes every later hash *and* the `chain_head`
row produces a desk that verifies. Catching that needs the head hash kept
outside the file (printed by `desk verify`, noted or published elsewhere).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from db import Store
from db.events import event_hash
from desk import verbs

REPO = Path(__file__).resolve().parent.parent
ACTOR = "tamper-test"


@dataclass(frozen=True)
class Built:
    """The desk under attack and what the tests need to know about it."""

    path: Path
    items: tuple[int, int, int]
    last_seq: int
    note_seq: int


@pytest.fixture
def built(tmp_path: Path) -> Built:
    """A closed desk with three typed items (raw blobs) and one event of each common kind."""
    path = tmp_path / "evidence.desk"
    with Store(path, create=True) as store:
        a = verbs.add_item(store, ACTOR, text="Smoke over the Varnholt ferry terminal").id
        b = verbs.add_item(store, ACTOR, text="Ferry terminal evacuated, says @harbourwatch").id
        c = verbs.add_item(store, ACTOR, text="Old photo from 2019, not today").id
        verbs.tag(store, ACTOR, [a, b], ["+varnholt", "+ferry"])
        verbs.set_triage(store, ACTOR, [a], "kept")
        note = verbs.annotate(store, ACTOR, a, "Called the port office: first-hand confirmation")
        verbs.link(store, ACTOR, b, dst_item=a, relation="corroborates")
        verbs.set_verdict(store, ACTOR, [c], "misleading", "Reverse image search: 2019")
        note_seq = next(e.seq for e in store.events() if e.payload.get("note") == note.uuid)
        last = store.last_seq()
    return Built(path=path, items=(a, b, c), last_seq=last, note_seq=note_seq)


@contextmanager
def attacker(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection with no desk code and no foreign keys, committed on exit."""
    with closing(sqlite3.connect(path)) as conn:
        yield conn
        conn.commit()


def desk_verify(path: Path) -> subprocess.CompletedProcess[str]:
    """`desk verify` through the real entry point."""
    return subprocess.run(
        [sys.executable, "-m", "desk", "verify", "--desk", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_fails_naming(path: Path, *fragments: str) -> str:
    """Verify exits non-zero with one stderr line that names every fragment (a regex)."""
    done = desk_verify(path)
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("desk: verify failed: "), lines[0]
    for fragment in fragments:
        assert re.search(fragment, lines[0]), f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


def problem_of(path: Path) -> str:
    """What `Store.verify()` reports, as one string (empty when the desk is intact)."""
    with Store(path) as store:
        problem = store.verify()
    return "" if problem is None else f"{problem.what}: {problem.where}: {problem.detail}"


def blob_of(path: Path, item_id: int) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(
            conn.execute("SELECT raw_sha256 FROM items WHERE id = ?", [item_id]).fetchone()[0]
        )


def test_untouched_desk_verifies(built: Built) -> None:
    """The baseline: without it a failing verify below would prove nothing."""
    assert problem_of(built.path) == ""
    done = desk_verify(built.path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {built.last_seq} events")


def test_edited_event_payload_is_named(built: Built) -> None:
    with attacker(built.path) as conn:
        changed = conn.execute(
            "UPDATE events SET payload = replace(payload, 'first-hand', 'second-hand') "
            "WHERE seq = ?",
            [built.note_seq],
        ).rowcount
    assert changed == 1
    assert_fails_naming(
        built.path, rf"event seq {built.note_seq}\b", "contents do not match its hash"
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor", "someone-else"), ("at", "2020-01-01T00:00:00.000000Z"), ("kind", "item.verdict")],
)
def test_edited_event_field_is_named(built: Built, column: str, value: str) -> None:
    """Who and when matter as much as what: every hashed column is covered."""
    with attacker(built.path) as conn:
        conn.execute(f"UPDATE events SET {column} = ? WHERE seq = 2", [value])
    assert problem_of(built.path).startswith("event log: event seq 2 (")


def test_edited_event_with_recomputed_hash_breaks_the_next_link(built: Built) -> None:
    """Re-hashing the edited event moves the break to the next one, which is named."""
    seq = built.note_seq
    with attacker(built.path) as conn:
        row = conn.execute(
            "SELECT id, at, actor, kind, target, payload, base_version, prev_hash, os_user "
            "FROM events WHERE seq = ?",
            [seq],
        ).fetchone()
        payload = row[5].replace("first-hand", "second-hand")
        digest = event_hash(
            id=row[0],
            seq=seq,
            at=row[1],
            actor=row[2],
            kind=row[3],
            target=row[4],
            payload_json=payload,
            base_version=row[6],
            prev_hash=row[7],
            os_user=row[8],
        )
        conn.execute(
            "UPDATE events SET payload = ?, hash = ? WHERE seq = ?", [payload, digest, seq]
        )
    assert problem_of(built.path) == (
        f"event log: event seq {seq + 1} ({_event_id(built.path, seq + 1)}): "
        "prev_hash does not match the event before it"
    )


def _event_id(path: Path, seq: int) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT id FROM events WHERE seq = ?", [seq]).fetchone()[0])


def test_deleted_middle_event_is_named(built: Built) -> None:
    with attacker(built.path) as conn:
        assert conn.execute("DELETE FROM events WHERE seq = 4").rowcount == 1
    assert_fails_naming(built.path, r"event seq 4\b", "missing")


def test_deleted_first_event_is_named(built: Built) -> None:
    with attacker(built.path) as conn:
        conn.execute("DELETE FROM events WHERE seq = 1")
    assert problem_of(built.path) == "event log: event seq 1: missing (deleted?)"


def test_deleted_last_events_are_caught(built: Built) -> None:
    """Truncation leaves a valid chain; the recorded head shows events are gone."""
    with attacker(built.path) as conn:
        gone = conn.execute("DELETE FROM events WHERE seq > ?", [built.last_seq - 2]).rowcount
    assert gone == 2
    assert_fails_naming(
        built.path, rf"event seq {built.last_seq}\b", "ends before its recorded head"
    )


def test_deleted_last_events_and_chain_head_are_caught(built: Built) -> None:
    """Deleting the head row too is caught; *rewriting* it to the new tail is out of scope."""
    with attacker(built.path) as conn:
        conn.execute("DELETE FROM events WHERE seq > ?", [built.last_seq - 2])
        conn.execute("DELETE FROM chain_head")
    assert_fails_naming(built.path, "chain head", "missing")


def test_changed_blob_byte_is_named_with_its_item(built: Built) -> None:
    item = built.items[1]
    sha = blob_of(built.path, item)
    with attacker(built.path) as conn:
        data = bytearray(
            conn.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0]
        )
        data[len(data) // 2] ^= 0x01
        conn.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [bytes(data), sha])
    line = assert_fails_naming(built.path, f"blob {sha}", rf"item {item}\b", "do not match")
    assert "raw bytes" in line


def _evidence_file(built: Built, data: bytes) -> str:
    """A screenshot kept as evidence on item 1's location step; its sha256."""
    shot = built.path.parent / "geolocation.png"
    shot.write_bytes(data)
    with Store(built.path) as store:
        kept = verbs.add_evidence(store, ACTOR, built.items[0], "location", shot)
    assert desk_verify(built.path).returncode == 0
    return kept.sha256 or ""


def test_changed_evidence_file_is_named_with_its_item_and_step(built: Built) -> None:
    sha = _evidence_file(built, b"\x89PNG the skyline matches the map" * 50)
    with attacker(built.path) as conn:
        data = bytearray(
            conn.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0]
        )
        data[100] ^= 0x01
        conn.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [bytes(data), sha])
    assert_fails_naming(
        built.path,
        "evidence",
        f"evidence file {sha}",
        rf"item {built.items[0]}, step location, 'geolocation\.png'",
        "do not match",
    )


def test_deleted_evidence_file_is_named(built: Built) -> None:
    sha = _evidence_file(built, b"an archived page")
    with attacker(built.path) as conn:
        conn.execute("DELETE FROM blobs WHERE sha256 = ?", [sha])
    assert_fails_naming(
        built.path, "evidence", "'geolocation.png'", rf"item {built.items[0]}", "missing"
    )


def test_deleted_blob_is_named_by_item(built: Built) -> None:
    item = built.items[2]
    with attacker(built.path) as conn:
        conn.execute("DELETE FROM blobs WHERE sha256 = ?", [blob_of(built.path, item)])
    assert_fails_naming(built.path, rf"item {item}\b", "raw bytes are missing")


def test_item_raw_hash_pointing_nowhere_is_named(built: Built) -> None:
    item = built.items[0]
    with attacker(built.path) as conn:
        conn.execute("UPDATE items SET raw_sha256 = ? WHERE id = ?", ["f" * 64, item])
    assert problem_of(built.path) == f"raw bytes: item {item}: its raw bytes are missing"


def test_swapped_raw_bytes_are_caught(built: Built) -> None:
    """Replace an item's evidence with other bytes that hash correctly.

    Every blob matches its own sha256 and every item's blob exists, so the
    checks on blobs alone pass; only a record of which hash the item was
    collected with (in the hash-chained log) can show the swap.
    """
    item = built.items[0]
    forged = b"Smoke over the Varnholt ferry terminal (edited)"
    sha = hashlib.sha256(forged).hexdigest()
    with attacker(built.path) as conn:
        conn.execute(
            "INSERT INTO blobs(sha256, size, data) VALUES (?,?,?)", [sha, len(forged), forged]
        )
        conn.execute("UPDATE items SET raw_sha256 = ? WHERE id = ?", [sha, item])
    problem = problem_of(built.path)
    assert re.search(rf"item {item}\b", problem)
    assert "differs from the one recorded at arrival" in problem
