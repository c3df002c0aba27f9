"""The feed worker's shortcuts in mapping an entry: `_feedfast._entry`, `_date`, the zone test.

`_date` reads the exact RSS 2.0 date form itself; it must give what
feedparser's date search gives for the same string, struct_time fields
(hidden ones too) and None alike, valid or not. `_entry` reads each field as
an attribute where it was `entry.get(name)`: the two must be the same value
on every entry of the corpus feeds and of synthetic ones. `feeds._ends_with_zone`
looks for the zone only in a date's last characters: the same answer as the
search of the whole string.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from feedparser.datetimes import _parse_date
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.ingest.formats import _feedfast, feeds
from tests.corpus import CORPUS, corpus_files

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "mon", "Xyz"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan"]
ZONES = ["GMT", "+0000", "-0000", "+0200", "-0530", "+2400", "-9999", "+0099", "UT", "EST", "Z"]


def _fields(value: Any) -> Any:
    if isinstance(value, time.struct_time):
        return (tuple(value), value.tm_zone, value.tm_gmtoff)
    return value


def assert_like_feedparser(raw: str) -> None:
    parsed = _parse_date(raw)
    expected = parsed if isinstance(parsed, time.struct_time) else None
    assert _fields(_feedfast._date(raw)) == _fields(expected), raw


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(
    st.sampled_from(DAYS),
    st.integers(0, 39),
    st.sampled_from(MONTHS),
    st.sampled_from([0, 1, 99, 1899, 1970, 2000, 2024, 2038, 9998, 9999]),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from(ZONES),
)
def test_the_rss_date_shortcut_reads_as_feedparser(
    day_name: str, day: int, month: str, year: int, hour: int, minute: int, second: int, zone: str
) -> None:
    assert_like_feedparser(
        f"{day_name}, {day:02d} {month} {year:04d} {hour:02d}:{minute:02d}:{second:02d} {zone}"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "Mon, 01 Jan 2024 00:00:00 GMT",
        "Sat, 29 Feb 2020 23:59:59 +0100",
        "Thu, 31 Feb 2024 10:00:00 GMT",  # no such day: feedparser's other readers decide
        "Mon, 01 Jan 2024 24:00:00 GMT",
        "Mon, 01 Jan 2024 00:00:60 GMT",
        "Mon, 01 Jan 0001 00:30:00 +0100",  # out of range once the zone is taken off
        "Fri, 31 Dec 9999 23:30:00 -0100",
        "Mon, 01 Jan 2024 00:00:00 GMT ",  # not the exact form: the search reads it
        "Mon,  01 Jan 2024 00:00:00 GMT",
        "Mon, 01 Jan 24 00:00:00 GMT",
        "Mon, 01 Jan 2024 00:00 GMT",
        "Mon, \u0661\u0662 Jan 2024 00:00:00 GMT",  # Arabic-Indic digits: not [0-9]
        "2024-01-01T00:00:00Z",
        "",
        "   ",
    ],
)
def test_rss_dates_at_the_edges(raw: str) -> None:
    assert_like_feedparser(raw)


RSS_ENTRY = """<item><title>t {n}</title><link>https://example.com/{n}?a=1</link>
<guid isPermaLink="false">g{n}</guid><description>&lt;p&gt;caf\u00e9 {n}&lt;/p&gt;</description>
<category>one</category><category>two</category><author>x@example.com (Lena)</author>
<enclosure url="https://example.com/{n}.mp3" type="audio/mpeg" length="1"/>
<pubDate>Mon, 01 Jan 2024 00:00:0{n} +0200</pubDate><comments>https://example.com/c</comments></item>"""
ATOM_ENTRY = """<entry><title type="html">t &amp;lt;b&amp;gt;{n}</title><id>urn:x:{n}</id>
<link rel="alternate" href="https://example.com/{n}"/><updated>2024-01-0{n}T00:00:00Z</updated>
<published>2024-01-01T00:00:00+02:00</published><author><name>Ann</name></author>
<category term="c{n}"/><content type="html">&lt;p&gt;body {n}&lt;/p&gt;</content>
<summary>s {n}</summary></entry>"""
SYNTHETIC = [
    f'<rss version="2.0"><channel><title>f</title><link>https://example.com/</link>'
    f"{''.join(RSS_ENTRY.format(n=n) for n in range(1, 4))}</channel></rss>",
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title><id>urn:f</id>'
    f"{''.join(ATOM_ENTRY.format(n=n) for n in range(1, 4))}</feed>",
]
READ = [
    "id", "link", "title", "title_detail", "summary", "summary_detail", "comments", "language",
    "author", "author_detail", "authors", "links", "tags", "content", "enclosures",
    "media_content", "media_thumbnail", "published", "updated",
]  # fmt: skip


def _entries(data: bytes) -> list[Any]:
    rs = _feedfast.backend()
    if rs is None:
        pytest.skip("feedparser-rs is not installed")
    try:
        return list(rs.parse(data).entries)
    except Exception:
        return []


def assert_attributes_are_gets(data: bytes) -> int:
    entries = _entries(data)
    for entry in entries:
        for name in READ:
            assert repr(getattr(entry, name)) == repr(entry.get(name)), name
    return len(entries)


@pytest.mark.parametrize("feed", SYNTHETIC)
def test_entry_attributes_are_its_gets(feed: str) -> None:
    assert assert_attributes_are_gets(feed.encode()) == 3
    verdict = _feedfast.attempt(feed.encode())
    assert verdict.result is not None, verdict.reason
    first = verdict.result["entries"][0]
    assert first["title"] and first["published_parsed"] == _parse_date(first["published"])


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is absent")
def test_entry_attributes_are_its_gets_on_the_corpus() -> None:
    read = sum(
        assert_attributes_are_gets((CORPUS / name).read_bytes())
        for name in corpus_files("rss_atom")
        if Path(name).suffix != ".json"
    )
    assert read > 100


@settings(max_examples=5000, deadline=None, derandomize=True)
@given(
    st.text(
        alphabet=st.sampled_from("0123456789+-:ZzGgMmTtUuCcEePpSsDdſ x\n\t\u3000\u00a0\u0661,"),
        max_size=14,
    )
)
def test_the_zone_is_looked_for_where_it_can_be(raw: str) -> None:
    assert feeds._ends_with_zone(raw) == (feeds._EXPLICIT_ZONE.search(raw) is not None)


@pytest.mark.parametrize(
    "raw",
    [
        "Mon, 01 Jan 2024 00:00:00 GMT", "Mon, 01 Jan 2024 00:00:00 +0200", "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00+05:30", "10:00 xGMT", "10:00 EST \n", "10:00 est\u3000", "00:00 UTC",
        "00:00 UT", "00:00 PDT\n\n", "1Z", "Z", "", "  ", "00:00 +05:3", "00:00 ESTx",
    ],
)  # fmt: skip
def test_zone_edges(raw: str) -> None:
    assert feeds._ends_with_zone(raw) == (feeds._EXPLICIT_ZONE.search(raw) is not None)


ZONE_ENDINGS = [
    "+05:30", "-0530", "+0530x", "05:30", "GMT", "gmt", "xGMT", " UTC", "UT", "ESt", "eſt",
    "PDT", "1Z", "1z", "Z", "\u0661Z", "+\u0661\u0662:00", "CST5",
]  # fmt: skip


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(
    st.text(alphabet=st.sampled_from("0123456789 x:,"), max_size=6),
    st.sampled_from(ZONE_ENDINGS),
    st.sampled_from(["", " ", "\n", " \n", "\t\u3000", "\n\n", "x"]),
)
def test_the_zone_at_the_end(head: str, zone: str, tail: str) -> None:
    raw = head + zone + tail
    assert feeds._ends_with_zone(raw) == (feeds._EXPLICIT_ZONE.search(raw) is not None)
