"""Twitter v1.1 arrays and Telegram exports walked one record at a time (issue 12).

The walk (`desk/ingest/jsonwalk.py`) must give exactly the items of reading
the document whole: a differential test over the corpus files that walk and
over documents made here, with every text boundary falling inside a value
(the walk's chunk made a few characters long). Then what a walk meets
badly: a cut-off file (the records before the cut go in, the error names
its line), trailing garbage, a legacy code page, lone surrogates, integers
past 64 bits, a record over the size limit, deep nesting. Memory at 100k and
1M records is measured in bench/ingest.py, not here.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from desk.ingest import jsondocs, jsonwalk
from desk.ingest.base import ParsedItem, Rejected, Source
from desk.ingest.formats import telegram, twitter_v1
from tests.corpus import CORPUS, corpus_path
from tests.ingest.helpers import split

EXTRACTED = "twitter/extracted_from_tweepy_cassettes"
TIMELINE = f"{EXTRACTED}/testhometimeline__00_GET_1.1_statuses_home_timeline.json"
SEARCH = f"{EXTRACTED}/testsearchtweets__00_GET_1.1_search_tweets.json"


def _walked_corpus(folder: str) -> list[str]:
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted((CORPUS / folder).rglob("*.json")):
        source = Source(path.name, path=path)
        if jsondocs.streams_as_array(source) or jsondocs.streams_as_array(source, b"{"):
            found.append(str(path.relative_to(CORPUS)))
    return found


TWITTER_FILES = _walked_corpus("twitter/extracted_from_tweepy_cassettes")
TELEGRAM_FILES = _walked_corpus("telegram")


@pytest.fixture(params=[jsonwalk.CHUNK, 7], ids=["chunk", "tiny-chunk"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every test twice: the real chunk, and one so small that every value is cut."""
    size: int = request.param
    monkeypatch.setattr(jsonwalk, "CHUNK", size)
    return size


def twitter_both(data: bytes) -> tuple[list[Any], list[Any]]:
    source = Source("t.json", data=data)
    return list(twitter_v1.parse(source)), list(twitter_v1.parse_whole(source))


def telegram_both(data: bytes) -> tuple[list[Any], list[Any]]:
    source = Source("result.json", data=data)
    return list(telegram.parse(source)), list(telegram.parse_whole(source))


def statuses(count: int) -> list[dict[str, Any]]:
    """`count` v1.1 statuses made from the corpus timeline, each with a new id."""
    templates = json.loads(corpus_path(TIMELINE).read_bytes())
    made = []
    for index in range(count):
        status = json.loads(json.dumps(templates[index % len(templates)]))
        status["id"] = 1_700_000_000_000_000_000 + index
        status["id_str"] = str(status["id"])
        made.append(status)
    return made


# ---------------------------------------------------------------- Twitter v1.1


def test_the_corpus_has_v1_files_that_walk() -> None:
    corpus_path(TIMELINE)
    assert TIMELINE in TWITTER_FILES and SEARCH in TWITTER_FILES


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize("relative", TWITTER_FILES)
def test_walked_v1_items_equal_whole_document_items(relative: str) -> None:
    source = Source(Path(relative).name, path=corpus_path(relative))
    assert list(twitter_v1.parse(source)) == list(twitter_v1.parse_whole(source))


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize("indent", [None, 2], ids=["compact", "pretty"])
def test_made_arrays_and_search_results_walk_like_the_whole_document(indent: int | None) -> None:
    made = statuses(30)
    made[3]["text"] = "\x1b]8;;http://evil\x07click\x1b[2J [red]x[/red] \u202eabc"
    made[4]["text"] = "word " * 50_000
    made[5]["id"] = 10**30  # past 64 bits: the stdlib keeps it exact
    documents = [
        [*made, "not a status", 7],
        {"statuses": made, "search_metadata": {"count": 30}},
        {"search_metadata": {"count": 30}, "statuses": made},  # jq -S order
    ]
    for doc in documents:
        walked, whole = twitter_both(json.dumps(doc, indent=indent).encode())
        assert walked == whole
        items = [r for r in walked if isinstance(r, ParsedItem)]
        assert len(items) >= 30
        assert all("\x1b" not in i.text for i in items)


@pytest.mark.usefixtures("chunk")
def test_v1_raw_bytes_are_the_records_own_bytes() -> None:
    made = statuses(3)
    data = ("[\n  " + ",\n  ".join(json.dumps(s, indent=1) for s in made) + "\n]").encode()
    items = [r for r in twitter_v1.parse(Source("t.json", data=data)) if isinstance(r, ParsedItem)]
    top = [i for i in items if i.platform_id in {s["id_str"] for s in made}]
    assert [i.raw for i in top] == [json.dumps(s, indent=1).encode() for s in made]


@pytest.mark.usefixtures("chunk")
def test_lone_surrogates_and_legacy_code_pages_walk() -> None:
    made = statuses(4)
    made[1]["text"] = "Café à côté, déjà vu — naïve façade, l’été dernier"
    data = json.dumps(made, ensure_ascii=False).encode("cp1252")
    walked, whole = twitter_both(data)
    assert walked == whole
    assert all("not UTF-8" in i.extra["encoding"] for i in walked)
    lone = json.dumps(statuses(3)).replace('"text": "', '"text": "\\ud800 ', 1).encode()
    walked, whole = twitter_both(lone)
    assert walked == whole and all(isinstance(r, ParsedItem) for r in walked)
    assert b"\\ud800" in walked[0].raw or any(b"\\ud800" in r.raw for r in walked)


@pytest.fixture
def big(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as too big to re-read whole after a break."""
    monkeypatch.setattr(twitter_v1, "STREAM_FALLBACK_LIMIT", -1)
    monkeypatch.setattr(telegram, "STREAM_FALLBACK_LIMIT", -1)


@pytest.mark.usefixtures("big", "chunk")
@pytest.mark.parametrize("fraction", [0.3, 0.7, 0.99])
def test_a_big_cut_off_v1_array_keeps_the_statuses_before_the_cut(fraction: float) -> None:
    data = json.dumps(statuses(12), indent=1).encode()
    cut = data[: int(len(data) * fraction)]
    whole = list(twitter_v1.parse_whole(Source("t.json", data=cut)))  # its salvage
    walked = list(twitter_v1.parse(Source("t.json", data=cut)))
    assert walked == whole
    why = walked[-1]
    assert isinstance(why, Rejected) and "complete record(s) before it" in why.reason
    assert why.line is not None and f"(line {why.line} column" in why.reason


@pytest.mark.usefixtures("big", "chunk")
def test_trailing_garbage_after_a_v1_array_is_named_after_its_statuses() -> None:
    data = json.dumps(statuses(3)).encode() + b" \x1b[31mgarbage"
    walked, whole = twitter_both(data)
    assert walked == whole
    assert isinstance(walked[-1], Rejected) and "Extra data" in walked[-1].reason
    assert "the 3 complete record(s)" in walked[-1].reason


@pytest.mark.usefixtures("big")
def test_deep_nesting_and_an_empty_array_walk() -> None:
    items, rejected = split(twitter_v1.parse(Source("deep.json", data=b"[" * 200_000)))
    assert items == [] and "nested too deeply" in rejected[0].reason
    assert twitter_both(b" [ ]\n") == ([], [])


def test_a_record_over_the_limit_is_refused_with_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jsondocs, "MAX_RECORD_BYTES", 1024 * 1024)
    monkeypatch.setattr(twitter_v1, "STREAM_FALLBACK_LIMIT", -1)
    made = statuses(3)
    made[1]["text"] = "x" * (3 * 1024 * 1024)
    items, rejected = split(twitter_v1.parse(Source("t.json", data=json.dumps(made).encode())))
    assert {i.platform_id for i in items} >= {made[0]["id_str"]}
    (why,) = rejected
    assert "a record over 1 MiB" in why.reason and why.record == 2


def test_numbers_cut_by_a_chunk_are_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    for size in range(1, 12):
        monkeypatch.setattr(jsonwalk, "CHUNK", size)
        walk = jsonwalk.Walk(io.BytesIO(b"[12345678901234567890123, -1.5e-3, true, null]"), "utf-8")
        values = [walk.value()[0] for _ in walk.elements()]
        assert values == [12345678901234567890123, -1.5e-3, True, None]


# ---------------------------------------------------------------- Telegram


def message(msg_id: int, text: Any = "hello", **extra: Any) -> dict[str, Any]:
    out = {
        "id": msg_id,
        "type": "message",
        "date": "2024-03-03T10:00:00",
        "date_unixtime": str(1709460000 + msg_id),
        "from": "Reporter",
        "from_id": "user1",
        "text": text,
    }
    out.update(extra)
    return out


def chat_doc(count: int, name: str = "Desk", chat_id: int = 42) -> dict[str, Any]:
    messages: list[Any] = [message(n, f"message {n}") for n in range(1, count + 1)]
    messages[1] = {"id": 2, "type": "service", "action": "pin_message"}
    messages[2] = message(
        3, ["bold: ", {"type": "bold", "text": "x"}, {"type": "link", "text": "https://e.example"}]
    )
    return {"name": name, "type": "private_group", "id": chat_id, "messages": messages}


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize("relative", TELEGRAM_FILES)
def test_walked_telegram_corpus_items_equal_whole_document_items(relative: str) -> None:
    source = Source(Path(relative).name, path=corpus_path(relative))
    assert list(telegram.parse(source)) == list(telegram.parse_whole(source))


@pytest.mark.usefixtures("chunk")
def test_chat_members_after_the_messages_reach_every_message() -> None:
    doc = chat_doc(6)
    after = {"messages": doc.pop("messages"), **doc, "username": "@deskchannel"}
    walked, whole = telegram_both(json.dumps(after, indent=1).encode())
    assert walked == whole
    items = [r for r in walked if isinstance(r, ParsedItem)]
    assert len(items) == 5
    assert all(i.extra["chat_id"] == "42" and i.extra["chat_name"] == "Desk" for i in items)
    assert items[0].url == "https://t.me/deskchannel/1"


@pytest.mark.usefixtures("chunk")
def test_a_full_export_walks_with_its_shared_names() -> None:
    chats = [chat_doc(4, "Family", 1), chat_doc(3, "Family", 2), chat_doc(3, "Work", 3), "junk"]
    doc = {
        "about": "export",
        "chats": {"about": "chats", "list": chats},
        "left_chats": {"list": [chat_doc(3, "Old", 4)]},
    }
    walked, whole = telegram_both(json.dumps(doc, ensure_ascii=False).encode())
    assert walked == whole
    ids = [r.platform_id for r in walked if isinstance(r, ParsedItem)]
    assert "1/1" in ids and "2/1" in ids and "chat:Work/1" in ids and "chat:Old/1" in ids


@pytest.mark.usefixtures("chunk")
def test_a_cp1251_export_and_lone_surrogates_walk() -> None:
    doc = chat_doc(5)
    doc["messages"][0]["text"] = (
        "Жители эвакуированы из прибрежных районов, мост закрыт до утра. " * 3
    )
    data = json.dumps(doc, ensure_ascii=False).encode("cp1251")
    walked, whole = telegram_both(data)
    assert walked == whole and walked[0].text.startswith("Жители")
    assert "decoded as cp1251" in walked[0].extra["encoding"]
    lone = json.dumps(chat_doc(5)).replace('"message 4"', '"message \\ud800 4"').encode()
    walked, whole = telegram_both(lone)
    assert walked == whole and any("\ufffd" in r.text for r in walked)


@pytest.mark.usefixtures("big", "chunk")
def test_a_big_cut_off_export_keeps_the_messages_before_the_cut() -> None:
    data = json.dumps(chat_doc(20), indent=1).encode()
    cut = data[: len(data) * 2 // 3]
    items, rejected = split(telegram.parse(Source("result.json", data=cut)))
    whole = [
        r for r in telegram.parse_whole(Source("r.json", data=data)) if isinstance(r, ParsedItem)
    ]
    assert items and items == whole[: len(items)]
    (why,) = rejected
    assert (
        why.reason.startswith("invalid JSON: ") and "message(s) before it were read" in why.reason
    )
    assert why.line is not None and why.line > 1


@pytest.mark.usefixtures("chunk")
@pytest.mark.parametrize(
    "doc", [{"name": "x"}, {"messages": []}, {"chats": {"list": []}}, {"messages": {"a": 1}}]
)
def test_what_holds_no_messages_walks_like_the_whole_document(doc: dict[str, Any]) -> None:
    walked, whole = telegram_both(json.dumps(doc).encode())
    assert walked == whole


@pytest.mark.usefixtures("big", "chunk")
def test_a_full_export_cut_inside_a_chat_keeps_that_chats_name() -> None:
    doc = {"chats": {"list": [chat_doc(4, "A", 1), chat_doc(30, "B", 2)]}}
    data = json.dumps(doc, indent=1).encode()
    items, rejected = split(telegram.parse(Source("result.json", data=data[: len(data) * 3 // 4])))
    assert {i.extra["chat_name"] for i in items} == {"A", "B"}
    assert len(rejected) == 1 and "message(s) before it were read" in rejected[0].reason


def test_skipped_and_walked_arrays_hold_one_record_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With records of 1 KiB allowed at most, a chat of 30 KiB still reads: both
    walks (members first, then messages) take its messages one by one."""
    monkeypatch.setattr(jsonwalk, "CHUNK", 64)
    monkeypatch.setattr(jsondocs, "MAX_RECORD_BYTES", 1024)
    monkeypatch.setattr(telegram, "STREAM_FALLBACK_LIMIT", -1)
    doc = chat_doc(200)
    after = {"messages": doc.pop("messages"), **doc}
    data = json.dumps(after).encode()
    assert len(data) > 30 * 1024
    items, rejected = split(telegram.parse(Source("result.json", data=data)))
    assert rejected == [] and len(items) == 199
    assert {i.extra["chat_name"] for i in items} == {"Desk"}


# --- bytes the codec cannot read (found by bench/fuzz.py) -------------------------------------


def test_a_byte_the_codec_cannot_read_is_kept_in_the_raw_copy() -> None:
    """A strict UTF-8 walk raised UnicodeDecodeError out of parse on a BOM file (or one no guess
    fitted) with a bad byte further on. Now the byte rides through the value as a lone
    surrogate and the record's bytes are exactly the file's."""
    walk = jsonwalk.Walk(io.BytesIO(b'[{"text": "a\xc8b"}, 2]'), "utf-8-sig")
    assert walk.peek() == "["
    got = [walk.value() for _ in walk.elements()]
    assert got == [({"text": "a\udcc8b"}, b'{"text": "a\xc8b"}'), (2, b"2")]


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""], ids=["bom", "no-guess"])
def test_a_v1_array_with_a_bad_byte_further_on_keeps_every_status(
    bom: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not bom:  # a file no legacy code page fits: walked as UTF-8, bad bytes replaced
        monkeypatch.setattr(jsonwalk.charset, "guess_encoding", lambda data: None)
    user = b'"user": {"screen_name": "valley_watch", "name": "Valley Watch"}'
    first = b'{"id": 1, "id_str": "1", "text": "Bridge \xc8 closed", ' + user + b"}"
    second = b'{"id": 2, "id_str": "2", "text": "Road open", ' + user + b"}"
    data = bom + b"[" + first + b", " + second + b"]"
    out = list(twitter_v1._walked(Source("tweets.json", data=data)))
    assert [(o.text, o.raw) for o in out if isinstance(o, ParsedItem)] == [
        ("Bridge \ufffd closed", first),
        ("Road open", second),
    ]


def test_a_guessed_utf16_cut_on_an_odd_byte_walks_to_a_clear_end() -> None:
    """`surrogateescape` itself raised on the odd last byte (under 0x80) of a file guessed as
    UTF-16 (found by bench/fuzz.py, seed 8): the elements are read, the stray byte is U+FFFD
    after the array, which the walk's end names as extra data."""
    data = '["a", 2]'.encode("utf-16-be") + b"\x3b"
    walk = jsonwalk.Walk(io.BytesIO(data), "utf-16-be")
    assert walk.peek() == "["
    assert [walk.value() for _ in walk.elements()] == [("a", b'\x00"\x00a\x00"'), (2, b"\x002")]
    with pytest.raises(jsonwalk.WalkError, match="Extra data"):
        walk.end()
