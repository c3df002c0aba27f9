"""Whole-document JSON arrays streamed with ijson (issue 12, bounded memory).

The streamed reader must give exactly the items the whole-document reader
gave: a differential test over every corpus file that streams, and over
timelines made here with boosts, quotes and replies in every order. Then the
inputs a stream meets badly: truncated, empty, trailing garbage, hostile
text, brackets and escapes inside strings across chunk boundaries, deep
nesting (ijson's memory grows with the square of the depth, so the reader
refuses it first), a huge field. That memory stays bounded at 100k and 1M
statuses is measured in bench/ingest.py, not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.ingest import jsondocs
from desk.ingest.base import ParsedItem, Rejected, Source
from desk.ingest.formats import bluesky, mastodon
from tests.corpus import CORPUS, corpus_path
from tests.ingest.helpers import split

X = "mastodon/extracted_from_Mastodon.py_cassettes/"
TIMELINE = X + "test_home_tl__01_GET_v1_timelines_home.json"
STATUS = X + "test_entity_status__00_GET_v1_statuses_ID.json"


def _streamed_corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        suffix_ok = path.suffix in (".json", ".jsonl", ".txt", "")
        if suffix_ok and path.is_file() and jsondocs.streams_as_array(Source(path.name, path=path)):
            found.append(str(path.relative_to(CORPUS)))
    return found


STREAMED = _streamed_corpus_files()
FEED = "bluesky/extracted_from_bskyr_vcr/f_timeline__00_app.bsky.feed.getTimeline.json"


def _json_objects() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return [
        str(path.relative_to(CORPUS))
        for path in sorted(CORPUS.rglob("*.json"))
        if jsondocs.streams_as_array(Source(path.name, path=path), b"{")
        and bluesky.detect(Source(path.name, path=path).sample()) > 0
    ]


OBJECTS = _json_objects()


def both(source: Source) -> tuple[list[ParsedItem | Rejected], list[ParsedItem | Rejected]]:
    return list(mastodon.parse(source)), list(mastodon.parse_whole(source))


def timeline(count: int) -> list[dict[str, Any]]:
    """`count` statuses made from the corpus timeline, each with a new id."""
    templates = json.loads(corpus_path(TIMELINE).read_text(encoding="utf-8"))
    statuses = []
    for index in range(count):
        status = dict(templates[index % len(templates)])
        new_id = str(900_000 + index)
        status["id"] = new_id
        status["uri"] = status["uri"].replace(templates[index % len(templates)]["id"], new_id)
        status["url"] = status["url"].replace(templates[index % len(templates)]["id"], new_id)
        statuses.append(status)
    return statuses


def test_the_corpus_has_arrays_that_stream() -> None:
    corpus_path(TIMELINE)
    assert TIMELINE in STREAMED and len(STREAMED) >= 5


@pytest.mark.parametrize("relative", STREAMED)
def test_streamed_items_equal_whole_document_items(relative: str) -> None:
    source = Source(Path(relative).name, path=corpus_path(relative))
    streamed, whole = both(source)
    assert streamed == whole


def test_boosts_quotes_and_replies_resolve_in_either_order() -> None:
    """Reply and quote targets after their replies (newest first, as timelines
    are) and nested copies met twice: the three walks give what one did."""
    statuses = timeline(40)
    status = json.loads(corpus_path(STATUS).read_text(encoding="utf-8"))
    boost = dict(statuses[3], id="777", uri=statuses[3]["uri"] + "/activity", reblog=statuses[30])
    quote = dict(statuses[5], id="778", uri=statuses[5]["uri"] + "/q")
    quote["quote"] = {"state": "accepted", "quoted_status": statuses[30]}
    shallow = dict(statuses[6], id="779", uri=statuses[6]["uri"] + "/s")
    shallow["quote"] = {"state": "accepted", "quoted_status_id": statuses[20]["id"]}
    reply = dict(statuses[7], id="780", uri=statuses[7]["uri"] + "/r")
    reply["in_reply_to_id"] = statuses[25]["id"]
    unknown = dict(status, id="781", uri=status["uri"] + "/u", in_reply_to_id="424242")
    mixed = [boost, quote, shallow, reply, unknown, *statuses, boost, "not a status", 7]
    for order in (mixed, list(reversed(mixed))):
        data = json.dumps(order, indent=1).encode()
        streamed, whole = both(Source("timeline.json", data=data))
        assert streamed == whole
        items = [r for r in streamed if isinstance(r, ParsedItem)]
        refs = {ref.relation for item in items for ref in item.refs}
        assert {"repost-of", "quotes", "reply-to"} <= refs
        assert len([r for r in streamed if isinstance(r, Rejected)]) == 2


@pytest.mark.parametrize("data", [b"[]", b"  [ ]  \n", b"[\n]\n"], ids=["empty", "spaced", "lines"])
def test_an_empty_array_gives_nothing(data: bytes) -> None:
    streamed, whole = both(Source("empty.json", data=data))
    assert streamed == whole == []


def test_json_lines_of_arrays_are_not_streamed() -> None:
    line = json.dumps(timeline(2)).encode()
    source = Source("pages.jsonl", data=line + b"\n" + line + b"\n")
    assert not jsondocs.streams_as_array(source)
    items, rejected = split(mastodon.parse(source))
    assert len(items) == 4 and rejected == [] and {i.record for i in items} == {1, 2}


def test_a_small_broken_array_reads_as_before() -> None:
    data = json.dumps(timeline(5)).encode()[:-40]
    streamed, whole = both(Source("cut.json", data=data))
    assert streamed == whole
    (why,) = streamed
    assert isinstance(why, Rejected) and "line 1 column" in why.reason


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as too big to re-read whole: the streamed salvage."""
    monkeypatch.setattr(mastodon, "STREAM_FALLBACK_LIMIT", -1)


@pytest.mark.usefixtures("big")
@pytest.mark.parametrize("cut", [1, 100, 8_000, -3])
def test_a_big_truncated_array_keeps_the_statuses_before_the_cut(cut: int) -> None:
    statuses = timeline(12)
    data = json.dumps(statuses).encode()
    whole = [r for r in mastodon.parse_whole(Source("t.json", data=data))]
    cut_at = cut if cut > 0 else len(data) + cut
    items, rejected = split(mastodon.parse(Source("t.json", data=data[:cut_at])))
    complete, _ = jsondocs.array_prefix(data[:cut_at].decode(), 0)
    kept = [i for i in whole if isinstance(i, ParsedItem) and (i.record or 0) <= len(complete)]
    assert kept == items
    (why,) = rejected
    assert why.reason.startswith("not valid JSON: ") and "in bytes" in why.reason
    assert "\n" not in why.reason
    if complete:
        assert f"the {len(complete)} complete record(s) before it" in why.reason
        assert why.record == len(complete) + 1
    assert cut < 1000 or complete


@pytest.mark.usefixtures("big")
def test_trailing_garbage_after_a_big_array_is_named_after_its_statuses() -> None:
    data = json.dumps(timeline(3)).encode() + b" \x1b[31mgarbage"
    items, rejected = split(mastodon.parse(Source("t.json", data=data)))
    assert len(items) == 3
    (why,) = rejected
    assert "the 3 complete record(s)" in why.reason and "\x1b" not in why.reason


@pytest.mark.usefixtures("big")
def test_deep_nesting_is_refused_before_ijson_sees_it() -> None:
    data = b"[" * 200_000 + b"]" * 200_000
    items, rejected = split(mastodon.parse(Source("deep.json", data=data)))
    assert items == [] and "nested too deeply" in rejected[0].reason


def test_depth_is_counted_outside_strings_across_chunk_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jsondocs, "_STREAM_CHUNK", 7)
    tricky = ['[[[{{{ "', '\\"[[[', "\\\\", '\\\\\\"{{', '"' * 30, "[" * 5000]
    data = json.dumps([{"text": t} for t in tricky]).encode()
    assert list(jsondocs.stream_array(Source("s.json", data=data))) == json.loads(data)
    limit = jsondocs.MAX_STREAM_DEPTH
    ok = b"[" * limit + b"]" * limit
    assert list(jsondocs.stream_array(Source("ok.json", data=ok)))
    deep = b"[" * (limit + 1) + b"]" * (limit + 1)
    with pytest.raises(jsondocs.ArrayBreak, match="nested too deeply"):
        list(jsondocs.stream_array(Source("deep.json", data=deep)))


def test_hostile_text_and_a_huge_field_stream_like_the_whole_document() -> None:
    statuses = timeline(4)
    statuses[0]["content"] = "<p>\x1b]8;;http://evil\x07click\x1b[2J [red]x[/red] \u202eabc</p>"
    statuses[1]["content"] = "<p>" + "word " * 1_100_000 + "</p>"
    statuses[2]["account"] = dict(statuses[2]["account"], display_name="\x00\x07[bold]B\u202e")
    data = json.dumps(statuses).encode()
    streamed, whole = both(Source("hostile.json", data=data))
    assert streamed == whole and all(isinstance(r, ParsedItem) for r in streamed)
    assert "\x1b" not in streamed[0].text  # type: ignore[union-attr]


def test_an_edit_history_array_is_read_whole() -> None:
    status = json.loads(corpus_path(STATUS).read_text(encoding="utf-8"))
    version = {k: status[k] for k in ("account", "content", "created_at", "sensitive")}
    data = json.dumps([version, dict(version, content="<p>v2</p>")]).encode()
    streamed, whole = both(Source("edits.json", data=data))
    assert streamed == whole and len(streamed) == 1
    assert streamed[0].extra["edit_history"] is True  # type: ignore[union-attr]


# ---------------------------------------------------------------- Bluesky feeds


def feed(count: int) -> dict[str, Any]:
    """A getTimeline response of `count` entries made from the corpus one."""
    response = json.loads(corpus_path(FEED).read_text(encoding="utf-8"))
    entries = response["feed"]
    made = []
    for index in range(count):
        entry = json.loads(json.dumps(entries[index % len(entries)]))
        entry["post"]["uri"] = f"{entry['post']['uri']}{index}"
        made.append(entry)
    return {"feed": made, "cursor": "abc"}


def test_the_corpus_has_feeds_that_stream() -> None:
    corpus_path(FEED)
    assert FEED in OBJECTS


@pytest.mark.parametrize("relative", OBJECTS)
def test_streamed_bluesky_items_equal_whole_document_items(relative: str) -> None:
    source = Source(Path(relative).name, path=corpus_path(relative))
    assert list(bluesky.parse(source)) == list(bluesky.parse_whole(source))


@pytest.mark.parametrize("cursor_first", [False, True])
def test_a_made_feed_streams_like_the_whole_document(cursor_first: bool) -> None:
    response = feed(30)
    if cursor_first:
        response = {"cursor": "abc", "feed": response["feed"]}
    response["feed"][4]["post"]["record"]["text"] = "\x1b[2J[bold]x[/bold] \u202eevil"
    source = Source("feed.json", data=json.dumps(response, indent=2).encode())
    streamed = list(bluesky.parse(source))
    assert streamed == list(bluesky.parse_whole(source))
    assert len([r for r in streamed if isinstance(r, ParsedItem)]) >= 30


@pytest.mark.parametrize(
    "doc", [{"feed": []}, {"posts": []}, {"feed": [1, 2]}], ids=["empty", "posts", "not-entries"]
)
def test_what_is_not_a_feed_reads_whole(doc: dict[str, Any]) -> None:
    source = Source("x.json", data=json.dumps(doc).encode())
    assert list(bluesky.parse(source)) == list(bluesky.parse_whole(source))


def test_a_big_truncated_feed_keeps_the_entries_before_the_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bluesky, "STREAM_FALLBACK_LIMIT", -1)
    data = json.dumps(feed(10)).encode()
    cut = data[: len(data) // 2]
    items, rejected = split(bluesky.parse(Source("cut.json", data=cut)))
    whole = list(bluesky.parse_whole(Source("feed.json", data=data)))
    (why,) = rejected
    assert (
        why.reason.startswith("not valid JSON: parse error") and "complete record(s)" in why.reason
    )
    assert items and items == [i for i in whole if isinstance(i, ParsedItem)][: len(items)]
    assert why.record == max(i.record or 0 for i in items) + 1
    small = split(bluesky.parse(Source("cut.json", data=cut[:1])))
    assert small[0] == [] and len(small[1]) == 1
