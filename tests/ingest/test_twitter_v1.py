"""X/Twitter API v1.1 statuses: every corpus file, the relations, hostile input.

Expected values are read from the corpus files themselves (with plain json
and strptime, not the code under test), so a test fails only when the parser
and the file disagree.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desk.ingest.base import Sample, Source
from desk.ingest.formats import twitter_v1
from tests.corpus import corpus_files, corpus_path
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

EXTRACTED = "twitter/extracted_from_tweepy_cassettes"
CASSETTES = "twitter/tweepy_cassettes"


def row(name: str, items: int, rejected: int = 0, *, detect: int = 90) -> CorpusCase:
    return CorpusCase(
        f"{EXTRACTED}/{name}",
        items,
        rejected,
        format="twitter-v1",
        detect=detect,
        others=("twitter-v2", "csv"),
        fields={"platform": "twitter", "kind": "post"},
    )


def cassette(name: str) -> CorpusCase:
    """A tweepy cassette: recorded HTTP traffic (its bodies are strings), not a v1.1 status."""
    return CorpusCase(
        f"{CASSETTES}/{name}",
        0,
        1,
        format="twitter-v1",
        detect=0,
        others=("twitter-v2", "csv"),
        reason="not a v1.1 status",
    )


# Items = the statuses plus each nested original (retweeted / quoted status)
# the first time it appears in the file.
CASES = (
    row("testgetretweets__00_GET_1.1_statuses_retweets_ID.json", 16),  # 15 RTs of one tweet
    row("testgetstatus__00_GET_1.1_statuses_show.json", 1),
    row("testhometimeline__00_GET_1.1_statuses_home_timeline.json", 22),  # 19 + 3 originals
    # []: v1 claims an empty array last (score 1), and it holds nothing
    row("testmentionstimeline__00_GET_1.1_statuses_mentions_timeline.json", 0, detect=1),
    row("testretweetandunretweet__00_POST_1.1_statuses_retweet_ID.json", 2),
    row("testretweetandunretweet__01_POST_1.1_statuses_unretweet_ID.json", 1),
    row("testsearchtweets__00_GET_1.1_search_tweets.json", 21),  # 15 + 6 originals
    row("testupdateanddestroystatus__00_POST_1.1_statuses_update.json", 1),
    row("testupdateanddestroystatus__01_POST_1.1_statuses_destroy_ID.json", 1),
    row("testupdateanddestroystatus__02_POST_1.1_statuses_update.json", 1),
    row("testupdateanddestroystatus__03_POST_1.1_statuses_destroy_ID.json", 1),
    row("testusertimeline__00_GET_1.1_statuses_user_timeline.json", 4),
    row("testusertimeline__01_GET_1.1_statuses_user_timeline.json", 20),
    cassette("testgetoembed.json"),
    cassette("testgetretweets.json"),
    cassette("testgetstatus.json"),
    cassette("testhometimeline.json"),
    cassette("testmentionstimeline.json"),
    cassette("testretweetandunretweet.json"),
    cassette("testsearchtweets.json"),
    cassette("testupdateanddestroystatus.json"),
    cassette("testusertimeline.json"),
)
STATUSES = tuple(case for case in CASES if case.file.startswith(EXTRACTED))
JSON_CASSETTES = tuple(case for case in CASES if case.file.startswith(CASSETTES))


def _parse(source: Source) -> Parsed:
    return parse(twitter_v1, source)


def _parse_path(path: Path) -> Parsed:
    return _parse(Source(path.name, path=path))


def _parse_bytes(data: bytes) -> Parsed:
    return _parse(Source("test", data=data))


def _statuses(value: Any) -> list[dict[str, Any]]:
    statuses: list[dict[str, Any]]
    if isinstance(value, dict) and "statuses" in value:
        statuses = value["statuses"]
    else:
        statuses = value if isinstance(value, list) else [value]
    return statuses


def _v1_time(value: str) -> str:
    moment = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_words(text: str, limit: int = 4) -> str:
    """The leading words up to the first link (links are expanded in items)."""
    words: list[str] = []
    for word in html.unescape(text).split():
        if word.startswith("http") or len(words) == limit:
            break
        words.append(word)
    return " ".join(words)


def _sample(path: Path) -> Sample:
    return Source(path.name, path=path).sample()


@pytest.mark.corpus
def test_the_table_covers_every_v1_file() -> None:
    files = corpus_files(EXTRACTED, "test[a-z]*.json")
    if not files:
        pytest.skip("the shared corpus is absent")
    v1_files = {f for f in files if "oembed" not in f}
    assert v1_files == {case.file for case in STATUSES}
    cassettes = {case.file for case in CASES if case.file.startswith(CASSETTES)}
    assert set(corpus_files(CASSETTES, "*.json")) == cassettes


@corpus_table(STATUSES)
def test_corpus_file(case: CorpusCase) -> None:
    run = run_case(case)
    path, items = run.path, run.items
    statuses = _statuses(json.loads(path.read_bytes()))
    if not statuses:
        return
    by_id = {item.platform_id: item for item in items}
    for status in statuses[:3]:
        item = by_id[status["id_str"]]
        handle = status["user"]["screen_name"]
        assert item.platform == "twitter"
        assert item.author_handle == handle
        assert item.author_name == status["user"]["name"]
        assert item.url == f"https://twitter.com/{handle}/status/{status['id_str']}"
        assert item.posted is not None
        assert item.posted.at == _v1_time(status["created_at"])
        assert item.posted.precision == "second" and item.posted.tz_known
        assert item.text.startswith(_first_words(status["text"]))
        # The raw record is the exact bytes of the status in the file.
        assert item.raw in path.read_bytes()
        assert json.loads(item.raw)["id_str"] == status["id_str"]


@corpus_table(JSON_CASSETTES)
def test_json_cassettes_are_containers_not_statuses(case: CorpusCase) -> None:
    run = run_case(case)
    assert run.items == [] and len(run.rejected) == 1
    assert run.rejected[0].reason.startswith("not a v1.1 status")


@pytest.mark.corpus
def test_records_are_array_indexes() -> None:
    path = corpus_path(f"{EXTRACTED}/testusertimeline__01_GET_1.1_statuses_user_timeline.json")
    statuses = json.loads(path.read_bytes())
    items, _ = _parse_path(path)
    assert [i.record for i in items] == list(range(1, len(statuses) + 1))
    assert [i.platform_id for i in items] == [s["id_str"] for s in statuses]


@pytest.mark.corpus
def test_retweets_yield_the_original_once_and_ref_it() -> None:
    path = corpus_path(f"{EXTRACTED}/testgetretweets__00_GET_1.1_statuses_retweets_ID.json")
    statuses = json.loads(path.read_bytes())
    items, _ = _parse_path(path)
    original = statuses[0]["retweeted_status"]
    originals = [i for i in items if i.platform_id == original["id_str"]]
    assert len(originals) == 1
    assert originals[0].author_handle == original["user"]["screen_name"]
    assert originals[0].raw == twitter_v1.canonical_raw(original)
    retweets = [i for i in items if i.platform_id != original["id_str"]]
    assert len(retweets) == len(statuses)
    for item in retweets:
        assert [(r.relation, r.platform_id) for r in item.refs] == [
            ("repost-of", original["id_str"])
        ]
        assert item.refs[0].url == (
            f"https://twitter.com/{original['user']['screen_name']}/status/{original['id_str']}"
        )
    # The original comes before the first retweet, so a link can be made at once.
    assert items[0].platform_id == original["id_str"]


@pytest.mark.corpus
def test_replies_ref_their_parent() -> None:
    path = corpus_path(f"{EXTRACTED}/testusertimeline__01_GET_1.1_statuses_user_timeline.json")
    statuses = json.loads(path.read_bytes())
    items, _ = _parse_path(path)
    replies = [s for s in statuses if s.get("in_reply_to_status_id_str")]
    assert replies
    by_id = {i.platform_id: i for i in items}
    for status in replies:
        refs = [r for r in by_id[status["id_str"]].refs if r.relation == "reply-to"]
        assert [r.platform_id for r in refs] == [status["in_reply_to_status_id_str"]]
        assert refs[0].url == (
            f"https://twitter.com/{status['in_reply_to_screen_name']}/status/"
            f"{status['in_reply_to_status_id_str']}"
        )


@pytest.mark.corpus
def test_links_are_expanded_and_media_kept() -> None:
    path = corpus_path(f"{EXTRACTED}/testgetstatus__00_GET_1.1_statuses_show.json")
    status = json.loads(path.read_bytes())
    (item,), _ = _parse_path(path)
    link = status["entities"]["urls"][0]
    assert link["expanded_url"] in item.text
    assert link["url"] not in item.text
    assert '"As  usage' not in item.text or "&quot;" not in item.text

    path = corpus_path(f"{EXTRACTED}/testhometimeline__00_GET_1.1_statuses_home_timeline.json")
    first = json.loads(path.read_bytes())[0]
    items, _ = _parse_path(path)
    media = first["extended_entities"]["media"][0]
    assert items[0].media[0].url == media["media_url_https"]
    assert items[0].media[0].type == media["type"]
    assert media["display_url"] in items[0].text  # pic.twitter.com/… form, not t.co


@pytest.mark.corpus
def test_search_results_video_and_gif_media() -> None:
    path = corpus_path(f"{EXTRACTED}/testsearchtweets__00_GET_1.1_search_tweets.json")
    items, _ = _parse_path(path)
    kinds = {m.type for item in items for m in item.media}
    assert {"animated_gif", "video"} <= kinds
    for item in items:
        for medium in item.media:
            if medium.type in ("video", "animated_gif"):
                assert ".mp4" in medium.url


def _base_status() -> dict[str, Any]:
    path = corpus_path(f"{EXTRACTED}/testupdateanddestroystatus__00_POST_1.1_statuses_update.json")
    status: dict[str, Any] = json.loads(path.read_bytes())
    return status


@pytest.mark.corpus
def test_full_text_quotes_and_alt_text() -> None:
    quoted = _base_status()
    status = json.loads(json.dumps(quoted))
    status["id_str"] = status["id"] = "1200000000000000001"
    status["text"] = "short version… https://t.co/more"
    status["truncated"] = True
    status["extended_tweet"] = {
        "full_text": "The long text &amp; more https://t.co/abc",
        "entities": {
            "urls": [{"url": "https://t.co/abc", "expanded_url": "https://example.org/a?b=1"}]
        },
        "extended_entities": {
            "media": [
                {
                    "type": "photo",
                    "media_url_https": "https://pbs.twimg.com/media/x.jpg",
                    "url": "https://t.co/pic",
                    "display_url": "pic.twitter.com/pic",
                    "ext_alt_text": "A \x1b[31mred\x1b[0m door",
                }
            ]
        },
    }
    status["quoted_status_id_str"] = quoted["id_str"]
    status["quoted_status"] = quoted
    items, rejected = _parse_bytes(json.dumps([status]).encode())
    assert not rejected
    assert [i.platform_id for i in items] == [quoted["id_str"], status["id_str"]]
    item = items[1]
    assert item.text == "The long text & more https://example.org/a?b=1"
    assert item.media[0].alt == "A red door"
    assert [(r.relation, r.platform_id) for r in item.refs] == [("quotes", quoted["id_str"])]


def test_hostile_text_is_stored_clean() -> None:
    status = {
        "id_str": "42",
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "text": "[bold red]boom[/] \x1b]52;c;ZXZpbA==\x07ok \u202eevil\u202c \x1b[2J\u05e9\u05dc\u05d5\u05dd 😀",
        "user": {"screen_name": "x_y", "name": "Bad\x1b[31m Name\u202e"},
    }
    items, rejected = _parse_bytes(json.dumps(status).encode())
    assert not rejected
    (item,) = items
    assert item.text == "[bold red]boom[/] ok evil שלום 😀"  # markup kept as plain text
    assert item.author_name == "Bad Name"
    assert item.posted is not None and item.posted.at == "2018-10-10T20:19:24Z"
    assert item.raw == json.dumps(status).encode()


def test_empty_and_garbage_files() -> None:
    assert _parse_bytes(b"") == ([], [])
    assert twitter_v1.detect(Sample(b"", "empty")) == 0
    garbage = b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 40
    assert twitter_v1.detect(Sample(garbage, "garbage")) == 0
    items, rejected = _parse_bytes(garbage)
    assert items == [] and len(rejected) == 1


@pytest.mark.corpus
def test_truncated_file_keeps_the_complete_statuses() -> None:
    path = corpus_path(f"{EXTRACTED}/testhometimeline__00_GET_1.1_statuses_home_timeline.json")
    statuses = json.loads(path.read_bytes())
    pretty = json.dumps(statuses, indent=2).encode()
    cut = pretty[: len(pretty) // 2]
    items, rejected = _parse_bytes(cut)
    assert len(rejected) == 1
    assert rejected[0].line is not None and rejected[0].line > 1
    top = [i for i in items if i.platform_id in {s["id_str"] for s in statuses}]
    assert [i.platform_id for i in top][:3] == [s["id_str"] for s in statuses[:3]]
    assert "complete record(s) before it were read" in rejected[0].reason


def test_deeply_nested_json_is_rejected() -> None:
    items, rejected = _parse_bytes(b"[" * 200_000 + b"]" * 200_000)
    assert items == [] and len(rejected) == 1
    assert "nested too deeply" in rejected[0].reason


@pytest.mark.corpus
def test_wrong_encoding_is_read_and_said() -> None:
    status = _base_status()
    status["text"] = "Café à côté, déjà vu — naïve façade"
    data = json.dumps(status, ensure_ascii=False).encode("cp1252")
    (item,), rejected = _parse_bytes(data)
    assert not rejected
    assert item.text == status["text"]
    assert "not UTF-8" in item.extra["encoding"]


@pytest.mark.corpus
def test_ten_megabyte_text_field() -> None:
    status = _base_status()
    status["text"] = "word " * (2 * 1024 * 1024)
    items, rejected = _parse_bytes(json.dumps([status]).encode())
    assert not rejected
    assert len(items[0].text) > 9 * 1024 * 1024


@pytest.mark.corpus
def test_json_lines_with_stream_notices() -> None:
    status = _base_status()
    lines = [
        json.dumps(status),
        json.dumps({"delete": {"status": {"id_str": "99", "user_id_str": "1"}}}),
        "{broken",
        json.dumps({"limit": {"track": 3}}),
        json.dumps(status),
    ]
    items, rejected = _parse_bytes("\n".join(lines).encode())
    assert [i.record for i in items] == [1, 5]
    assert [r.record for r in rejected] == [2, 3, 4]
    assert "deletion notice for tweet 99" in rejected[0].reason
    assert "invalid JSON" in rejected[1].reason
    assert "rate-limit" in rejected[2].reason
    assert items[0].raw == lines[0].encode()


def test_bad_records_are_rejected_not_raised() -> None:
    good = {"id_str": "7", "text": "fine", "user": {"screen_name": "ok"}}
    data = json.dumps([good, {"text": "no id", "user": {}}, 5, None, good]).encode()
    items, rejected = _parse_bytes(data)
    assert [i.record for i in items] == [1, 5]
    assert [r.record for r in rejected] == [2, 3, 4]


def test_api_error_response_is_rejected() -> None:
    data = json.dumps({"errors": [{"code": 144, "message": "No status found with that ID."}]})
    assert twitter_v1.detect(Sample(data.encode(), "e")) > 0
    items, rejected = _parse_bytes(data.encode())
    assert items == []
    assert "No status found with that ID." in rejected[0].reason
    assert "144" in rejected[0].reason


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        *corpus_files("twitter/tweepy_cassettes"),
        *corpus_files(EXTRACTED, "testgetoembed__*", "test_client_*"),
        *corpus_files("twitter/twarc-csv_test-data"),
        *corpus_files("twitter/embedded_html_from_meedan_fetch"),
        *corpus_files("csv"),
    ],
)
def test_other_files_are_not_v1(name: str) -> None:
    assert twitter_v1.detect(_sample(corpus_path(name))) == 0


def test_canonical_status_urls() -> None:
    canon = twitter_v1.canonical_status_url
    assert canon("https://x.com/Jack/status/20?s=20") == "https://twitter.com/Jack/status/20"
    assert canon("http://mobile.twitter.com/a_b/statuses/1/photo/1") == (
        "https://twitter.com/a_b/status/1"
    )
    assert canon("https://twitter.com/i/web/status/5") == "https://twitter.com/i/web/status/5"
    assert canon("https://example.com/a/status/1") is None
