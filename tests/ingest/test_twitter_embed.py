"""X/Twitter embed blockquotes and oEmbed JSON: real corpus files, variants, hostile input.

Expected values are read from each corpus file in the test itself (with
lxml / json, independently of the parser) rather than typed in.
"""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path

import lxml.html
import pytest

from desk.ingest import times
from desk.ingest.base import Posted, Sample, Source
from desk.ingest.formats import html_page, paste, twitter_embed
from tests.corpus import corpus_files, corpus_path
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

MEEDAN = "twitter/embedded_html_from_meedan_fetch/"
TWEEPY = "twitter/extracted_from_tweepy_cassettes/"
OEMBED_JSON = TWEEPY + "testgetoembed__00_GET_1.1_statuses_oembed.json"

row = partial(
    CorpusCase, format="twitter-embed", detect=80, fields={"platform": "twitter", "kind": "post"}
)
# Each file is one embed blockquote: one tweet, nothing rejected.
EMBEDS = (
    row(MEEDAN + "animal_politico_index.twitter-tweet0.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet1.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet10.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet11.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet2.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet4.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet5.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet6.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet7.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet8.html", 1),
    row(MEEDAN + "animal_politico_index.twitter-tweet9.html", 1),
    row(MEEDAN + "thip_raw.twitter-tweet0.html", 1),
    row(MEEDAN + "twenty_minutes_raw.twitter-tweet0.html", 1),
    row(MEEDAN + "vishvas_news_english_raw.twitter-tweet0.html", 1),
    row(TWEEPY + "testgetoembed__00_oembed_html_field.html", 1),
)
OEMBED = row(OEMBED_JSON, 1, detect=90)
CASES = (*EMBEDS, OEMBED)


def run(source: Source) -> Parsed:
    return parse(twitter_embed, source)


def run_html(html: str | bytes) -> Parsed:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return run(Source("paste.html", data=data))


def expected_from_embed(html: str) -> dict[str, object]:
    """What the embed says, read with lxml and string methods, not with the parser."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    quote = root.xpath(".//blockquote")[0]
    link = quote.xpath(".//a")[-1]
    href = link.get("href")
    path = href.split("?")[0].rstrip("/").split("/")
    byline = quote.text_content()
    handle = byline[byline.rfind("(@") + 2 : byline.rfind(")")]
    first_p = quote.xpath("./p")[0]
    return {
        "id": path[-1],
        "url_handle": path[-3],
        "byline_handle": handle,
        "date": link.text_content().strip(),
        "first_words": " ".join(first_p.text_content().split()[:4]),
        "lang": first_p.get("lang"),
    }


def test_the_tables_cover_every_embed_file() -> None:
    found = corpus_files(MEEDAN) + corpus_files(TWEEPY, "testgetoembed__*")
    if not found:
        pytest.skip("the shared corpus is absent")
    assert set(found) == {case.file for case in CASES}


@corpus_table(EMBEDS)
def test_corpus_embed_file(case: CorpusCase) -> None:
    run = run_case(case)
    path, items, rejected = run.path, run.items, run.rejected
    html = path.read_text(encoding="utf-8")
    expected = expected_from_embed(html)

    assert (len(items), len(rejected)) == (1, 0)
    item = items[0]
    assert item.platform == "twitter" and item.kind == "post"
    assert item.platform_id == expected["id"]
    assert item.author_handle == expected["url_handle"] == expected["byline_handle"]
    assert item.url == f"https://twitter.com/{expected['url_handle']}/status/{expected['id']}"
    assert item.author_url == f"https://twitter.com/{expected['url_handle']}"
    assert item.posted == times.from_day(str(expected["date"]))
    assert item.posted is not None and item.posted.precision == "day" and not item.posted.tz_known
    assert item.text.startswith(str(expected["first_words"]))
    assert item.lang == expected["lang"]
    assert item.raw == path.read_bytes()  # a lone embed keeps the file's exact bytes
    assert item.record == 1
    # The byline is not part of the post text.
    assert "(@" + str(expected["byline_handle"]) + ")" not in item.text
    assert "\u2014" not in item.text
    # pic.twitter.com links become photos.
    pics = [w for w in item.text.split() if w.startswith("pic.twitter.com/")]
    assert [m.url for m in item.media] == ["https://" + w for w in pics]
    assert all(m.type == "photo" for m in item.media)


def test_corpus_oembed_json() -> None:
    run = run_case(OEMBED)
    path, items, rejected = run.path, run.items, run.rejected
    obj = json.loads(path.read_text(encoding="utf-8"))
    expected = expected_from_embed(obj["html"])

    assert (len(items), len(rejected)) == (1, 0)
    item = items[0]
    assert item.platform_id == expected["id"] == obj["url"].rsplit("/", 1)[1]
    assert item.url == obj["url"]  # already canonical in this file
    assert item.author_name == obj["author_name"]
    assert item.author_url == obj["author_url"]
    assert item.author_handle == expected["url_handle"]
    assert item.posted == times.from_day(str(expected["date"]))
    assert item.text.startswith(str(expected["first_words"]))
    assert '"As  usage patterns change' in item.text  # &quot; decoded
    assert item.raw == path.read_bytes()
    assert item.extra["embed"] == "oembed"
    assert item.extra["oembed_provider_name"] == obj["provider_name"]


def test_oembed_and_its_html_field_are_the_same_tweet() -> None:
    from_json = run(Source("j", path=corpus_path(OEMBED_JSON)))[0][0]
    from_html = run(
        Source(
            "h",
            path=corpus_path(
                "twitter/extracted_from_tweepy_cassettes/testgetoembed__00_oembed_html_field.html"
            ),
        )
    )[0][0]
    for field in ("platform_id", "url", "text", "author_handle", "posted", "lang"):
        assert getattr(from_json, field) == getattr(from_html, field)


def test_wordpress_variant_multi_paragraph() -> None:
    """WordPress puts the byline in its own <p>; tweet paragraphs stay separate."""
    path = corpus_path(
        "twitter/embedded_html_from_meedan_fetch/animal_politico_index.twitter-tweet10.html"
    )
    root = lxml.html.fragment_fromstring(path.read_text(encoding="utf-8"), create_parent="div")
    paragraphs = root.xpath(".//blockquote/p")
    item = run(Source(path.name, path=path))[0][0]
    # every <p> but the byline one is in the text, as its own paragraph
    assert item.text.count("\n\n") == len(paragraphs) - 2
    assert item.author_name == paragraphs[-1].text_content().split("(@")[0].strip("\u2014 \n")


def test_snowflake_time_is_kept_and_agrees_with_the_byline() -> None:
    path = corpus_path("twitter/embedded_html_from_meedan_fetch/thip_raw.twitter-tweet0.html")
    item = run(Source(path.name, path=path))[0][0]
    assert item.posted is not None
    assert item.extra["snowflake_time"].startswith(item.posted.at[:10])


# --- detection -----------------------------------------------------------------


@corpus_table(EMBEDS)
def test_detect_claims_embed_fragments(case: CorpusCase) -> None:
    sample = Source("x", path=corpus_path(case.file)).sample()
    score = twitter_embed.detect(sample)
    assert score >= 80
    assert score > html_page.detect(sample)
    assert score > paste.detect(sample)


def test_detect_oembed_json() -> None:
    assert twitter_embed.detect(Source("x", path=corpus_path(OEMBED_JSON)).sample()) == 90


@pytest.mark.parametrize(
    "relative",
    [
        "telegram/langchain_unit_tests_html/messages.html",
        "twitter/extracted_from_tweepy_cassettes/testgetstatus__00_GET_1.1_statuses_show.json",
        "rss_atom/feedparser/illformed/always_strip_doctype.xml",
        "claimreview/meedan_fetch_spec_fixtures/afp_raw.json",
    ],
)
def test_detect_zero_for_other_formats(relative: str) -> None:
    assert twitter_embed.detect(Source("x", path=corpus_path(relative)).sample()) == 0


def test_detect_leaves_whole_pages_to_html_page() -> None:
    page = (
        "<!DOCTYPE html><html><body><article><p>Story</p>"
        + OLD_VARIANT
        + "</article></body></html>"
    )
    sample = Sample(page.encode(), "p.html")
    assert twitter_embed.detect(sample) == 0
    assert html_page.detect(sample) == 30


def test_detect_ignores_feeds_carrying_embeds_in_cdata() -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><item><description><![CDATA['
        + X_VARIANT
        + "]]></description></item></channel></rss>"
    )
    assert twitter_embed.detect(Sample(feed.encode(), "f.xml")) == 0


# --- variants --------------------------------------------------------------------

OLD_VARIANT = (
    '<blockquote class="twitter-tweet" lang="en"><p>Flood gauges on the Tesk are now offline. '
    '<a href="http://t.co/AbCdEf12" title="http://example.org/gauges">example.org/gauges</a></p>'
    "&mdash; Varna Hollow Council (@VarnaCouncil) "
    '<a href="https://twitter.com/VarnaCouncil/statuses/266367358078169089" '
    'data-datetime="2012-11-08T02:31:41+00:00">November 8, 2012</a></blockquote>'
    '<script src="//platform.twitter.com/widgets.js" charset="utf-8"></script>'
)
X_VARIANT = (
    '<blockquote class="twitter-tweet tw-align-center" data-media-max-width="560">'
    '<p lang="en" dir="ltr">Water is over the Mill Street bridge now. '
    '<a href="https://t.co/Vh0Fl00d1x">pic.x.com/Vh0Fl00d1x</a></p>'
    "&mdash; Valley Watch (@valley_watch) "
    '<a href="https://x.com/valley_watch/status/1764391234567890123?ref_src=twsrc%5Etfw">'
    "March 3, 2024</a></blockquote>"
)


def test_old_variant_with_data_datetime() -> None:
    items, rejected = run_html(OLD_VARIANT)
    assert (len(items), len(rejected)) == (1, 0)
    item = items[0]
    assert item.platform_id == "266367358078169089"
    assert item.url == "https://twitter.com/VarnaCouncil/status/266367358078169089"
    assert item.author_name == "Varna Hollow Council"
    assert item.posted is not None
    assert (item.posted.at, item.posted.precision) == ("2012-11-08T02:31:41Z", "second")
    assert item.lang is None  # the blockquote's lang is the widget's language, not the tweet's
    assert item.text.startswith("Flood gauges on the Tesk")


def test_x_com_variant_without_script() -> None:
    item = run_html(X_VARIANT)[0][0]
    assert item.url == "https://twitter.com/valley_watch/status/1764391234567890123"
    assert item.author_handle == "valley_watch"
    assert item.posted == times.from_day("March 3, 2024")
    assert [m.url for m in item.media] == ["https://pic.x.com/Vh0Fl00d1x"]


def test_several_embeds_in_one_fragment() -> None:
    fragment = (
        "<p>Posts from the valley:</p>\n"
        + X_VARIANT
        + '\n<script async src="https://platform.twitter.com/widgets.js"></script>\n'
        + OLD_VARIANT
    )
    items, rejected = run_html(fragment)
    assert rejected == []
    assert [i.platform_id for i in items] == ["1764391234567890123", "266367358078169089"]
    assert [i.record for i in items] == [1, 2]
    assert b"1764391234567890123" in items[0].raw and b"266367358078169089" not in items[0].raw


def test_i_web_status_link_takes_the_handle_from_the_byline() -> None:
    html = X_VARIANT.replace(
        "https://x.com/valley_watch/status/", "https://twitter.com/i/web/status/"
    )
    item = run_html(html)[0][0]
    assert item.author_handle == "valley_watch"
    assert item.url == "https://twitter.com/valley_watch/status/1764391234567890123"


def test_unread_localised_date_falls_back_to_the_snowflake_id() -> None:
    html = X_VARIANT.replace("March 3, 2024", "3 марта 2024 г.")
    item = run_html(html)[0][0]
    assert item.posted is not None and item.posted.precision == "second"
    assert item.posted.at.startswith("2024-03-03")
    assert item.extra["posted_from"] == "snowflake id"


@pytest.mark.parametrize("byline", ["3 mars 2024", "3 de março de 2024", "3. März 2024"])
def test_french_portuguese_german_byline_dates_are_read(byline: str) -> None:
    item = run_html(X_VARIANT.replace("March 3, 2024", byline))[0][0]
    assert item.posted == Posted("2024-03-03T00:00:00Z", "day", False)
    assert "posted_from" not in item.extra


def test_embed_without_status_link_keeps_the_text() -> None:
    html = '<blockquote class="twitter-tweet"><p>Only the text survived.</p></blockquote>'
    items, rejected = run_html(html)
    assert rejected == [] and items[0].platform_id is None and items[0].url is None
    assert items[0].text == "Only the text survived."


def test_empty_blockquote_is_rejected() -> None:
    items, rejected = run_html('<blockquote class="twitter-tweet"></blockquote>')
    assert items == [] and len(rejected) == 1 and rejected[0].record == 1


def test_no_blockquote_is_rejected() -> None:
    items, rejected = run_html("<p>nothing embedded here</p>")
    assert items == [] and "no twitter-tweet" in rejected[0].reason


# --- hostile input ---------------------------------------------------------------


def test_escapes_markup_and_bidi_are_cleaned() -> None:
    html = X_VARIANT.replace(
        "Water is over",
        "\x1b[31mRED\x1b[0m \x1b]52;c;ZXZpbA==\x07[bold red]not markup[/] \u202egnp.exe Water is over",
    ).replace("Valley Watch", "Valley\x1b[2J Watch\u202e")
    item = run_html(html)[0][0]
    for value in (item.text, item.author_name or ""):
        assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
    assert "[bold red]not markup[/]" in item.text  # kept as literal text
    assert item.author_name == "Valley Watch"


def test_empty_input() -> None:
    items, rejected = run_html(b"")
    assert items == [] and rejected[0].reason == "empty input"
    assert twitter_embed.detect(Sample(b"", "e")) == 0


def test_binary_garbage() -> None:
    garbage = bytes(range(256)) * 64
    assert twitter_embed.detect(Sample(garbage, "g")) == 0
    items, rejected = run_html(garbage)
    assert items == [] and len(rejected) == 1


def test_truncated_file_does_not_crash() -> None:
    data = corpus_path("twitter/embedded_html_from_meedan_fetch/thip_raw.twitter-tweet0.html")
    whole = data.read_bytes()
    for cut in (len(whole) // 4, len(whole) // 2, len(whole) - 30):
        items, rejected = run_html(whole[:cut])
        assert len(items) + len(rejected) == 1


def test_wrong_encoding_cp1252() -> None:
    html = X_VARIANT.replace("Water is over", "Caf\u00e9 du pont: water is over")
    item = run_html(html.encode("cp1252"))[0][0]
    assert item.text.startswith("Caf\u00e9 du pont")


def test_ten_megabyte_text_field() -> None:
    big = "flood " * (10 * 1024 * 1024 // 6)
    html = X_VARIANT.replace("Water is over", big + "Water is over")
    started = time.perf_counter()
    item = run_html(html)[0][0]
    assert len(item.text) > 10_000_000
    assert item.platform_id == "1764391234567890123"
    assert time.perf_counter() - started < 10


def test_oembed_invalid_json_names_the_line() -> None:
    items, rejected = run_html(b'{\n"url": "https://twitter.com/a/status/1",\n"html": \n}')
    assert items == [] and rejected[0].line == 4


def test_oembed_deeply_nested_json() -> None:
    items, rejected = run_html(b"[" * 100_000 + b"]" * 100_000)
    assert items == [] and len(rejected) == 1


def test_oembed_array_and_bad_members() -> None:
    obj = json.loads(Path(corpus_path(OEMBED_JSON)).read_text(encoding="utf-8"))
    data = json.dumps([obj, 5, {"url": "https://twitter.com/a/status/1"}]).encode()
    items, rejected = run_html(data)
    assert [i.record for i in items] == [1]
    assert [r.record for r in rejected] == [2, 3]


def test_status_url_forms() -> None:
    assert twitter_embed.status_from_url("https://mobile.twitter.com/a_b/status/12?s=20") == (
        "a_b",
        "12",
    )
    assert twitter_embed.status_from_url("https://x.com/i/web/status/99") == (None, "99")
    assert twitter_embed.status_from_url("https://twitter.com/#!/old/status/5") == ("old", "5")
    assert twitter_embed.status_from_url("https://twitter.com/hashtag/Flood") is None
    assert twitter_embed.status_from_url("https://example.com/a/status/1") is None
