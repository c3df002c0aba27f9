"""The `desk` command through its real entry point, as a user types it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from db import Store
from desk.vocab import DEFAULT_CHECKLIST


def _add(run_desk, text: str, *extra: str) -> int:  # type: ignore[no-untyped-def]
    result = run_desk("add", "--text", text, *extra)
    assert result.code == 0, result.err
    return int(result.out.split()[-1])


def test_init_creates_a_desk_and_is_idempotent(run_desk, desk_path: Path) -> None:
    first = run_desk("init")
    assert first.code == 0 and "new desk" in first.out
    assert desk_path.exists()
    again = run_desk("init")
    assert again.code == 0 and "up to date" in again.out


def test_init_takes_a_path_and_desk_option(run_desk, tmp_path: Path) -> None:
    other = tmp_path / "other.desk"
    assert run_desk("init", str(other)).code == 0
    assert other.exists()
    third = tmp_path / "third.desk"
    assert run_desk("init", "--desk", str(third)).code == 0
    assert third.exists()


def test_add_show_and_json(run_desk) -> None:
    run_desk("init")
    item = _add(
        run_desk,
        "Water over the spillway at Orvena",
        "--url",
        "https://example.org/p/1",
        "--author",
        "@orvena_watch",
    )
    shown = run_desk("show", str(item))
    assert shown.code == 0
    assert "Water over the spillway at Orvena" in shown.out
    assert "@orvena_watch" in shown.out
    data = json.loads(run_desk("show", str(item), "--json").out)
    assert data["item"]["url"] == "https://example.org/p/1"
    assert data["item"]["author_handle"] == "orvena_watch"
    assert len(data["checklist"]) == 5


def test_add_same_url_twice_is_one_item(run_desk) -> None:
    run_desk("init")
    a = _add(run_desk, "first", "--url", "https://example.org/same")
    b = _add(run_desk, "second paste of it", "--url", "https://example.org/same")
    assert a == b
    rows = json.loads(run_desk("ls", "--json").out)
    assert len(rows) == 1


def test_ls_filters_and_search(run_desk) -> None:
    run_desk("init")
    a = _add(run_desk, "Bridge closed at Dunmere", "--author", "@kel")
    b = _add(run_desk, "Shelter open at the ice rink")
    assert run_desk("tag", str(a), "+bridge").code == 0
    assert run_desk("triage", str(b), "flagged").code == 0
    by_tag = json.loads(run_desk("ls", "--filter", "tag:bridge", "--json").out)
    assert [r["id"] for r in by_tag] == [a]
    by_triage = json.loads(run_desk("ls", "-f", "triage:flagged", "--json").out)
    assert [r["id"] for r in by_triage] == [b]
    by_handle = json.loads(run_desk("ls", "-f", "from:@kel", "--json").out)
    assert [r["id"] for r in by_handle] == [a]
    found = run_desk("search", "shelter")
    assert found.code == 0 and "Shelter open" in found.out and "Bridge" not in found.out
    none = run_desk("search", "nothinglikethis")
    assert none.code == 0 and "no match" in none.err


def test_ls_keyset_paging_with_after(run_desk) -> None:
    run_desk("init")
    ids = [_add(run_desk, f"item number {n}") for n in range(5)]
    first = json.loads(run_desk("ls", "--order", "arrival", "-n", "2", "--json").out)
    assert [r["id"] for r in first] == [ids[4], ids[3]]
    rest = json.loads(
        run_desk("ls", "--order", "arrival", "-n", "10", "--after", str(ids[3]), "--json").out
    )
    assert [r["id"] for r in rest] == [ids[2], ids[1], ids[0]]


def test_tag_add_remove_toggle(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "one")
    b = _add(run_desk, "two")
    result = run_desk("tag", str(a), str(b), "+flood", "+Needs-Translation", "!urgent")
    assert result.code == 0, result.err
    with Store(desk_path) as store:
        assert store.tags_of(a) == ("flood", "needs-translation", "urgent")
    assert run_desk("tag", str(a), "-flood", "!urgent").code == 0
    with Store(desk_path) as store:
        assert "flood" not in store.tags_of(a)
        assert "urgent" not in store.tags_of(a)
        assert {"flood", "urgent"} <= set(store.tags_of(b))


def test_triage_verdict_note_link_unlink(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "claim: dam broke")
    b = _add(run_desk, "video of the dam")
    assert run_desk("triage", str(a), "kept").code == 0
    assert run_desk("verdict", str(b), "false", "--reason", "old video").code == 0
    assert run_desk("note", str(a), "called", "the", "county").code == 0
    assert run_desk("link", str(b), str(a), "--as", "contradicts").code == 0
    again = run_desk("link", str(b), str(a), "--as", "contradicts")
    assert again.code == 0 and "already linked" in again.out
    with Store(desk_path) as store:
        assert store.item(a).triage == "kept"
        assert store.item(b).verdict == "false"
        assert store.item(b).verdict_reason == "old video"
        assert [n.text for n in store.notes_of(a)] == ["called the county"]
        assert [(x.src_id, x.relation, x.dst_item_id) for x in store.links_of(a)] == [
            (b, "contradicts", a)
        ]
    assert run_desk("unlink", str(b), str(a)).code == 0
    with Store(desk_path) as store:
        assert store.links_of(a) == []


def test_verdict_accepts_in_progress_spellings(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    assert run_desk("verdict", str(a), "in-progress").code == 0
    with Store(desk_path) as store:
        assert store.item(a).verdict == "in progress"


def test_note_reads_a_pipe_when_text_is_omitted(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    result = run_desk("note", str(a), input="from the field\nsecond line\n")
    assert result.code == 0, result.err
    with Store(desk_path) as store:
        assert store.notes_of(a)[0].text == "from the field\nsecond line"


def test_note_from_editor(run_desk, desk_path: Path, tmp_path: Path) -> None:
    """With no TEXT on a terminal, `$EDITOR` is used; here stdin is a pipe so we test the pipe
    path above, and the editor path through click.edit with a scripted editor."""
    run_desk("init")
    a = _add(run_desk, "x")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "typed in the editor\\n" > "$1"\n')
    editor.chmod(0o755)
    script = (
        "import sys, click; from desk.cli import main; "
        "sys.stdin.isatty = lambda: True; main(['note', sys.argv[1]])"
    )
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", script, str(a)],
        env={**os.environ, "DESK_FILE": str(desk_path), "EDITOR": str(editor), "DESK_USER": "t"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    with Store(desk_path) as store:
        assert store.notes_of(a)[0].text == "typed in the editor"


def test_check_logs_a_step(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    result = run_desk(
        "check",
        str(a),
        "provenance",
        "failed",
        "--note",
        "older copy",
        "--evidence",
        "https://example.org/orig",
    )
    assert result.code == 0, result.err
    with Store(desk_path) as store:
        step = store.checklist(a, DEFAULT_CHECKLIST)[0]
        assert (step.pillar, step.status, step.note) == ("provenance", "failed", "older copy")
        assert step.evidence == ("https://example.org/orig",)


def test_log_lists_every_event_and_since(run_desk) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    run_desk("tag", str(a), "+one")
    run_desk("triage", str(a), "kept")
    events = json.loads(run_desk("log", "--json").out)
    assert [e["kind"] for e in events] == ["item.add", "item.tag", "item.triage"]
    assert all(e["actor"] == "tester" for e in events)
    later = json.loads(run_desk("log", "--since", "2", "--json").out)
    assert [e["seq"] for e in later] == [3]
    text = run_desk("log")
    assert "item.triage" in text.out


def test_actor_option_and_per_user_undo(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    assert run_desk("--as", "ann", "tag", str(a), "+ann-tag").code == 0
    assert run_desk("tag", str(a), "+bob-tag", actor="bob").code == 0
    undone = run_desk("--as", "ann", "undo")
    assert undone.code == 0 and "item.tag" in undone.out
    with Store(desk_path) as store:
        assert store.tags_of(a) == ("bob-tag",)
        kinds = [(e.actor, e.kind) for e in store.events()]
        assert kinds[-1] == ("ann", "undo")
        assert len(kinds) == 4  # add, two tags, the undo: nothing was deleted


def test_undo_with_nothing_to_undo(run_desk) -> None:
    run_desk("init")
    result = run_desk("undo")
    assert result.code == 1
    assert result.err.strip() == "desk: nothing to undo for tester"


def test_verify_ok(run_desk) -> None:
    run_desk("init")
    _add(run_desk, "x")
    result = run_desk("verify")
    assert result.code == 0 and result.out.startswith("ok: 1 events")


def test_verify_names_a_tampered_event(run_desk, desk_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    run_desk("tag", str(a), "+t")
    conn = sqlite3.connect(desk_path)
    conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2")
    conn.commit()
    conn.close()
    result = run_desk("verify")
    assert result.code == 1
    assert "event seq 2" in result.err


def test_errors_are_one_line_without_traceback(run_desk, tmp_path: Path) -> None:
    run_desk("init")
    a = _add(run_desk, "x")
    cases = [
        (("show", "999"), "no item 999"),
        (("tag", "999", "+x"), "unknown item 999"),
        (("link", str(a), "999", "--as", "corroborates"), "unknown item 999"),
        (("link", str(a), str(a), "--as", "corroborates"), "to itself"),
        (("link", str(a), "2", "--as", "likes"), "bad relation 'likes'"),
        (("triage", str(a), "maybe"), "bad triage 'maybe'"),
        (("verdict", str(a), "sorta"), "bad verdict 'sorta'"),
        (("tag", str(a), "+" + "x" * 80), "bad tag"),
        (("tag", str(a), "+semi;colon"), "bad tag"),
        (("ls", "-f", "triage:nope"), "bad triage:nope"),
        (("note", str(a)), "empty note"),
        (("show", "abc"), "not an item id"),
        (("check", str(a), "vibes", "passed"), "bad step"),
    ]
    for args, expected in cases:
        result = run_desk(*args)
        assert result.code == 1, (args, result.out, result.err)
        assert "Traceback" not in result.err, args
        assert len(result.err.strip().splitlines()) == 1, (args, result.err)
        assert expected in result.err, (args, result.err)


def test_unreadable_and_foreign_files(run_desk, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    result = run_desk("--desk", str(text_file), "ls")
    assert result.code == 1 and "not a desk file" in result.err and str(text_file) in result.err
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    result = run_desk("--desk", str(other), "ls")
    assert result.code == 1 and "not a desk file" in result.err
    missing = tmp_path / "missing.desk"
    result = run_desk("--desk", str(missing), "ls")
    assert result.code == 1 and "no desk here" in result.err and "desk init" in result.err
    assert not missing.exists()
    folder = tmp_path / "folder"
    folder.mkdir()
    result = run_desk("--desk", str(folder), "ls")
    assert result.code != 0 and "Traceback" not in result.err


def test_newer_schema_is_refused(run_desk, desk_path: Path) -> None:
    run_desk("init")
    conn = sqlite3.connect(desk_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
        "VALUES ('desk', '9999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    result = run_desk("ls")
    assert result.code == 1
    assert "newer desk" in result.err and "9999_from_the_future" in result.err


def test_desk_file_env_and_default_path(run_desk, tmp_path: Path) -> None:
    env_desk = tmp_path / "env.desk"
    assert run_desk("init", env={"DESK_FILE": str(env_desk)}).code == 0
    assert env_desk.exists()
    result = run_desk("init", env={"DESK_FILE": ""})
    assert result.code == 0
    assert str(tmp_path / "data") in result.out  # platformdirs honours XDG_DATA_HOME


def test_hostile_text_never_reaches_the_terminal(run_desk) -> None:
    run_desk("init")
    hostile = "ok \x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \u202eevil [bold]x[/bold]"
    a = _add(run_desk, hostile)
    for args in (("show", str(a)), ("ls",), ("search", "evil")):
        out = run_desk(*args).out
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        assert "[bold]x[/bold]" in out  # markup stays visible text


def test_ingest_of_an_unknown_file_names_it(run_desk, tmp_path: Path) -> None:
    run_desk("init")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    result = run_desk("ingest", str(junk))
    assert result.code == 1
    assert str(junk) in result.err and "tried" in result.err
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    result = run_desk("ingest", str(empty))
    assert result.code == 1 and "empty" in result.err
    result = run_desk("ingest", str(tmp_path / "nope.json"))
    assert result.code == 1 and "no such file" in result.err
