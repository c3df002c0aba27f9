"""`desk recap sections [set|rename]`, `desk recap note` and `desk recap show`: every command,
its JSON, its one-line errors, and hostile text kept off the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import Store
from desk import verbs
from tests.clirun import Ran, run_cli

HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]b[/bold] \u202eevil"


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A desk with one story and no entry."""
    path = tmp_path / "cli.desk"
    assert run_cli(path, "init").code == 0
    assert run_cli(path, "story", "new", "orvena", "--title", "Orvena").code == 0
    return path


@pytest.fixture
def entry_desk(tmp_path: Path) -> Path:
    """A desk with one story and one dated, confirmed entry (e1)."""
    path = tmp_path / "cli.desk"
    assert run_cli(path, "init").code == 0
    made = run_cli(path, "story", "new", "orvena", "--title", "Orvena", "--date", "2023-10-01")
    assert made.code == 0
    added = run_cli(
        path,
        "recap",
        "add",
        "--story",
        "orvena",
        "--date",
        "since December",
        "--headline",
        "Sirens before dawn",
        "--body",
        "Heard in Marrow Ford.\n\nSecond paragraph.",
        "--confidence",
        "confirmed",
    )
    assert added.code == 0, added.err
    return path


def ok(desk: Path, *args: str, actor: str = "tester") -> Ran:
    ran = run_cli(desk, *args, actor=actor)
    assert ran.code == 0, ran.err
    return ran


def fails(desk: Path, *args: str, match: str) -> Ran:
    ran = run_cli(desk, *args)
    assert ran.code == 1, (ran.out, ran.err)
    assert match in ran.err, ran.err
    assert ran.err.count("\n") == 1 and ran.err.startswith("desk: ")
    assert "Traceback" not in ran.err
    return ran


def _safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


# -- sections ----------------------------------------------------------------------------------


def test_cli_lists_sets_and_renames_sections(desk: Path) -> None:
    listed = ok(desk, "recap", "sections").out.splitlines()
    assert [line.split()[1] for line in listed[:2]] == ["background", "timeline"]
    assert "0 live entries" in listed[0] and len(listed) == 6
    data = json.loads(ok(desk, "recap", "sections", "--json").out)
    assert data[0] == {"position": 1, "name": "background", "title": "Background", "entries": 0}
    ok(desk, "recap", "add", "--story", "orvena", "--section", "latest", "--headline", "l")
    out = ok(desk, "recap", "sections", "set", "Latest", "Analysis", "timeline").out
    assert [line.split()[1] for line in out.splitlines()] == ["latest", "analysis", "timeline"]
    assert "1 live entry" in out.splitlines()[0]
    same = ok(desk, "recap", "sections", "set", "latest", "analysis", "timeline")
    assert "the sections are unchanged" in same.err
    fails(
        desk,
        "recap",
        "sections",
        "set",
        "timeline",
        match="'latest' has 1 live entry",
    )
    renamed = ok(desk, "recap", "sections", "rename", "latest", "Updates").out
    assert "1 entry filed under the new name" in renamed
    assert renamed.splitlines()[1].split()[1] == "updates"
    data = json.loads(ok(desk, "recap", "sections", "rename", "updates", "news", "--json").out)
    assert data["entries"] == [1] and data["sections"][0]["name"] == "news"
    # the recap shows the template's sections, empty ones too, in its order
    ls = ok(desk, "recap", "ls", "--story", "orvena").out
    assert ls.index("NEWS") < ls.index("ANALYSIS") < ls.index("TIMELINE")
    assert ls.count("(empty)") == 2
    assert "undone: recap.section.rename" in ok(desk, "undo").out
    assert "undone: recap.section.rename" in ok(desk, "undo").out
    assert "undone: recap.sections" in ok(desk, "undo").out
    assert ok(desk, "recap", "sections", "--json").out.count('"name"') == 6


def test_cli_refuses_bad_section_names_in_one_safe_line(desk: Path) -> None:
    for name, match in (
        (HOSTILE, "bad section name"),
        ("", "a section needs a name"),
        ("x" * 1_000_000, "is 1000000 characters"),
    ):
        ran = fails(desk, "recap", "sections", "set", "timeline", name, match=match)
        _safe(ran.err)
        assert len(ran.err) < 300
    fails(desk, "recap", "sections", "set", "a", "A", match="'a' is given twice")
    ran = fails(desk, "recap", "sections", "rename", HOSTILE, "x", match="bad section")
    _safe(ran.err)
    fails(desk, "recap", "sections", "rename", "latest", "timeline", match="already")
    missing = run_cli(desk, "recap", "sections", "set")
    assert missing.code == 2 and "Missing argument" in missing.err
    # cleaned names are shown as they are stored, and never raw
    out = ok(desk, "recap", "sections", "set", "timeline", "\x1b[31mAnalysis\u202e").out
    _safe(out)
    assert "analysis" in out


# -- notes and show ------------------------------------------------------------------------


def test_cli_note_show_and_ls_count(entry_desk: Path) -> None:
    with Store(entry_desk) as store:
        item = verbs.add_item(
            store, "ann", text="post", platform="mastodon", handle="@watch", url="https://e.org/1"
        ).id
        verbs.link(store, "ann", item, dst_entry=1, relation="source-for")
        verbs.set_verdict(store, "vera", [item], "verified", override="fixture")
    said = ok(entry_desk, "recap", "note", "e1", "Called the port office", actor="bob").out
    assert "note on entry 1 (1 note now): Called the port office" in said
    note = json.loads(
        ok(entry_desk, "recap", "note", "1", "Second\nline two", "--json", actor="cat").out
    )
    assert note["author"] == "cat" and note["text"] == "Second\nline two"
    shown = ok(entry_desk, "recap", "show", "#1").out
    assert "entry 1 in timeline of orvena (version 1)" in shown
    assert "headline:   Sirens before dawn" in shown
    assert "date:       since December = 2022-12-01.. (EDTF 2022-12/.., precision month)" in shown
    assert "confidence: confirmed" in shown
    assert "    Heard in Marrow Ford." in shown
    assert f"#{item} verified  mastodon @watch  https://e.org/1" in shown
    lines = shown.splitlines()
    bob = next(line for line in lines if " bob: " in line)
    assert bob.endswith("bob: Called the port office") and bob.startswith("    20")
    assert any(line.endswith("cat: Second") for line in lines)
    assert "      line two" in lines
    data = json.loads(ok(entry_desk, "recap", "show", "1", "--json").out)
    assert data["story"] == "orvena" and data["date_edtf"] == "2022-12/.."
    assert [n["author"] for n in data["notes"]] == ["bob", "cat"]
    assert data["sources"][0]["verdict"] == "verified"
    assert "  2 notes" in ok(entry_desk, "recap", "ls", "--story", "orvena").out
    listed = json.loads(ok(entry_desk, "recap", "ls", "--story", "orvena", "--json").out)
    assert len(listed["recap"][0]["notes"]) == 2
    # u / desk undo takes the last note back
    assert "undone: note.add" in ok(entry_desk, "undo", actor="cat").out
    assert "  1 note" in ok(entry_desk, "recap", "ls", "--story", "orvena").out
    assert " cat: " not in ok(entry_desk, "recap", "show", "1").out


def test_cli_note_errors_and_hostile_text(entry_desk: Path, run_desk) -> None:  # type: ignore[no-untyped-def]
    fails(entry_desk, "recap", "note", "e9", "x", match="unknown recap entry 9")
    fails(entry_desk, "recap", "note", "nine", "x", match="not a recap entry id: 'nine'")
    fails(entry_desk, "recap", "note", "1", " \x1b[0m ", match="the note is empty")
    fails(entry_desk, "recap", "show", "9", match="no recap entry 9")
    ran = fails(entry_desk, "recap", "show", HOSTILE, match="not a recap entry id")
    _safe(ran.err)
    ok(entry_desk, "recap", "note", "1", HOSTILE)
    for args in (
        ("recap", "show", "1"),
        ("recap", "show", "1", "--json"),
        ("recap", "ls", "--story", "orvena"),
    ):
        out = ok(entry_desk, *args).out
        _safe(out)
    assert "[bold]b[/bold]" in ok(entry_desk, "recap", "show", "1").out
    piped = run_desk("--desk", str(entry_desk), "recap", "note", "1", "-", input="from stdin\n")
    assert piped.code == 0, piped.err
    assert "from stdin" in ok(entry_desk, "recap", "show", "1").out


def test_show_says_an_entry_is_deleted(entry_desk: Path) -> None:
    ok(entry_desk, "recap", "rm", "1")
    shown = ok(entry_desk, "recap", "show", "1").out
    assert "deleted:" in shown and "(desk undo)" in shown
