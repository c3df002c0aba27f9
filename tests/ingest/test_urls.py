"""desk.ingest.urls: one spelling per web address, whatever format read it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import Store
from desk.ingest.base import ParsedItem, Source
from desk.ingest.formats import _factcheck, _feedkeys, claimreview, feeds, html_page
from desk.ingest.pipeline import ingest_bytes
from desk.ingest.urls import (
    TRACKING_PARAMS,
    canonical_url,
    feed_link_spellings,
    former_spelling,
    is_tracking,
    strip_tracking,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the issue's example: scheme, host case, tracking and fragment
        ("http://Example.com/a/b?utm_source=x&id=3#frag", "https://example.com/a/b?id=3"),
        ("https://example.com/a/b?id=3", "https://example.com/a/b?id=3"),
        ("https://example.com", "https://example.com/"),
        ("//cdn.example.com/x.jpg", "https://cdn.example.com/x.jpg"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("HTTPS://EXAMPLE.COM/Path/Keeps/Case", "https://example.com/Path/Keeps/Case"),
        # every tracking parameter goes, the rest keep their order
        (
            "https://e.com/p?b=2&utm_medium=rss&fbclid=F&a=1&gclid=G&ref_src=twsrc&igshid=I",
            "https://e.com/p?b=2&a=1",
        ),
        ("https://e.com/p?UTM_Source=x", "https://e.com/p"),
        ("https://e.com/p?utm_source=x&utm_campaign=y", "https://e.com/p"),
        ("https://e.com/p?mc_cid=1&mc_eid=2&dclid=3&ref_url=4", "https://e.com/p"),
        # a name that only starts like a tracking one stays
        ("https://e.com/p?fbclid_note=1", "https://e.com/p?fbclid_note=1"),
        ("https://e.com/p?flag", "https://e.com/p?flag="),
        # IRIs and URIs of one page are one URL
        ("https://e.pt/publicações", "https://e.pt/publica%C3%A7%C3%B5es"),
        ("https://e.pt/publica%C3%A7%C3%B5es", "https://e.pt/publica%C3%A7%C3%B5es"),
        ("https://e.com/a b", "https://e.com/a%20b"),
        ("https://e.com/?q=caf\u00e9", "https://e.com/?q=caf%C3%A9"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    for url in (
        "http://Example.com/a/b?utm_source=x&id=3#frag",
        "https://e.pt/publicações?x=ç&utm_x=1",
        "https://e.com/a b?q=a b",
    ):
        once = canonical_url(url)
        assert once is not None
        assert canonical_url(once) == once


def test_relative_urls_need_a_base() -> None:
    assert canonical_url("/news/1") is None
    assert canonical_url("/news/1", "https://paper.example/home") == "https://paper.example/news/1"
    assert canonical_url("../2#top", "http://Paper.example/a/b/c") == "https://paper.example/a/2"


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "javascript:alert(1)",
        "mailto:desk@paper.example",
        "ftp://files.example/x",
        "data:text/html,<script>alert(1)</script>",
        "tag:paper.example,2024:1",
        "https://",
        "http:///nohost",
        "https://[::1",  # urlsplit raises ValueError: not a URL, not a crash
        "example.com/no-scheme",
    ],
)
def test_what_is_not_a_web_url_is_none(url: str | None) -> None:
    assert canonical_url(url) is None


@pytest.mark.parametrize(
    "hostile",
    [
        "https://e.com/\x1b[31mred\x1b[0m",
        "https://e.com/\x1b]8;;https://evil.example\x07x",
        "https://e.com/a\u202eevil",
        "https://e.com/a\x00b\r\nSet-Cookie: x",
        "https://e.com/\ud800x",
    ],
)
def test_hostile_text_never_reaches_the_stored_url(hostile: str) -> None:
    url = canonical_url(hostile)
    assert url is not None
    assert url.isascii() and url.isprintable()
    assert "\x1b" not in url and "\x00" not in url and " " not in url


def test_huge_url_is_read_in_linear_time() -> None:
    url = "https://e.com/" + "a" * 2_000_000 + "?" + "&".join(f"k{i}=v" for i in range(20_000))
    canonical = canonical_url(url + "&utm_source=x")
    assert canonical is not None
    assert canonical.endswith("&k19999=v")


def test_tracking_list() -> None:
    assert is_tracking("utm_anything")
    assert is_tracking("FBCLID")
    assert not is_tracking("id")
    assert not is_tracking("utm")  # the prefix is utm_, with the underscore
    assert all(name == name.lower() for name in TRACKING_PARAMS)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.com/a/b?utm_source=x&id=3#frag", "http://Example.com/a/b?id=3#frag"),
        ("https://e.com/a?id=7&ref_src=twsrc&fbclid=x", "https://e.com/a?id=7"),
        ("https://e.com/a?q=a%20b&utm_x=1", "https://e.com/a?q=a%20b"),  # kept as encoded
        ("https://e.com/a?fbclid_note=1", "https://e.com/a?fbclid_note=1"),
        ("https://e.com/a?utm_source=x#top", "https://e.com/a#top"),
        ("tag:paper.example,2024:1", "tag:paper.example,2024:1"),
        ("/relative?utm_medium=rss", "/relative"),
        ("", None),
        (None, None),
        ("\x1b[2J", None),
    ],
)
def test_strip_tracking_keeps_the_rest_as_given(url: str | None, expected: str | None) -> None:
    assert strip_tracking(url) == expected


@pytest.mark.parametrize(
    ("url", "reader", "expected"),
    [
        # the issue's example, as the two readers used to store it
        (
            "http://Example.com/a/b?utm_source=x&id=3#frag",
            "feed",
            "http://Example.com/a/b?id=3#frag",
        ),
        (
            "http://Example.com/a/b?utm_source=x&id=3#frag",
            "claimreview",
            "http://Example.com/a/b?id=3#frag",
        ),
        # the former lists cut by prefix, and knew no ref_src
        ("https://e.com/a?fbclidx=1&ref_src=t", "feed", "https://e.com/a?ref_src=t"),
        ("https://e.pt/publicações#x", "claimreview", "https://e.pt/publica%C3%A7%C3%B5es#x"),
        ("https://e.pt/publicações#x", "feed", "https://e.pt/publicações#x"),
        ("tag:x,2024:1", "feed", "tag:x,2024:1"),
        ("tag:x,2024:1", "claimreview", None),
        ("", "feed", None),
    ],
)
def test_former_spelling(url: str, reader: str, expected: str | None) -> None:
    assert former_spelling(url, reader=reader) == expected


def test_former_spelling_of_an_unknown_reader_is_a_bug() -> None:
    with pytest.raises(ValueError, match="no former URL spelling"):
        former_spelling("https://e.com/", reader="html")


# ---------------------------------------------------------------- the fix, across formats

ISSUE_URL = "http://Example.com/a/b?utm_source=x&id=3#frag"
CANONICAL = "https://example.com/a/b?id=3"


def _fact_check(url: str) -> bytes:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": "The bridge is closed",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
            "author": {"@type": "Organization", "name": "Check Desk"},
            "itemReviewed": {"@type": "Claim", "appearance": [{"url": ISSUE_URL}]},
        }
    ).encode()


def _page(url: str) -> bytes:
    return (
        f'<!doctype html><html><head><title>Bridge</title><link rel="canonical" href="{url}">'
        "</head><body><article><h1>Bridge</h1><p>The bridge is open again.</p></article>"
        "</body></html>"
    ).encode()


def test_a_fact_check_and_a_page_spell_one_url_alike() -> None:
    """The defect of issue 12: claimreview kept scheme, host case and fragment."""
    [review] = list(claimreview.parse(Source("fc.json", data=_fact_check(ISSUE_URL))))
    pages = list(html_page.parse(Source("page.html", data=_page(ISSUE_URL))))
    assert isinstance(review, ParsedItem)
    assert (review.url, review.platform_id) == (CANONICAL, CANONICAL)
    assert [r.url for r in review.refs] == [CANONICAL]
    assert review.extra["appearances"] == [CANONICAL]
    assert [p.url for p in pages if isinstance(p, ParsedItem)] == [CANONICAL]


def test_the_fact_check_links_to_the_page_it_reviews(store: Store) -> None:
    """As a user would: ingest the reviewed page, then the fact-check; they link."""
    page = ingest_bytes(store, _page(ISSUE_URL), name="page.html", actor="ann")
    check = ingest_bytes(store, _fact_check(ISSUE_URL), name="fc.json", actor="ann")
    assert (page.new, check.new, check.links) == (1, 1, 1)


def _ingest_as_before_issue_12(
    store: Store, monkeypatch: pytest.MonkeyPatch, data: bytes, name: str
) -> None:
    """What a desk made before the change holds: the item under the former spelling."""
    with monkeypatch.context() as patch:
        patch.setattr(
            _factcheck,
            "http_url",
            lambda value: former_spelling(
                value if isinstance(value, str) else "", reader="claimreview"
            ),
        )
        patch.setattr(_feedkeys, "link", lambda raw: former_spelling(raw, reader="feed"))
        report = ingest_bytes(store, data, name=name, actor="ann")
    assert report.new == 1


def test_a_fact_check_stored_under_its_former_url_stays_one_item(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _fact_check(ISSUE_URL)
    _ingest_as_before_issue_12(store, monkeypatch, data, "fc.json")
    [(stored_id, stored_url)] = store.conn.execute(
        "SELECT platform_id, url FROM items WHERE platform = 'factcheck'"
    ).fetchall()
    assert stored_id == stored_url == "http://Example.com/a/b?id=3#frag"
    dry = ingest_bytes(store, data, name="fc.json", actor="ann", dry_run=True)
    assert (dry.new, dry.duplicates) == (0, 1)
    again = ingest_bytes(store, data, name="fc.json", actor="ann")
    assert (again.new, again.duplicates) == (0, 1)
    # without the former spelling it would have been a second item
    monkeypatch.setattr(_factcheck, "earlier_keys", lambda *values: ())
    assert ingest_bytes(store, data, name="fc.json", actor="ann").new == 1


def test_an_id_less_feed_entry_stored_under_its_former_link_stays_one_item(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `ref_src` was not on the feed reader's list: the link, its only id, changes
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
        b"<link>https://desk.example/</link><item><title>a</title>"
        b"<link>https://desk.example/a?id=7&amp;ref_src=twsrc</link></item>"
        b"</channel></rss>"
    )
    _ingest_as_before_issue_12(store, monkeypatch, feed, "feed.xml")
    [items] = list(feeds.parse(Source("feed.xml", data=feed)))
    assert isinstance(items, ParsedItem)
    assert (items.platform_id, items.url) == ("https://desk.example/a?id=7",) * 2
    again = ingest_bytes(store, feed, name="feed.xml", actor="ann")
    assert (again.new, again.duplicates) == (0, 1)


# ---------------------------------------------------------------- the shortcuts are exact


def _canonical_by_urllib(url: str, *, fragment: bool) -> str | None:
    """`canonical_url` as it was written before its shortcuts: every part through urllib."""
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

    from desk.ingest import urls
    from desk.text import clean_line

    url = clean_line(url)
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
    ]
    path = quote(parts.path or "/", safe=urls._PATH_SAFE)
    kept = quote(parts.fragment, safe=urls._PATH_SAFE + "?#") if fragment else ""
    return urlunsplit(("https", parts.netloc.lower(), path, urlencode(query), kept))


URL_PIECES = [
    "http://", "https://", "HTTP://", "//", "Example.COM", "example.com:8080", "/", "/a", "/b c",
    "/caf\u00e9", "/%C3%A9", "/%zz", "?", "&", "=", "#", "#frag", "#a?b#c", "id=3", "utm_source=x",
    "UTM_Medium=y", "fbclid=1", "ref_src=t", "a", "a=", "=v", "a=b=c", "a+b=c+d", "a%20b=%2B",
    "a=1&&b=2", ";", "~", "-", "_", ".", "!", "'", "(", "*", ",", "@", ":", "$", "\u00e9", "\ufffd",
    " ", "\t", "\n", "\x1b[31m", "[::1]", "tag:", "mailto:x",
]  # fmt: skip


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(URL_PIECES), min_size=1, max_size=12), st.booleans())
def test_canonical_url_shortcuts_change_nothing(pieces: list[str], fragment: bool) -> None:
    url = "".join(pieces)
    assert canonical_url(url, fragment=fragment) == _canonical_by_urllib(url, fragment=fragment)


QUERY_PARTS = ["a", "id", "utm_source", "Fbclid", "x.y", "a-b", "~", "", "3", "a+b", "a%20b", "%2B",
               "%zz", "caf\u00e9", " ", "=", ";", "/"]  # fmt: skip


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(
    st.sampled_from(["http://Example.com", "https://a.example:8/", "//cdn.example"]),
    st.lists(st.sampled_from(["/p", "/caf\u00e9", "/%41", "/a b", "/@x", ""]), max_size=3),
    st.lists(
        st.tuples(
            st.sampled_from(QUERY_PARTS), st.sampled_from(["=", ""]), st.sampled_from(QUERY_PARTS)
        ),
        max_size=4,
    ),
    st.sampled_from(["", "#f", "#a b", "#?x#y", "#caf\u00e9"]),
    st.booleans(),
)
def test_canonical_url_shortcuts_on_queries(
    host: str, path: list[str], pairs: list[tuple[str, str, str]], tail: str, fragment: bool
) -> None:
    url = host + "".join(path) + "?" + "&".join("".join(pair) for pair in pairs) + tail
    assert canonical_url(url, fragment=fragment) == _canonical_by_urllib(url, fragment=fragment)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=12))
def test_feed_link_spellings_are_the_two_spellings(pieces: list[str]) -> None:
    url = "".join(pieces)
    assert feed_link_spellings(url) == (strip_tracking(url), former_spelling(url, reader="feed"))


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/@x/post-b00000000000?source=rss-b4981c59ffa5------2",
        "http://a.example/p?a=1&utm_source=x&b=2#c",
        "http://a.example/p?a+b=c%20d",
        "http://a.example/p?a&b=",
        "http://a.example/caf\u00e9?q=caf\u00e9#caf\u00e9",
    ],
)
def test_canonical_url_common_forms(url: str) -> None:
    for fragment in (False, True):
        assert canonical_url(url, fragment=fragment) == _canonical_by_urllib(url, fragment=fragment)


WEB_PIECES = [
    *URL_PIECES,
    "HtTpS://",
    "http:",
    "https:/",
    "http://[::1]:80/",
    "u@h",
    ":443",
    "?#",
    "#?",
]


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(WEB_PIECES), min_size=1, max_size=10))
def test_web_parts_are_urlsplits(pieces: list[str]) -> None:
    from urllib.parse import urlsplit

    from desk.ingest import urls

    url = "".join(pieces)
    parts = urls._web_parts(url)
    if parts is not None:
        assert parts == tuple(urlsplit(url)), url
