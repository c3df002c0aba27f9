"""Mastodon timeline arrays and Bluesky feeds walked one record at a time
(issue 12, bounded memory), by `jsonwalk` like every whole-document JSON.

The walked reader must give exactly the items the whole-document reader
gave: a differential test over every corpus file that walks, and over
timelines made here with boosts, quotes and replies in every order, each
also with the walk's chunk a few characters long (every value cut). Then
the inputs a walk meets badly: truncated, empty, trailing garbage, hostile
text, brackets and escapes inside strings across chunk boundaries, deep
nesting, a huge field, and what ijson (which streamed these before) got
wrong: a lone surrogate (kept as U+FFFD, the item not lost), an id past 64
bits (exact), the raw copy (the record's own bytes in the file). That
memory stays bounded at 100k and 1M statuses is measured in
bench/ingest.py, not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.ingest import jsondocs, jsonwalk
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


@pytest.fixture(params=[jsonwalk.CHUNK, 7], ids=["chunk", "tiny-chunk"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every test twice: the real chunk, and one so small that every value is cut."""
    size: int = request.param
    monkeypatch.setattr(jsonwalk, "CHUNK", size)
    return size


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


@pytest.mark.usefixtures("chunk")
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


@pytest.mark.usefixtures("chunk")
def test_a_small_broken_array_reads_as_before() -> None:
    data = json.dumps(timeline(5)).encode()[:-40]
    streamed, whole = both(Source("cut.json", data=data))
    assert streamed == whole
    (why,) = streamed
    assert isinstance(why, Rejected) and "line 1 column" in why.reason


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as too big to re-read whole: the streamed salvage,
    and no whole re-read to hide what the walk does with a record."""
    monkeypatch.setattr(mastodon, "STREAM_FALLBACK_LIMIT", -1)
    monkeypatch.setattr(bluesky, "STREAM_FALLBACK_LIMIT", -1)


@pytest.mark.usefixtures("big", "chunk")
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
    assert why.reason.startswith("not valid JSON: ") and "\n" not in why.reason
    assert why.line is not None and f"(line {why.line} column" in why.reason
    if complete:
        assert f"the {len(complete)} complete record(s) before it" in why.reason
        assert why.record == len(complete) + 1
    assert cut < 1000 or complete


@pytest.mark.usefixtures("big", "chunk")
def test_trailing_garbage_after_a_big_array_is_named_after_its_statuses() -> None:
    data = json.dumps(timeline(3)).encode() + b" \x1b[31mgarbage"
    items, rejected = split(mastodon.parse(Source("t.json", data=data)))
    assert len(items) == 3
    (why,) = rejected
    assert "the 3 complete record(s)" in why.reason and "\x1b" not in why.reason


@pytest.mark.usefixtures("big")
def test_deep_nesting_is_refused_with_its_line() -> None:
    data = b"[" * 200_000 + b"]" * 200_000
    items, rejected = split(mastodon.parse(Source("deep.json", data=data)))
    assert items == [] and "nested too deeply" in rejected[0].reason
    assert rejected[0].line == 1


def test_brackets_and_escapes_in_strings_across_chunk_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tricky = ['[[[{{{ "', '\\"[[[', "\\\\", '\\\\\\"{{', '"' * 30, "[" * 5000]
    statuses = timeline(len(tricky))
    for status, text in zip(statuses, tricky, strict=True):
        status["content"] = text
    data = json.dumps(statuses).encode()
    for size in (1, 2, 3, 7):
        monkeypatch.setattr(jsonwalk, "CHUNK", size)
        streamed, whole = both(Source("s.json", data=data))
        assert streamed == whole and len(streamed) == len(tricky)


@pytest.mark.usefixtures("chunk")
def test_hostile_text_and_a_huge_field_stream_like_the_whole_document() -> None:
    statuses = timeline(4)
    statuses[0]["content"] = "<p>\x1b]8;;http://evil\x07click\x1b[2J [red]x[/red] \u202eabc</p>"
    statuses[1]["content"] = "<p>" + "word " * 1_100_000 + "</p>"
    statuses[2]["account"] = dict(statuses[2]["account"], display_name="\x00\x07[bold]B\u202e")
    data = json.dumps(statuses).encode()
    streamed, whole = both(Source("hostile.json", data=data))
    assert streamed == whole and all(isinstance(r, ParsedItem) for r in streamed)
    assert "\x1b" not in streamed[0].text  # type: ignore[union-attr]


@pytest.mark.usefixtures("chunk")
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


@pytest.mark.usefixtures("chunk")
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


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize(
    "doc", [{"feed": []}, {"posts": []}, {"feed": [1, 2]}], ids=["empty", "posts", "not-entries"]
)
def test_what_is_not_a_feed_reads_whole(doc: dict[str, Any]) -> None:
    source = Source("x.json", data=json.dumps(doc).encode())
    assert list(bluesky.parse(source)) == list(bluesky.parse_whole(source))


@pytest.mark.usefixtures("chunk")
def test_a_big_truncated_feed_keeps_the_entries_before_the_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bluesky, "STREAM_FALLBACK_LIMIT", -1)
    data = json.dumps(feed(10)).encode()
    cut = data[: len(data) // 2]
    items, rejected = split(bluesky.parse(Source("cut.json", data=cut)))
    whole = list(bluesky.parse_whole(Source("feed.json", data=data)))
    (why,) = rejected
    assert why.reason.startswith("not valid JSON: ") and "complete record(s)" in why.reason
    assert why.line is not None and f"(line {why.line} column" in why.reason
    assert items and items == [i for i in whole if isinstance(i, ParsedItem)][: len(items)]
    assert why.record == max(i.record or 0 for i in items) + 1
    small = split(bluesky.parse(Source("cut.json", data=cut[:1])))
    assert small[0] == [] and len(small[1]) == 1


# ------------------------------------- what ijson got wrong, now one rule


def cut_line(data: bytes) -> int:
    """The line `json.loads` names for a cut-off document."""
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(data)
    return caught.value.lineno


@pytest.mark.usefixtures("big", "chunk")
def test_a_lone_surrogate_in_a_timeline_is_kept_as_u_fffd() -> None:
    """ijson turned a lone high surrogate into "?" and raised on a lone low
    one, losing every later status; the walk keeps both as U+FFFD."""
    statuses = timeline(6)
    statuses[1]["content"] = "<p>before \ud800 after</p>"
    statuses[3]["content"] = "<p>low \udc00 alone</p>"
    data = json.dumps(statuses).encode()  # the surrogates written as \u escapes
    assert b"\\ud800" in data and b"\\udc00" in data
    streamed, whole = both(Source("t.json", data=data))
    assert streamed == whole
    items = [r for r in streamed if isinstance(r, ParsedItem)]
    assert len(items) == 6
    assert "before \ufffd after" in items[1].text and "low \ufffd alone" in items[3].text
    assert b"\\ud800" in items[1].raw and b"\\udc00" in items[3].raw


@pytest.mark.usefixtures("big", "chunk")
def test_a_timeline_id_past_64_bits_is_exact() -> None:
    statuses = timeline(4)
    statuses[2]["id"] = 10**30
    statuses[0]["in_reply_to_id"] = 10**30
    data = json.dumps(statuses).encode()
    streamed, whole = both(Source("t.json", data=data))
    assert streamed == whole
    items = [r for r in streamed if isinstance(r, ParsedItem)]
    assert len(items) == 4 and items[2].extra["id"] == str(10**30)
    (reply,) = [ref for ref in items[0].refs if ref.relation == "reply-to"]
    assert reply.platform_id == statuses[2]["uri"]
    assert b"1" + b"0" * 30 in items[2].raw


@pytest.mark.usefixtures("chunk")
def test_a_timeline_status_raw_copy_is_its_own_bytes() -> None:
    statuses = timeline(3)
    statuses[1]["content"] = "<p>Évacuation du quartier — 避難</p>"
    pieces = [json.dumps(s, indent=3, ensure_ascii=False).encode() for s in statuses]
    data = b"[\n  " + b" ,\n\n  ".join(pieces) + b"\n]\n"
    streamed, whole = both(Source("t.json", data=data))
    assert streamed == whole
    items = [r for r in streamed if isinstance(r, ParsedItem)]
    assert [i.raw for i in items] == pieces
    assert all(i.raw in data for i in items)


@pytest.mark.usefixtures("big", "chunk")
@pytest.mark.parametrize("fraction", [0.35, 0.6, 0.97])
def test_a_timeline_cut_mid_array_keeps_the_statuses_before_the_cut(fraction: float) -> None:
    data = json.dumps(timeline(10), indent=2).encode()
    cut = data[: int(len(data) * fraction)]
    whole = list(mastodon.parse_whole(Source("t.json", data=data)))
    items, rejected = split(mastodon.parse(Source("t.json", data=cut)))
    complete, _ = jsondocs.array_prefix(cut.decode(), 0)
    assert complete and items == [i for i in whole if (i.record or 0) <= len(complete)]
    (why,) = rejected
    assert why.record == len(complete) + 1 and why.line == cut_line(cut) > 1
    assert f"(line {why.line} column" in why.reason
    assert f"the {len(complete)} complete record(s) before it were read" in why.reason


@pytest.mark.usefixtures("big", "chunk")
def test_a_lone_surrogate_in_a_feed_is_kept_as_u_fffd() -> None:
    response = feed(5)
    response["feed"][1]["post"]["record"]["text"] = "high \ud800 here"
    response["feed"][2]["post"]["record"]["text"] = "low \udc00 here"
    data = json.dumps(response).encode()
    source = Source("feed.json", data=data)
    streamed = list(bluesky.parse(source))
    assert streamed == list(bluesky.parse_whole(source))
    texts = [r.text for r in streamed if isinstance(r, ParsedItem)]
    assert any("high \ufffd here" in t for t in texts)
    assert any("low \ufffd here" in t for t in texts)
    assert len({r.record for r in streamed if isinstance(r, ParsedItem)}) == 5


@pytest.mark.usefixtures("big", "chunk")
def test_a_feed_integer_past_64_bits_is_exact() -> None:
    response = feed(3)
    response["feed"][1]["post"]["likeCount"] = 10**30
    source = Source("feed.json", data=json.dumps(response).encode())
    streamed = list(bluesky.parse(source))
    assert streamed == list(bluesky.parse_whole(source))
    (liked,) = [
        r for r in streamed if isinstance(r, ParsedItem) and r.record == 2 and r.extra.get("counts")
    ]
    assert liked.extra["counts"]["like"] == 10**30


@pytest.mark.usefixtures("chunk")
def test_a_feed_entry_raw_copy_is_its_own_bytes() -> None:
    response = feed(3)
    response["feed"][0]["post"]["record"]["text"] = "Évacuation — 避難"
    pieces = [json.dumps(e, indent=1, ensure_ascii=False).encode() for e in response["feed"]]
    data = b'{"cursor": "x",\n "feed": [\n' + b",\n".join(pieces) + b"\n ]\n}\n"
    source = Source("feed.json", data=data)
    streamed = list(bluesky.parse(source))
    assert streamed == list(bluesky.parse_whole(source))
    uris = [e["post"]["uri"] for e in response["feed"]]
    mains = [r for r in streamed if isinstance(r, ParsedItem) and r.platform_id in uris]
    assert [m.raw for m in mains] == pieces


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize("fraction", [0.4, 0.8])
def test_a_feed_cut_mid_array_keeps_the_entries_before_the_cut(
    monkeypatch: pytest.MonkeyPatch, fraction: float
) -> None:
    monkeypatch.setattr(bluesky, "STREAM_FALLBACK_LIMIT", -1)
    data = json.dumps(feed(8), indent=2).encode()
    cut = data[: int(len(data) * fraction)]
    items, rejected = split(bluesky.parse(Source("cut.json", data=cut)))
    whole = list(bluesky.parse_whole(Source("feed.json", data=data)))
    complete, _ = jsondocs.array_prefix(cut.decode(), jsondocs.member_start(cut.decode(), "feed"))
    assert complete and items == [i for i in whole if (i.record or 0) <= len(complete)]
    (why,) = rejected
    assert why.record == len(complete) + 1 and why.line == cut_line(cut) > 1
    assert f"(line {why.line} column" in why.reason


def test_context_copies_are_given_once_however_the_seen_hashes_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The feed reader keeps the URIs given as hashes in a sorted array with a
    small set of the newest; merged at every step it answers as one set."""
    response = feed(60)
    response["feed"][40]["reply"] = {"parent": response["feed"][3]["post"]}
    source = Source("feed.json", data=json.dumps(response).encode())
    expected = list(bluesky.parse(source))
    monkeypatch.setattr(bluesky._Hashes, "_MIN_PENDING", 1)
    assert list(bluesky.parse(source)) == expected == list(bluesky.parse_whole(source))
    uris = [r.platform_id for r in expected if isinstance(r, ParsedItem)]
    assert len(uris) == len(set(uris)) and len(uris) >= 60
    seen = bluesky._Hashes()
    values = [hash(f"at://x/{n % 37}") for n in range(500)] + [0, -1, 2**63 - 1, -(2**63)]
    for count, value in enumerate(values):
        assert (value in seen) == (value in values[:count])
        seen.add(value)
