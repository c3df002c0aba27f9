"""Another copy of a known post improves its item: real-shaped copies, from the shell.

Each case is two copies of one post as the platforms write them (an embed
and the v2 object of the same tweet; a compat-mode v1.1 tweet cut at 140
characters and its extended copy; a Mastodon stream `update` then its
`status.update` edit; a Jetstream `create` then its `update` commit), fed in
both orders: the item ends the same, with the better field values, both
copies kept, one `item.improve` event, and a log that replays to the desk.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from db import Store
from tests.clirun import run_cli

TWEET = "1764391234567890123"

EMBED = (
    '<blockquote class="twitter-tweet" data-media-max-width="560">'
    '<p lang="en" dir="ltr">Water is over the Mill Street bridge now. '
    '<a href="https://t.co/Vh0Fl00d1x">pic.x.com/Vh0Fl00d1x</a></p>'
    "&mdash; Valley Watch (@valley_watch) "
    f'<a href="https://x.com/valley_watch/status/{TWEET}?ref_src=twsrc%5Etfw">'
    "March 3, 2024</a></blockquote>\n"
)

V2 = {
    "data": {
        "id": TWEET,
        "text": "Water is over the Mill Street bridge now. Stay off it. https://t.co/Vh0Fl00d1x",
        "created_at": "2024-03-03T19:42:40.000Z",
        "author_id": "42",
        "lang": "en",
        "attachments": {"media_keys": ["3_1"]},
        "entities": {
            "urls": [
                {
                    "url": "https://t.co/Vh0Fl00d1x",
                    "expanded_url": f"https://x.com/valley_watch/status/{TWEET}/photo/1",
                    "display_url": "pic.x.com/Vh0Fl00d1x",
                    "media_key": "3_1",
                }
            ]
        },
    },
    "includes": {
        "users": [{"id": "42", "name": "Valley Watch", "username": "valley_watch"}],
        "media": [
            {
                "media_key": "3_1",
                "type": "photo",
                "url": "https://pbs.twimg.com/media/bridge.jpg",
                "alt_text": "The bridge under water",
            }
        ],
    },
}

COMPAT_ID = "1050118621198921728"
_SHORT = (
    "To make room for more expression, we will now count all emojis as equal\u2014including "
    "those with gender and skin t\u2026 https://t.co/MkGjXf9aXm"
)
_USER = {"id_str": "6253282", "name": "Twitter API", "screen_name": "TwitterAPI"}
COMPAT = {
    "created_at": "Wed Oct 10 20:19:24 +0000 2018",
    "id_str": COMPAT_ID,
    "text": _SHORT,
    "truncated": True,
    "entities": {
        "urls": [
            {
                "url": "https://t.co/MkGjXf9aXm",
                "expanded_url": f"https://twitter.com/i/web/status/{COMPAT_ID}",
                "display_url": "twitter.com/i/web/status/1\u2026",
            }
        ]
    },
    "user": _USER,
    "lang": "en",
}
FULL_TEXT = (
    "To make room for more expression, we will now count all emojis as equal\u2014including "
    "those with gender and skin tone modifiers. This is now reflected in Twitter-Text."
)
EXTENDED = {
    **COMPAT,
    "extended_tweet": {"full_text": FULL_TEXT, "entities": {"urls": []}},
    "entities": {"urls": []},
}

TOOT = "https://mastodon.social/users/Gargron/statuses/103270115826048975"


def _status(**changes: Any) -> dict[str, Any]:
    status: dict[str, Any] = {
        "id": "103270115826048975",
        "created_at": "2019-12-08T03:48:33.901Z",
        "visibility": "public",
        "language": "en",
        "uri": TOOT,
        "url": "https://mastodon.social/@Gargron/103270115826048975",
        "content": "<p>I lost my inheritance with one wrong digit</p>",
        "account": {
            "id": "1",
            "username": "Gargron",
            "acct": "Gargron",
            "display_name": "Eugen",
            "url": "https://mastodon.social/@Gargron",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [],
    }
    status.update(changes)
    return status


def _stream(event: str, status: dict[str, Any]) -> str:
    return json.dumps({"stream": ["public"], "event": event, "payload": json.dumps(status)}) + "\n"


TOOT_UPDATE = _stream("update", _status())
TOOT_EDIT = _stream(
    "status.update",
    _status(
        content="<p>Edited: I lost my inheritance with one wrong digit</p>",
        edited_at="2019-12-08T04:00:00.000Z",
    ),
)

DID = "did:plc:eygmaihciaxprqvxpfvl6flk"


def _commit(operation: str, text: str, time_us: int) -> str:
    return (
        json.dumps(
            {
                "did": DID,
                "time_us": time_us,
                "kind": "commit",
                "commit": {
                    "rev": f"rev{time_us}",
                    "operation": operation,
                    "collection": "app.bsky.feed.post",
                    "rkey": "3l3qo2vutsw2c",
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "createdAt": "2024-09-09T19:46:02.023193711+00:00",
                        "langs": ["en"],
                        "text": text,
                    },
                    "cid": f"bafy{time_us}",
                },
            }
        )
        + "\n"
    )


SKEET_CREATE = _commit("create", "Flood warning: roads closed from 6pm.", 1725911162339401)
SKEET_UPDATE = _commit("update", "Flood warning: roads closed from 7pm.", 1725911999000000)

CASES = {
    "embed then v2": (("embed.html", EMBED), ("tweet.json", json.dumps(V2) + "\n")),
    "compat then extended": (
        ("compat.json", json.dumps(COMPAT) + "\n"),
        ("extended.json", json.dumps(EXTENDED) + "\n"),
    ),
    "mastodon update then edit": (("a.jsonl", TOOT_UPDATE), ("b.jsonl", TOOT_EDIT)),
    "jetstream create then update": (("c.jsonl", SKEET_CREATE), ("u.jsonl", SKEET_UPDATE)),
}

EXPECT: dict[str, dict[str, Any]] = {
    "embed then v2": {
        "text": "Water is over the Mill Street bridge now. Stay off it. pic.x.com/Vh0Fl00d1x",
        "posted_at": "2024-03-03T19:42:40Z",
        "posted_precision": "second",
        "posted_tz_known": 1,
        "lang": "en",
        "author_name": "Valley Watch",
    },
    "compat then extended": {"text": FULL_TEXT, "posted_precision": "second"},
    "mastodon update then edit": {
        "text": "Edited: I lost my inheritance with one wrong digit",
    },
    "jetstream create then update": {"text": "Flood warning: roads closed from 7pm."},
}


def _ingest(desk: Path, tmp: Path, name: str, body: str) -> str:
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    ran = run_cli(desk, "ingest", str(path))
    assert ran.code == 0, ran.err
    return ran.out


def _item(desk: Path) -> dict[str, Any]:
    with Store(desk) as store:
        (item_id,) = [int(r[0]) for r in store.conn.execute("SELECT id FROM items")]
        row = store.conn.execute(
            "SELECT text, posted_at, posted_precision, posted_tz_known, lang, author_name, "
            "media, extra FROM items WHERE id = ?",
            [item_id],
        ).fetchone()
        copies = store.conn.execute("SELECT count(*) FROM item_copies").fetchone()[0]
        improves = store.conn.execute(
            "SELECT count(*) FROM events WHERE kind = 'item.improve'"
        ).fetchone()[0]
    names = ("text", "posted_at", "posted_precision", "posted_tz_known", "lang", "author_name")
    out = dict(zip(names, row[:6], strict=True))
    out["media"] = json.loads(row[6])
    out["extra"] = json.loads(row[7])
    out["copies"] = copies
    out["improves"] = improves
    return out


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_a_fuller_copy_improves_the_item_in_either_order(
    tmp_path: Path, case: str, order: str
) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    copies = CASES[case] if order == "as written" else CASES[case][::-1]
    outs = [_ingest(desk, tmp_path, name, body) for name, body in copies]
    item = _item(desk)
    for key, value in EXPECT[case].items():
        assert item[key] == value, (key, item)
    assert item["copies"] == 2
    # The better copy second: one improvement. The better copy first: at most what the
    # lesser copy alone has (an embed's `snowflake_time` in `extra`), never its text or time.
    with Store(desk) as store:
        changed = [
            set(json.loads(r[0])["changes"])
            for r in store.conn.execute("SELECT payload FROM events WHERE kind = 'item.improve'")
        ]
    if order == "as written":
        assert len(changed) == 1 and "text" in changed[0]
        assert "1 improved" in outs[1]
    else:
        assert all(c <= {"extra"} for c in changed), changed
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out
    shown = run_cli(desk, "show", "1", "--json")
    listed = json.loads(shown.out)["copies"]
    assert [c["source_file"] for c in listed] == [str(tmp_path / n) for n, _ in copies]
    lines = [x for x in run_cli(desk, "show", "1").out.splitlines() if x.startswith("copy:")]
    assert [c["raw_sha256"] in line for c, line in zip(listed, lines, strict=True)] == [True] * 2


def test_the_v2_copy_brings_the_embed_its_media_and_the_extra_markers_follow(
    tmp_path: Path,
) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    for name, body in CASES["embed then v2"]:
        _ingest(desk, tmp_path, name, body)
    item = _item(desk)
    assert [m["alt"] for m in item["media"]] == ["The bridge under water"]
    assert "embed" not in item["extra"]  # the text is the API's now, not the embed's
    assert "byline_date" not in item["extra"]  # so is the time
    with Store(desk) as store:
        event = store.conn.execute(
            "SELECT payload FROM events WHERE kind = 'item.improve'"
        ).fetchone()
    changes = json.loads(event[0])["changes"]
    assert changes["posted_precision"] == {"from": "day", "to": "second"}
    assert {"text", "posted_at", "media", "extra"} <= set(changes)


def test_a_byte_identical_copy_is_only_a_duplicate(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    for name, body in CASES["compat then extended"]:
        _ingest(desk, tmp_path, name, body)
    with Store(desk) as store:
        seq = store.last_seq()
    again = _ingest(desk, tmp_path, "extended-again.json", json.dumps(EXTENDED) + "\n")
    assert "improved" not in again and "1 duplicate" in again
    first = _ingest(desk, tmp_path, "compat-again.json", json.dumps(COMPAT) + "\n")
    assert "improved" not in first
    with Store(desk) as store:
        assert store.conn.execute("SELECT count(*) FROM item_copies").fetchone()[0] == 2
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM events WHERE seq > ?", [seq])]
    assert kinds == ["ingest", "ingest"]


def test_a_copy_that_changes_nothing_is_kept_and_travels_in_the_ingest_event(
    tmp_path: Path,
) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, tmp_path, "ext.json", json.dumps(EXTENDED) + "\n")
    _ingest(desk, tmp_path, "compat.json", json.dumps(COMPAT) + "\n")
    with Store(desk) as store:
        payload = json.loads(
            store.conn.execute("SELECT payload FROM events ORDER BY seq DESC LIMIT 1").fetchone()[0]
        )
        first_sha = store.item(1).raw_sha256
    assert payload["copies"][0]["raw_sha256"] == first_sha
    assert len(payload["copies"]) == 2  # the item's first copy gets its row then too
    assert _item(desk)["text"] == FULL_TEXT
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out


def test_undo_puts_the_old_values_back_and_holds_them(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    for name, body in CASES["embed then v2"]:
        _ingest(desk, tmp_path, name, body)
    ran = run_cli(desk, "undo")
    assert ran.code == 0 and "item.improve" in ran.out, ran.err
    item = _item(desk)
    assert item["posted_precision"] == "day"
    assert item["text"].startswith("Water is over the Mill Street bridge now. pic.x.com")
    # A third copy (the v1.1 object of the same tweet) does not redo what was undone.
    v1 = {
        "created_at": "Sun Mar 03 19:42:40 +0000 2024",
        "id_str": TWEET,
        "full_text": "Water is over the Mill Street bridge now. Stay off it, please.",
        "user": {"id_str": "42", "name": "Valley Watch", "screen_name": "valley_watch"},
        "lang": "en",
    }
    _ingest(desk, tmp_path, "v1.json", json.dumps(v1) + "\n")
    again = _item(desk)
    assert again["posted_precision"] == "day"
    assert again["text"] == item["text"]
    assert again["copies"] == 3
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out


def test_what_a_person_typed_is_never_overwritten(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    url = f"https://twitter.com/valley_watch/status/{TWEET}"
    typed = "Bridge flooded (typed from a phone call)"
    ran = run_cli(
        desk,
        *("add", "--text", typed, "--url", url, "--platform", "twitter"),
        *("--author", "Caller", "--handle", "caller"),
    )
    assert ran.code == 0, ran.err
    _ingest(desk, tmp_path, "tweet.json", json.dumps(V2) + "\n")
    item = _item(desk)
    assert item["text"] == typed
    assert item["author_name"] == "Caller"
    with Store(desk) as store:
        assert store.item(1).author_handle == "caller"
    # What the person left out, the copy fills in.
    assert item["posted_precision"] == "second"
    assert item["lang"] == "en"
    assert item["copies"] == 2
    # Only its time changed, so its list key did: the search index follows the key.
    with Store(desk) as store:
        store.conn.execute("INSERT INTO items_text(items_text, rank) VALUES ('integrity-check', 1)")
    found = run_cli(desk, "search", "phone", "--json")
    assert [r["id"] for r in json.loads(found.out)] == [1]
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out


def test_hostile_text_in_a_copy_stays_text(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, tmp_path, "compat.json", json.dumps(COMPAT) + "\n")
    evil = dict(EXTENDED)
    evil["extended_tweet"] = {
        "full_text": FULL_TEXT + " \x1b]52;c;cHduZWQ=\x07[bold red]x[/] \u202eevil",
        "entities": {"urls": []},
    }
    out = _ingest(desk, tmp_path, "evil.json", json.dumps(evil) + "\n")
    assert "1 improved" in out
    shown = run_cli(desk, "show", "1").out
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "[bold red]x[/]" in shown  # markup is shown as the characters it is


def test_verify_names_a_copy_whose_bytes_were_changed_or_lost(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    for name, body in CASES["compat then extended"]:
        _ingest(desk, tmp_path, name, body)
    with Store(desk) as store:
        first = store.item(1).raw_sha256
        (other,) = [
            str(r[0])
            for r in store.conn.execute(
                "SELECT raw_sha256 FROM item_copies WHERE raw_sha256 <> ?", [first]
            )
        ]
        store.conn.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [b"forged", other])
    ran = run_cli(desk, "verify")
    assert ran.code != 0 and other in ran.out + ran.err
    with Store(desk) as store:  # a tamperer behind the desk's back, foreign keys off
        store.conn.execute("PRAGMA foreign_keys = OFF")
        store.conn.execute("DELETE FROM blobs WHERE sha256 = ?", [other])
    ran = run_cli(desk, "verify")
    assert ran.code != 0 and "the raw bytes of its copy" in ran.out + ran.err


def test_undo_leaves_what_a_later_copy_changed_and_says_so(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, tmp_path, "a.jsonl", TOOT_UPDATE)
    (tmp_path / "b.jsonl").write_text(TOOT_EDIT, encoding="utf-8")
    assert run_cli(desk, "ingest", str(tmp_path / "b.jsonl"), actor="fay").code == 0
    later = _stream(
        "status.update",
        _status(
            content="<p>Edited twice: one wrong digit</p>", edited_at="2019-12-08T05:00:00.000Z"
        ),
    )
    (tmp_path / "c.jsonl").write_text(later, encoding="utf-8")
    assert "1 improved" in run_cli(desk, "ingest", str(tmp_path / "c.jsonl"), actor="gus").out
    ran = run_cli(desk, "undo", actor="fay")  # fay's improvement: gus's copy changed it since
    assert ran.code != 0
    assert "text changed since; left as it is" in ran.err
    assert _item(desk)["text"] == "Edited twice: one wrong digit"
    assert "state matches the log" in run_cli(desk, "verify", "--replay").out


def test_a_copy_found_under_an_earlier_key_improves_the_item_stored_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that spells an id differently now names the former spelling
    (`earlier_keys`): the copy found that way is a copy like any other."""
    from types import SimpleNamespace

    from desk.ingest import pipeline
    from desk.ingest.base import ParsedItem, Posted

    def parse(source: Any) -> Any:
        spec = json.loads(source.read_bytes())
        yield ParsedItem(
            platform="feed",
            text=spec["text"],
            raw=source.read_bytes(),
            platform_id=spec["id"],
            posted=Posted(spec["at"], spec["precision"], True),
            earlier_keys=tuple((k, None) for k in spec.get("earlier", ())),
            record=1,
        )

    module = SimpleNamespace(NAME="keys-test", detect=lambda sample: 0, parse=parse)
    monkeypatch.setattr(pipeline, "_detect", lambda source: module)
    with Store(tmp_path / "k.desk", create=True) as store:
        old = {"id": "old:77", "text": "Levee breach\u2026", "at": "2024-03-03T00:00:00Z"}
        pipeline.ingest_bytes(
            store, json.dumps({**old, "precision": "day"}).encode(), "old.json", actor="ann"
        )
        new = {
            "id": "77",
            "text": "Levee breach at the north gate, crews on site",
            "at": "2024-03-03T19:42:40Z",
            "precision": "second",
            "earlier": ["old:77"],
        }
        report = pipeline.ingest_bytes(store, json.dumps(new).encode(), "new.json", actor="ann")
        assert (report.new, report.duplicates, report.improved) == (0, 1, 1)
        item = store.item(1)
        assert item.platform_id == "old:77"  # the item keeps the key it was stored under
        assert item.text == new["text"]
        assert (item.posted_at, item.posted_precision) == (new["at"], "second")
        assert len(store.copies_of(1)) == 2


def test_the_search_index_follows_an_item_whose_time_and_text_improved(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    for name, body in CASES["embed then v2"]:
        _ingest(desk, tmp_path, name, body)
    found = run_cli(desk, "search", "stay", "off", "--json")
    assert found.code == 0 and [r["id"] for r in json.loads(found.out)] == [1]
    with Store(desk) as store:
        store.conn.execute("INSERT INTO items_text(items_text, rank) VALUES ('integrity-check', 1)")
        key, sort_at = store.conn.execute("SELECT sort_key, sort_at FROM items").fetchone()
    assert sort_at == "2024-03-03T19:42:40Z"  # the list places it at its exact second now
    assert key >> 31 == 1709494960


@pytest.mark.parametrize(
    "fields",
    [["not", "an", "object"], {"text": ["a", "list"]}, {"verdict": "verified"}, {"lang": True}],
)
def test_a_copy_with_fields_no_parser_writes_is_refused(tmp_path: Path, fields: Any) -> None:
    """A merged event's copy rows come from another desk: only the item's copy columns, with
    text, number or null values, may reach the item (a merge names the event, no traceback)."""
    with Store(tmp_path / "f.desk", create=True) as store, store.transaction() as w:
        row = {"item": 1, "raw_sha256": "0" * 64, "ingested_at": "2026-01-01T00:00:00Z"}
        with pytest.raises(ValueError, match="a copy's"):
            w.add_item_copy({**row, "fields": fields})


def test_an_item_kept_without_raw_bytes_gains_and_loses_nothing(tmp_path: Path) -> None:
    """An item of an early desk with no raw bytes has no copy row to be counted: a copy
    still improves it, and what the item had that the copy lacks stays."""
    from db import NewItem

    desk = tmp_path / "d.desk"
    with Store(desk, create=True) as store, store.transaction() as w:
        w.insert_item(
            NewItem(
                platform="twitter",
                text=_SHORT.replace("https://t.co/MkGjXf9aXm", "x"),
                platform_id=COMPAT_ID,
                author_name="Twitter API (old name)",
                title="Emoji counting",
            )
        )
    _ingest(desk, tmp_path, "extended.json", json.dumps(EXTENDED) + "\n")
    with Store(desk) as store:
        item = store.item(1)
    assert item.text == FULL_TEXT
    assert item.title == "Emoji counting"  # the copy has none: kept
    assert item.author_name == "Twitter API"  # both have one: the better copy's, as always


def test_the_json_summary_and_the_tuis_say_how_many_improved(tmp_path: Path) -> None:
    from desk.ingest.pipeline import ingest_bytes
    from desk.tui.summaries import ingested

    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, tmp_path, "compat.json", json.dumps(COMPAT) + "\n")
    (tmp_path / "ext.json").write_text(json.dumps(EXTENDED) + "\n", encoding="utf-8")
    ran = run_cli(desk, "ingest", "--json", str(tmp_path / "ext.json"))
    assert [r["improved"] for r in json.loads(ran.out)] == [1]
    with Store(desk) as store:  # the TUI's `i` box: a paste of a status, then of its edit
        first = ingest_bytes(store, TOOT_UPDATE.encode(), "paste", actor="t")
        edit = ingest_bytes(store, TOOT_EDIT.encode(), "paste", actor="t")
    assert first.new == 1 and "improved" not in ingested(first)
    assert edit.improved == 1 and ingested(edit).endswith("0 new, 1 already here, 1 improved")
