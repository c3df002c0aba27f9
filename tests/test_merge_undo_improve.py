"""An improvement undone on one laptop, merged into another desk (issue 12).

The merged undo puts a value back only where the receiving desk still
shows what the undone improvement set (`desk.verbs.copies.still_standing`,
the rule of the local undo); a value that desk has from its own copy or its
own user's hold stays as it is, and is not held by the merge. Each case is
two laptops checked out of one server desk, worked from the shell.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db import Store
from tests.clirun import run_cli
from tests.ingest.test_copies import EMBED, TOOT_EDIT, TOOT_UPDATE, TWEET, V2, _status, _stream
from tests.offline_helpers import ok

EMBED_TEXT = "Water is over the Mill Street bridge now. pic.x.com/Vh0Fl00d1x"
V2_TEXT = "Water is over the Mill Street bridge now. Stay off it. pic.x.com/Vh0Fl00d1x"
LONG_TEXT = (
    "Water is over the Mill Street bridge now. Stay off it, please: the river is still "
    "rising and the road behind it is closed too."
)
V1_LONG = {  # the v1.1 object of the same tweet, with a longer full text than the v2 copy's
    "created_at": "Sun Mar 03 19:42:40 +0000 2024",
    "id_str": TWEET,
    "full_text": LONG_TEXT,
    "user": {"id_str": "42", "name": "Valley Watch", "screen_name": "valley_watch"},
    "lang": "en",
}
TOOT_EDIT_TWICE = _stream(
    "status.update",
    _status(
        content="<p>Edited twice: I lost my inheritance with one wrong digit</p>",
        edited_at="2019-12-08T05:00:00.000Z",
    ),
)


def _laptops(tmp_path: Path) -> tuple[Path, Path]:
    server = tmp_path / "server.desk"
    ok(server, "init")
    ok(server, "add", "--text", "server post")
    a, b = tmp_path / "a.desk", tmp_path / "b.desk"
    for laptop in (a, b):
        ok(server, "checkout", "-o", str(laptop))
    return a, b


def _ingest(desk: Path, tmp_path: Path, name: str, body: str, actor: str) -> None:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    ok(desk, "ingest", str(path), actor=actor)


def _item(desk: Path, platform: str) -> dict[str, Any]:
    """The post's item as a user sees it, and the fields its desk holds."""
    with Store(desk) as store:
        rows = store.conn.execute(
            "SELECT id, text, posted_at, posted_precision, posted_tz_known, media FROM items "
            "WHERE platform = ?",
            [platform],
        ).fetchall()
        assert len(rows) == 1, rows
        item_id, text, at, precision, tz, media = rows[0]
        held = store.conn.execute(
            "SELECT field FROM item_holds WHERE item_id = ? ORDER BY field", [item_id]
        ).fetchall()
    return {
        "text": text,
        "posted": (at, precision, tz),
        "media": json.loads(media),
        "held": [str(r[0]) for r in held],
    }


def _replays(desk: Path) -> None:
    assert "state matches the log" in ok(desk, "verify", "--replay").out


def _undo_improvement(desk: Path, actor: str) -> None:
    assert "item.improve" in ok(desk, "undo", actor=actor).out


def test_an_improvement_b_took_by_merge_is_undone_on_b_too(tmp_path: Path) -> None:
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")  # improves the embed item
    ok(b, "merge", str(a), actor="bo")
    taken = _item(b, "twitter")
    assert taken["text"] == V2_TEXT and taken["posted"][1] == "second" and not taken["held"]
    _undo_improvement(a, "al")
    ok(b, "merge", str(a), actor="bo")
    on_b = _item(b, "twitter")
    assert on_b["text"] == EMBED_TEXT
    assert on_b["posted"][1] == "day"
    assert {"text", "posted_at", "posted_precision", "posted_tz_known"} <= set(on_b["held"])
    assert on_b == _item(a, "twitter")
    _replays(b)
    ok(a, "merge", str(b), actor="al")
    assert _item(a, "twitter") == _item(b, "twitter")
    _replays(a)


def test_a_value_from_b_s_own_better_copy_stays(tmp_path: Path) -> None:
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")
    _undo_improvement(a, "al")
    _ingest(b, tmp_path, "embed.html", EMBED, "bo")
    _ingest(b, tmp_path, "v1.json", json.dumps(V1_LONG) + "\n", "bo")  # b's own improvement
    assert _item(b, "twitter")["text"] == LONG_TEXT
    ok(b, "merge", str(a), actor="bo")
    on_b = _item(b, "twitter")
    # b's text is its own copy's, never what al's improvement set: it stays, unheld.
    assert on_b["text"] == LONG_TEXT
    assert "text" not in on_b["held"]
    # The time and the media b shows are what al's improvement set: al's undo puts them back.
    on_a = _item(a, "twitter")
    assert on_b["posted"] == on_a["posted"] and on_b["media"] == on_a["media"]
    assert on_b["posted"][1] == "day" and on_b["media"][0]["alt"] is None  # the embed's
    assert {"posted_at", "posted_precision", "posted_tz_known", "media"} <= set(on_b["held"])
    _replays(b)
    ok(a, "merge", str(b), actor="al")
    on_a = _item(a, "twitter")
    assert on_a["text"] == EMBED_TEXT  # al held the embed's text: b's copy does not move it
    assert on_a["posted"] == on_b["posted"] and on_a["media"] == on_b["media"]
    _replays(a)


def test_a_value_b_s_user_held_stays(tmp_path: Path) -> None:
    a, b = _laptops(tmp_path)
    # al: the first edit, improved to the second, undone: al holds the first edit.
    _ingest(a, tmp_path, "edit.jsonl", TOOT_EDIT, "al")
    _ingest(a, tmp_path, "edit2.jsonl", TOOT_EDIT_TWICE, "al")
    _undo_improvement(a, "al")
    assert _item(a, "mastodon")["text"].startswith("Edited: ")
    # bo: the original, improved to the second edit, undone: bo holds the original.
    _ingest(b, tmp_path, "update.jsonl", TOOT_UPDATE, "bo")
    _ingest(b, tmp_path, "edit2.jsonl", TOOT_EDIT_TWICE, "bo")
    _undo_improvement(b, "bo")
    original = "I lost my inheritance with one wrong digit"
    assert _item(b, "mastodon")["text"] == original
    ok(b, "merge", str(a), actor="bo")
    assert _item(b, "mastodon")["text"] == original  # not al's first edit
    _replays(b)
    ok(a, "merge", str(b), actor="al")
    assert _item(a, "mastodon")["text"].startswith("Edited: ")  # not bo's original
    _replays(a)
    with Store(a) as store:
        copies = store.conn.execute("SELECT count(*) FROM item_copies").fetchone()[0]
    assert copies == 3  # every copy kept on both sides, as evidence


def test_what_b_s_user_held_stays_and_what_b_took_by_merge_is_undone(tmp_path: Path) -> None:
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")
    _undo_improvement(a, "al")
    # bo improved the embed item from another copy, and undid that: bo holds the embed's
    # text and time, but not its media (bo's improvement never changed them).
    _ingest(b, tmp_path, "embed.html", EMBED, "bo")
    _ingest(b, tmp_path, "v1.json", json.dumps(V1_LONG) + "\n", "bo")
    _undo_improvement(b, "bo")
    before = _item(b, "twitter")
    assert before["text"] == EMBED_TEXT and "media" not in before["held"]
    with Store(b) as store:
        seq = store.last_seq()
    ok(b, "merge", str(a), actor="bo")
    after = _item(b, "twitter")
    assert (after["text"], after["posted"]) == (before["text"], before["posted"])
    # The v2 copy's media came to b with al's improvement; al's undo puts the embed's back.
    assert after["media"] == before["media"] == _item(a, "twitter")["media"]
    assert after["held"] == sorted({*before["held"], "media"})
    with Store(b) as store:
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM events WHERE seq > ?", [seq])]
    assert kinds == ["merge"]
    _replays(b)


def test_b_s_own_copy_of_what_al_improved_to_is_undone_as_al_s(tmp_path: Path) -> None:
    """The same value from b's own copy cannot be told from al's: al's undo puts it back."""
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")
    _undo_improvement(a, "al")
    _ingest(b, tmp_path, "tweet.json", json.dumps(V2) + "\n", "bo")  # b's item is the v2 copy
    assert _item(b, "twitter")["text"] == V2_TEXT
    ok(b, "merge", str(a), actor="bo")
    assert _item(b, "twitter") == _item(a, "twitter")
    assert _item(b, "twitter")["text"] == EMBED_TEXT
    _replays(b)
    ok(a, "merge", str(b), actor="al")
    assert _item(a, "twitter") == _item(b, "twitter")
    _replays(a)


@pytest.mark.parametrize(
    "changes",
    ["[]", '"x"', "null", '{"text": "nope"}', '{"text": {"from": 1}}', '{"text": [1, 2]}'],
)
def test_an_undone_improvement_with_a_broken_payload_puts_nothing_back(
    tmp_path: Path, changes: str
) -> None:
    """A desk whose undone event's changes are not `{field: {from, to}}`, its hashes made
    again (a faulty tool's desk, not an edit: an edited event is refused, test below)."""
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")
    _undo_improvement(a, "al")
    _edit_improvement(a, changes)
    _rechain(a)
    ran = ok(b, "merge", str(a), actor="bo")
    assert "merged" in ran.out and "Traceback" not in ran.err
    on_b = _item(b, "twitter")
    assert on_b["text"] == V2_TEXT and on_b["held"] == []  # the copies' best; nothing held


def _edit_improvement(desk: Path, changes: str) -> None:
    with sqlite3.connect(desk) as conn:
        conn.execute(
            "UPDATE events SET payload = json_set(payload, '$.changes', json(?)) "
            "WHERE kind = 'item.improve'",
            [changes],
        )
    conn.close()


def _rechain(desk: Path) -> None:
    """Every event's hash and link made again from its columns, as its desk would have."""
    from db.merge_rows import recomputed_hash

    with sqlite3.connect(desk) as conn:
        conn.row_factory = sqlite3.Row
        prev = conn.execute("SELECT prev_hash FROM events ORDER BY seq LIMIT 1").fetchone()[0]
        for row in conn.execute("SELECT * FROM events ORDER BY seq").fetchall():
            event = {**dict(row), "prev_hash": prev}
            prev = recomputed_hash(event)
            conn.execute(
                "UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?",
                [event["prev_hash"], prev, row["seq"]],
            )
        conn.execute("UPDATE chain_head SET hash = ?", [prev])
    conn.close()


def test_an_edited_improvement_is_refused_by_the_merge(tmp_path: Path) -> None:
    """Edited by hand and not hashed again: the merge names the event and takes nothing."""
    a, b = _laptops(tmp_path)
    _ingest(a, tmp_path, "embed.html", EMBED, "al")
    _ingest(a, tmp_path, "tweet.json", json.dumps(V2) + "\n", "al")
    _undo_improvement(a, "al")
    _edit_improvement(a, "[]")
    before = _item(b, "twitter") if _has_item(b) else None
    ran = run_cli(b, "merge", str(a), actor="bo")
    assert ran.code == 1 and "does not match its hash" in ran.err and "Traceback" not in ran.err
    assert (_item(b, "twitter") if _has_item(b) else None) == before


def _has_item(desk: Path) -> bool:
    with sqlite3.connect(desk) as conn:
        found = conn.execute("SELECT 1 FROM items WHERE platform = 'twitter'").fetchone()
    conn.close()
    return found is not None
