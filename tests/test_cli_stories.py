"""`desk story ...` and `desk recap ...`: every command, its errors, its JSON, and safe output."""

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
    path = tmp_path / "cli.desk"
    assert run_cli(path, "init").code == 0
    return path


def ok(desk: Path, *args: str, actor: str = "tester") -> Ran:
    ran = run_cli(desk, *args, actor=actor)
    assert ran.code == 0, ran.err
    return ran


def fails(desk: Path, *args: str, match: str) -> Ran:
    ran = run_cli(desk, *args)
    assert ran.code == 1, (ran.out, ran.err)
    assert match in ran.err, ran.err
    assert ran.err.count("\n") == 1 and ran.err.startswith("desk: ")  # one line
    assert "Traceback" not in ran.err
    return ran


def _terminal_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_story_new_ls_show_edit(desk: Path) -> None:
    assert (
        "story orvena-dam: Orvena dam (reference date 2023-10-01)"
        in ok(
            desk, "story", "new", "Orvena-Dam", "--title", "Orvena dam", "--date", "2023-10-01"
        ).out
    )
    ok(desk, "story", "new", "fenwick", "--title", "Fenwick")
    fails(desk, "story", "new", "orvena-dam", "--title", "again", match="exists already")
    fails(desk, "story", "new", "a/b", "--title", "x", match="bad story slug")
    fails(desk, "story", "new", "x", "--title", "x", "--date", "May 5", match="bad date")
    lines = ok(desk, "story", "ls").out.splitlines()
    assert [line.split()[0] for line in lines] == ["orvena-dam", "fenwick"]
    assert "2023-10-01" in lines[0]
    stories = json.loads(ok(desk, "story", "ls", "--json").out)
    assert stories[0]["reference_date"] == "2023-10-01"
    ok(desk, "recap", "add", "--story", "orvena-dam", "--date", "since December", "--headline", "h")
    shown = ok(desk, "story", "show", "orvena-dam").out
    assert "reference date 2023-10-01" in shown and "2022-12-01.." in shown
    edited = ok(desk, "story", "edit", "orvena-dam", "--date", "2024-03-01", "--title", "New").out
    assert "story orvena-dam: New (reference date 2024-03-01)" in edited
    assert "e1 re-read: since December = 2023-12-01.. (EDTF 2023-12/..)" in edited
    data = json.loads(ok(desk, "story", "show", "orvena-dam", "--json").out)
    assert data["story"]["title"] == "New" and data["recap"][0]["date_start"] == "2023-12-01"
    fails(desk, "story", "edit", "orvena-dam", match="nothing to change")
    fails(desk, "story", "show", "nope", match="no story 'nope'")
    assert "undone: story.edit" in ok(desk, "undo").out


def test_recap_add_ls_in_order_with_intervals_and_flags(desk: Path) -> None:
    ok(desk, "story", "new", "orvena", "--title", "Orvena", "--date", "2023-10-01")
    for date in ("September 19, 2023", "fall 2020", "April 2023", "December 2022"):
        added = ok(desk, "recap", "add", "--story", "orvena", "--date", date, "--headline", date)
        assert added.out.startswith("entry ")
    said = ok(desk, "recap", "add", "--story", "orvena", "--date", "soon", "--headline", "vague")
    assert "date 'soon' could not be read: kept as written" in said.out
    ok(desk, "recap", "add", "--story", "orvena", "--section", "What we know", "--headline", "k")
    out = ok(desk, "recap", "ls", "--story", "orvena").out
    order = [line[9:].split("  [")[0] for line in out.splitlines() if line.startswith("  e")]
    assert order == ["fall 2020", "December 2022", "April 2023", "September 19, 2023", "soon", "-"]
    assert "[2020-09-01..2020-11-30, EDTF 2020-23]" in out
    assert "[2023-09-19, EDTF 2023-09-19]" in out
    assert "unreadable date: kept as written" in out
    assert out.count("not ready to publish: no source") == 6
    assert out.index("TIMELINE") < out.index("WHAT WE KNOW")


def test_sources_with_their_verdicts_and_readiness(desk: Path) -> None:
    ok(desk, "story", "new", "orvena", "--title", "Orvena", "--date", "2023-10-01")
    for headline in ("backed", "weak", "discarded"):
        ok(desk, "recap", "add", "--story", "orvena", "--date", "fall 2020", "--headline", headline)
    with Store(desk) as store:
        a, b, c = (verbs.add_item(store, "t", text=f"post {n}").id for n in range(3))
        verbs.link(store, "t", a, dst_entry=1, relation="source-for")
        verbs.link(store, "t", b, dst_entry=1, relation="source-for")
        verbs.link(store, "t", b, dst_entry=2, relation="source-for")
        verbs.link(store, "t", c, dst_entry=3, relation="source-for")
        verbs.set_verdict(store, "v", [a], "verified", override="fixture")
        verbs.set_verdict(store, "v", [b], "misleading")
        verbs.set_verdict(store, "v", [c], "verified", override="fixture")
        verbs.set_triage(store, "v", [c], "discarded")
    data = json.loads(ok(desk, "recap", "ls", "--story", "orvena", "--json").out)
    by = {e["headline"]: e for e in data["recap"]}
    assert by["backed"]["ready"] and by["backed"]["problems"] == []
    assert [(s["item_id"], s["verdict"]) for s in by["backed"]["sources"]] == [
        (a, "verified"),
        (b, "misleading"),
    ]
    assert not by["weak"]["ready"] and not by["discarded"]["ready"]
    out = ok(desk, "recap", "ls", "--story", "orvena").out
    assert f"sources: #{a} verified, #{b} misleading" in out
    assert f"sources: #{c} verified (discarded)" in out
    assert out.count("every source is unverified, in progress, false, misleading or discarded") == 2


def test_recap_edit_rm_move_unpin_and_undo(desk: Path) -> None:
    ok(desk, "story", "new", "orvena", "--title", "Orvena", "--date", "2023-10-01")
    ok(desk, "recap", "add", "--story", "orvena", "--date", "fall 2020", "--headline", "a")
    ok(desk, "recap", "add", "--story", "orvena", "--date", "April 2023", "--headline", "b")
    edited = ok(desk, "recap", "edit", "e1", "--date", "May 2023", "--confidence", "confirmed").out
    assert "entry 1 (version 2): May 2023 = 2023-05-01..2023-05-31 (EDTF 2023-05)" in edited
    ok(desk, "recap", "edit", "1", "--headline", "a by bob", "--base-version", "2", actor="bob")
    fails(
        desk, "recap", "edit", "1", "--headline", "x", "--base-version", "2", match="changed by bob"
    )
    fails(desk, "recap", "edit", "1", match="nothing to change")
    fails(desk, "recap", "edit", "zz", "--headline", "x", match="not a recap entry id")
    fails(desk, "recap", "edit", "99", "--headline", "x", match="recap entry 99")
    assert "entry 1: timeline, place 1, pinned" in ok(desk, "recap", "move", "#1", "--up").out
    fails(desk, "recap", "move", "1", "--up", match="already first")
    fails(desk, "recap", "move", "1", match="give one of --up, --down or --section")
    fails(desk, "recap", "move", "1", "--up", "--section", "latest", match="give one of")
    out = ok(desk, "recap", "ls", "--story", "orvena").out
    assert "pinned at 1" in out
    assert "back in date order" in ok(desk, "recap", "unpin", "entry:1").out
    assert (
        "entry 2: latest, place 1, pinned"
        in ok(desk, "recap", "move", "2", "--section", "Latest").out
    )
    assert "entry 2 deleted: b (desk undo restores it)" in ok(desk, "recap", "rm", "2").out
    assert "e2 " not in ok(desk, "recap", "ls", "--story", "orvena").out
    fails(desk, "recap", "rm", "2", match="is deleted")
    assert "undone: recap.delete" in ok(desk, "undo").out
    assert "e2 " in ok(desk, "recap", "ls", "--story", "orvena").out


def test_hostile_text_never_reaches_the_terminal(desk: Path) -> None:
    ok(desk, "story", "new", "orvena", "--title", HOSTILE)
    ok(
        desk,
        "recap",
        "add",
        "--story",
        "orvena",
        "--date",
        "\x1b[2Jfall 2020",
        "--headline",
        HOSTILE,
        "--body",
        HOSTILE + "\n\nsecond",
    )
    for args in (
        ("recap", "ls", "--story", "orvena"),
        ("story", "show", "orvena"),
        ("story", "ls"),
        ("recap", "ls", "--story", "orvena", "--json"),
    ):
        out = ok(desk, *args).out
        _terminal_safe(out)
        assert "[bold]b[/bold]" in out  # markup shown as text
    fails(
        desk,
        "recap",
        "add",
        "--story",
        "orvena",
        "--headline",
        "x",
        "--section",
        HOSTILE,
        match="bad section",
    )
    ran = fails(desk, "story", "show", HOSTILE, match="no story")
    _terminal_safe(ran.err)


def test_a_megabyte_body_is_refused_in_one_line(desk: Path) -> None:
    ok(desk, "story", "new", "orvena", "--title", "Orvena")
    fails(
        desk,
        "recap",
        "add",
        "--story",
        "orvena",
        "--headline",
        "big",
        "--body",
        "x" * 1_000_000,
        match="the body is 1000000 characters; the limit is 100000",
    )
    shown = json.loads(ok(desk, "story", "show", "orvena", "--json").out)
    assert "big" not in json.dumps(shown)  # nothing half-written


def test_the_body_is_read_from_stdin_with_a_dash(desk: Path, run_desk) -> None:  # type: ignore[no-untyped-def]
    ran = run_desk("--desk", str(desk), "story", "new", "orvena", "--title", "Orvena")
    assert ran.code == 0, ran.err
    ran = run_desk(
        "--desk",
        str(desk),
        "recap",
        "add",
        "--story",
        "orvena",
        "--headline",
        "piped",
        "--body",
        "-",
        input="**From** stdin\n\nsecond paragraph\n",
    )
    assert ran.code == 0, ran.err
    with Store(desk) as store:
        assert store.recap_entry(1).body == "**From** stdin\n\nsecond paragraph"
