"""What `bench/fuzz.py` found: each failure it met, minimized, as a fixed case.

One row per failure group of a fuzz run (issue 12): the format, the input
(small inline bytes, the fuzzer's minimized input made readable), and
exactly what the parser must yield for it: each item's fields, or the
rejection's reason. Before the fix each of these raised out of `parse()`,
broke an item invariant (a field the store cannot encode, a time that is
not `YYYY-MM-DDTHH:MM:SSZ`), or took far longer than `seconds`.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from db import Store
from desk.ingest import registry
from desk.ingest.base import ParsedItem, Posted, Rejected, Skipped, Source
from tests.clirun import run_cli

# The fields compared for an item; a field a row does not give must be None ({} for extra).
ITEM_FIELDS = (
    "platform", "kind", "platform_id", "url", "text", "author_name", "author_handle",
    "title", "posted", "extra",
)  # fmt: skip
SHA256_OF_INPUT = "sha256:<of the input>"  # an article's id: the sha256 of its bytes


def item(**fields: Any) -> dict[str, Any]:
    return {"extra": {}} | {name: None for name in ITEM_FIELDS if name != "extra"} | fields


def rejected(reason: str, record: int | None = 1, line: int | None = None) -> Rejected:
    return Rejected(record=record, reason=reason, line=line)


@dataclass(frozen=True)
class Found:
    id: str
    format: str
    data: bytes
    expect: tuple[dict[str, Any] | Rejected | Skipped, ...]
    seconds: float = 2.0


SPACES = 256_000  # the regex took 1.7 s for 64k spaces, quadratically more for this
MASTODON_REST = (
    b'"created_at":"2024-01-01T00:00:00.000Z","content":"<p>hi</p>","visibility":"public",'
    b'"account":{"id":"9","username":"a","acct":"a","url":"https://m.example/@a","display_name":"A"}'
)
HUGE = b"7" * 5000  # Python reads no int of more than 4300 digits
QUOTES = 100_000  # `\"` escapes: 64 KiB of them took 1.7 s a chunk

FOUND = (
    # paste: a byline year under 1000 printed as "202-03-03T…" by glibc strftime
    Found(
        "text-year-202",
        "text",
        "Water over the bridge.\n\u2014 Valley Watch (@valley_watch) March 3, 202\n".encode(),
        (
            item(
                platform="web",
                kind="article",
                platform_id=SHA256_OF_INPUT,
                text="Water over the bridge.\n\u2014 Valley Watch (@valley_watch) March 3, 202",
                extra={"quoted_posts": 1},
            ),
            item(
                platform="twitter",
                kind="post",
                text="Water over the bridge.",
                author_name="Valley Watch",
                author_handle="valley_watch",
                posted=Posted("0202-03-03T00:00:00Z", "day", False),
                extra={"byline": "March 3, 202"},
            ),
        ),
    ),
    # the same fault in the tweet reader's own time formatting (_twitter.tweet_time)
    Found(
        "twitter-v1-year-202",
        "twitter-v1",
        b'{"id":1,"id_str":"1","created_at":"Wed Oct 10 20:19:24 +0000 0202","text":"hi",'
        b'"user":{"id":2,"id_str":"2","screen_name":"a","name":"A"}}',
        (
            item(
                platform="twitter",
                kind="post",
                platform_id="1",
                url="https://twitter.com/a/status/1",
                text="hi",
                author_name="A",
                author_handle="a",
                posted=Posted("0202-10-10T20:19:24Z", "second", True),
                extra={"api": "v1.1", "author_id": "2"},
            ),
        ),
    ),
    # clean_text: trailing spaces cut by a regex quadratic in a long run of spaces (a hang)
    Found(
        "twitter-embed-long-space-run",
        "twitter-embed",
        b'<blockquote class="twitter-tweet"><p>'
        + b" " * SPACES
        + b'x</p>\n&mdash; A (@a) <a href="https://twitter.com/a/status/1">March 3, 2024</a>'
        b"</blockquote>",
        (
            item(
                platform="twitter",
                kind="post",
                platform_id="1",
                url="https://twitter.com/a/status/1",
                text="x",
                author_name="A",
                author_handle="a",
                posted=Posted("2024-03-03T00:00:00Z", "day", False),
                extra={"embed": "blockquote", "byline_date": "March 3, 2024"},
            ),
        ),
    ),
    # jsondocs: the streamed depth guard rescanned a chunk at every quote of a string it ends in
    Found(
        "bluesky-feed-escaped-quotes",
        "bluesky",
        b'{"feed":[{"post":{"uri":"at://did:plc:abc/app.bsky.feed.post/3k","cid":"b",'
        b'"author":{"did":"did:plc:abc","handle":"a.bsky.social"},'
        b'"record":{"$type":"app.bsky.feed.post","text":"' + b'\\"' * QUOTES + b'",'
        b'"createdAt":"2024-01-01T00:00:00.000Z"},"indexedAt":"2024-01-01T00:00:00.000Z"}}]}',
        (
            item(
                platform="bluesky",
                kind="post",
                platform_id="at://did:plc:abc/app.bsky.feed.post/3k",
                url="https://bsky.app/profile/a.bsky.social/post/3k",
                text='"' * QUOTES,
                author_handle="a.bsky.social",
                posted=Posted("2024-01-01T00:00:00Z", "second", True),
                extra={"did": "did:plc:abc", "indexed_at": "2024-01-01T00:00:00Z"},
            ),
        ),
    ),
    # mastodon: `tags` and `mentions` that are numbers (TypeError out of the server-hint pass)
    Found(
        "mastodon-tags-number",
        "mastodon",
        b'{"id":"1","uri":"https://m.example/users/a/statuses/1","url":"https://m.example/@a/1",'
        + MASTODON_REST
        + b',"tags":1,"mentions":9}',
        (
            item(
                platform="mastodon",
                kind="post",
                platform_id="https://m.example/users/a/statuses/1",
                url="https://m.example/@a/1",
                text="hi",
                author_name="A",
                author_handle="a@m.example",
                posted=Posted("2024-01-01T00:00:00Z", "second", True),
                extra={
                    "id": "1",
                    "server": "m.example",
                    "local_id": "1@m.example",
                    "visibility": "public",
                },
            ),
        ),
    ),
    # mastodon: a streaming message whose `event` is a list (TypeError: unhashable)
    Found(
        "mastodon-stream-event-list",
        "mastodon",
        b'{"event":["update"],"payload":"{}"}\n',
        (rejected("not a Mastodon Status, timeline, search result, context or edit history"),),
    ),
    # urls.host_of: a CSI (U+009B) in an account URL's host reached the author handle
    Found(
        "mastodon-host-with-csi",
        "mastodon",
        b'{"id":"1","uri":"https://m.example/users/a/statuses/1","url":"https://m.example/@a/1",'
        b'"created_at":"2024-01-01T00:00:00.000Z","content":"<p>hi</p>","visibility":"public",'
        b'"account":{"id":"9","username":"a","acct":"a","url":"https://m.exa\\u009b2Jmple/@a"}}',
        (
            item(
                platform="mastodon",
                kind="post",
                platform_id="https://m.example/users/a/statuses/1",
                url="https://m.example/@a/1",
                text="hi",
                author_handle="a",
                posted=Posted("2024-01-01T00:00:00Z", "second", True),
                extra={"id": "1", "visibility": "public"},
            ),
        ),
    ),
    # values.str_or_none: ids of a lone surrogate or an escape reached extra (unstorable), a
    # blank platform_id and a reply ref; such an id is no id
    Found(
        "mastodon-ids-surrogate-and-escape",
        "mastodon",
        b'{"id":"\\ud83d","uri":"\\u001b]5810","url":"https://m.example/@a/1",'
        b'"in_reply_to_id":"\\ud800",' + MASTODON_REST + b"}",
        (
            item(
                platform="mastodon",
                kind="post",
                url="https://m.example/@a/1",
                text="hi",
                author_name="A",
                author_handle="a@m.example",
                posted=Posted("2024-01-01T00:00:00Z", "second", True),
                extra={"server": "m.example", "visibility": "public"},
            ),
        ),
    ),
    # jetstream: a `kind` that is a list was looked up in a set (TypeError: unhashable)
    Found(
        "jetstream-kind-list",
        "jetstream",
        b'{"did":"did:plc:a","time_us":1,"kind":["commit"]}\n',
        (rejected("not a Jetstream event (no did, time_us, kind)"),),
    ),
    # telegram: `date_unixtime: []` raised TypeError in times.from_unix; `date` still gives the time
    Found(
        "telegram-date-unixtime-list",
        "telegram",
        b'{"name":"c","type":"personal_chat","id":3,"messages":[{"id":4,"type":"message",'
        b'"date":"2024-01-01T10:00:00","date_unixtime":[],"text":"hi"}]}',
        (
            item(
                platform="telegram",
                kind="post",
                platform_id="chat:c/4",
                text="hi",
                posted=Posted("2024-01-01T10:00:00Z", "second", False),
                extra={"chat_id": "3", "chat_name": "c", "chat_type": "personal_chat"},
            ),
        ),
    ),
    # telegram: a lone surrogate in the chat's type went to extra, which the store cannot encode
    Found(
        "telegram-chat-type-surrogate",
        "telegram",
        b'{"name":"c","type":"\\ud83d","id":3,"messages":[{"id":4,"type":"message",'
        b'"date":"2024-01-01T10:00:00","text":"hi"}]}',
        (
            item(
                platform="telegram",
                kind="post",
                platform_id="chat:c/4",
                text="hi",
                posted=Posted("2024-01-01T10:00:00Z", "second", False),
                extra={"chat_id": "3", "chat_name": "c", "chat_type": "\ufffd"},
            ),
        ),
    ),
    # telegram HTML: a comment in the sender's name (text_content() on it raised ValueError)
    Found(
        "telegram-html-comment-in-name",
        "telegram",
        b'<div class="history"><div class="message default" id="message1"><div class="body">'
        b'<div class="from_name">Ann<!-- c --> Lee</div><div class="text">hi</div></div></div></div>',
        (
            item(
                platform="telegram",
                kind="post",
                platform_id="html:unknown chat/1",
                text="hi",
                author_name="Ann Lee",
            ),
        ),
    ),
    # telegram: a chat id of a lone surrogate went to extra, which the store cannot encode
    Found(
        "telegram-chat-id-surrogate",
        "telegram",
        b'{"name":"c","type":"personal_chat","id":"\\udffb","messages":[{"id":4,'
        b'"type":"message","date":"2024-01-01T10:00:00","text":"hi"}]}',
        (
            item(
                platform="telegram",
                kind="post",
                platform_id="chat:c/4",
                text="hi",
                posted=Posted("2024-01-01T10:00:00Z", "second", False),
                extra={"chat_name": "c", "chat_type": "personal_chat"},
            ),
        ),
    ),
    # jsondocs: an integer past Python's 4300 digits raised ValueError, not JSONDecodeError
    Found(
        "telegram-huge-integer",
        "telegram",
        b'{"name":"c","id":' + HUGE + b',"messages":[]}',
        (rejected("invalid JSON: a number of more than 4300 digits", record=None),),
    ),
    # html: character references to what lxml refuses (&#7;, U+FFFF) decoded into the tree,
    # then drop_tree raised ValueError; and a UTF-16 page holding U+FFFF itself
    Found(
        "html-refs-to-refused-characters",
        "html",
        b"<p>Para&#7;graph&#xffff;</p><script></script>",
        (item(platform="web", kind="article", platform_id=SHA256_OF_INPUT, text="Paragraph"),),
    ),
    Found(
        "html-utf16-uffff",
        "html",
        "<p>a\uffffb<script></script>".encode("utf-16"),
        (item(platform="web", kind="article", platform_id=SHA256_OF_INPUT, text="ab"),),
    ),
    # csv: a CrowdTangle platformId of control characters only became a blank platform_id
    Found(
        "csv-platform-id-escape-only",
        "csv",
        b'"platformId","postUrl","message","date"\n'
        b"\x1b,https://x.example/p/1,hi,2024-01-01 10:00:00\n",
        (
            item(
                platform="facebook",
                kind="post",
                url="https://x.example/p/1",
                text="hi",
                posted=Posted("2024-01-01T10:00:00Z", "second", False),
                extra={"export": "crowdtangle-api"},
            ),
        ),
    ),
    # twitter-embed, claimreview, html: json.loads raised ValueError (no JSONDecodeError) on
    # an integer past 4300 digits; each reader caught only JSONDecodeError
    Found(
        "twitter-embed-oembed-huge-integer",
        "twitter-embed",
        b'{"html":"x","n":' + HUGE + b"}",
        (rejected("invalid JSON: a number of more than 4300 digits"),),
    ),
    Found(
        "claimreview-stored-page-huge-integer",
        "claimreview",
        b'{"url":"https://f.example/a","page":"<html><script type=\\"application/ld+json\\">'
        b'{\\"n\\":' + HUGE + b'}</script></html>"}',
        (
            rejected("JSON-LD block 1: a number of more than 4300 digits"),
            rejected("no ClaimReview JSON-LD in the stored page", record=None),
        ),
    ),
    Found(
        "html-jsonld-huge-integer",
        "html",
        b'<html><head><title>T</title><script type="application/ld+json">{"n":'
        + HUGE
        + b"}</script></head><body><p>Body text</p></body></html>",
        (
            item(
                platform="web",
                kind="article",
                platform_id=SHA256_OF_INPUT,
                text="Body text",
                title="T",
            ),
            rejected("JSON-LD block 1: invalid JSON: a number of more than 4300 digits", record=2),
        ),
    ),
    # html: control characters kept in lxml's tree made drop_tree raise ValueError
    Found(
        "html-control-before-script",
        "html",
        b"\x01<script></script>\n<p>Para\x02graph \x1b[31mred</p>",
        (item(platform="web", kind="article", platform_id=SHA256_OF_INPUT, text="Paragraph red"),),
    ),
    # mastodon: an in_reply_to_id of several lines (a whole post) became a reply reference
    Found(
        "mastodon-reply-id-of-lines",
        "mastodon",
        b'[{"id":"1","uri":"https://m.example/s/1","in_reply_to_id":"two\\nlines",'
        b'"content":"<p>hi</p>","visibility":"public","created_at":"2024-01-01T00:00:00.000Z",'
        b'"account":{"id":"9","username":"a","acct":"a","url":"https://m.example/@a"}}]',
        (
            item(
                platform="mastodon",
                kind="post",
                platform_id="https://m.example/s/1",
                url="https://m.example/s/1",
                text="hi",
                author_handle="a@m.example",
                posted=Posted("2024-01-01T00:00:00Z", "second", True),
                extra={
                    "id": "1",
                    "server": "m.example",
                    "local_id": "1@m.example",
                    "visibility": "public",
                },
            ),
        ),
    ),
    # feed: a UTF-16 document declaring an encoding expat does not know raised LookupError
    # out of the entry-span scan
    Found(
        "feed-utf16-bogus-encoding",
        "feed",
        (
            '\ufeff<?xml version="1.0" encoding="bogus"?>\n<rss version="2.0"><channel>'
            "<title>Valley Watch</title><item><title>Bridge closed</title>"
            "<guid>https://valley.example/a</guid></item></channel></rss>"
        ).encode("utf-16-le"),
        (
            item(
                platform="rss",
                kind="feed-entry",
                platform_id="https://valley.example/a",
                url="https://valley.example/a",
                text="",
                title="Bridge closed",
                extra={
                    "feed_title": "Valley Watch",
                    "feed_warning": "CharacterEncodingOverride: document declared as bogus,"
                    " but parsed as utf-16le",
                    "raw_note": "the entry's own bytes could not be located (the document is"
                    " not well-formed XML to its end); raw is feedparser's reading of it",
                },
            ),
        ),
    ),
    # twitter-v1: a minute of 40 digits made dateutil raise decimal.InvalidOperation
    Found(
        "twitter-v1-minute-of-40-digits",
        "twitter-v1",
        b'[{"id":1,"id_str":"1","text":"hi","user":{"screen_name":"a","name":"A"},'
        b'"created_at":"Sat Jul 13 02:' + b"27" + b"1" * 38 + b':54 +0000 2019"}]',
        (
            item(
                platform="twitter",
                kind="post",
                platform_id="1",
                url="https://twitter.com/a/status/1",
                text="hi",
                author_name="A",
                author_handle="a",
                extra={"api": "v1.1"},
            ),
        ),
    ),
)


def _outcome(
    out: ParsedItem | Rejected | Skipped, data: bytes
) -> dict[str, Any] | Rejected | Skipped:
    if not isinstance(out, ParsedItem):
        return out
    fields = {name: getattr(out, name) for name in ITEM_FIELDS}
    if fields["platform_id"] == "sha256:" + hashlib.sha256(data).hexdigest():
        fields["platform_id"] = SHA256_OF_INPUT
    return fields


@pytest.mark.parametrize("case", FOUND, ids=[case.id for case in FOUND])
def test_what_the_fuzzer_found(case: Found) -> None:
    module = registry.by_name(case.format)
    got = tuple(_outcome(out, case.data) for out in module.parse(Source("found", data=case.data)))
    assert got == case.expect
    started = time.perf_counter()  # again, timed without the first call's lazy imports
    for _ in module.parse(Source("found", data=case.data)):
        pass
    elapsed = time.perf_counter() - started
    assert elapsed < case.seconds, f"{elapsed:.1f} s"


def test_the_table_has_one_row_per_failure() -> None:
    assert len({case.id for case in FOUND}) == len(FOUND)
    known = {module.NAME for module in registry.formats()}
    assert {case.format for case in FOUND} <= known


def test_unknown_json_with_a_huge_number_says_so_from_the_cli(tmp_path: Path) -> None:
    """The pipeline's "why no format took it" read the JSON again and raised ValueError."""
    desk = tmp_path / "d.desk"
    Store(desk, create=True).close()
    source = tmp_path / "big.json"
    source.write_bytes(b'{"zz":' + b"7" * 5000 + b"}")
    ran = run_cli(desk, "ingest", str(source))
    assert ran.code == 1
    assert ran.err.strip() == f"{source}: invalid JSON (a number of more than 4300 digits)"


def test_a_desk_page_byline_year_past_a_c_long_is_no_time() -> None:
    """desk-md (seed 7): `datetime(99999999999999999999, ...)` raised OverflowError, not
    ValueError, out of the desk Markdown reader's byline date."""
    from desk.ingest.formats.markdown_page import posted_from

    assert posted_from("September 19, 99999999999999999999") is None
    assert posted_from("September 99999999999999999999") is None
    assert posted_from("September 19, 2023") == Posted("2023-09-19T00:00:00Z", "day", False)
