"""Each format read back by a real reader of that format, and the hostile post kept in its block.

The expectations come from what the page should say (the fixed desk's
story, recap and posts, see conftest.py) and from each format's own rules:
an HTML5 parser in strict mode (any parse error fails), `extruct` for the
embedded JSON-LD, `feedparser` for Atom, a CommonMark parser for the
Markdown, the csv and json modules for the tables. The hostile post is
checked on the parsed structure: which element or token holds its words.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import feedparser
import html5lib
import pytest

from db import Store
from desk.export.collect import collect
from desk.export.tabular import csv_row
from tests.export.conftest import (
    EXPORTED,
    HOSTILE_NAME,
    HOSTILE_TEXT,
    PAGE_URL,
    PUBLISHER,
    Desk,
)

HOSTILE_CLEAN = HOSTILE_TEXT + "\nclick red evil"
"""The hostile post as published: its words, every escape and bidi override gone."""

WATCH_URL = "https://twitter.com/orvena_watch/status/1704123456789012345"
ANN_URL = "https://social.example/@ann/111"
HOSTILE_URL = "https://twitter.com/m4ll0ry/status/1704999999999999999"


def head_of(desk: Desk) -> tuple[int, str, str]:
    """The desk's last event, read straight from the log (not through the export)."""
    with Store(desk.path) as store:
        last = store.events()[-1]
    return last.seq, last.hash, last.at


def no_escapes(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# -- HTML --------------------------------------------------------------------


def parse_html(text: str) -> ET.Element:
    """Parse as a browser does; strict: any HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    root: ET.Element = parser.parse(text)
    return root


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def meta(root: ET.Element, name: str) -> str | None:
    for el in root.iter("meta"):
        if el.get("name") == name:
            return el.get("content")
    return None


def test_html_is_the_page(fixed_desk: Desk, published: dict[str, str]) -> None:
    root = parse_html(published["html"])
    assert text_of(root.find(".//title")) == "Orvena dam <live> & updates"  # type: ignore[arg-type]
    assert text_of(root.find(".//h1")) == "Orvena dam <live> & updates"  # type: ignore[arg-type]
    seq, digest, at = head_of(fixed_desk)
    assert meta(root, "desk-head-seq") == str(seq)
    assert meta(root, "desk-head-hash") == digest
    assert meta(root, "desk-head-at") == at
    # The recap, by section, in the template's order, each source with its live verdict.
    sections = [text_of(h) for h in root.iterfind(".//section[@id='recap']/section/h3")]
    assert sections == ["Background", "Timeline", "Latest"]
    entries = {e.get("id"): e for e in root.iter("div") if e.get("class") == "recap-entry"}
    assert len(entries) == 3
    by_headline = {text_of(e.find(".//strong")): e for e in entries.values()}  # type: ignore[arg-type]
    timeline = text_of(by_headline["Sirens before dawn"])
    assert "September 19, 2023" in timeline
    assert "Orvena Watch (verified)" in timeline
    assert "(false)" in timeline
    latest = by_headline["Repairs planned"]
    # No source: marked so nobody publishes it by mistake.
    assert any("unbacked" in (p.get("class") or "") for p in latest.iter("p"))
    # The kept posts, oldest first; the discarded and the new one are not on the page.
    quotes = list(root.iter("blockquote"))
    assert len(quotes) == 4
    page = text_of(root)
    assert "Buy followers now" not in page and "second breach" not in page
    watch, ann, hostile, typed = quotes
    assert watch.get("class") == "twitter-tweet"
    assert text_of(watch).startswith("Sirens in Marrow Ford before dawn.")
    assert "\u2014 Orvena Watch (@orvena_watch) September 19, 2023" in text_of(watch)
    assert [a.get("href") for a in watch.iter("a")] == [WATCH_URL]
    assert "desk-post" in (ann.get("class") or "")
    assert ann.get("cite") == ANN_URL
    assert "\u2014 Ann Field (@ann@social.example) September 20, 2023" in text_of(ann)
    assert [a.get("href") for a in ann.iter("a")] == [ANN_URL]
    assert hostile.get("class") == "twitter-tweet"
    assert "Port office says ferries run as usual." in text_of(typed)


def test_html_hostile_post_stays_in_its_blockquote(published: dict[str, str]) -> None:
    text = published["html"]
    no_escapes(text)
    root = parse_html(text)
    hostile = list(root.iter("blockquote"))[2]
    words = "".join("".join(p.itertext()) for p in hostile.iterfind("p"))
    # Every line of the post, as text, inside the quote's paragraphs.
    assert words == HOSTILE_CLEAN.replace("\n", "")
    assert {el.tag for el in hostile.iter()} <= {"blockquote", "p", "br", "a"}
    assert HOSTILE_NAME in text_of(hostile)
    # Only the two JSON-LD blocks are scripts; nothing the posts said became an element.
    scripts = list(root.iter("script"))
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2
    assert not list(root.iter("img")) and not list(root.iter("b"))
    for el in root.iter():
        assert not [k for k in el.attrib if k.lower().startswith("on")], el.tag
    for a in root.iter("a"):
        assert (a.get("href") or "").startswith("https://")
    # The JSON-LD parses whole: no `</script>` in it ended it early.
    for s in scripts:
        json.loads(s.text or "")


def jsonld_of(html_text: str) -> list[dict[str, Any]]:
    extruct = pytest.importorskip("extruct")
    data = extruct.extract(html_text, syntaxes=["json-ld"], uniform=False)
    items: list[dict[str, Any]] = data["json-ld"]
    return items


def test_extruct_reads_the_liveblog(fixed_desk: Desk, published: dict[str, str]) -> None:
    found = jsonld_of(published["html"])
    blogs = [x for x in found if x.get("@type") == "LiveBlogPosting"]
    assert len(blogs) == 1
    blog = blogs[0]
    assert blog["@context"] == "https://schema.org"
    assert blog["headline"] == "Orvena dam <live> & updates"
    assert blog["url"] == PAGE_URL
    with Store(fixed_desk.path) as store:
        story = store.story_by_slug("orvena")
    assert story is not None
    assert blog["coverageStartTime"] == story.created_at
    seq, digest, at = head_of(fixed_desk)
    assert blog["dateModified"] == at
    ids = {p["propertyID"]: p["value"] for p in blog["identifier"]}
    assert ids == {"desk-head-seq": seq, "desk-head-hash": digest, "desk-head-at": at}
    updates = blog["liveBlogUpdate"]
    assert all(u["@type"] == "BlogPosting" and u["headline"] for u in updates)
    headlines = [u["headline"] for u in updates]
    # One update per recap entry and per kept post (4), none for the others.
    assert headlines[:3] == [
        "Inspectors flagged cracks in the dam",
        "Sirens before dawn",
        "Repairs planned",
    ]
    assert len(updates) == 7
    posts = {u.get("url"): u for u in updates[3:]}
    assert set(posts) == {WATCH_URL, ANN_URL, HOSTILE_URL, None}
    assert posts[WATCH_URL]["datePublished"] == "2023-09-19T14:03:00Z"
    assert posts[WATCH_URL]["author"]["name"] == "Orvena Watch"
    assert posts[HOSTILE_URL]["articleBody"] == HOSTILE_CLEAN


def test_extruct_reads_every_claimreview(published: dict[str, str]) -> None:
    reviews = [x for x in jsonld_of(published["html"]) if x.get("@type") == "ClaimReview"]
    # Verified, misleading and false are findings; the unverified typed note is not.
    by_url = {r["itemReviewed"]["appearance"]["url"]: r for r in reviews}
    assert set(by_url) == {WATCH_URL, ANN_URL, HOSTILE_URL}
    expected = {
        WATCH_URL: ("Verified", "Orvena Watch", "2023-09-19", "Sirens in Marrow Ford"),
        ANN_URL: ("Misleading", "Ann Field", "2023-09-20", "Water over the spillway"),
        HOSTILE_URL: ("False", HOSTILE_NAME, "2023-09-21", "Breaking </blockquote>"),
    }
    for url, (label, author, day, claim) in expected.items():
        r = by_url[url]
        assert r["@context"] == "https://schema.org"
        assert r["claimReviewed"].startswith(claim)
        item = r["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["name"] == author
        assert item["datePublished"].startswith(day)
        rating = r["reviewRating"]
        assert rating["alternateName"] == label
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert r["author"] == {"@type": "Organization", "name": PUBLISHER}
        assert r["datePublished"] == EXPORTED.date().isoformat()
        assert r["url"].startswith(PAGE_URL + "#")
    value = {
        label: by_url[u]["reviewRating"]["ratingValue"] for u, (label, *_r) in expected.items()
    }
    # True is the best rating, false the worst, misleading between them.
    assert value["Verified"] == by_url[WATCH_URL]["reviewRating"]["bestRating"]
    assert value["False"] == by_url[HOSTILE_URL]["reviewRating"]["worstRating"]
    assert value["False"] < value["Misleading"] < value["Verified"]
    assert by_url[ANN_URL]["reviewBody"] == "cropped from a 2019 video"


def test_standalone_jsonld_matches_the_page(published: dict[str, str]) -> None:
    embedded = jsonld_of(published["html"])
    assert json.loads(published["liveblog"]) in embedded
    for review in json.loads(published["claimreview"]):
        assert review in embedded
    for fmt in ("liveblog", "claimreview"):
        assert "<" not in published[fmt]  # safe to paste into a <script>


# -- Atom --------------------------------------------------------------------


def test_atom_reads_back_through_feedparser(fixed_desk: Desk, published: dict[str, str]) -> None:
    text = published["atom"]
    no_escapes(text)
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Orvena dam <live> & updates"
    assert len(parsed.entries) == 7
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == 7 and all(i.startswith("urn:uuid:") for i in ids)
    by_link = {e.get("link"): e for e in parsed.entries if e.get("link")}
    hostile = by_link[HOSTILE_URL]
    assert hostile.content[0].type == "text/plain"
    assert hostile.content[0].value == HOSTILE_CLEAN
    assert hostile.author == HOSTILE_NAME
    assert [t.term for t in hostile.tags] == ["false", "hoax"]
    assert by_link[WATCH_URL].updated_parsed[:6] == (2023, 9, 19, 14, 3, 0)
    seq, digest, at = head_of(fixed_desk)
    head = ET.fromstring(text.encode()).find("{urn:desk:export}chain-head")
    assert head is not None
    assert head.attrib == {"seq": str(seq), "hash": digest, "at": at}


# -- Markdown ----------------------------------------------------------------


def front_matter(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    return {k: json.loads(v) for k, v in (line.split(": ", 1) for line in lines[1:end])}


def test_markdown_front_matter_names_the_chain_head(
    fixed_desk: Desk, published: dict[str, str]
) -> None:
    fields = front_matter(published["md"])
    seq, digest, at = head_of(fixed_desk)
    assert fields["desk_head_seq"] == seq
    assert fields["desk_head_hash"] == digest
    assert fields["desk_head_at"] == at
    assert fields["title"] == "Orvena dam <live> & updates"


def test_markdown_page_and_hostile_post(published: dict[str, str]) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    text = published["md"]
    no_escapes(text)
    body = text.split("---\n", 2)[2]
    md = markdown_it.MarkdownIt("commonmark")
    tokens = md.parse(body)

    def words(t: Any) -> str:
        return "".join(c.content for c in t.children or () if c.type == "text")

    headings = [
        (t.tag, words(tokens[i + 1])) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert headings == [
        ("h1", "Orvena dam <live> & updates"),
        ("h2", "Quick recap"),
        ("h3", "Background"),
        ("h3", "Timeline"),
        ("h3", "Latest"),
        ("h2", "Posts"),
    ]
    assert not [t for t in tokens if t.type in ("html_block", "code_block", "fence")]
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type in ("html_inline", "image", "code_inline")]
    hrefs = {c.attrs["href"] for c in inline if c.type == "link_open"}
    assert hrefs == {WATCH_URL, ANN_URL, HOSTILE_URL}
    # Four quotes, and the hostile post's words are all inside the third.
    depth = 0
    quotes: list[list[str]] = []
    for t in tokens:
        if t.type == "blockquote_open":
            depth += 1
            quotes.append([])
        elif t.type == "blockquote_close":
            depth -= 1
        elif depth and t.type == "inline":
            quotes[-1].append(words(t))
        elif t.type == "inline":
            # The post's words are in its quote only (its author's name is also a recap source).
            assert "alert(1)" not in words(t) and "not a heading" not in words(t)
        if depth == 0 and t.type in ("bullet_list_open", "ordered_list_open"):
            assert not quotes  # the only lists are the recap's, before the first quote
    assert len(quotes) == 4
    assert quotes[2][0] == HOSTILE_CLEAN.replace("\n", "")
    assert quotes[0][1] == "\u2014 Orvena Watch (@orvena_watch) September 19, 2023"
    assert quotes[1][-1] == "\u2014 Ann Field (@ann@social.example) September 20, 2023"
    assert quotes[3][-1] == "\u2014 Desk note"


# -- CSV and JSON Lines --------------------------------------------------------


def test_csv_rows(fixed_desk: Desk, published: dict[str, str]) -> None:
    text = published["csv"]
    no_escapes(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    d = fixed_desk
    # Every item of the story but the discarded one.
    assert sorted(int(r["id"]) for r in rows) == sorted([d.watch, d.ann, d.hostile, d.typed, d.new])
    seq, digest, at = head_of(fixed_desk)
    assert {(r["desk_head_seq"], r["desk_head_hash"], r["desk_head_at"]) for r in rows} == {
        (str(seq), digest, at)
    }
    by_id = {int(r["id"]): r for r in rows}
    watch = by_id[d.watch]
    assert watch["tags"] == "dam"
    assert watch["verdict"] == "verified"
    assert watch["triage"] == "kept"
    links = watch["links"].split(";")
    assert sorted(links) == sorted(
        [
            f"corroborates<#{d.ann}",
            f"source-for>entry:{d.entries[0]}",
            f"source-for>entry:{d.entries[1]}",
        ]
    )
    assert watch["notes"].startswith("vera (")
    assert watch["notes"].endswith("): Called the dam operator; confirmed sirens.")
    assert by_id[d.ann]["links"] == f"corroborates>#{d.watch}"
    assert by_id[d.ann]["verdict_reason"] == "cropped from a 2019 video"
    assert by_id[d.hostile]["text"] == HOSTILE_CLEAN
    assert by_id[d.new]["triage"] == "new"


def test_csv_defuses_formulas(fixed_desk: Desk) -> None:
    with Store(fixed_desk.path) as store:
        pub = collect(store, "orvena", clock=lambda: EXPORTED)
    item = replace(pub.items[0], text='=HYPERLINK("http://evil")', author_name="@evil")
    cells = csv_row(item, {"desk_head_seq": "1", "desk_head_hash": "h", "desk_head_at": "t"})
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@evil" in cells


def test_jsonl_records(fixed_desk: Desk, published: dict[str, str]) -> None:
    lines = published["jsonl"].splitlines()
    records = [json.loads(line) for line in lines]
    d = fixed_desk
    assert sorted(r["id"] for r in records) == sorted([d.watch, d.ann, d.hostile, d.typed, d.new])
    seq, digest, at = head_of(fixed_desk)
    assert all(r["desk_head"] == {"seq": seq, "hash": digest, "at": at} for r in records)
    by_id = {r["id"]: r for r in records}
    hostile = by_id[d.hostile]
    assert hostile["text"] == HOSTILE_CLEAN
    assert hostile["author"]["name"] == HOSTILE_NAME
    assert hostile["verdict"] == "false" and hostile["tags"] == ["hoax"]
    ann = by_id[d.ann]
    assert ann["links"][0]["relation"] == "corroborates"
    assert ann["links"][0]["direction"] == "out" and ann["links"][0]["item"] == d.watch
    assert by_id[d.watch]["notes"][0]["text"] == "Called the dam operator; confirmed sirens."


# -- bounds and defaults -----------------------------------------------------


def test_a_page_says_when_it_quotes_only_the_newest_posts(fixed_desk: Desk) -> None:
    from desk.export import html, markdown

    with Store(fixed_desk.path) as store:
        pub = collect(store, "orvena", clock=lambda: EXPORTED, max_items=2)
    # The newest two kept posts by posted time (the typed note has none: it sorts by arrival).
    assert pub.kept_total == 4 and len(pub.items) == 2
    assert "*The newest 2 of 4 kept posts.*" in markdown.render(pub)
    root = parse_html(html.render(pub))
    assert len(list(root.iter("blockquote"))) == 2
    assert "The newest 2 of 4 kept posts." in text_of(root)


def test_without_a_page_url_review_urls_are_fragments_of_the_page(fixed_desk: Desk) -> None:
    from desk.export import jsonld

    with Store(fixed_desk.path) as store:
        pub = collect(store, "orvena", clock=lambda: EXPORTED)
    reviews = jsonld.claim_reviews(pub)
    assert reviews and all(r["url"].startswith("#item-") for r in reviews)
    assert all(r["author"] == {"@type": "Organization", "name": "desk"} for r in reviews)
    assert "url" not in jsonld.liveblog(pub)
