"""Small parser faults that lost whole files or records (issue 12), each read now.

- A lone surrogate (`\\ud800`: a valid JSON escape, not valid Unicode) is
  U+FFFD in the text in every format, and the raw copy keeps it as its
  escape; it no longer drops a Telegram export's later messages, a
  ClaimReview, or a JSON Feed item.
- One stray NUL byte in a paste, an embed fragment or a page is a control
  character the cleaner drops, not "binary data"; real binary is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from desk.ingest import charset
from desk.ingest.formats import (
    claimreview,
    feeds,
    html_page,
    mastodon,
    paste,
    telegram,
    twitter_embed,
)
from tests.conftest import RunDesk
from tests.ingest.helpers import parse

LONE = "\\ud800"  # as the file writes it: six characters of JSON text


def telegram_chat() -> bytes:
    messages = [
        {
            "id": n,
            "type": "message",
            "date": f"2024-03-03T10:00:0{n}",
            "date_unixtime": str(1709460000 + n),
            "from": "R",
            "from_id": "user1",
            "text": f"message {n}",
        }
        for n in range(1, 6)
    ]
    text = json.dumps({"name": "C", "type": "private_group", "id": 42, "messages": messages})
    return text.replace('"message 2"', f'"message {LONE} two"').encode()


def claim_review() -> bytes:
    return (
        '{"@context": "https://schema.org", "@type": "ClaimReview",'
        ' "url": "https://check.example/1", "datePublished": "2024-03-03",'
        f' "claimReviewed": "a claim {LONE} here",'
        ' "reviewRating": {"@type": "Rating", "alternateName": "False \\udc00"}}'
    ).encode()


def json_feed() -> bytes:
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Feed",'
        f' "items": [{{"id": "1", "url": "https://e.example/1", "title": "t {LONE}",'
        f' "content_text": "x {LONE} y"}},'
        ' {"id": "2", "url": "https://e.example/2", "content_text": "second"}]}'
    ).encode()


def oembed_list() -> bytes:
    html = (
        '<blockquote class="twitter-tweet"><p>Water ' + LONE + " over</p>&mdash; V (@v) "
        '<a href="https://twitter.com/v/status/1764391234567890123">March 3, 2024</a>'
        "</blockquote>"
    )
    return (
        json.dumps([{"html": html, "url": "https://twitter.com/v/status/1764391234567890123"}])
        .replace("\\\\ud800", LONE)
        .encode()
    )


def status() -> bytes:
    return (
        '{"id": "1", "created_at": "2024-03-03T10:00:00Z", "visibility": "public",'
        f' "spoiler_text": "", "content": "<p>hello {LONE} world</p>",'
        ' "url": "https://m.example/@a/1",'
        ' "account": {"id": "9", "username": "a", "acct": "a", "url": "https://m.example/@a"}}'
    ).encode()


SURROGATE_CASES: dict[str, tuple[ModuleType, Any, int]] = {
    # format -> (module, bytes, items expected)
    "telegram": (telegram, telegram_chat, 5),
    "claimreview": (claimreview, claim_review, 1),
    "json-feed": (feeds, json_feed, 2),
    "oembed": (twitter_embed, oembed_list, 1),
    "mastodon": (mastodon, status, 1),
}


@pytest.mark.parametrize("name", sorted(SURROGATE_CASES))
def test_a_lone_surrogate_is_u_fffd_in_every_format(name: str) -> None:
    module, build, count = SURROGATE_CASES[name]
    data = build()
    assert LONE.encode() in data
    items, rejected = parse(module, data)
    assert rejected == [] and len(items) == count
    marked = [i for i in items if "\ufffd" in i.text + (i.title or "")]
    assert len(marked) == 1
    for item in items:
        item.raw.decode("utf-8")  # storable: UTF-8 whatever the file held
        assert "\ud800" not in item.text
    if module is not mastodon:  # the record re-written, the escape kept as written
        assert LONE.encode() in marked[0].raw


def test_telegram_messages_after_a_surrogate_all_go_in(run_desk: RunDesk, tmp_path: Path) -> None:
    export = tmp_path / "result.json"
    export.write_bytes(telegram_chat())
    assert run_desk("init").code == 0
    ran = run_desk("ingest", str(export))
    assert ran.code == 0, ran.err
    assert "added 5 new" in ran.out and "could not read" not in ran.err
    texts = [row["first_line"] for row in json.loads(run_desk("ls", "--json").out)]
    assert sorted(texts) == ["message 1", "message 3", "message 4", "message 5", "message � two"]


# ---------------------------------------------------------------- NUL bytes

PASTE = (
    b"Water is over the bridge now.\x00 More soon.\n\xe2\x80\x94 Valley (@valley) March 3, 2024\n"
)
FRAGMENT = (
    b'<blockquote class="twitter-tweet"><p lang="en">Water \x00over the bridge</p>'
    b"&mdash; Valley (@valley) "
    b'<a href="https://twitter.com/valley/status/1764391234567890123">March 3, 2024</a>'
    b"</blockquote>"
)
PAGE = (
    b"<!doctype html><html><head><title>Flood</title></head><body><article>"
    b"<p>The river rose \x00overnight.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("module", "data", "words"),
    [
        (paste, PASTE, "Water is over the bridge now. More soon."),
        (twitter_embed, FRAGMENT, "Water over the bridge"),
        (html_page, PAGE, "The river rose overnight."),
    ],
    ids=["paste", "embed", "page"],
)
def test_one_nul_byte_does_not_refuse_the_file(module: ModuleType, data: bytes, words: str) -> None:
    from desk.ingest.base import Sample

    assert module.detect(Sample(data, "input")) > 0
    items, rejected = parse(module, data)
    assert rejected == []
    assert any(words in item.text for item in items)
    assert all("\x00" not in item.text for item in items)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 16,
        "plain text in UTF-16 without a mark".encode("utf-16-le"),
        b"\x00\x01\x02\x03 binary",
    ],
    ids=["png", "all-bytes", "utf16-no-bom", "controls"],
)
def test_binary_is_still_binary(data: bytes) -> None:
    assert charset.binary(data)
    from desk.ingest.base import Sample

    for module in (paste, twitter_embed, html_page):
        assert module.detect(Sample(data, "input")) == 0


@pytest.mark.parametrize(
    "data",
    [b"", b"text", b"a stray \x00 in a line of text", b"\x1b[31mred\x1b[0m\ttab\r\n\x0cpage"],
)
def test_text_is_not_binary(data: bytes) -> None:
    assert not charset.binary(data)


def test_a_claimreview_in_a_page_with_a_lone_surrogate_is_kept() -> None:
    """It was dropped without a word ("0 rejected"): the page's JSON-LD block is read whole."""
    page = (
        '<!doctype html><html><head><title>Check</title><script type="application/ld+json">'
        + claim_review().decode()
        + "</script></head><body><article><p>We checked it.</p></article></body></html>"
    ).encode()
    items, rejected = parse(html_page, page)
    assert rejected == []
    assert [i.kind for i in items] == ["article", "fact-check"]
    assert "a claim \ufffd here" in items[1].text
