"""Copies of one post met on two laptops: a merge keeps every copy and the best fields,
whatever the order of the merges (issue 12, migration 0011)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from db import Store
from tests.ingest.test_copies import EMBED, V2
from tests.offline_helpers import ok


def _item(desk: Path) -> dict[str, Any]:
    with Store(desk) as store:
        rows = store.conn.execute(
            "SELECT text, posted_at, posted_precision, posted_tz_known, lang, media FROM items "
            "WHERE platform = 'twitter'"
        ).fetchall()
        assert len(rows) == 1, rows
        copies = sorted(str(r[0]) for r in store.conn.execute("SELECT raw_sha256 FROM item_copies"))
        missing = store.conn.execute(
            "SELECT count(*) FROM item_copies c LEFT JOIN blobs b ON b.sha256 = c.raw_sha256 "
            "WHERE b.sha256 IS NULL"
        ).fetchone()[0]
    text, at, precision, tz, lang, media = rows[0]
    return {
        "text": text,
        "posted": (at, precision, tz),
        "lang": lang,
        "media": json.loads(media),
        "copies": copies,
        "missing blobs": missing,
    }


def _desks(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    server = tmp_path / "server.desk"
    ok(server, "init")
    ok(server, "add", "--text", "server post")
    a, b, other = (tmp_path / f"{n}.desk" for n in ("a", "b", "other"))
    for laptop in (a, b, other):
        ok(server, "checkout", "-o", str(laptop))
    embed, tweet = tmp_path / "embed.html", tmp_path / "tweet.json"
    embed.write_text(EMBED, encoding="utf-8")
    tweet.write_text(json.dumps(V2) + "\n", encoding="utf-8")
    ok(a, "ingest", str(embed), actor="al")  # the embed in a page, on one laptop
    ok(b, "ingest", str(tweet), actor="bo")  # the API object of the same tweet, on the other
    return server, a, b, other


def test_each_laptops_copy_of_one_post_merges_to_one_item_in_either_order(
    tmp_path: Path,
) -> None:
    server, a, b, other = _desks(tmp_path)
    ok(server, "merge", str(a), actor="ed")
    ok(server, "merge", str(b), actor="ed")
    ok(other, "merge", str(b), actor="ed")
    ok(other, "merge", str(a), actor="ed")
    one, two = _item(server), _item(other)
    assert one == two
    assert one["posted"] == ("2024-03-03T19:42:40Z", "second", 1)
    assert one["text"].endswith("Stay off it. pic.x.com/Vh0Fl00d1x")
    assert [m["alt"] for m in one["media"]] == ["The bridge under water"]
    assert len(one["copies"]) == 2 and one["missing blobs"] == 0
    for desk in (server, other):
        assert ok(desk, "verify").code == 0
        assert "state matches the log" in ok(desk, "verify", "--replay").out


def test_an_improvement_made_on_a_laptop_travels(tmp_path: Path) -> None:
    server, a, b, _ = _desks(tmp_path)
    tweet = tmp_path / "tweet.json"
    ok(a, "ingest", str(tweet), actor="al")  # the laptop improves its embed item
    with Store(a) as store:
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds[-1] == "item.improve"
    ok(server, "merge", str(a), actor="ed")
    assert _item(server) == _item(a)
    assert "state matches the log" in ok(server, "verify", "--replay").out
    # The other laptop's copy is the API object already here: nothing new, nothing lost.
    ok(server, "merge", str(b), actor="ed")
    assert _item(server)["copies"] == _item(a)["copies"]
    assert "state matches the log" in ok(server, "verify", "--replay").out


def test_an_improvement_undone_on_a_laptop_stays_undone_after_the_merge(tmp_path: Path) -> None:
    server, a, b, _ = _desks(tmp_path)
    ok(a, "ingest", str(tmp_path / "tweet.json"), actor="al")
    assert "item.improve" in ok(a, "undo", actor="al").out
    ok(server, "merge", str(a), actor="ed")
    ok(server, "merge", str(b), actor="ed")  # the API copy again, from the other laptop
    assert _item(server)["posted"] == _item(a)["posted"]
    assert _item(server)["posted"][1] == "day"  # held: al put the embed's day back
    assert "state matches the log" in ok(server, "verify", "--replay").out
