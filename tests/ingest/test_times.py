"""Posted times are read, never invented: one reader (`desk.ingest.times`) for every format.

A time the file does not give is unknown (None, the item sorts by arrival);
a partial one keeps its real precision; day and month names in Portuguese,
Spanish, French and German are read; zone abbreviations become offsets
without a warning on stderr. The table runs the reader itself, then the same
inputs through the formats that carry them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.ingest import times
from desk.ingest.base import Posted
from desk.ingest.formats import (
    claimreview,
    feeds,
    html_page,
    mastodon,
    telegram,
    twitter_v1,
)
from tests.conftest import RunDesk
from tests.ingest.helpers import parse

Reading = tuple[str, str, bool] | None


def reading(posted: Posted | None) -> Reading:
    return None if posted is None else (posted.at, posted.precision, posted.tz_known)


# (input, (UTC time, precision, zone known) or None)
TABLE: list[tuple[str, Reading]] = [
    # ISO 8601 at every precision it can be written
    ("2024-03-03T10:11:12Z", ("2024-03-03T10:11:12Z", "second", True)),
    ("2024-03-03T10:11:12.123456+02:00", ("2024-03-03T08:11:12Z", "second", True)),
    ("2024-03-03T10:11:12", ("2024-03-03T10:11:12Z", "second", False)),
    ("2024-03-03T10:11:12.123456789Z", ("2024-03-03T10:11:12Z", "second", True)),
    ("2024-03-03T10:11:12.999999999+00:00", ("2024-03-03T10:11:12Z", "second", True)),
    ("2024-03-03 10:11", ("2024-03-03T10:11:00Z", "minute", False)),
    ("2024-03-03T10:11+05:30", ("2024-03-03T04:41:00Z", "minute", True)),
    ("2024-03-03T10", ("2024-03-03T10:00:00Z", "hour", False)),
    ("2024-03-03", ("2024-03-03T00:00:00Z", "day", False)),
    ("2024-03", ("2024-03-01T00:00:00Z", "month", False)),
    ("2024", ("2024-01-01T00:00:00Z", "year", False)),
    # RFC 822 and the other written forms
    ("Sun, 03 Mar 2024 10:11:12 +0000", ("2024-03-03T10:11:12Z", "second", True)),
    ("Sun, 03 Mar 2024 10:11 -0300", ("2024-03-03T13:11:00Z", "minute", True)),
    ("Sun, 03 Mar 2024", ("2024-03-03T00:00:00Z", "day", False)),
    ("Sun, 03 Mar 2024 -0300", ("2024-03-03T00:00:00Z", "day", False)),  # no clock: no 03:00
    ("Wed Oct 10 20:19:24 +0000 2018", ("2018-10-10T20:19:24Z", "second", True)),
    ("March 3, 2024", ("2024-03-03T00:00:00Z", "day", False)),
    ("March 2024", ("2024-03-01T00:00:00Z", "month", False)),
    ("3pm March 3 2024", ("2024-03-03T15:00:00Z", "hour", False)),
    ("2020/1/10 14:33:00", ("2020-01-10T14:33:00Z", "second", False)),
    # zone abbreviations: an offset, never this machine's zone, never a warning
    ("Tue, 10 Jun 2003 04:00:00 PST", ("2003-06-10T12:00:00Z", "second", True)),
    ("Tue, 10 Jun 2003 04:00:00 EDT", ("2003-06-10T08:00:00Z", "second", True)),
    ("Tue, 10 Jun 2003 04:00:00 UTC", ("2003-06-10T04:00:00Z", "second", True)),
    ("Tue, 10 Jun 2003 04:00:00 CEST", ("2003-06-10T02:00:00Z", "second", True)),
    ("Tue, 10 Jun 2003 04:00:00 IST", ("2003-06-10T04:00:00Z", "second", False)),  # ambiguous
    ("10 Jun 2003 PST", ("2003-06-10T00:00:00Z", "day", False)),
    # Portuguese, Spanish, French, German names
    ("Seg, 24 Set 2018 19:42:40 -0300", ("2018-09-24T22:42:40Z", "second", True)),
    ("Sáb, 06 Out 2018 08:00:00 -0300", ("2018-10-06T11:00:00Z", "second", True)),
    ("Qui, 01 Fev 2018 08:00:00 +0000", ("2018-02-01T08:00:00Z", "second", True)),
    ("Dom, 02 Dez 2018 08:00:00 +0000", ("2018-12-02T08:00:00Z", "second", True)),
    ("24 de setembro de 2018", ("2018-09-24T00:00:00Z", "day", False)),
    ("Mar, 25 Sep 2018 10:00:00 GMT", ("2018-09-25T10:00:00Z", "second", True)),  # es Tuesday
    ("Mié, 03 Ene 2018 10:00:00 +0100", ("2018-01-03T09:00:00Z", "second", True)),
    ("Vie, 14 Dic 2018 10:00:00 +0100", ("2018-12-14T09:00:00Z", "second", True)),
    ("sáb, 21 abr 2018 10:00:00 +0200", ("2018-04-21T08:00:00Z", "second", True)),
    ("dim., 30 sept. 2018 12:00:00 +0200", ("2018-09-30T10:00:00Z", "second", True)),
    ("jeu., 16 août 2018 12:00:00 +0200", ("2018-08-16T10:00:00Z", "second", True)),
    ("3 févr. 2018", ("2018-02-03T00:00:00Z", "day", False)),
    ("Mo, 05 Mär 2018 12:00:00 +0100", ("2018-03-05T11:00:00Z", "second", True)),
    ("Do, 11 Okt 2018 12:00:00 MESZ", ("2018-10-11T10:00:00Z", "second", True)),
    ("Di, 31 Dez 2019 23:59:59 +0100", ("2019-12-31T22:59:59Z", "second", True)),
    ("3. März 2024", ("2024-03-03T00:00:00Z", "day", False)),
    ("Mai 2024", ("2024-05-01T00:00:00Z", "month", False)),
    ("Mar 25 2018", ("2018-03-25T00:00:00Z", "day", False)),  # a leading Mar without comma
    # nothing the text does not say is made up
    ("Monday", None),
    ("Tuesday 10:00", None),
    ("10:00", None),
    ("March 3", None),
    ("Seg, 24 Set 19:42:40 -0300", None),
    ("3 mars", None),
    ("12", None),
    ("next week", None),
    ("yesterday", None),
    ("", None),
    ("   ", None),
    ("\x1b[31m2024\x1b[0m-03", ("2024-03-01T00:00:00Z", "month", False)),
    ("\ud800", None),
    ("9" * 5000, None),
    ("2024-02-30", None),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_from_text(text: str, expected: Reading) -> None:
    assert reading(times.from_text(text)) == expected


@pytest.mark.parametrize("value", [None, 0, 1709460000, ["2024"], {"at": "2024"}, b"2024"])
def test_a_value_that_is_not_a_string_is_no_time(value: Any) -> None:
    assert times.from_text(value) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 3, 2024", ("2024-03-03T00:00:00Z", "day", False)),
        ("10:42 AM · Mar 3, 2024", ("2024-03-03T00:00:00Z", "day", False)),
        ("March 2024", ("2024-03-01T00:00:00Z", "month", False)),
        ("3 de março de 2024", ("2024-03-03T00:00:00Z", "day", False)),
        ("March 3", None),
        ("Monday", None),
        (None, None),
    ],
)
def test_from_day(text: str | None, expected: Reading) -> None:
    assert reading(times.from_day(text)) == expected


def test_caller_precision_never_makes_a_time_finer() -> None:
    assert reading(times.from_text("2024-03-03", precision="minute")) == (
        "2024-03-03T00:00:00Z",
        "day",
        False,
    )
    assert reading(times.from_text("2024-03-03 10:11:12", precision="minute")) == (
        "2024-03-03T10:11:12Z",
        "minute",
        False,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-03T10:11:12.000Z", ("2024-03-03T10:11:12Z", "second", True)),
        ("2024-03-03T10:11+00:00", ("2024-03-03T10:11:00Z", "minute", True)),
        ("Monday", None),
        ("2024-03-03T25:00:00Z", None),
    ],
)
def test_iso_time(text: str, expected: Reading) -> None:
    assert reading(times.iso_time(text)) == expected


# ---------------------------------------------------------------- the same, through the formats

FORMAT_CASES = [
    # every text of the table a format can carry, and what it gives there
    (text, expected)
    for text, expected in TABLE
    if text.strip() and "\ud800" not in text and "\x1b" not in text and len(text) < 100
]


def _status(created_at: str) -> bytes:
    return json.dumps(
        {
            "id": "1",
            "created_at": created_at,
            "content": "<p>hello</p>",
            "visibility": "public",
            "spoiler_text": "",
            "url": "https://m.example/@a/1",
            "account": {"id": "9", "username": "a", "acct": "a", "url": "https://m.example/@a"},
        }
    ).encode()


def _tweet(created_at: str) -> bytes:
    return json.dumps(
        {"id_str": "42", "created_at": created_at, "text": "hi", "user": {"screen_name": "a"}}
    ).encode()


def _rss(date: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>D</title>'
        f"<item><title>t</title><link>https://e.example/1</link><pubDate>{date}</pubDate>"
        "</item></channel></rss>"
    ).encode()


def _atom(date: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>D</title><entry><title>t</title><id>urn:x:1</id>"
        f'<link href="https://e.example/1"/><updated>{date}</updated></entry></feed>'
    ).encode()


def _json_feed(date: str) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "D",
            "items": [{"id": "1", "url": "https://e.example/1", "date_published": date}],
        }
    ).encode()


def _review(date: str) -> bytes:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "https://check.example/1",
            "claimReviewed": "x",
            "datePublished": date,
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }
    ).encode()


def _telegram(date: str) -> bytes:
    message = {"id": 1, "type": "message", "date": date, "from": "R", "text": "hi"}
    return json.dumps(
        {"name": "C", "type": "public_channel", "id": 7, "messages": [message]}
    ).encode()


def _page(date: str) -> bytes:
    return (
        "<html><head><title>T</title>"
        '<link rel="canonical" href="https://news.example/a">'
        f'<meta property="article:published_time" content="{date}"></head>'
        "<body><article><p>Story text long enough to be an article.</p></article></body></html>"
    ).encode()


CARRIERS = {
    "mastodon": (mastodon, _status),
    "twitter-v1": (twitter_v1, _tweet),
    "rss": (feeds, _rss),
    "atom": (feeds, _atom),
    "json-feed": (feeds, _json_feed),
    "claimreview": (claimreview, _review),
    "html": (html_page, _page),
}


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
@pytest.mark.parametrize(("text", "expected"), FORMAT_CASES)
def test_every_format_reads_a_time_the_same_way(carrier: str, text: str, expected: Reading) -> None:
    fmt, build = CARRIERS[carrier]
    items, rejected = parse(fmt, build(text))
    assert rejected == [] and len(items) >= 1
    assert reading(items[0].posted) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-03T10:00:00", ("2024-03-03T10:00:00Z", "second", False)),
        ("2024-03-03T10:00", ("2024-03-03T10:00:00Z", "minute", False)),
        ("Monday", None),
        ("March 3", None),
    ],
)
def test_telegram_date_without_unixtime(text: str, expected: Reading) -> None:
    items, rejected = parse(telegram, _telegram(text))
    assert rejected == [] and reading(items[0].posted) == expected


def test_feedparser_filling_a_date_from_the_clock_is_not_taken() -> None:
    """feedparser reads `10:00` as today at ten and `2024` as 1 January: not a posted time."""
    items, _ = parse(feeds, _rss("10:00"))
    assert items[0].posted is None
    items, _ = parse(feeds, _rss("2024"))
    assert reading(items[0].posted) == ("2024-01-01T00:00:00Z", "year", False)


# ---------------------------------------------------------------- as a user sees it


def test_unknown_time_is_stored_null_and_sorts_by_arrival(
    run_desk: RunDesk, tmp_path: Path
) -> None:
    first = tmp_path / "monday.json"
    first.write_bytes(_status("Monday"))
    later = tmp_path / "dated.json"
    later.write_bytes(
        _status("2024-03-03T10:00:00Z").replace(b'"1"', b'"2"').replace(b"@a/1", b"@a/2")
    )
    assert run_desk("init").code == 0
    assert run_desk("ingest", str(first)).code == 0
    assert run_desk("ingest", str(later)).code == 0
    shown = json.loads(run_desk("show", "1", "--json").out)["item"]
    assert (shown["posted_at"], shown["posted_precision"]) == (None, None)
    listed = run_desk("ls", "--json")
    ids = [row["id"] for row in json.loads(listed.out)]
    assert ids == [1, 2]  # arrived now, so newer than a 2024 post


def test_zone_abbreviations_print_no_warning(run_desk: RunDesk, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_page("Tue, 10 Jun 2003 04:00:00 PST"))
    feed = tmp_path / "feed.xml"
    feed.write_bytes(_rss("Tue, 10 Jun 2003 04:00 PST"))  # no seconds: not feedparser's
    paste = tmp_path / "paste.txt"
    paste.write_text("Water over the bridge.\n— Valley (@valley) 10:42 AM PST March 3, 2024\n")
    assert run_desk("init").code == 0
    ran = run_desk("ingest", str(page), str(feed), str(paste))
    assert ran.code == 0, ran.err
    assert "Warning" not in ran.err and "tzname" not in ran.err, ran.err
    assert [
        json.loads(run_desk("show", str(n), "--json").out)["item"]["posted_at"] for n in (1, 2)
    ] == [
        "2003-06-10T12:00:00Z",
        "2003-06-10T12:00:00Z",
    ]
