"""ClaimReview fact-checks: every corpus file, the public JSON-LD helper, hostile input.

Expected values come from the files: the JSON is loaded here, stored pages
are read with lxml to find their JSON-LD, and the first ClaimReview found
gives the URL, reviewer, date, claim and rating the item must carry.
"""

from __future__ import annotations

import inspect
import json
import time
from datetime import UTC
from functools import partial
from typing import Any

import lxml.html
import pytest
from dateutil import parser as dateparser

from desk.ingest.base import Ref, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.ingest.formats import claimreview
from desk.ingest.formats.claimreview import items_from_jsonld
from tests.corpus import CORPUS, corpus_files, corpus_path, needs_corpus
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

pytestmark = pytest.mark.corpus

LD = "claimreview/extracted_jsonld_from_meedan_fetch/"
FX = "claimreview/meedan_fetch_spec_fixtures/"

row = partial(
    CorpusCase,
    format="claimreview",
    detect=90,
    fields={"platform": "factcheck", "kind": "fact-check", "author_handle": None},
)

# The Quint story JSON is not schema.org (custom claimreview* fields, a rating
# number with no name): not ours, and no other format's either.
CASES = (
    row(LD + "afp_checamos_raw.ldjson_block0.jsonld", 1),
    row(LD + "afp_raw.ldjson_block0.jsonld", 1),
    row(LD + "africa_check_raw.ldjson_block1.jsonld", 1),
    row(LD + "comprova_raw.ldjson_block1.jsonld", 1),
    row(LD + "tfc_taiwan_missing_page.ldjson_block0.jsonld", 1),
    row(LD + "tfc_taiwan_raw.ldjson_block0.jsonld", 1),
    row(FX + "afp_checamos_raw.json", 1),
    row(FX + "afp_raw.json", 1),
    row(FX + "africa_check_raw.json", 1, detect=50),  # its ClaimReview is past the 64 KB sample
    row(FX + "comprova_raw.json", 1),
    row(FX + "data_commons_raw.json", 1),
    row(FX + "gesis_claims_raw.json", 1, detect=85),
    row(FX + "google_fact_check_raw.json", 1),
    row(FX + "newtral_fact_check_index_raw.json", 15),
    row(FX + "tfc_taiwan_missing_page.json", 1),
    row(FX + "tfc_taiwan_raw.json", 1),
    row(FX + "the_quint_raw.json", 0, 1, detect=0, reason="no ClaimReview found"),
)


def run(source: Source) -> Parsed:
    return parse(claimreview, source)


def run_bytes(data: bytes) -> Parsed:
    return run(Source("review.json", data=data))


def reviews_in(value: Any) -> list[dict[str, Any]]:
    """ClaimReview objects in a JSON value, document order (the test's own walk)."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if value.get("@type") == "ClaimReview":
            return [value]
        for child in value.values():
            found += reviews_in(child)
    elif isinstance(value, list):
        for child in value:
            found += reviews_in(child)
    return found


def reviews_of_file(relative: str) -> list[dict[str, Any]]:
    doc = json.loads(corpus_path(relative).read_bytes())
    if isinstance(doc, dict) and isinstance(doc.get("page"), str):
        page = lxml.html.document_fromstring(doc["page"])
        blocks = page.xpath("//script[@type='application/ld+json']")
        return [r for b in blocks for r in reviews_in(json.loads(b.text, strict=False))]
    return reviews_in(doc)


def iri_to_uri(url: str) -> str:
    return url.replace("publicações", "publica%C3%A7%C3%B5es")


# ---------------------------------------------------------------- the corpus table


def test_every_corpus_file_is_in_the_table() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    assert set(corpus_files("claimreview")) == {case.file for case in CASES}


@corpus_table(CASES)
def test_corpus_file(case: CorpusCase) -> None:
    relative = case.file
    items = run_case(case).items

    for index, item in enumerate(items, start=1):
        assert (item.platform, item.kind, item.record) == ("factcheck", "fact-check", index)
        assert item.author_handle is None
        assert item.platform_id and item.url == item.platform_id
        assert item.text.startswith("Claim: ")
        assert isinstance(json.loads(item.raw), dict)

    reviews = reviews_of_file(relative)
    if not reviews:  # Google Fact Check, ClaimsKG, The Quint: their own tests below
        return
    assert len(reviews) == len(items)
    for item, review in zip(items, reviews, strict=True):
        assert item.platform_id == iri_to_uri(review["url"])
        assert item.author_name == review["author"]["name"]
        claim = html_to_text(review["claimReviewed"])
        assert item.extra["claim"] == claim
        assert item.text.split("\n")[0] == f"Claim: {claim}"
        rating = review["reviewRating"]["alternateName"]
        assert item.extra["rating"] == rating
        assert f"\nRating: {rating}\nBy: {review['author']['name']}" in item.text
        date = review["datePublished"]
        assert item.posted is not None
        moment = dateparser.parse(date)
        assert item.posted.tz_known == (moment.tzinfo is not None)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        assert item.posted.at == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if len(date) == 10:
            assert item.posted.precision == "day"
        if relative.startswith(LD):
            assert json.loads(item.raw) == review


@needs_corpus
def test_not_mine_anywhere_else_in_the_corpus() -> None:
    claimed = []
    for relative in corpus_files(""):
        if relative.startswith("claimreview/") or relative == "SOURCES.md":
            continue
        if claimreview.detect(Source(relative, path=CORPUS / relative).sample()):
            claimed.append(relative)
    assert claimed == []


@needs_corpus
@pytest.mark.parametrize(
    "name",
    ["afp_checamos_raw", "afp_raw", "africa_check_raw", "comprova_raw", "tfc_taiwan_raw"],
)
def test_stored_page_and_its_extracted_block_are_the_same_item(name: str) -> None:
    block = next(c.file for c in CASES if c.file.startswith(LD + name + ".ldjson"))
    [from_block], _ = run(Source(block, path=corpus_path(block)))
    [from_page], _ = run(Source(name, path=corpus_path(FX + name + ".json")))
    assert from_page.platform_id == from_block.platform_id  # so the desk dedups them
    assert from_page.text == from_block.text
    assert from_page.raw == from_block.raw


@needs_corpus
def test_stored_page_url_matches_the_review_url() -> None:
    doc = json.loads(corpus_path(FX + "comprova_raw.json").read_bytes())
    [item], _ = run(Source("comprova", path=corpus_path(FX + "comprova_raw.json")))
    assert item.url == doc["url"]  # the IRI of the JSON-LD became the page's URI form
    assert item.title and item.title.startswith("Vídeo mostra imagens")  # og:title


@needs_corpus
def test_reviewed_items_are_linked() -> None:
    [afp], _ = run(Source("a", path=corpus_path(LD + "afp_checamos_raw.ldjson_block0.jsonld")))
    tweet = "https://twitter.com/CatinhaZen/status/1266839666889809923"
    assert afp.refs == (Ref("reviews", "twitter", "1266839666889809923", tweet),)
    assert afp.extra["appearances"] == [tweet]
    assert afp.extra["claimant"] == "Várias fontes"
    assert afp.extra["rating_value"] == "1"

    path = corpus_path(LD + "comprova_raw.ldjson_block1.jsonld")
    [comprova], _ = run(Source("c", path=path))
    appearance = json.loads(path.read_bytes())[0]["itemReviewed"]["appearance"]
    assert [r.url for r in comprova.refs] == [a["url"] for a in appearance]
    assert {r.relation for r in comprova.refs} == {"reviews"}

    [missing], _ = run(
        Source("t", path=corpus_path(LD + "tfc_taiwan_missing_page.ldjson_block0.jsonld"))
    )
    assert "claimant" not in missing.extra  # the Person has no name
    assert missing.refs == ()


@needs_corpus
def test_graph_with_html_description() -> None:
    path = corpus_path(LD + "africa_check_raw.ldjson_block1.jsonld")
    review = json.loads(path.read_bytes())["@graph"][0]
    [item], _ = run(Source("africa", path=path))
    assert "<br" not in item.text
    assert item.text.endswith(html_to_text(review["description"]).split("\n")[-1])
    assert item.extra["claimant"] == ", ".join(review["itemReviewed"]["author"]["name"])
    assert item.extra["best_rating"] == "6"
    assert item.posted is not None
    assert (item.posted.at, item.posted.tz_known) == ("2020-03-27T08:46:13Z", True)


@needs_corpus
def test_afp_date_without_zone_or_seconds() -> None:
    [item], _ = run(Source("afp", path=corpus_path(LD + "afp_raw.ldjson_block0.jsonld")))
    assert item.posted is not None  # "2020-06-24 00:03"
    assert (item.posted.at, item.posted.precision, item.posted.tz_known) == (
        "2020-06-24T00:03:00Z",
        "minute",
        False,
    )


@needs_corpus
def test_google_fact_check_tools_claim() -> None:
    path = corpus_path(FX + "google_fact_check_raw.json")
    doc = json.loads(path.read_bytes())
    review = doc["claimReview"][0]
    [item], _ = run(Source("google", path=path))
    assert item.platform_id == item.url == review["url"]
    assert item.title == review["title"]
    assert item.author_name == review["publisher"]["site"]
    assert item.lang == review["languageCode"]
    assert item.extra["claim"] == doc["text"]  # Urdu, right to left, kept as is
    assert item.extra["rating"] == review["textualRating"]
    assert item.extra["claimant"] == doc["claimant"]
    assert item.posted is not None and item.posted.at == review["reviewDate"]


@needs_corpus
def test_claimskg_binding() -> None:
    path = corpus_path(FX + "gesis_claims_raw.json")
    content = json.loads(path.read_bytes())["content"]
    [item], _ = run(Source("gesis", path=path))
    assert item.platform_id == content["link"]["value"]
    assert item.extra["claim"] == content["text"]["value"]
    assert item.extra["rating"] == content["ratingName"]["value"]
    assert item.author_name == content["source"]["value"]
    assert item.posted is not None
    assert item.posted.at == content["date"]["value"] + "T00:00:00Z"
    assert "claimant" not in item.extra  # the author literal is empty


@needs_corpus
def test_the_quint_is_not_schema_org() -> None:
    source = Source("quint", path=corpus_path(FX + "the_quint_raw.json"))
    assert claimreview.detect(source.sample()) == 0
    assert run(source) == (
        [],
        [Rejected(record=None, reason="no ClaimReview found in the document")],
    )


# ---------------------------------------------------------------- items_from_jsonld


def test_public_signature_is_stable() -> None:
    signature = inspect.signature(items_from_jsonld)
    assert list(signature.parameters) == ["obj", "raw_for", "start_record"]
    assert signature.parameters["raw_for"].kind is inspect.Parameter.KEYWORD_ONLY
    assert signature.parameters["raw_for"].default is None
    assert signature.parameters["start_record"].default == 1


def review(url: str = "https://check.example/1", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": "The bridge collapsed",
        "author": {"@type": "Organization", "name": "Check Desk", "url": "https://check.example/"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        "datePublished": "2024-03-03",
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [{"url": "https://x.com/someone/status/123?s=20"}],
            "firstAppearance": {
                "@type": "CreativeWork",
                "url": "https://example.org/post?utm_source=x",
            },
        },
    }
    out.update(extra)
    return out


def test_items_from_jsonld_shapes() -> None:
    nested = {
        "@type": "WebPage",
        "mainEntity": {"review": [review("https://c/1"), review("https://c/2")]},
    }
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "Organization"}, review()]}
    typed = review()
    typed["@type"] = ["ClaimReview", "Review"]
    prefixed = review(**{"@type": "schema:ClaimReview"})
    assert [i.platform_id for i in items_from_jsonld(nested)] == ["https://c/1", "https://c/2"]
    assert len(items_from_jsonld(graph)) == 1
    assert len(items_from_jsonld([typed, prefixed, "junk", 3, None])) == 2
    assert items_from_jsonld({"@type": "NewsArticle", "headline": "x"}) == []
    assert items_from_jsonld(None) == []


def test_items_from_jsonld_fields_and_raw_for() -> None:
    calls: list[Any] = []

    def raw_for(obj: Any) -> bytes:
        calls.append(obj)
        return b"<script>block</script>"

    [item] = items_from_jsonld([review()], raw_for=raw_for, start_record=7)
    assert calls == [review()]
    assert item.raw == b"<script>block</script>"
    assert item.record == 7
    assert item.text == "Claim: The bridge collapsed\nRating: False\nBy: Check Desk"
    assert item.author_url == "https://check.example/"
    assert item.extra["rating_value"] == 1
    assert item.extra["appearances"] == [
        "https://x.com/someone/status/123?s=20",
        "https://example.org/post",
    ]
    assert item.refs == (
        Ref("reviews", "twitter", "123", "https://twitter.com/someone/status/123"),
        Ref("reviews", url="https://example.org/post"),
    )
    assert item.posted is not None and item.posted.precision == "day"


def test_items_from_jsonld_partial_reviews() -> None:
    bare = {"@type": "ClaimReview"}
    [item] = items_from_jsonld(bare)
    assert (item.platform_id, item.url, item.author_name, item.posted) == (None, None, None, None)
    assert item.text == ""
    odd = {
        "@type": "ClaimReview",
        "@id": "https://check.example/#review",
        "author": ["Ann", {"name": ["Bo", "Cy"]}, 5],
        "reviewRating": [{"name": "Mostly false"}],
        "itemReviewed": "not an object",
        "datePublished": "last Tuesday",
        "inLanguage": {"@type": "Language", "name": "Spanish", "alternateName": "es"},
    }
    [item] = items_from_jsonld(odd)
    assert item.platform_id == "https://check.example/#review"
    assert item.author_name == "Ann, Bo, Cy"
    assert item.extra["rating"] == "Mostly false"
    assert item.lang == "es"
    assert item.posted is None


def test_items_from_jsonld_never_recurses_without_bound() -> None:
    deep: Any = review()
    for _ in range(5_000):
        deep = {"@graph": [deep]}
    assert items_from_jsonld(deep) == []  # beyond the walk's depth: left out, no crash
    shallow: Any = review()
    for _ in range(20):
        shallow = {"@graph": [shallow]}
    assert len(items_from_jsonld(shallow)) == 1


# ---------------------------------------------------------------- hostile input


def test_detect() -> None:
    assert claimreview.detect(Sample(json.dumps(review()).encode(), "x")) == 90
    assert claimreview.detect(Sample(b'{"@type": "NewsArticle"}', "x")) == 0
    assert claimreview.detect(Sample(b'{"text": "talk about ClaimReview markup"}', "x")) == 0
    html = b'<html><script type="application/ld+json">{"@type":"ClaimReview"}</script></html>'
    assert claimreview.detect(Sample(html, "x")) == 0  # HTML pages belong to the page format


def test_hostile_text_is_cleaned() -> None:
    hostile = review(
        claimReviewed="\x1b[31mRed\x1b[0m [bold red]claim[/] \u202eevil\u202c \u0634\u0643\u0631\u0627 👍",
        author={"name": "\x1b]8;;https://evil\x07Desk\x1b]8;;\x07"},
        reviewRating={"alternateName": "<b>False</b>\x9b31m"},
        description="<p>why</p><script>alert(1)</script>",
    )
    [item], rejected = run_bytes(json.dumps(hostile).encode())
    assert rejected == []
    assert (
        item.text
        == "Claim: Red [bold red]claim[/] evil شكرا 👍\nRating: <b>False</b>\nBy: Desk\n\nwhy"
    )
    for value in (item.text, item.author_name, item.extra["claim"], item.extra["rating"]):
        assert value is not None
        assert "\x1b" not in value and "\u202e" not in value and "\x9b" not in value


def test_truncated_empty_garbage_and_wrong_encoding() -> None:
    data = json.dumps([review(), review("https://c/2")], indent=1).encode()
    items, rejected = run_bytes(data[: len(data) // 2])
    assert items == [] and len(rejected) == 1
    assert (
        rejected[0].reason.startswith("invalid JSON") and rejected[0].line and rejected[0].line > 1
    )
    assert run_bytes(b"")[1] == [Rejected(record=None, reason="empty file")]
    assert len(run_bytes(bytes(range(256)) * 10)[1]) == 1
    latin = json.dumps(review(claimReviewed="café"), ensure_ascii=False).encode("latin-1")
    items, rejected = run_bytes(latin)
    assert items == [] and "UTF-8" in rejected[0].reason


def test_ten_megabyte_description() -> None:
    big = "palabra " * (10 * 1024 * 1024 // 8)
    started = time.perf_counter()
    [item], _ = run_bytes(json.dumps(review(description=big)).encode())
    assert time.perf_counter() - started < 5
    assert len(item.text) > 10_000_000


def test_deeply_nested_json_is_rejected() -> None:
    items, rejected = run_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert items == [] and "deep" in rejected[0].reason


def test_stored_page_without_claimreview() -> None:
    page = {
        "url": "https://e/",
        "page": "<html><script type='application/ld+json'>{oops</script></html>",
    }
    items, rejected = run_bytes(json.dumps(page).encode())
    assert items == []
    assert [r.reason for r in rejected] == [
        "JSON-LD block 1: Expecting property name enclosed in double quotes",
        "no ClaimReview JSON-LD in the stored page",
    ]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024", ("2024-01-01T00:00:00Z", "year", False)),
        ("2024-03", ("2024-03-01T00:00:00Z", "month", False)),
        ("2024-03-03", ("2024-03-03T00:00:00Z", "day", False)),
        ("2024-03-03T10:00:00+02:00", ("2024-03-03T08:00:00Z", "second", True)),
        ("March", None),  # no year: dateutil would fill it from today's clock
        ("", None),
    ],
)
def test_date_published_precision(date: str, expected: tuple[str, str, bool] | None) -> None:
    [item] = items_from_jsonld(review(datePublished=date))
    posted = item.posted
    assert (None if posted is None else (posted.at, posted.precision, posted.tz_known)) == expected
