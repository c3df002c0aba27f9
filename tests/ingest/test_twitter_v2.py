"""X/Twitter API v2 responses and twarc2 JSON Lines: corpus table, relations, hostile input.

Expected values are read from the corpus files with plain json and strptime,
not through the code under test.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from desk.ingest.base import Rejected, Sample, Source
from desk.ingest.formats import twitter_v1, twitter_v2
from tests.corpus import corpus_files, corpus_path
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

EXTRACTED = "twitter/extracted_from_tweepy_cassettes"
TWARC = "twitter/twarc-csv_test-data"
CASSETTES = "twitter/tweepy_cassettes"
X = EXTRACTED + "/"
T = TWARC + "/"

row = partial(
    CorpusCase,
    format="twitter-v2",
    detect=50,
    others=("twitter-v1", "csv"),
    fields={"platform": "twitter", "kind": "post"},
)


def cassette(name: str) -> CorpusCase:
    """A tweepy cassette: recorded HTTP traffic in YAML, not a v2 response."""
    return CorpusCase(
        f"{CASSETTES}/{name}",
        0,
        1,
        format="twitter-v2",
        detect=0,
        others=("twitter-v1", "csv"),
        reason="invalid JSON",
    )


# Items = data tweets + included tweets not in data.
CASES = (
    row(X + "test_client_create_and_delete_tweet__00_POST_2_tweets.json", 1),
    # {"data": {"deleted": true}}: names no tweet -> one Rejected with that reason
    row(
        X + "test_client_create_and_delete_tweet__01_DELETE_2_tweets_ID.json",
        0,
        1,
        reason="names no tweet",
    ),
    row(
        X + "test_client_get_home_timeline__00_GET_2_users_ID_timelines_reverse_chronological.json",
        98,
    ),
    row(X + "test_client_get_list_tweets__00_GET_2_lists_ID_tweets.json", 97),
    row(X + "test_client_get_quote_tweets__00_GET_2_tweets_ID_quote_tweets.json", 9),
    row(X + "test_client_get_tweet__00_GET_2_tweets_ID.json", 1),
    row(X + "test_client_get_tweets__00_GET_2_tweets.json", 2),
    row(X + "test_client_get_users_tweets__00_GET_2_users_783214_tweets.json", 2),
    row(X + "test_client_search_all_tweets__00_GET_2_tweets_search_all.json", 10),
    row(X + "test_client_search_recent_tweets__00_GET_2_tweets_search_recent.json", 10),
    row(T + "cashtags.jsonl", 1),
    row(T + "cotweet.jsonl", 1),
    row(T + "edited.jsonl", 2),  # latest version + the earlier one in includes
    row(T + "edited_before.jsonl", 2),
    row(T + "empty.json", 0, detect=0),  # zero bytes: no format's, nothing in it
    row(T + "geo_tweets.jsonl", 3),
    row(T + "many_urls.jsonl", 2),
    row(T + "media_tweet.jsonl", 1),
    row(T + "mentions_tweet.jsonl", 2),  # a retweet + the retweeted tweet
    row(T + "quoted_edit.jsonl", 3),  # reply + quoted + replied-to
    row(T + "streaming_output_with_error.jsonl", 11, 1),  # last line cut off
    row(T + "tweets_compliance.jsonl", 0, 2),  # compliance events, not posts
    row(T + "two_tweets.jsonl", 2),
    row(T + "verified_type.jsonl", 1),
    row("csv/twarc-csv_test-data/small_sample.json", 4),  # flattened: 3 lines + 1 inline quote
    cassette("test_client_create_and_delete_tweet.yaml"),
    cassette("test_client_get_home_timeline.yaml"),
    cassette("test_client_get_list_tweets.yaml"),
    cassette("test_client_get_quote_tweets.yaml"),
    cassette("test_client_get_tweet.yaml"),
    cassette("test_client_get_tweets.yaml"),
    cassette("test_client_get_users_tweets.yaml"),
    cassette("test_client_search_all_tweets.yaml"),
    cassette("test_client_search_recent_tweets.yaml"),
)
RESPONSES = tuple(case for case in CASES if not case.file.startswith(CASSETTES))
YAML_CASSETTES = tuple(case for case in CASES if case.file.startswith(CASSETTES))


def _parse(source: Source) -> Parsed:
    return parse(twitter_v2, source)


def _parse_bytes(data: bytes) -> Parsed:
    return _parse(Source("test", data=data))


def _sample(path: Path) -> Sample:
    return Source(path.name, path=path).sample()


def _objects(path: Path) -> list[dict[str, Any]]:
    """Each JSON object of the file (one document, or one per good line)."""
    text = path.read_text(encoding="utf-8")
    try:
        return [json.loads(text)]
    except ValueError:
        out = []
        for line in text.splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out


def _data_tweets(obj: dict[str, Any]) -> list[dict[str, Any]]:
    if "data" not in obj:
        return [obj] if "text" in obj and "id" in obj else []
    data = obj["data"]
    tweets = data if isinstance(data, list) else [data]
    return [t for t in tweets if isinstance(t, dict) and "text" in t]


def _users(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["id"]: u for u in obj.get("includes", {}).get("users", [])}


def _v2_time(value: str) -> str:
    moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_words(text: str, limit: int = 4) -> str:
    words: list[str] = []
    for word in html.unescape(text).split():
        if word.startswith("http") or len(words) == limit:
            break
        words.append(word)
    return " ".join(words)


@pytest.mark.corpus
def test_the_table_covers_every_v2_file() -> None:
    found = corpus_files(EXTRACTED, "test_client_*") + corpus_files(TWARC)
    if not found:
        pytest.skip("the shared corpus is absent")
    responses = {case.file for case in RESPONSES}
    assert set(found) | {"csv/twarc-csv_test-data/small_sample.json"} == responses
    yaml_cassettes = {case.file for case in YAML_CASSETTES}
    assert set(corpus_files(CASSETTES, "*.yaml")) == yaml_cassettes


@corpus_table(RESPONSES)
def test_corpus_file(case: CorpusCase) -> None:
    run = run_case(case)
    path, items = run.path, run.items
    by_id = {item.platform_id: item for item in items}
    for obj in _objects(path):
        users = _users(obj)
        for tweet in _data_tweets(obj)[:3]:
            item = by_id[tweet["id"]]
            author = tweet.get("author") or users.get(tweet.get("author_id", ""))
            assert item.platform == "twitter"
            assert item.author_handle == (author["username"] if author else None)
            assert item.author_name == (author["name"] if author else None)
            handle = author["username"] if author else "i/web"
            assert item.url == f"https://twitter.com/{handle}/status/{tweet['id']}"
            if "created_at" in tweet:
                assert item.posted is not None
                assert item.posted.at == _v2_time(tweet["created_at"])
            else:
                assert item.posted is None
            text = tweet.get("note_tweet", {}).get("text") or tweet["text"]
            assert " ".join(item.text.split()).startswith(" ".join(_first_words(text).split()))


@corpus_table(YAML_CASSETTES)
def test_yaml_cassettes_are_containers_not_responses(case: CorpusCase) -> None:
    run = run_case(case)
    assert run.items == [] and len(run.rejected) == 1
    assert run.rejected[0].reason.startswith("invalid JSON")


@pytest.mark.corpus
def test_jsonl_records_are_line_numbers_and_raw_is_the_line() -> None:
    path = corpus_path(f"{TWARC}/streaming_output_with_error.jsonl")
    lines = path.read_bytes().split(b"\n")
    items, rejected = _parse(Source(path.name, path=path))
    data_ids = {json.loads(line)["data"]["id"] for line in lines[:7]}
    data_items = [i for i in items if i.platform_id in data_ids]
    assert [i.record for i in data_items] == list(range(1, 8))
    for item in data_items:
        assert item.record is not None and item.raw == lines[item.record - 1].strip()
    assert rejected[0].record == 8 and rejected[0].line == 8
    assert "invalid JSON" in rejected[0].reason


@pytest.mark.corpus
def test_quotes_replies_and_included_tweets() -> None:
    path = corpus_path(f"{TWARC}/quoted_edit.jsonl")
    page = json.loads(path.read_bytes())
    tweet = page["data"][0]
    users = _users(page)
    included = {t["id"]: t for t in page["includes"]["tweets"]}
    items, _ = _parse(Source(path.name, path=path))
    main = next(i for i in items if i.platform_id == tweet["id"])
    expected = []
    for ref in tweet["referenced_tweets"]:
        relation = {"quoted": "quotes", "replied_to": "reply-to"}[ref["type"]]
        handle = users[included[ref["id"]]["author_id"]]["username"]
        expected.append((relation, ref["id"], f"https://twitter.com/{handle}/status/{ref['id']}"))
    assert [(r.relation, r.platform_id, r.url) for r in main.refs] == expected
    # Both referenced tweets were in includes, so they are items too.
    assert {r.platform_id for r in main.refs} <= {i.platform_id for i in items}


@pytest.mark.corpus
def test_retweet_refs_the_original() -> None:
    path = corpus_path(f"{TWARC}/mentions_tweet.jsonl")
    page = json.loads(path.read_bytes())
    retweet = page["data"][0]
    original_id = retweet["referenced_tweets"][0]["id"]
    items, _ = _parse(Source(path.name, path=path))
    item = next(i for i in items if i.platform_id == retweet["id"])
    assert [(r.relation, r.platform_id) for r in item.refs] == [("repost-of", original_id)]
    original = next(i for i in items if i.platform_id == original_id)
    assert original.text.startswith("Looking for gaming mutuals")
    assert original.author_handle == retweet["entities"]["mentions"][0]["username"]


@pytest.mark.corpus
def test_edit_history() -> None:
    path = corpus_path(f"{TWARC}/edited.jsonl")
    page = json.loads(path.read_bytes())
    history = page["data"][0]["edit_history_tweet_ids"]
    items, _ = _parse(Source(path.name, path=path))
    by_id = {i.platform_id: i for i in items}
    assert set(by_id) == set(history)
    latest, earlier = by_id[history[-1]], by_id[history[0]]
    assert latest.extra["is_latest_version"] is True
    assert earlier.extra["is_latest_version"] is False
    assert earlier.extra["latest_version_id"] == history[-1]
    assert latest.extra["edit_history_tweet_ids"] == history


@pytest.mark.corpus
def test_media_with_alt_text_and_video() -> None:
    path = corpus_path(f"{TWARC}/edited_before.jsonl")
    media = json.loads(path.read_bytes())["includes"]["media"][0]
    items, _ = _parse(Source(path.name, path=path))
    photo = next(i for i in items if i.media)
    assert photo.media[0].url == media["url"]
    assert photo.media[0].alt == media["alt_text"]
    assert photo.media[0].type == "photo"
    path = corpus_path(f"{TWARC}/media_tweet.jsonl")
    items, _ = _parse(Source(path.name, path=path))
    video = items[0].media[0]
    assert video.type == "video" and ".mp4" in video.url


@pytest.mark.corpus
def test_compliance_lines_say_what_they_are() -> None:
    path = corpus_path(f"{TWARC}/tweets_compliance.jsonl")
    _, rejected = _parse(Source(path.name, path=path))
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert [r.record for r in rejected] == [2, 3]  # line 1 is blank
    for reason, event in zip([r.reason for r in rejected], events, strict=True):
        assert event["id"] in reason and event["reason"] in reason


@pytest.mark.corpus
def test_delete_answer_is_rejected_with_reason() -> None:
    path = corpus_path(
        f"{EXTRACTED}/test_client_create_and_delete_tweet__01_DELETE_2_tweets_ID.json"
    )
    (rejected,) = list(twitter_v2.parse(Source(path.name, path=path)))
    assert isinstance(rejected, Rejected)
    assert "deleted: true" in rejected.reason and "names no tweet" in rejected.reason


@pytest.mark.corpus
def test_created_tweet_without_author_is_kept() -> None:
    path = corpus_path(f"{EXTRACTED}/test_client_create_and_delete_tweet__00_POST_2_tweets.json")
    body = json.loads(path.read_bytes())["data"]
    (item,), _ = _parse(Source(path.name, path=path))
    assert item.platform_id == body["id"] and item.text == body["text"]
    assert item.author_handle is None and item.extra["author_unknown"] is True
    assert item.url == f"https://twitter.com/i/web/status/{body['id']}"
    assert item.raw == path.read_bytes().strip()


def test_errors_only_response_rejects_each_error() -> None:
    response = {
        "errors": [
            {
                "value": "1",
                "detail": "Could not find tweet with ids: [1].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "ids",
                "resource_id": "1",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            },
            {
                "detail": "Sorry, you are not authorized to see the Tweet with ids: [2].",
                "title": "Authorization Error",
                "resource_type": "tweet",
                "resource_id": "2",
                "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
            },
        ]
    }
    data = json.dumps(response).encode()
    assert twitter_v2.detect(Sample(data, "e")) > 0
    assert twitter_v1.detect(Sample(data, "e")) == 0
    items, rejected = _parse_bytes(data)
    assert items == []
    assert len(rejected) == 2
    assert "Not Found Error: Could not find tweet with ids: [1]." in rejected[0].reason
    assert "Authorization Error" in rejected[1].reason


def test_note_tweet_poll_place_and_hostile_text() -> None:
    response = {
        "data": [
            {
                "id": "10",
                "text": "short…",
                "author_id": "u1",
                "created_at": "2024-03-03T10:00:00.000Z",
                "note_tweet": {
                    "text": "Long \x1b[31mred\x1b[0m [bold]text[/bold] \u202eabc &amp; more"
                },
                "attachments": {"poll_ids": ["p1"]},
                "geo": {"place_id": "pl1"},
                "lang": "und",
            },
            {"id": "11", "text": "second", "author_id": "u1"},
        ],
        "includes": {
            "users": [{"id": "u1", "username": "some_one", "name": "Some \x07One"}],
            "polls": [{"id": "p1", "options": [{"position": 1, "label": "Yes", "votes": 3}]}],
            "places": [{"id": "pl1", "full_name": "Stepanakert"}],
        },
    }
    items, rejected = _parse_bytes(json.dumps(response).encode())
    assert not rejected
    first = items[0]
    assert first.text == "Long red [bold]text[/bold] abc & more"
    assert first.author_name == "Some One"
    assert first.lang is None
    assert first.extra["poll"]["options"] == [{"label": "Yes", "votes": 3}]
    assert first.extra["place"] == "Stepanakert"
    # Two tweets in one page: each raw is a sub-response that keeps its author.
    sub = json.loads(first.raw)
    assert sub["data"]["id"] == "10" and sub["includes"]["users"][0]["username"] == "some_one"
    assert [i.record for i in items] == [1, 2]


def test_empty_garbage_truncated_and_deep() -> None:
    assert _parse_bytes(b"") == ([], [])
    garbage = bytes(range(256)) * 50
    assert twitter_v2.detect(Sample(garbage, "g")) == 0
    items, rejected = _parse_bytes(garbage)
    assert items == [] and len(rejected) == 1
    pretty = json.dumps({"data": [{"id": "1", "text": "a"}] * 50}, indent=2).encode()
    items, rejected = _parse_bytes(pretty[: len(pretty) // 2])
    assert items == [] and len(rejected) == 1 and (rejected[0].line or 0) > 1
    items, rejected = _parse_bytes(b'{"data":' * 100_000 + b"1" + b"}" * 100_000)
    assert items == [] and "nested too deeply" in rejected[0].reason


def test_deep_line_in_jsonl_is_rejected_and_the_rest_read() -> None:
    good = json.dumps({"data": [{"id": "5", "text": "ok", "author_id": "1"}]})
    deep = "[" * 100_000 + "]" * 100_000
    items, rejected = _parse_bytes("\n".join([good, deep, good.replace('"5"', '"6"')]).encode())
    assert [i.platform_id for i in items] == ["5", "6"]
    assert [r.record for r in rejected] == [2]


def test_ten_megabyte_text_in_jsonl() -> None:
    big = {"data": {"id": "77", "text": "x" * (10 * 1024 * 1024), "author_id": "1"}}
    lines = [json.dumps(big), json.dumps({"data": {"id": "78", "text": "y", "author_id": "1"}})]
    items, rejected = _parse_bytes("\n".join(lines).encode())
    assert not rejected
    assert len(items[0].text) == 10 * 1024 * 1024
    assert items[1].record == 2


def test_wrong_encoding_line() -> None:
    line = json.dumps(
        {"data": {"id": "9", "text": "Grüße aus Köln, schöne Straße"}}, ensure_ascii=False
    )
    ok = json.dumps({"data": {"id": "8", "text": "ok"}})
    items, rejected = _parse_bytes(ok.encode() + b"\n" + line.encode("cp1252"))
    assert not rejected
    assert items[1].text == "Grüße aus Köln, schöne Straße"
    assert "not UTF-8" in items[1].extra["encoding"]


def test_streaming_error_line_is_rejected() -> None:
    lines = [
        json.dumps({"data": {"id": "1", "text": "a"}}),
        json.dumps(
            {
                "errors": [
                    {
                        "title": "operational-disconnect",
                        "detail": "This stream has been disconnected upstream.",
                        "type": "https://api.twitter.com/2/problems/operational-disconnect",
                    }
                ]
            }
        ),
    ]
    items, rejected = _parse_bytes("\n".join(lines).encode())
    assert len(items) == 1
    assert rejected[0].record == 2 and "operational-disconnect" in rejected[0].reason


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        *corpus_files("twitter/tweepy_cassettes"),
        *corpus_files(EXTRACTED, "test[a-z]*"),
        *corpus_files("twitter/embedded_html_from_meedan_fetch"),
        *corpus_files("csv", "*.csv"),
    ],
)
def test_other_files_are_not_v2(name: str) -> None:
    assert twitter_v2.detect(_sample(corpus_path(name))) == 0
