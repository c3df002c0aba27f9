"""Pasted text: a live page quoting posts with bylines, plain notes, hostile pastes.

The sample below is fictional (an invented town, people and handles) and
mimics a live-news page copied out of a browser: a headline, a "quick
recap" list with fuzzy dates, reporter prose and three quoted posts with
their bylines (em dash, `&mdash;` and `--`; a pic.twitter.com link; a text
cut with `…`; a status URL).
"""

from __future__ import annotations

import hashlib
import time

import pytest

from desk.ingest import times
from desk.ingest.base import Ref, Sample, Source
from desk.ingest.formats import html_page, paste, twitter_embed
from tests.corpus import CORPUS, corpus_files, corpus_path
from tests.ingest.helpers import Parsed, parse

LIVE_PAGE = """\
Live: Flash flood hits Varna Hollow as the Tesk river breaks its banks

Updated March 3, 2024, 9:40 p.m.

Quick recap
- The Tesk river rose almost two metres in three hours on Sunday afternoon, after a week of rain over the Korven hills.
- Since December, the county has recorded twice its usual rainfall; the old levee east of Mill Street was last repaired in the fall of 2020.
- The mayor, Ilse Marten, ordered the evacuation of the lower town at 4 p.m.; about 1,200 residents are in the school gym on Orchard Road.
- Nobody has been reported missing so far, the county fire service says.

Local volunteers have been posting from the river banks all afternoon.

Water is over the Mill Street bridge now. Stay off the east road, it is cut at the bakery. pic.twitter.com/Vh0Fl00d1x
\u2014 Valley Watch (@valley_watch) March 3, 2024

The county fire service confirmed the closure a few minutes later.

All roads into the lower town are closed until further notice.
Do not try to drive through flood water: 30 cm is enough to float a car. https://t.co/q8FxK2sLwA
&mdash; Korven County Fire (@korven_fire) March 3, 2024

Not every post circulating tonight is accurate. This one, shared thousands of times, shows a collapsed bridge that is not in Varna Hollow; our verification team is checking where it was taken.

BREAKING: the dam above Varna Hollow has burst, the whole valley will be under water within the hour, get out now!!! \u2026
-- Tesk Alerts 24 (@tesk_alerts24) March 3, 2024 https://twitter.com/tesk_alerts24/status/1764391234567890123

We will keep updating this page through the night.
"""


def run(data: bytes | str) -> Parsed:
    return parse(paste, data, "-")


def test_live_page_paste() -> None:
    data = LIVE_PAGE.encode("utf-8")
    paste_id = "sha256:" + hashlib.sha256(data).hexdigest()
    items, rejected = run(data)

    assert (len(items), len(rejected)) == (4, 0)
    article, *posts = items
    assert (article.platform, article.kind, article.platform_id) == ("web", "article", paste_id)
    assert article.raw == data
    assert article.title == "Live: Flash flood hits Varna Hollow as the Tesk river breaks its banks"
    # the recap and the prose stay in the article's text; the entity is decoded
    assert "- Since December, the county has recorded twice its usual rainfall" in article.text
    assert "in the fall of 2020" in article.text
    assert "Not every post circulating tonight is accurate." in article.text
    assert "&mdash;" not in article.text and "\u2014 Korven County Fire" in article.text
    assert article.extra["quoted_posts"] == 3

    assert [p.record for p in posts] == [2, 3, 4]
    assert [p.platform for p in posts] == ["twitter"] * 3
    assert [p.author_handle for p in posts] == ["valley_watch", "korven_fire", "tesk_alerts24"]
    assert [p.author_name for p in posts] == [
        "Valley Watch",
        "Korven County Fire",
        "Tesk Alerts 24",
    ]
    assert [p.author_url for p in posts] == [
        "https://twitter.com/valley_watch",
        "https://twitter.com/korven_fire",
        "https://twitter.com/tesk_alerts24",
    ]
    for post in posts:
        assert post.kind == "post"
        assert post.posted == times.from_day("March 3, 2024")
        assert post.posted is not None and post.posted.precision == "day"
        assert not post.posted.tz_known
        assert post.refs == (Ref("embedded-in", platform="web", platform_id=paste_id),)
        assert post.raw in data  # cut out of the paste, byte for byte

    first, second, third = posts
    assert first.text == (
        "Water is over the Mill Street bridge now. Stay off the east road, it is cut at the "
        "bakery. pic.twitter.com/Vh0Fl00d1x"
    )
    assert [m.url for m in first.media] == ["https://pic.twitter.com/Vh0Fl00d1x"]
    assert first.platform_id is None and first.url is None  # no status URL: no id invented

    # a two-line post is kept whole; the reporter's prose above the blank line is not in it
    assert second.text.startswith(
        "All roads into the lower town are closed until further notice.\n"
    )
    assert "confirmed the closure" not in second.text
    assert second.raw.endswith(b"&mdash; Korven County Fire (@korven_fire) March 3, 2024\n")

    assert third.text.startswith("BREAKING: the dam above Varna Hollow has burst")
    assert third.extra["truncated"] is True
    assert third.platform_id == "1764391234567890123"
    assert third.url == "https://twitter.com/tesk_alerts24/status/1764391234567890123"
    assert third.extra["snowflake_time"].startswith("2024-03-03")
    assert "accurate" not in third.text


def test_same_paste_same_ids() -> None:
    one = run(LIVE_PAGE)[0]
    two = run(LIVE_PAGE)[0]
    assert [(i.platform, i.platform_id, i.text) for i in one] == [
        (i.platform, i.platform_id, i.text) for i in two
    ]


def test_plain_note() -> None:
    text = "Sandbags are running out at the Orchard Road depot, per the foreman.\n"
    items, rejected = run(text)
    assert rejected == [] and len(items) == 1
    note = items[0]
    assert (note.platform, note.kind, note.author_name, note.author_handle) == (
        "manual",
        "post",
        None,
        None,
    )
    assert note.platform_id == "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    assert note.text == text.strip()


# --- byline shapes ---------------------------------------------------------------


def test_byline_on_the_same_line_as_the_text() -> None:
    items, _ = run(
        "Sirens all over Varna Hollow tonight. \u2014 Ana Ruiz (@ana_ruiz) March 3, 2024"
    )
    assert items[1].text == "Sirens all over Varna Hollow tonight."
    assert items[1].author_handle == "ana_ruiz"


def test_date_on_the_line_after_the_byline_and_posts_without_blank_lines() -> None:
    text = (
        "Water still rising on Mill Street\n"
        "\u2014 Valley Watch (@valley_watch)\n"
        "March 3, 2024\n"
        "Pumps arriving from Korven\n"
        "\u2014 Korven County Fire (@korven_fire) March 4, 2024\n"
    )
    items, rejected = run(text)
    assert rejected == []
    assert [i.text for i in items[1:]] == [
        "Water still rising on Mill Street",
        "Pumps arriving from Korven",
    ]
    assert items[1].posted == times.from_day("March 3, 2024")
    assert items[2].posted == times.from_day("March 4, 2024")


def test_mastodon_and_bluesky_handles() -> None:
    text = (
        "Shelter at the school gym is full.\n"
        "\u2014 Mira Holm (@mira@social.example) March 3, 2024\n\n"
        "Boats are out on Orchard Road.\n"
        "\u2014 Bo Lind (@bo.bsky.social) 10:15 PM \u00b7 Mar 3, 2024\n"
    )
    items, _ = run(text)
    toot, skeet = items[1], items[2]
    assert (toot.platform, toot.author_handle, toot.author_url) == (
        "mastodon",
        "mira@social.example",
        "https://social.example/@mira",
    )
    assert (skeet.platform, skeet.author_handle) == ("bluesky", "bo.bsky.social")
    assert skeet.posted is not None
    assert (skeet.posted.at, skeet.posted.precision) == ("2024-03-03T22:15:00Z", "minute")


def test_x_status_url_in_the_post() -> None:
    text = (
        "Levee breach confirmed https://x.com/korven_fire/status/1764399999999999999?s=20\n"
        "\u2014 Korven County Fire (@korven_fire) March 3, 2024\n"
    )
    post = run(text)[0][1]
    assert post.platform_id == "1764399999999999999"
    assert post.url == "https://twitter.com/korven_fire/status/1764399999999999999"


@pytest.mark.parametrize(
    "text",
    [
        "- The sheriff (@varnasheriff) said the roads were closed.\n- More at six.",
        "Residents \u2014 including Mayor Ana Ruiz (@mayor_ruiz) \u2014 were evacuated.",
        "Contact us (@desk_tips) if you have photos from the valley.",
    ],
)
def test_prose_mentioning_handles_is_not_a_byline(text: str) -> None:
    items, rejected = run(text)
    assert rejected == [] and len(items) == 1 and items[0].platform == "manual"


def test_byline_with_nothing_above_is_rejected() -> None:
    items, rejected = run("\u2014 Valley Watch (@valley_watch) March 3, 2024\n")
    assert len(items) == 1 and items[0].kind == "article"
    assert rejected[0].record == 2 and "valley_watch" in rejected[0].reason


# --- detection -------------------------------------------------------------------


def test_detect_lowest_priority_for_text() -> None:
    assert paste.detect(Sample(LIVE_PAGE.encode(), "-")) == 5
    assert paste.detect(Sample("Всё затоплено 🌊 \u05de\u05d9\u05dd".encode(), "-")) == 5
    assert paste.detect(Sample("caf\u00e9 au bord de l'eau".encode("cp1252"), "-")) == 5


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t",
        b"\x00\x01\x02\x03 binary",
        bytes(range(256)) * 8,
        b'{"id": 1, "text": "json"}',
        b'[{"id": 1}]',
        b"[]",
        b'<?xml version="1.0"?><rss><channel></channel></rss>',
        b"<!-- comment -->\n<feed></feed>",
        b"<!DOCTYPE html><html><body>page</body></html>",
        b"interactions:\n- request:\n    body: null\n    method: GET\n",
        b"id,text,author\n1,hello,a\n2,world,b\n",
    ],
)
def test_detect_zero_for_binary_and_structured_data(data: bytes) -> None:
    assert paste.detect(Sample(data, "x")) == 0


ALL_CORPUS = [f for f in corpus_files(".") if f != "SOURCES.md"]  # SOURCES.md describes the corpus


@pytest.mark.parametrize("relative", ALL_CORPUS)
def test_no_corpus_file_is_taken_for_a_paste(relative: str) -> None:
    """Every corpus file is structured data for some format: never a plain note."""
    sample = Source(relative, path=corpus_path(relative)).sample()
    assert paste.detect(sample) == 0


def test_corpus_is_listed() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    assert len(ALL_CORPUS) > 100


def test_embeds_and_pages_outrank_paste() -> None:
    path = corpus_path("twitter/embedded_html_from_meedan_fetch/thip_raw.twitter-tweet0.html")
    sample = Source(path.name, path=path).sample()
    assert twitter_embed.detect(sample) > paste.detect(sample)
    assert html_page.detect(Sample(b"<!doctype html><html></html>", "p")) > paste.detect(
        Sample(b"<!doctype html><html></html>", "p")
    )


# --- hostile input ---------------------------------------------------------------


def test_escapes_markup_and_bidi_are_cleaned() -> None:
    text = (
        "\x1b[31mRED ALERT\x1b[0m [bold red]evacuate[/] \u202etxt.exe\x1b]52;c;ZXZpbA==\x07\n"
        "\u2014 Tesk\x1b[2J Alerts\u202e (@tesk_alerts24) March 3, 2024\n"
    )
    items, _ = run(text)
    for item in items:
        for value in (item.text, item.author_name or "", item.title or ""):
            assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
    assert "[bold red]evacuate[/]" in items[1].text  # kept as literal text
    assert items[1].author_name == "Tesk Alerts"


def test_wrong_encoding_cp1252() -> None:
    text = "Le caf\u00e9 de la place est inond\u00e9.\n\u2014 Val\u00e9rie Dupr\u00e9 (@vdupre) March 3, 2024\n"
    data = text.encode("cp1252")
    items, rejected = run(data)
    assert rejected == []
    assert items[1].text == "Le caf\u00e9 de la place est inond\u00e9."
    assert items[1].author_name == "Val\u00e9rie Dupr\u00e9"
    assert items[1].raw in data  # raw stays in the paste's own encoding
    assert items[0].extra["encoding"] == "cp1252"


def test_utf8_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + LIVE_PAGE.replace("\n", "\r\n").encode()
    items, rejected = run(data)
    assert (len(items), len(rejected)) == (4, 0)
    assert items[1].author_handle == "valley_watch"
    assert "\r" not in items[0].text


def test_empty_and_binary() -> None:
    assert run(b"")[1][0].reason == "empty input"
    assert run(b"\n\n  ")[1][0].reason == "empty input"
    items, rejected = run(b"\x00\xff\x00\xfe" * 100)
    assert items == [] and len(rejected) == 1
    assert run(b"\x1b[31m\x1b[0m")[1][0].record == 1  # only escapes: nothing to keep


def test_truncated_paste() -> None:
    data = LIVE_PAGE.encode()
    for cut in range(0, len(data), 97):
        items, rejected = run(data[:cut])
        assert len(items) + len(rejected) >= 1


def test_ten_megabyte_paste() -> None:
    big = "water " * (10 * 1024 * 1024 // 6)
    text = big + "\n\u2014 Valley Watch (@valley_watch) March 3, 2024\n"
    started = time.perf_counter()
    items, rejected = run(text)
    assert rejected == [] and len(items) == 2
    assert len(items[1].text) > 10_000_000
    assert time.perf_counter() - started < 10
