"""Bylines, dates at their precision and links: the rules every format shares."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from desk.export.common import byline, citation, feed_time, posted_date, safe_url, schema_date


@pytest.mark.parametrize(
    ("posted", "precision", "byline", "schema"),
    [
        ("2023-09-19T14:03:00Z", "second", "September 19, 2023", "2023-09-19T14:03:00Z"),
        ("2023-09-19T14:03:00Z", "minute", "September 19, 2023", "2023-09-19T14:03:00Z"),
        ("2023-09-19T00:00:00Z", "day", "September 19, 2023", "2023-09-19"),
        ("2023-09-01T00:00:00Z", "month", "September 2023", "2023-09"),
        ("2023-01-01T00:00:00Z", "year", "2023", "2023"),
        ("2023-03-05", "day", "March 5, 2023", "2023-03-05"),
        (None, None, None, None),
        ("not a date", "day", None, None),
    ],
)
def test_dates_at_their_precision(
    posted: str | None, precision: str | None, byline: str | None, schema: str | None
) -> None:
    assert posted_date(posted, precision) == byline
    assert schema_date(posted, precision) == schema


def test_feed_times_are_rfc3339() -> None:
    fallback = "2026-12-01T10:00:00Z"
    assert feed_time("2023-09-19T14:03:00Z", fallback) == "2023-09-19T14:03:00Z"
    assert feed_time("2023-09-19", fallback) == "2023-09-19T00:00:00Z"
    assert feed_time("2023-09", fallback) == "2023-09-01T00:00:00Z"
    assert feed_time(None, fallback) == fallback
    assert feed_time("garbage", fallback) == fallback


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox",
        "//evil.example/x",
        "http://",
        "",
        None,
    ],
)
def test_only_http_links_are_followed(url: str | None) -> None:
    assert safe_url(url) is None


def test_a_url_cannot_end_its_link_early() -> None:
    url = safe_url('https://example.org/a b)c<d>"e')
    assert url is not None
    assert not any(c in url for c in ' )<>"(')
    assert url.startswith("https://example.org/a%20b%29c%3Cd%3E%22e")
    assert safe_url("https://example.org/p?q=1&r=2#frag") == "https://example.org/p?q=1&r=2#frag"


@dataclass(frozen=True)
class Post:
    """The fields a citation reads (the store's `Item` and `PubItem` both have them)."""

    author_name: str | None = "Ana Ruiz"
    author_handle: str | None = "ana_reports"
    platform: str = "twitter"
    posted_at: str | None = "2023-09-19T14:03:00Z"
    posted_precision: str | None = "second"
    ingested_at: str = "2026-11-27T08:00:00.000000Z"
    url: str | None = "https://x.com/ana_reports/status/1"


@pytest.mark.parametrize(
    ("post", "cited"),
    [
        (Post(), "Ana Ruiz (@ana_reports), September 19, 2023, https://x.com/ana_reports/status/1"),
        (
            Post(posted_at="2023-09-01", posted_precision="month"),
            "Ana Ruiz (@ana_reports), September 2023, https://x.com/ana_reports/status/1",
        ),
        (
            Post(posted_at=None, posted_precision=None),
            "Ana Ruiz (@ana_reports), November 27, 2026, https://x.com/ana_reports/status/1",
        ),
        (
            Post(author_name=None),
            "@ana_reports, September 19, 2023, https://x.com/ana_reports/status/1",
        ),
        (Post(author_handle=None, url=None), "Ana Ruiz, September 19, 2023"),
        (
            Post(author_name=None, author_handle=None, platform="rss", url=None),
            "Feed, September 19, 2023",
        ),
        (Post(url="javascript:alert(1)"), "Ana Ruiz (@ana_reports), September 19, 2023"),
        (
            Post(posted_at="garbage", ingested_at="garbage"),
            "Ana Ruiz (@ana_reports), https://x.com/ana_reports/status/1",
        ),
    ],
)
def test_citation(post: Post, cited: str) -> None:
    assert citation(post) == cited


def test_citation_credits_as_the_byline_does() -> None:
    post = Post()
    assert byline(post).removeprefix("\u2014 ") == "Ana Ruiz (@ana_reports) September 19, 2023"
    assert citation(post).startswith("Ana Ruiz (@ana_reports), September 19, 2023")


def test_hostile_names_are_cleaned_in_a_citation() -> None:
    post = Post(
        author_name="Ana \x1b[31mRED\x1b[0m \x1b]52;c;ZXZpbA==\x07\u202eliveR\u202c",
        author_handle="ana\u2066_reports\x07",
        url="https://x.com/a\x1b[2J/1",
    )
    cited = citation(post)
    assert cited == "Ana RED liveR (@ana_reports), September 19, 2023, https://x.com/a/1"
    assert not any(ch in cited for ch in "\x1b\x07\u202e\u202c\u2066")
    only_escapes = Post(author_name="\x1b[31m\u202e", author_handle=None, url=None)
    assert citation(only_escapes) == "September 19, 2023"
