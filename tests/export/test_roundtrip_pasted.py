"""A post with neither id nor URL survives `desk export --format md` and a re-ingest (issue 12).

Such a post (quoted in a pasted page, its byline with a handle and a day
but no link) is one item by its raw bytes: the paste's own lines. The page
cannot give those back, so a re-ingest of the export added it a second
time. The page's post line now names the raw copy's sha256, the reader
hands it on, and the desk that wrote the page finds the post by it: 0 new.
All through the CLI, as a user does it.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirun import run_cli

PASTE = (
    "Water is over the bridge on Main Street now. More soon.\n"
    "\u2014 Valley News (@valley) March 3, 2024\n"
)


def _desk_with_a_pasted_post(tmp_path: Path) -> tuple[Path, list[dict[str, object]]]:
    desk = tmp_path / "desk.db"
    assert run_cli(desk, "init").code == 0
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE, encoding="utf-8")
    ran = run_cli(desk, "ingest", "--story", "flood", str(paste), "--json")
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)
    ids = [str(i) for i in report["item_ids"]]
    assert ran.code == 0 and ids
    assert run_cli(desk, "triage", *ids, "kept").code == 0
    listed = json.loads(run_cli(desk, "ls", "--json").out)
    return desk, listed


def test_a_pasted_post_is_not_added_again_from_its_export(tmp_path: Path) -> None:
    desk, before = _desk_with_a_pasted_post(tmp_path)
    # the quoted post has no id and no URL: known by its raw bytes only
    quoted = [row for row in before if row.get("platform") == "twitter"]
    assert len(quoted) == 1
    page = tmp_path / "flood.md"
    ran = run_cli(desk, "export", "flood", "-f", "md", "-o", str(page))
    assert ran.code == 0, ran.err
    text = page.read_text(encoding="utf-8")
    assert "> \u2014 Valley News (@valley) March 3, 2024" in text  # still reads as a byline
    assert " sha256=" in text
    ran = run_cli(desk, "ingest", str(page), "--json")
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)
    assert (report["format"], report["new"], report["rejected"]) == ("desk-md", 0, [])
    assert report["duplicates"] == len(before)
    assert len(json.loads(run_cli(desk, "ls", "--json").out)) == len(before)


def test_into_a_fresh_desk_once_then_nothing_new(tmp_path: Path) -> None:
    desk, before = _desk_with_a_pasted_post(tmp_path)
    page = tmp_path / "flood.md"
    assert run_cli(desk, "export", "flood", "-f", "md", "-o", str(page)).code == 0
    fresh = tmp_path / "fresh" / "desk.db"
    fresh.parent.mkdir()
    assert run_cli(fresh, "init").code == 0
    counts = []
    for _ in range(2):
        ran = run_cli(fresh, "ingest", str(page), "--json")
        assert ran.code == 0, ran.err
        (report,) = json.loads(ran.out)
        counts.append(report["new"])
    assert counts == [len(before), 0]


def test_a_forged_digest_is_only_a_lookup(tmp_path: Path) -> None:
    """A hand-edited `sha256` that is no digest (escapes, not hex) is ignored, not an error."""
    desk, _ = _desk_with_a_pasted_post(tmp_path)
    page = tmp_path / "flood.md"
    assert run_cli(desk, "export", "flood", "-f", "md", "-o", str(page)).code == 0
    text = page.read_text(encoding="utf-8")
    start = text.index(" sha256=") + len(" sha256=")
    forged = text[:start] + "\x1b[31mnot-hex" + text[start + 64 :]
    page.write_text(forged, encoding="utf-8")
    ran = run_cli(desk, "ingest", str(page), "--json")
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)
    assert report["new"] == 1 and report["rejected"] == []  # not recognised: a new copy
