"""Issue 10 from the shell, as a verifier types it: templates, checks with evidence, the
checklist, evidence files back out, the verified gate and the queue; and every bad input
refused in one line that never carries what it was given raw onto the terminal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from db import Store
from desk import verbs
from desk.identity import os_user, who
from tests.clirun import Ran, run_cli

ME = os_user()
"""The account running the tests: a step's history names it beside the actor."""

GOOD = """\
name = "quote-check"
title = "Attributed quote"

[[step]]
id = "context"
title = "Original context"

[[step]]
id = "speaker"
title = "Speaker"
required = false
"""

TERMINAL_UNSAFE = ("\x1b", "\x07", "\u202e", "\x9b", "\x9d")


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "verify.desk"
    with Store(path, create=True) as store:
        for text in ("Water over the spillway", "Sirens in Marrow Ford", "A third post"):
            verbs.add_item(store, "ann", text=text)
        verbs.set_triage(store, "ann", [1, 2, 3], "kept")
        verbs.create_story(store, "ann", "orvena", "Orvena dam")
    return path


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, (ran.out, ran.err)
    return ran


def refused(ran: Ran, *fragments: str) -> str:
    assert ran.code == 1, (ran.out, ran.err)
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in ran.err, ran.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert not any(c in ran.err + ran.out for c in TERMINAL_UNSAFE), repr(ran.err)
    return lines[0]


def test_template_add_ls_use_and_story_edit(desk: Path, tmp_path: Path) -> None:
    path = tmp_path / "quote.toml"
    path.write_text(GOOD, encoding="utf-8")
    out = ok(run_cli(desk, "template", "add", str(path))).out
    assert "template quote-check: Attributed quote (2 steps, 1 required)" in out
    listed = ok(run_cli(desk, "template", "ls")).out
    assert (
        listed.index("five-pillars")
        < listed.index("berkeley-protocol")
        < listed.index("quote-check")
    )
    assert "quote-check (desk) Attributed quote: 2 steps, 1 required" in listed
    assert "    optional: online-inquiry, investigative-analysis" in listed
    rows = json.loads(ok(run_cli(desk, "template", "ls", "--json")).out)
    assert [r["name"] for r in rows] == ["five-pillars", "berkeley-protocol", "quote-check"]
    refused(run_cli(desk, "template", "add", str(path)), "already has a template 'quote-check'")
    ok(run_cli(desk, "template", "use", "quote-check", "--story", "orvena"))
    ok(run_cli(desk, "story", "edit", "orvena", "--template", "berkeley-protocol"))
    with Store(desk) as store:
        assert store.story_template(1) == "berkeley-protocol"
    refused(run_cli(desk, "template", "use", "nope", "--story", "orvena"), "no checklist template")
    ok(run_cli(desk, "undo"))
    ok(run_cli(desk, "undo"))
    ok(run_cli(desk, "undo"))
    assert "quote-check" not in ok(run_cli(desk, "template", "ls")).out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (GOOD.encode()[:60], "not TOML"),
        (GOOD.encode("utf-16"), "UTF-16"),
        (GOOD.replace("Speaker", "Sprecher \xe4").encode("latin-1"), "not UTF-8"),
        (b'name = "x"\ntitle = "t"\n' + b"#" * 300_000, "over 256 KB"),
        (b'name = "\x1b]0;pwned\x07"\ntitle = "t"\n', "illegal character"),
        (b'name = "\\u001b]0;pwned"\ntitle = "t"\n[[step]]\nid="a"\ntitle="b"\n', "bad name"),
        (
            b'name = "ok"\ntitle = "t"\n[[step]]\nid = "a"\ntitle = "b"\nrequird = false\n',
            "unknown key 'requird'",
        ),
    ],
)
def test_bad_template_files_are_refused_in_one_line(
    desk: Path, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad\x1b[31m.toml"
    path.write_bytes(content)
    before = json.loads(ok(run_cli(desk, "template", "ls", "--json")).out)
    refused(run_cli(desk, "template", "add", str(path)), expected)
    assert json.loads(ok(run_cli(desk, "template", "ls", "--json")).out) == before  # none added


def test_a_hostile_template_is_stored_clean(desk: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.toml"
    path.write_text(
        'name = "hostile"\ntitle = "[bold red]Boom[/] \\u001b]52;c;eA==\\u0007 \\u202eevil"\n'
        '[[step]]\nid = "a"\ntitle = "\\u001b[2J step"\nguidance = "\\u009b31m x"\n',
        encoding="utf-8",
    )
    ok(run_cli(desk, "template", "add", str(path)))
    out = ok(run_cli(desk, "template", "ls")).out
    assert "[bold red]Boom[/]" in out
    assert not any(c in out for c in TERMINAL_UNSAFE)
    refused(run_cli(desk, "template", "add", str(tmp_path / "missing.toml")), "cannot read it")
    refused(run_cli(desk, "template", "add", str(tmp_path)), "cannot read it")


def test_check_with_evidence_files_and_urls_then_the_checklist(desk: Path, tmp_path: Path) -> None:
    shot = tmp_path / "frame.png"
    shot.write_bytes(b"\x89PNG fake frame")
    sha = hashlib.sha256(shot.read_bytes()).hexdigest()
    out = ok(
        run_cli(
            desk,
            "check",
            "1",
            "provenance",
            "passed",
            "--note",
            "first upload",
            "--evidence",
            "https://e.org/orig",
            "--evidence",
            str(shot),
            actor="vera",
        )
    ).out
    assert "item 1: provenance passed, 2 evidence added (verdict: in progress)" in out
    ok(run_cli(desk, "check", "1", "date", "unclear", "--evidence", str(shot), actor="vera"))
    ok(run_cli(desk, "check", "1", "date", "passed", "--note", "shadows", actor="bob"))
    text = ok(run_cli(desk, "checklist", "1")).out
    assert "2 passed · 3 open" in text
    assert "verified needs: source (open), location (open), motivation (open)" in text
    assert f"    file: frame.png (image/png, 15 bytes) sha256 {sha}, vera at" in text
    assert "    url: https://e.org/orig (vera at" in text
    assert (
        f"{who('vera', ME)}: open -> unclear, +1 evidence" in text
        and f"{who('bob', ME)}: unclear -> passed: shadows" in text
    )
    view = json.loads(ok(run_cli(desk, "checklist", "1", "--json")).out)
    assert view["template"] == "five-pillars" and view["summary"] == "2 passed · 3 open"
    date = view["steps"][2]
    assert [h["after"] for h in date["history"]] == ["unclear", "passed"]
    assert date["evidence"][0]["sha256"] == sha
    with Store(desk) as store:
        assert (
            store.conn.execute("SELECT count(*) FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0]
            == 1
        )


def test_check_refuses_evidence_that_is_neither_a_file_nor_a_url(desk: Path) -> None:
    refused(
        run_cli(desk, "check", "1", "date", "passed", "--evidence", "frame\x1b[31m.png"),
        "no such file, and not an http(s):// URL",
    )
    refused(run_cli(desk, "check", "1", "date", "passed", "--evidence", "ftp://x/y"), "ftp://x/y")
    refused(run_cli(desk, "check", "1", "vibes", "passed"), "bad step 'vibes'")
    refused(run_cli(desk, "check", "1", "date", "sorta"), "bad step state 'sorta'")
    refused(run_cli(desk, "check", "99", "date", "passed"), "unknown item 99")


def test_hostile_notes_and_urls_never_reach_the_terminal_raw(desk: Path) -> None:
    hostile = "\x1b]52;c;ZXZpbA==\x07[red]x[/] \u202eevil \x1b[2J"
    ok(
        run_cli(
            desk,
            "check",
            "1",
            "date",
            "unclear",
            "--note",
            hostile,
            "--evidence",
            "https://e.org/\x1b[31mred",
        )
    )
    for args in (("checklist", "1"), ("checklist", "1", "--json"), ("show", "1"), ("queue",)):
        out = ok(run_cli(desk, *args)).out
        assert not any(c in out for c in TERMINAL_UNSAFE), (args, repr(out))
    assert "[red]x[/]" in ok(run_cli(desk, "checklist", "1")).out


def test_evidence_add_and_get_back_byte_equal(desk: Path, tmp_path: Path) -> None:
    data = bytes(range(256)) * 40 + b"\x1b]0;x\x07"
    video = tmp_path / "clip.mp4"
    video.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    out = ok(run_cli(desk, "evidence", "add", "2", "location", str(video))).out
    assert f"item 2 location: clip.mp4 kept ({len(data)} bytes, video/mp4) sha256 {sha}" in out
    back = tmp_path / "back.mp4"
    ran = ok(run_cli(desk, "evidence", "get", sha, "-o", str(back)))
    assert back.read_bytes() == data and ran.out == ""
    assert f"{len(data)} bytes written" in ran.err
    refused(run_cli(desk, "evidence", "get", "abc", "-o", str(back)), "give the 64 hex digits")
    refused(run_cli(desk, "evidence", "get", "0" * 64, "-o", str(back)), "no evidence file")
    refused(run_cli(desk, "evidence", "get", sha, "-o", str(desk)), "that is the desk file")
    refused(run_cli(desk, "evidence", "get", sha, "-o", str(tmp_path)), "a directory")
    refused(
        run_cli(desk, "evidence", "add", "2", "location", str(tmp_path / "no.png")), "no such file"
    )
    refused(run_cli(desk, "evidence", "add", "2", "location", str(tmp_path)), "a directory")
    ok(run_cli(desk, "undo"))
    assert "clip.mp4" not in ok(run_cli(desk, "checklist", "2")).out
    assert ok(run_cli(desk, "verify")).out.startswith("ok:")


def test_verify_names_a_tampered_evidence_file(desk: Path, tmp_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    shot = tmp_path / "geo.png"
    shot.write_bytes(b"original pixels")
    ok(run_cli(desk, "evidence", "add", "1", "location", str(shot)))
    with closing(sqlite3.connect(desk)) as conn:
        conn.execute(
            "UPDATE blobs SET data = ? WHERE sha256 = ?",
            [b"altered pixels!", hashlib.sha256(b"original pixels").hexdigest()],
        )
        conn.commit()
    line = refused(run_cli(desk, "verify"), "evidence", "geo.png", "item 1, step location")
    assert "do not match their sha256" in line


def test_the_verified_gate_from_the_cli(desk: Path) -> None:
    ok(run_cli(desk, "check", "1", "date", "unclear"))
    line = refused(run_cli(desk, "verdict", "1", "verified"), "cannot set verified")
    assert "item 1: provenance (open), source (open), date (unclear), location (open)" in line
    assert '--override "reason"' in line
    out = ok(run_cli(desk, "verdict", "1", "verified", "--override", "Editor: on tape")).out
    assert "1: verified (override recorded)" in out
    with Store(desk) as store:
        event = store.events()[-1]
        assert event.kind == "item.verdict" and event.payload["override"] == "Editor: on tape"
        assert store.item(1).verdict == "verified"
    for step in ("provenance", "source", "date", "location", "motivation"):
        ok(run_cli(desk, "check", "2", step, "n/a" if step == "motivation" else "passed"))
    assert ok(run_cli(desk, "verdict", "2", "verified")).out.strip() == "2: verified"


def test_the_queue_and_the_filter(desk: Path) -> None:
    for step in ("provenance", "source", "date", "location", "motivation"):
        ok(run_cli(desk, "check", "2", step, "passed"))
    out = ok(run_cli(desk, "queue")).out
    assert out.startswith("2 items need verification (oldest first)")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["1", "3"]
    data = json.loads(ok(run_cli(desk, "queue", "--json")).out)
    assert data["count"] == 2 and [r["id"] for r in data["items"]] == [1, 3]
    listed = ok(run_cli(desk, "ls", "-f", "needs:verification")).out
    assert {line.split()[0] for line in listed.splitlines()} == {"1", "3"}
    refused(run_cli(desk, "ls", "-f", "needs:coffee"), "needs:verification")


def test_checklist_switches_template_and_keeps_logged_steps(desk: Path) -> None:
    ok(run_cli(desk, "check", "3", "provenance", "passed", "--evidence", "https://e.org/p"))
    text = ok(run_cli(desk, "checklist", "3", "--template", "berkeley-protocol")).out
    assert "item 3: Berkeley Protocol phases (berkeley-protocol)" in text
    assert "[passed] provenance: Provenance (extra)" in text
    assert "    url: https://e.org/p" in text
    refused(run_cli(desk, "checklist", "3", "--template", "nope"), "no checklist template 'nope'")
    refused(run_cli(desk, "checklist", "42"), "unknown item 42")
    ok(run_cli(desk, "undo"))
    assert "Five pillars (five-pillars)" in ok(run_cli(desk, "checklist", "3")).out
