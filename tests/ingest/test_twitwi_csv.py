"""minet / twitwi CSV exports of tweets and Bluesky posts.

The headers are twitwi's own column lists (`twitwi/constants.py`
TWEET_FIELDS; the Bluesky post type behind `twitwi.bluesky`), the rows made
up here in twitwi's way: epoch seconds as floats in `timestamp_utc`, a
zoneless `local_time`, `|`-separated plural cells, newlines inside quoted
text, and (Bluesky) `original_text` beside a `text` that appends the quoted
post.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from desk.ingest import registry
from desk.ingest.base import Source
from desk.ingest.formats import csv_posts, twitwi_csv
from tests.clirun import run_cli
from tests.ingest.streamkit import DATA, HOSTILE, assert_harmless, run

TWEETS = DATA / "twitwi-tweets.csv"
POSTS = DATA / "twitwi-bluesky.csv"


def _header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text())))


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode("utf-8")


def _tweet(**cells: str) -> dict[str, str]:
    return {"id": "1600000000000000009", "timestamp_utc": "1670000000.0",
            "user_screen_name": "someone", "text": "plain"} | cells  # fmt: skip


@pytest.mark.parametrize("path", [TWEETS, POSTS], ids=["tweets", "bluesky"])
def test_detected_as_twitwi_and_by_no_other_format(path: Path) -> None:
    sample = Source(path.name, path=path).sample()
    assert registry.detect(sample).NAME == "twitwi-csv"
    assert csv_posts.detect(sample) == 0


def test_tweets() -> None:
    items, rejected, skipped = run(twitwi_csv, TWEETS)
    assert not rejected and not skipped
    first, reply, retweet = items
    # the first row's text holds a newline: the next row starts on line 4
    assert [i.record for i in items] == [2, 4, 5]
    assert first.platform == "twitter" and first.platform_id == "1600000000000000001"
    assert first.url == "https://twitter.com/desk_reporter/status/1600000000000000001"
    assert first.text == "Bridge closed after the storm.\nPolice say it will reopen Monday. #storm"
    assert first.posted is not None
    assert (first.posted.at, first.posted.tz_known) == ("2022-12-02T16:53:20Z", True)
    assert (first.author_handle, first.author_name) == ("desk_reporter", "Desk Reporter")
    assert first.author_url == "https://twitter.com/desk_reporter"
    assert [(m.url, m.type) for m in first.media] == [
        ("https://pbs.twimg.com/media/bridge.jpg", "photo")
    ]
    assert first.extra["tags"] == ["storm"]
    assert first.extra["counts"] == {"retweet_count": 3, "like_count": 10}
    lines = TWEETS.read_bytes().splitlines(keepends=True)
    assert first.raw == lines[1] + lines[2]  # the row's own bytes, both its lines
    assert reply.author_name == 'Other, "quoted" name'
    assert [(r.relation, r.platform_id) for r in reply.refs] == [
        ("reply-to", "1600000000000000001")
    ]
    assert [(r.relation, r.url) for r in retweet.refs] == [
        ("repost-of", "https://twitter.com/desk_reporter/status/1600000000000000001")
    ]
    assert retweet.lang is None  # "und"


def test_bluesky_posts() -> None:
    items, rejected, _ = run(twitwi_csv, POSTS)
    assert not rejected
    first, second = items
    uri = "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw2c"
    assert first.platform == "bluesky" and first.platform_id == uri
    assert first.url == "https://bsky.app/profile/reporter.bsky.social/post/3l3qo2vutsw2c"
    assert first.text == "Flood warning for the valley.\nRoads closed."  # original_text
    assert first.posted is not None and first.posted.at == "2024-09-09T19:46:02Z"
    assert (first.author_handle, first.author_name) == ("reporter.bsky.social", "Valley Reporter")
    assert [(m.type, m.alt) for m in first.media] == [("image", "A closed road")]
    assert second.text == "Our report\n\nLink: Valley floods (https://news.example.com/flood)"
    assert [(r.relation, r.platform_id) for r in second.refs] == [
        ("reply-to", uri),
        ("quotes", uri),
    ]


def test_times_floats_ints_missing_and_zoneless() -> None:
    header = _header(TWEETS)
    rows = [
        _tweet(timestamp_utc="1610005273.0"),
        _tweet(timestamp_utc="1610005273"),
        _tweet(timestamp_utc="", local_time="2021-01-07T08:41:13"),
        _tweet(timestamp_utc="soon", local_time=""),
    ]
    items, rejected, _ = run(twitwi_csv, _csv(header, rows))
    assert not rejected
    got = [(p.at, p.tz_known) if p else None for p in (i.posted for i in items)]
    assert got == [
        ("2021-01-07T07:41:13Z", True),
        ("2021-01-07T07:41:13Z", True),
        ("2021-01-07T08:41:13Z", False),  # local_time names no zone: said so
        None,
    ]


def test_hostile_rows() -> None:
    header = _header(TWEETS)
    rows = [
        _tweet(text=HOSTILE, user_name=HOSTILE),
        _tweet(id="not-an-id"),
        _tweet(id="1600000000000000010", text="x" * 5_000_000),
        _tweet(
            id="1600000000000000011",
            media_urls="javascript:alert(1)|https://ok.example/a.jpg",
            media_types="photo|photo",
            user_screen_name="bad handle!",
        ),
    ]
    data = _csv(header, rows) + b'1600000000000000012,1670000000.0,,cut,"an unclosed quote\n'
    items, rejected, _ = run(twitwi_csv, data)
    assert [i.platform_id for i in items] == [
        "1600000000000000009",
        "1600000000000000010",
        "1600000000000000011",
    ]
    assert_harmless(items[0].text)
    assert_harmless(items[0].author_name)
    assert len(items[1].text) == 5_000_000
    assert [m.url for m in items[2].media] == ["https://ok.example/a.jpg"]
    assert items[2].author_handle is None
    assert items[2].url == "https://twitter.com/i/web/status/1600000000000000011"
    assert [r.record for r in rejected] == [3, 6]
    assert "no tweet id" in rejected[0].reason
    assert "cut short" in rejected[1].reason


def test_empty_header_only_and_wrong_encoding() -> None:
    items, rejected, _ = run(twitwi_csv, b"")
    assert not items and "empty" in rejected[0].reason
    assert run(twitwi_csv, _csv(_header(TWEETS), [])) == ([], [], [])
    latin = _csv(_header(TWEETS), [_tweet(text="Caf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu")])
    (item,), rejected, _ = run(twitwi_csv, latin.decode("utf-8").encode("cp1252"))
    assert not rejected
    assert "Caf" in item.text and "encoding" in item.extra
    utf16 = _csv(_header(TWEETS), [_tweet(text="\u00e9t\u00e9")]).decode().encode("utf-16")
    assert registry.detect(Source("x.csv", data=utf16).sample()).NAME == "twitwi-csv"
    (item,), rejected, _ = run(twitwi_csv, utf16)
    assert not rejected and item.text == "\u00e9t\u00e9"


def test_a_twitwi_tweet_and_its_v1_json_copy_are_one_item(tmp_path: Path) -> None:
    desk = tmp_path / "t.desk"
    assert run_cli(desk, "init").code == 0
    v1 = {
        "created_at": "Fri Dec 02 16:53:20 +0000 2022",
        "id": 1600000000000000001,
        "id_str": "1600000000000000001",
        "full_text": "Bridge closed after the storm.\nPolice say it will reopen Monday. #storm",
        "truncated": False,
        "entities": {"hashtags": [], "urls": [], "user_mentions": []},
        "user": {"id": 42, "id_str": "42", "name": "Desk Reporter", "screen_name": "desk_reporter"},
        "lang": "en",
    }
    tweet = tmp_path / "tweet.json"
    tweet.write_text(json.dumps(v1))
    ran = run_cli(desk, "ingest", str(tweet))
    assert ran.code == 0 and "(twitter-v1)" in ran.out and "added 1 new" in ran.out, ran
    ran = run_cli(desk, "ingest", str(TWEETS))
    assert ran.code == 0, ran.err
    assert "(twitwi-csv)" in ran.out and "added 2 new, 1 duplicate" in ran.out
