"""The raw copy of each status / post view of a wrapped JSON response is its own bytes.

Shapes from the formats' documentation: Mastodon's `GET /api/v2/search`
(`{"accounts": [Account], "statuses": [Status], "hashtags": [Tag]}`) and
`GET /api/v1/statuses/:id/context` (`{"ancestors": [Status], "descendants":
[Status]}`); Bluesky's `app.bsky.feed.getPosts` (`{"posts": [postView]}`)
and `app.bsky.feed.searchPosts` (`{"cursor", "hitsTotal", "posts"}`). The
files are written pretty-printed, with non-ASCII and hostile text, so a
re-serialisation could not pass for the bytes. Where a record's bytes
cannot be cut out (a sibling nested past what the scanner reads), the dump
stays and `extra["raw_note"]` says why. A status stored by an older desk
(raw = the dump) is found again by its id: 0 new, and the own bytes kept
as another copy of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from db import Store
from desk.ingest import jsondocs
from desk.ingest.base import ParsedItem, Source
from desk.ingest.formats import bluesky, mastodon
from tests.clirun import run_cli

HOSTILE = "<p>\x1b[31mred\x1b[0m \u202egnp.exe\u202c [bold]x[/bold] Évacuation — 避難</p>"


def status(n: int, content: str = "") -> dict[str, Any]:
    """A Status as the Mastodon API documents it (the fields desk reads, and some it does not)."""
    return {
        "id": str(108000000 + n),
        "created_at": f"2024-05-0{n % 9 + 1}T10:00:00.000Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "fr",
        "uri": f"https://social.example/users/alice/statuses/{108000000 + n}",
        "url": f"https://social.example/@alice/{108000000 + n}",
        "replies_count": 0,
        "reblogs_count": n,
        "favourites_count": 0,
        "content": content or f"<p>Statut {n} — crue de la Seine</p>",
        "reblog": None,
        "account": {
            "id": "1",
            "username": "alice",
            "acct": "alice",
            "display_name": "Alice ☂",
            "url": "https://social.example/@alice",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def post_view(n: int, text: str = "") -> dict[str, Any]:
    """An app.bsky.feed.defs#postView as the lexicon documents it."""
    did = "did:plc:z72i7hdynmk6r22z27h6tvur"
    return {
        "uri": f"at://{did}/app.bsky.feed.post/3kabc{n:03d}",
        "cid": f"bafyreib{n:04d}",
        "author": {"did": did, "handle": "alice.bsky.social", "displayName": "Alice ☂"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text or f"Post {n}: crue de la Seine — 避難",
            "createdAt": f"2024-05-0{n % 9 + 1}T10:00:00.000Z",
            "langs": ["fr"],
        },
        "replyCount": 0,
        "repostCount": n,
        "likeCount": 0,
        "indexedAt": f"2024-05-0{n % 9 + 1}T10:00:01.000Z",
    }


def pieces(records: list[dict[str, Any]], indent: int) -> list[bytes]:
    return [json.dumps(r, indent=indent, ensure_ascii=False).encode() for r in records]


def joined(parts: list[bytes]) -> bytes:
    return b"[\n    " + b" ,\n\n    ".join(parts) + b"\n  ]"


def search_file(statuses: list[dict[str, Any]]) -> tuple[bytes, list[bytes]]:
    own = pieces(statuses, 3)
    account = json.dumps(statuses[0]["account"]).encode() if statuses else b""
    tag = b'{"name": "crue", "url": "https://social.example/tags/crue", "history": []}'
    data = (
        b'{\n  "accounts": [' + account + b'],\n  "statuses": ' + joined(own) + b",\n"
        b'  "hashtags": [' + tag + b"]\n}\n"
    )
    return data, own


DEEP = "(nested 1,010 deep)"


def deeply(doc: dict[str, Any]) -> bytes:
    """The document with `DEEP` as an array nested 1,010 deep: past what the stdlib
    scanner (the span finder) reads, within what orjson (the reader) reads."""
    text = json.dumps(doc).replace(json.dumps(DEEP), "[" * 1010 + "]" * 1010)
    return text.encode()


def main_items(results: list[Any]) -> list[ParsedItem]:
    return [r for r in results if isinstance(r, ParsedItem)]


def test_a_search_result_status_raw_is_its_own_bytes() -> None:
    statuses = [status(1), status(2, HOSTILE), status(3)]
    data, own = search_file(statuses)
    items = main_items(list(mastodon.parse(Source("search.json", data=data))))
    assert [i.raw for i in items] == own
    assert all(i.raw in data and "raw_note" not in i.extra for i in items)
    assert [json.loads(i.raw) for i in items] == statuses
    # the ids are what they were: the uri, as ever
    assert [i.platform_id for i in items] == [s["uri"] for s in statuses]
    # hostile text is cleaned in the item, kept as it was in the evidence
    assert "\x1b" not in items[1].text and "\u202e" not in items[1].text
    assert b"\x1b[31m" in items[1].raw or b"\\u001b[31m" in items[1].raw


def test_a_context_keeps_each_ancestor_and_descendant_bytes_in_order() -> None:
    ancestors, descendants = [status(1), status(2)], [status(3), status(4, HOSTILE)]
    up, down = pieces(ancestors, 2), pieces(descendants, 4)
    data = b'{"ancestors": ' + joined(up) + b',\n "descendants": ' + joined(down) + b"}"
    items = main_items(list(mastodon.parse(Source("context.json", data=data))))
    assert [i.raw for i in items] == up + down
    assert [i.extra["context"] for i in items] == ["ancestor"] * 2 + ["descendant"] * 2
    assert [i.record for i in items] == [1, 2, 3, 4]


@pytest.mark.parametrize("empty", ["ancestors", "descendants"])
def test_a_context_with_one_side_empty(empty: str) -> None:
    side = pieces([status(5)], 1)
    other = "descendants" if empty == "ancestors" else "ancestors"
    data = f'{{"{empty}": [], "{other}": '.encode() + joined(side) + b"}"
    (item,) = main_items(list(mastodon.parse(Source("context.json", data=data))))
    assert item.raw == side[0] and "raw_note" not in item.extra


def test_a_search_result_as_json_lines_cuts_each_line_s_statuses() -> None:
    lines = [search_file([status(1), status(2)]), search_file([status(3)])]
    data = b"".join(json.dumps(json.loads(d)).encode() + b"\n" for d, _ in lines)
    items = main_items(list(mastodon.parse(Source("search.jsonl", data=data))))
    assert [i.record for i in items] == [1, 1, 2]
    assert all(i.raw in data for i in items)
    assert [json.loads(i.raw)["uri"] for i in items] == [i.platform_id for i in items]


def test_a_key_given_twice_takes_the_last_as_the_json_is_read() -> None:
    """`{"statuses": [A], "statuses": [B]}` is B to every JSON reader: B's bytes, never A's."""
    first, last = pieces([status(1)], 2), pieces([status(2)], 2)
    data = b'{"statuses": ' + joined(first) + b', "statuses": ' + joined(last) + b"}"
    (item,) = main_items(list(mastodon.parse(Source("twice.json", data=data))))
    assert item.platform_id == status(2)["uri"] and item.raw == last[0]
    text = data.decode()
    assert jsondocs.member_start(text, "statuses") == text.rindex('"statuses"') + len(
        '"statuses": '
    )


def test_a_status_whose_bytes_cannot_be_cut_keeps_its_dump_and_says_why() -> None:
    """A sibling nested 1,010 deep: orjson reads the document, the span scanner cannot."""
    deep, fine = status(1), status(2)
    deep["filtered"] = DEEP
    data = deeply({"accounts": [], "statuses": [deep, fine], "hashtags": []})
    results = list(mastodon.parse(Source("deep.json", data=data)))
    (item,) = main_items(results)
    assert item.platform_id == fine["uri"]
    assert item.raw == jsondocs.canonical_bytes(fine)
    assert "could not be located" in item.extra["raw_note"]
    (why,) = [r for r in results if not isinstance(r, ParsedItem)]
    assert why.record == 1 and "nested too deeply" in why.reason  # named, not lost silently


def test_an_empty_search_result_gives_nothing() -> None:
    data = b'{"accounts": [], "statuses": [], "hashtags": []}'
    assert list(mastodon.parse(Source("empty.json", data=data))) == []


# ---------------------------------------------------------------- Bluesky


@pytest.mark.parametrize(
    "wrap",
    [
        lambda body: b'{"posts": ' + body + b"}",  # getPosts
        lambda body: b'{"cursor": "25", "hitsTotal": 3,\n "posts": ' + body + b"\n}",  # search
    ],
    ids=["getPosts", "searchPosts"],
)
def test_a_posts_response_view_raw_is_its_own_bytes(wrap: Any) -> None:
    views = [post_view(1), post_view(2, HOSTILE), post_view(3)]
    own = pieces(views, 2)
    data = wrap(joined(own))
    items = main_items(list(bluesky.parse(Source("posts.json", data=data))))
    assert [i.raw for i in items] == own
    assert all("raw_note" not in i.extra for i in items)
    assert [i.platform_id for i in items] == [v["uri"] for v in views]
    assert "\x1b" not in items[1].text and "\u202e" not in items[1].text


def test_a_posts_view_whose_bytes_cannot_be_cut_keeps_its_dump_and_says_why() -> None:
    deep, fine = post_view(1), post_view(2)
    deep["viewer"] = {"junk": DEEP}
    data = deeply({"posts": [deep, fine]})
    items = main_items(list(bluesky.parse(Source("posts.json", data=data))))
    (item,) = [i for i in items if i.platform_id == fine["uri"]]
    assert item.raw == jsondocs.canonical_bytes(fine)
    assert "could not be located" in item.extra["raw_note"]


# ---------------------------------------------------------------- an older desk's items


def _older_desk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as the desk before this change did: every status's raw its canonical dump."""
    monkeypatch.setattr(mastodon, "_own_bytes", lambda entry: None)
    monkeypatch.setattr(mastodon, "UNLOCATED", None)
    monkeypatch.setattr(bluesky, "_element_bytes", lambda entry: None)
    monkeypatch.setattr(bluesky, "UNLOCATED", None)


def _rows(desk: Path) -> tuple[int, list[tuple[Any, ...]], int, int]:
    with Store(desk) as store:
        items = store.conn.execute("SELECT id, platform_id, text, extra FROM items").fetchall()
        copies = store.conn.execute("SELECT count(*) FROM item_copies").fetchone()[0]
        improves = store.conn.execute(
            "SELECT count(*) FROM events WHERE kind = 'item.improve'"
        ).fetchone()[0]
    return len(items), items, copies, improves


@pytest.mark.parametrize("fmt", ["mastodon", "bluesky"])
def test_an_item_stored_with_the_dump_stays_one_item_on_re_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    if fmt == "mastodon":
        data, own = search_file([status(1), status(2, HOSTILE)])
    else:
        own = pieces([post_view(1), post_view(2, HOSTILE)], 2)
        data = b'{"posts": ' + joined(own) + b"}"
    path = tmp_path / "response.json"
    path.write_bytes(data)
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    with monkeypatch.context() as older:
        _older_desk(older)
        from desk.ingest import pipeline

        with Store(desk) as store:
            report = pipeline.ingest_paths(store, [path], actor="tester")[0]
        assert report.new == 2
    count, before, _, _ = _rows(desk)
    with Store(desk) as store:
        dumps = [
            bytes(r[0])
            for r in store.conn.execute(
                "SELECT b.data FROM items i JOIN blobs b ON b.sha256 = i.raw_sha256 ORDER BY i.id"
            )
        ]
    assert dumps != own  # the older desk kept the dumps
    ran = run_cli(desk, "ingest", str(path))
    assert ran.code == 0 and "added 0 new, 2 duplicates" in ran.out, ran.out
    assert "improved" not in ran.out  # the same record, so the same fields
    count_after, after, copies, improves = _rows(desk)
    assert (count_after, after) == (count, before)  # one item each, unchanged
    # the own bytes are kept as a second copy of each (its first, the dump, gets a row too)
    assert copies == 4 and improves == 0
    with Store(desk) as store:
        kept = {
            bytes(r[0])
            for r in store.conn.execute(
                "SELECT b.data FROM item_copies c JOIN blobs b ON b.sha256 = c.raw_sha256"
            )
        }
    assert set(own) <= kept and set(dumps) <= kept
    again = run_cli(desk, "ingest", str(path))
    assert "0 new, 2 duplicates" in again.out and _rows(desk)[2] == 4  # nothing more kept
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out
