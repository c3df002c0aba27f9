"""Bylines, dates at their precision and links: the rules every format shares."""

from __future__ import annotations

import pytest

from desk.export.common import feed_time, posted_date, safe_url, schema_date


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
