"""desk.ingest.urls: one spelling per web address, whatever format read it."""

from __future__ import annotations

import pytest

from desk.ingest.urls import TRACKING_PARAMS, canonical_url, is_tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # the example: scheme, host case, tracking and fragment
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
