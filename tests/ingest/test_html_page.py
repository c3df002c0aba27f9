"""Whole HTML pages: the article, its embedded tweets, its ClaimReview JSON-LD.

The corpus has no bare HTML article files: the real pages sit inside the
Meedan fetch fixtures (`{"url": ..., "page": "<html>..."}`, which belong to
the claimreview format). These tests take the `page` string out of each
fixture at test time (nothing is copied into the repo) and feed it to this
format as the HTML page a desk would save. Expected values are read from the
page with lxml/json in the test.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import lxml.html

from desk.ingest import times
from desk.ingest.base import Ref, Sample, Source
from desk.ingest.formats import html_page, paste, twitter_embed
from tests.corpus import corpus_path
from tests.ingest.helpers import CaseRun, CorpusCase, Parsed, corpus_table, parse, run_case

FIXTURES = "claimreview/meedan_fetch_spec_fixtures/"
TELEGRAM_HTML = "telegram/langchain_unit_tests_html/messages.html"


def page_row(name: str, items: int, **facts: Any) -> CorpusCase:
    """A stored page read as the HTML page it holds: the page, its embeds, its ClaimReviews.

    facts: `where` the publication time is (("meta", property) or ("jsonld", key),
    None when the page gives none), a `story` phrase, a phrase of page `furniture`
    (both are checked against the page itself before they are used).
    """
    return CorpusCase(FIXTURES + name, items, format="html", part="page", facts=facts)


# Each page is the article plus the one ClaimReview in its JSON-LD (no embeds).
PAGES = (
    page_row(
        "afp_checamos_raw.json",
        2,
        where=("meta", "article:published_time"),
        story="Publicações amplamente compartilhadas em redes sociais",
        furniture=None,
    ),
    page_row(
        "afp_raw.json",
        2,
        where=("meta", "article:published_time"),
        story="A Facebook post shared thousands of times",
        furniture="Copyright © AFP 2017-2020",
    ),
    page_row(
        "africa_check_raw.json",
        2,
        where=None,
        story="He appears to have been referring to interferon alpha-2b",
        furniture="For democracy to function",
    ),
    page_row(
        "comprova_raw.json",
        2,
        where=("jsonld", "datePublished"),
        story="No lugar do áudio original foi",
        furniture=None,
    ),
    page_row(
        "tfc_taiwan_missing_page.json",
        2,
        where=("meta", "article:published_time"),
        story="下面是我們得到的消息",
        furniture=None,
    ),
    page_row(
        "tfc_taiwan_raw.json",
        2,
        where=("meta", "article:published_time"),
        story="查核中心檢視網傳擷圖並以關鍵字搜尋",
        furniture=None,
    ),
)
# A Telegram HTML export is a page this format could read, as one article, but
# the Telegram format claims it first; embeds and pastes leave it alone.
TELEGRAM_PAGE = CorpusCase(
    TELEGRAM_HTML, 1, format="html", picked="telegram", others=("twitter-embed", "text")
)
CASES = (*PAGES, TELEGRAM_PAGE)


def run(data: bytes | str) -> Parsed:
    return parse(html_page, data, "page.html")


def stored_page(name: str) -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(corpus_path(FIXTURES + name).read_text(encoding="utf-8"))
    return stored


def run_page(case: CorpusCase) -> CaseRun:
    """A table row's stored page, parsed as the page it holds."""
    page = json.loads(corpus_path(case.file).read_bytes())["page"]
    return run_case(case, Source("page.html", data=page.encode("utf-8")))


def walk(obj: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(obj, dict):
        found.append(obj)
        for value in obj.values():
            found.extend(walk(value))
    elif isinstance(obj, list):
        for value in obj:
            found.extend(walk(value))
    return found


def jsonld_objects(root: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        objects.extend(walk(json.loads(script.text)))
    return objects


@corpus_table(PAGES)
def test_corpus_page(case: CorpusCase) -> None:
    stored = stored_page(case.file.removeprefix(FIXTURES))
    page_html = stored["page"]
    root = lxml.html.document_fromstring(page_html)
    where, story_phrase, furniture = (case.facts[k] for k in ("where", "story", "furniture"))
    page_text = " ".join(root.text_content().split())
    assert story_phrase in page_text
    objects = jsonld_objects(root)
    reviews = [o for o in objects if o.get("@type") == "ClaimReview"]
    embeds = root.xpath("//blockquote[contains(@class, 'twitter-tweet')]")

    run = run_page(case)  # in at most two seconds
    items, rejected = run.items, run.rejected

    page = items[0]
    assert len(items) == 1 + len(embeds) + len(reviews)
    assert len(rejected) == 0

    assert (page.platform, page.kind, page.record) == ("web", "article", 1)
    assert page.url == stored["url"]  # the fetcher's URL, percent-encoded like ours
    assert page.platform_id == page.url
    assert page.raw == page_html.encode("utf-8")
    og_title = root.xpath("//meta[@property='og:title']/@content")[0]
    assert page.title == " ".join(og_title.split())
    assert page.lang == root.get("lang")
    if where is None:
        assert page.posted is None
    elif where[0] == "meta":
        value = root.xpath(f"//meta[@property='{where[1]}']/@content")[0]
        assert page.posted == times.from_text(value)
    else:
        values = [o[where[1]] for o in objects if where[1] in o and o.get("@type") == "WebPage"]
        assert page.posted == times.from_text(values[0])
    assert story_phrase in page.text
    if furniture is not None:
        assert furniture in page_text and furniture not in page.text
    assert "<script" not in page.text and "CDATA" not in page.text


@corpus_table(PAGES)
def test_corpus_page_claimreviews(case: CorpusCase) -> None:
    page_html = stored_page(case.file.removeprefix(FIXTURES))["page"]
    root = lxml.html.document_fromstring(page_html)
    reviews = [o for o in jsonld_objects(root) if o.get("@type") == "ClaimReview"]
    items, rejected = run(page_html)
    checks = [i for i in items if i.kind == "fact-check"]
    assert rejected == []
    assert len(checks) == len(reviews) == 1
    assert [i.record for i in items] == list(range(1, len(items) + 1))
    page_ref = Ref(
        "embedded-in", platform="web", platform_id=items[0].platform_id, url=items[0].url
    )
    assert page_ref in checks[0].refs
    assert checks[0].platform == "factcheck"


def test_telegram_html_export_is_left_to_the_telegram_format() -> None:
    run = run_case(TELEGRAM_PAGE)
    path, items, rejected = run.path, run.items, run.rejected
    assert 0 < html_page.detect(run.source.sample()) <= 30
    assert (len(items), len(rejected)) == (1, 0)
    page = items[0]
    # no URL: the page is known by the hash of its bytes
    assert page.url is None
    assert page.platform_id == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    root = lxml.html.document_fromstring(path.read_bytes())
    assert page.title == root.findtext(".//title")
    first_text = root.xpath("//div[@class='text']")[0].text_content().strip()
    assert first_text in page.text


# --- a live page with embeds, JSON-LD and furniture ----------------------------

EMBED_X = (
    '<blockquote class="twitter-tweet" data-media-max-width="560">'
    '<p lang="en" dir="ltr">Water is over the Mill Street bridge now. '
    '<a href="https://t.co/Vh0Fl00d1x">pic.twitter.com/Vh0Fl00d1x</a></p>'
    "&mdash; Valley Watch (@valley_watch) "
    '<a href="https://x.com/valley_watch/status/1764391234567890123?ref_src=twsrc%5Etfw">'
    "March 3, 2024</a></blockquote>"
)
EMBED_OLD = (
    '<blockquote class="twitter-tweet" lang="en"><p>All roads into the lower town are closed.</p>'
    "&mdash; Korven County Fire (@korven_fire) "
    '<a href="https://twitter.com/korven_fire/statuses/1764399999999999999" '
    'data-datetime="2024-03-03T21:15:00+00:00">March 3, 2024</a></blockquote>'
)
NEWS_ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Flash flood hits Varna Hollow",
    "author": [
        {"@type": "Person", "name": "Ilka Brenner"},
        {"@type": "Person", "name": "Tom Ruiz"},
    ],
    "datePublished": "2024-03-03T18:05:00+01:00",
}
CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://news.example/live/varna-hollow-flood#dam-claim",
    "claimReviewed": "The dam above Varna Hollow has burst",
    "author": {"@type": "Organization", "name": "Example News Verification"},
    "datePublished": "2024-03-03",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
    "itemReviewed": {
        "@type": "Claim",
        "appearance": [{"url": "https://twitter.com/tesk_alerts24/status/1764391234567890124"}],
    },
}


def live_page(*, canonical: bool = True, extra_head: str = "", body_extra: str = "") -> str:
    link = (
        '<link rel="canonical" href="https://news.example/live/varna-hollow-flood?utm_source=tw&amp;utm_medium=social">'
        if canonical
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Live: Varna Hollow flood | Example News</title>
  {link}
  <meta property="og:title" content="Live: Flash flood hits Varna Hollow">
  <meta property="og:site_name" content="Example News">
  <meta property="og:image" content="https://news.example/img/flood.jpg">
  <script type="application/ld+json">{json.dumps(NEWS_ARTICLE)}</script>
  <script type="application/ld+json">{json.dumps(CLAIM_REVIEW)}</script>
  <script type="application/ld+json">{{"@type": "WebPage", "name": broken}}</script>
  {extra_head}
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
  <header><h1>Example News</h1></header>
  <article>
    <h1>Live: Flash flood hits Varna Hollow</h1>
    <div class="share-bar">Share on Facebook</div>
    <p>The Tesk river broke its banks
       on Sunday afternoon.</p>
    <h2>Quick recap</h2>
    <ul>
      <li>Since December, the county has recorded twice its usual rainfall.</li>
      <li>The levee was last repaired in the fall of 2020.</li>
    </ul>
    {EMBED_X}
    <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
    <p>The fire service confirmed the closure.</p>
    {EMBED_OLD}
    {body_extra}
    <aside>Related: last year's drought</aside>
  </article>
  <footer>Copyright Example News 2024</footer>
</body>
</html>"""


def test_live_page_items_and_links() -> None:
    items, rejected = run(live_page())
    page = items[0]
    assert page.url == "https://news.example/live/varna-hollow-flood"  # tracking query dropped
    assert page.title == "Live: Flash flood hits Varna Hollow"
    assert page.author_name == "Ilka Brenner, Tom Ruiz"
    assert page.posted == times.from_text(NEWS_ARTICLE["datePublished"])
    assert page.lang == "en-GB"
    assert [m.url for m in page.media] == ["https://news.example/img/flood.jpg"]
    assert page.extra["site_name"] == "Example News"

    # main text: paragraphs and the recap list, no menu, header, footer, aside, share bar
    assert "The Tesk river broke its banks on Sunday afternoon." in page.text
    assert "- Since December, the county has recorded twice its usual rainfall." in page.text
    for furniture in ("World news menu", "Copyright", "Related:", "Share on Facebook"):
        assert furniture not in page.text

    tweets = [i for i in items if i.platform == "twitter"]
    assert [t.platform_id for t in tweets] == ["1764391234567890123", "1764399999999999999"]
    assert [t.record for t in tweets] == [2, 3]
    for tweet in tweets:
        assert tweet.refs == (
            Ref("embedded-in", platform="web", platform_id=page.url, url=page.url),
        )
    assert tweets[1].posted is not None and tweets[1].posted.at == "2024-03-03T21:15:00Z"

    # the broken JSON-LD block is rejected alone
    assert any("JSON-LD block" in r.reason and "invalid JSON" in r.reason for r in rejected)
    checks = [i for i in items if i.kind == "fact-check"]
    assert len(checks) == 1 and len(rejected) == 1
    assert Ref("embedded-in", platform="web", platform_id=page.url, url=page.url) in (
        checks[0].refs
    )
    records = [i.record for i in items] + [r.record for r in rejected]
    assert sorted(r for r in records if r is not None) == list(range(1, len(records) + 1))


def test_page_without_url_is_known_by_its_hash() -> None:
    html = live_page(canonical=False)
    items, _ = run(html)
    page_id = "sha256:" + hashlib.sha256(html.encode()).hexdigest()
    assert items[0].url is None and items[0].platform_id == page_id
    assert items[1].refs == (Ref("embedded-in", platform="web", platform_id=page_id),)


def test_og_url_and_relative_canonical() -> None:
    html = live_page(canonical=False).replace(
        "<title>",
        '<link rel="canonical" href="/live/varna"><meta property="og:url" '
        'content="http://News.Example/live/varna#top"><title>',
    )
    assert run(html)[0][0].url == "https://news.example/live/varna"


def test_detect() -> None:
    page = live_page().encode()
    assert html_page.detect(Sample(page, "p")) == 30
    assert twitter_embed.detect(Sample(page, "p")) == 0
    assert paste.detect(Sample(page, "p")) == 0
    xhtml = b'<?xml version="1.0"?>\n<!-- saved -->\n<!DOCTYPE html>\n<html><body></body></html>'
    assert html_page.detect(Sample(xhtml, "x")) == 30
    assert html_page.detect(Sample(b"<p>fragment</p>", "f")) == 0
    assert html_page.detect(Sample(b'{"page": "<html>"}', "j")) == 0
    feed = corpus_path("rss_atom/feedparser/illformed/always_strip_doctype.xml")
    assert html_page.detect(Source("f", path=feed).sample()) == 0


# --- hostile input ---------------------------------------------------------------


def test_escapes_markup_and_bidi_are_cleaned() -> None:
    html = (
        live_page()
        .replace("Live: Flash flood hits Varna Hollow", "Live:\x1b[31m flood\u202e [bold]x[/bold]")
        .replace(
            "The fire service", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 The fire service"
        )
    )
    items, _ = run(html)
    for value in (items[0].title or "", items[0].text):
        assert "\x1b" not in value and "\u202e" not in value and "\x07" not in value
    assert "[bold]x[/bold]" in (items[0].title or "")


def test_empty_and_binary_input() -> None:
    assert run(b"")[1][0].reason == "empty input"
    assert run(b"   \n")[1][0].reason == "empty input"
    garbage = bytes(range(256)) * 16
    assert html_page.detect(Sample(garbage, "g")) == 0
    items, rejected = run(garbage)
    assert items == [] and len(rejected) == 1


def test_truncated_page() -> None:
    html = live_page().encode()
    for cut in (len(html) // 3, len(html) // 2, len(html) - 200):
        items, _ = run(html[:cut])
        assert items and items[0].kind == "article"


def test_declared_legacy_charset() -> None:
    html = (
        '<!DOCTYPE html><html><head><meta charset="windows-1251"><title>Наводнение</title></head>'
        "<body><article><p>Вода поднялась на два метра.</p></article></body></html>"
    )
    items, _ = run(html.encode("cp1251"))
    assert items[0].title == "Наводнение"
    assert "Вода поднялась на два метра." in items[0].text


def test_ten_megabyte_paragraph() -> None:
    big = "flood " * (10 * 1024 * 1024 // 6)
    started = time.perf_counter()
    items, _ = run(live_page(body_extra=f"<p>{big}</p>"))
    assert len(items[0].text) > 10_000_000
    assert len([i for i in items if i.platform == "twitter"]) == 2
    assert time.perf_counter() - started < 10


def test_deeply_nested_jsonld() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    items, rejected = run(
        live_page(extra_head=f'<script type="application/ld+json">{nested}</script>')
    )
    assert items[0].kind == "article"
    assert any("nested too deeply" in r.reason for r in rejected)


def test_xhtml_with_an_xml_encoding_declaration() -> None:
    html = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Crue à Varna</title></head>'
        "<body><p>L'eau est montée.</p></body></html>"
    )
    for data in (html.encode("utf-8"), html.encode("latin-1")):
        items, rejected = run(data)
        assert rejected == []
        assert items[0].title == "Crue à Varna"
        assert items[0].text == "L'eau est montée."
