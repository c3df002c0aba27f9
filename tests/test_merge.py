"""`desk merge` and `desk conflicts` from the shell: two laptops and a server."""

from __future__ import annotations

import json
from pathlib import Path

from db import Store
from tests.clirun import run_cli
from tests.offline_helpers import ok, state


def _three(tmp_path: Path) -> tuple[Path, Path, Path]:
    server = tmp_path / "server.desk"
    ok(server, "init")
    ok(server, "add", "--text", "server post one")
    ok(server, "add", "--text", "server post two")
    a, b = tmp_path / "a.desk", tmp_path / "b.desk"
    ok(server, "checkout", "-o", str(a))
    ok(server, "checkout", "-o", str(b))
    return server, a, b


def _work(a: Path, b: Path) -> None:
    ok(a, "add", "--text", "laptop A post", actor="al")
    ok(a, "tag", "1", "+alpha", actor="al")
    ok(a, "verdict", "1", "false", "--reason", "fake", actor="al")
    ok(a, "note", "2", "a note from A", actor="al")
    ok(b, "add", "--text", "laptop B post", actor="bo")
    ok(b, "tag", "1", "+beta", actor="bo")
    ok(b, "verdict", "1", "misleading", actor="bo")
    ok(b, "triage", "2", "kept", actor="bo")


def test_two_laptops_merge_in_either_order_to_the_same_desk(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    other = tmp_path / "other.desk"
    ok(server, "checkout", "-o", str(other))  # the server as it was, merged the other way
    assert "merged 4 events" in ok(server, "merge", str(a), actor="ed").out
    assert "1 new conflicts" in ok(server, "merge", str(b), actor="ed").out
    ok(other, "merge", str(b), actor="ed")
    ok(other, "merge", str(a), actor="ed")
    assert state(server) == state(other)
    s = state(server)
    assert s["items"]["manual|server post one"][3] == ["alpha", "beta"]
    assert {"manual|laptop A post", "manual|laptop B post"} <= set(s["items"])
    assert len(s["conflicts"]) == 1
    for desk in (server, other):
        assert ok(desk, "verify").code == 0
        assert "state matches the log" in ok(desk, "verify", "--replay").out


def test_merging_twice_changes_nothing(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    ok(server, "merge", str(a))
    with Store(server) as s:
        seq = s.last_seq()
    before = state(server)
    again = ok(server, "merge", str(a))
    assert "nothing new" in again.out
    assert state(server) == before
    with Store(server) as s:
        assert s.last_seq() == seq


def test_merging_back_and_forth_converges(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    for _ in range(2):
        ok(server, "merge", str(a))
        ok(server, "merge", str(b))
        ok(a, "merge", str(server))
        ok(b, "merge", str(server))
    assert state(server) == state(a) == state(b)


def test_a_desk_is_not_merged_into_itself(tmp_path: Path) -> None:
    server, _, _ = _three(tmp_path)
    ran = run_cli(server, "merge", str(server))
    assert ran.code == 1 and "this desk" in ran.err
    copy = tmp_path / "copy.desk"
    copy.write_bytes(server.read_bytes())  # a byte copy keeps the desk id
    ran = run_cli(server, "merge", str(copy))
    assert ran.code == 1 and "same desk" in ran.err


def test_bad_files_are_named(tmp_path: Path) -> None:
    server, _, _ = _three(tmp_path)
    ran = run_cli(server, "merge", str(tmp_path / "missing.desk"))
    assert ran.code == 1 and "no such file" in ran.err
    junk = tmp_path / "junk.desk"
    junk.write_text("not a desk\x1b[31m")
    ran = run_cli(server, "merge", str(junk))
    assert ran.code == 1 and "not a desk file" in ran.err and "\x1b" not in ran.err
    empty = tmp_path / "empty.desk"
    empty.write_bytes(b"")
    ran = run_cli(server, "merge", str(empty))
    assert ran.code == 1 and "empty" in ran.err


def test_conflicts_are_listed_resolved_and_undone(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    ok(server, "merge", str(a))
    ok(server, "merge", str(b))
    listed = json.loads(ok(server, "conflicts", "--json").out)
    assert len(listed) == 1
    first = listed[0]
    assert first["field"] == "verdict"
    assert sorted(m["value"][0] for m in first["candidates"]) == ["false", "misleading"]
    ran = run_cli(server, "conflicts", "resolve", str(first["id"]), "--take", "mine")
    assert ran.code == 1 and "no value from this desk" in ran.err
    ran = run_cli(server, "conflicts", "resolve", "99", "--take", "theirs")
    assert ran.code == 1 and "no conflict 99" in ran.err
    ran = run_cli(server, "conflicts", "resolve", str(first["id"]), "--take", "nonsense")
    assert ran.code == 1
    done = ok(server, "conflicts", "resolve", str(first["id"]), "--take", "verified", actor="ed")
    assert "verdict = verified" in done.out
    assert ok(server, "conflicts").out.strip() == "no conflicts"
    with Store(server) as s:
        assert s.item(1).verdict == "verified"
    ok(server, "undo", actor="ed")
    assert len(json.loads(ok(server, "conflicts", "--json").out)) == 1
    with Store(server) as s:
        assert s.item(1).verdict == "misleading"  # the later of the two, as before
    assert "state matches the log" in ok(server, "verify", "--replay").out


def test_a_resolution_travels_and_settles_the_other_desk(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    ok(a, "merge", str(b))
    conflict = json.loads(ok(a, "conflicts", "--json").out)[0]
    ok(a, "conflicts", "resolve", str(conflict["id"]), "--take", "theirs", actor="al")
    ok(server, "merge", str(b))
    ok(server, "merge", str(a))
    assert ok(server, "conflicts").out.strip() == "no conflicts"
    with Store(server) as s:
        assert s.item(1).verdict == "misleading"
    assert state(server)["items"] == state(a)["items"]


def test_a_tampered_merged_event_is_named_by_verify(tmp_path: Path) -> None:
    server, a, b = _three(tmp_path)
    _work(a, b)
    ok(server, "merge", str(a))
    with Store(server) as s:
        s.conn.execute(
            "UPDATE imported_events SET event = replace(event, 'laptop A post', 'forged') "
        )
    ran = run_cli(server, "verify")
    assert ran.code != 0 and "merged" in (ran.out + ran.err)


def _field_work(tmp_path: Path, laptop: Path) -> bytes:
    """On the laptop: a pasted post ingested (raw bytes kept) and an evidence file."""
    paste = tmp_path / "paste.txt"
    paste.write_text("A post pasted from the field about the spillway\n", encoding="utf-8")
    ok(laptop, "ingest", str(paste), actor="al")
    shot = tmp_path / "shot.png"
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    shot.write_bytes(data)
    ok(laptop, "evidence", "add", "1", "provenance", str(shot), actor="al")
    return data


def test_raw_bytes_and_evidence_files_travel_with_a_merge(tmp_path: Path) -> None:
    server, a, _ = _three(tmp_path)
    data = _field_work(tmp_path, a)
    ok(server, "merge", str(a))
    assert "chain and raw hashes intact" in ok(server, "verify").out
    assert "state matches the log" in ok(server, "verify", "--replay").out
    out = tmp_path / "back.png"
    with Store(server) as s:
        sha = s.evidence_of(1)[0].sha256
        assert sha is not None
    ok(server, "evidence", "get", sha, "-o", str(out))
    assert out.read_bytes() == data
    assert any("spillway" in k for k in state(server)["items"])


def test_raw_bytes_and_evidence_files_travel_in_an_events_file(tmp_path: Path) -> None:
    server, a, _ = _three(tmp_path)
    _field_work(tmp_path, a)
    events = tmp_path / "field.jsonl"
    ok(a, "export-events", "-o", str(events))
    ok(server, "import-events", str(events))
    assert "chain and raw hashes intact" in ok(server, "verify").out
    assert state(server)["items"] == state(a)["items"]


def test_an_events_file_is_not_a_desk(tmp_path: Path) -> None:
    server, a, _ = _three(tmp_path)
    events = tmp_path / "a.jsonl"
    ok(a, "export-events", "-o", str(events))
    ran = run_cli(server, "merge", str(events))
    assert ran.code == 1 and "not a desk file" in ran.err


def test_a_tag_taken_off_on_one_side_and_put_on_on_the_other_stays_on(tmp_path: Path) -> None:
    """Tags merge as a set that never conflicts: a removal takes off what it had seen."""
    server, _, _ = _three(tmp_path)
    ok(server, "tag", "1", "+old")
    a2, b2 = tmp_path / "a2.desk", tmp_path / "b2.desk"
    ok(server, "checkout", "-o", str(a2))
    ok(server, "checkout", "-o", str(b2))
    ok(a2, "tag", "1", "-old", actor="al")  # saw `old`: takes it off
    ok(a2, "tag", "1", "+z", actor="al")
    ok(b2, "tag", "1", "+z", actor="bo")
    ok(b2, "tag", "1", "-z", actor="bo")  # never saw al's `z`
    other = tmp_path / "other.desk"
    ok(server, "checkout", "-o", str(other))
    ok(server, "merge", str(a2))
    ok(server, "merge", str(b2))
    ok(other, "merge", str(b2))
    ok(other, "merge", str(a2))
    assert state(server) == state(other)
    assert state(server)["items"]["manual|server post one"][3] == ["z"]
    assert state(server)["conflicts"] == []


def test_a_desk_with_an_edited_event_is_refused_and_nothing_merged(tmp_path: Path) -> None:
    """The other desk's events are checked against their own hashes before any applies:
    an event edited in the file (by hand, by a faulty tool) stops the merge, named."""
    server, a, b = _three(tmp_path)
    _work(a, b)
    with Store(a) as s:
        seq = s.conn.execute(
            "SELECT seq FROM events WHERE payload LIKE '%laptop A post%'"
        ).fetchone()[0]
        s.conn.execute(
            "UPDATE events SET payload = replace(payload, 'laptop A post', 'forged') WHERE seq = ?",
            [seq],
        )
    before = state(server)
    ran = run_cli(server, "merge", str(a))
    assert ran.code != 0
    assert ran.err.startswith(f"desk: {a}: event {seq} (item.add")
    assert "does not match its hash" in ran.err
    assert "Traceback" not in ran.err
    assert state(server) == before  # nothing merged, not even the sound events before it
