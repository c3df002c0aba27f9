"""Telegram Desktop exports: every corpus file, the export shapes, and hostile input.

Expected values are read from the corpus files themselves (the JSON with
`json`, the HTML page with lxml), so the tests check the parser against the
file and not against numbers copied from a run of the parser.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import lxml.html
import pytest

from desk.ingest.base import Sample, Source
from desk.ingest.formats import telegram
from desk.text import clean_line
from tests.corpus import CORPUS, corpus_files, corpus_path, needs_corpus
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

pytestmark = pytest.mark.corpus

row = partial(
    CorpusCase, format="telegram", detect=90, fields={"platform": "telegram", "kind": "post"}
)
JSON_CASES = (
    row("telegram/chatstyle_tests_fixtures/result.json", 11),
    row("telegram/langchain_docs_example_data/telegram.json", 3),
    row("telegram/langchain_unit_tests/result.json", 4),
    row("telegram/tg-parser_sdist_tests_fixtures/personal_chat.json", 4),
)
HTML_CASE = row("telegram/langchain_unit_tests_html/messages.html", 4)
HTML_FILE = HTML_CASE.file
CASES = (*JSON_CASES, HTML_CASE)


def run(source: Source) -> Parsed:
    return parse(telegram, source)


def run_bytes(data: bytes) -> Parsed:
    return run(Source("test.json", data=data))


def chat(messages: list[Any], **extra: Any) -> bytes:
    doc = {"name": "Desk test", "type": "private_group", "id": 4242, "messages": messages}
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False).encode()


def message(msg_id: int, text: Any = "hello", **extra: Any) -> dict[str, Any]:
    out = {
        "id": msg_id,
        "type": "message",
        "date": "2024-03-03T10:00:00",
        "date_unixtime": "1709460000",
        "from": "Reporter",
        "from_id": "user1",
        "text": text,
    }
    out.update(extra)
    return out


# ---------------------------------------------------------------- the corpus


def test_every_corpus_file_is_in_the_table() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    assert set(corpus_files("telegram")) == {case.file for case in CASES}


@corpus_table(JSON_CASES)
def test_json_corpus_file(case: CorpusCase) -> None:
    run = run_case(case)
    path, items = run.path, run.items

    doc = json.loads(path.read_bytes())
    messages = [m for m in doc["messages"] if m.get("type") != "service"]
    assert len(items) == len(messages)  # service messages skipped, nothing else lost

    for item, msg in zip(items, messages, strict=True):
        assert item.platform == "telegram"
        assert item.kind == "post"
        assert item.platform_id == f"chat:{clean_line(doc['name'])}/{msg['id']}"
        assert item.extra["chat_id"] == str(doc["id"])
        # a desk made before the shared key stored it as <chat id>/<message id>
        assert (f"{doc['id']}/{msg['id']}", None) in item.earlier_keys
        assert item.author_name == clean_line(msg["from"])  # C1 controls dropped
        assert item.author_handle is None  # exports carry no usernames for senders
        assert item.extra["from_id"] == str(msg["from_id"])
        assert json.loads(item.raw) == msg
        assert item.posted is not None
        if "date_unixtime" in msg:
            moment = datetime.fromtimestamp(int(msg["date_unixtime"]), UTC)
            assert item.posted.at == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert item.posted.tz_known
        else:  # `date` is wall-clock time with no zone
            assert item.posted.at == msg["date"] + "Z"
            assert not item.posted.tz_known
        words = _plain(msg["text"]).split()[:3]
        assert item.text.split()[:3] == words


def _plain(text: Any) -> str:
    if isinstance(text, str):
        return text
    return "".join(p if isinstance(p, str) else p["text"] for p in text)


@needs_corpus
def test_chatstyle_export_details() -> None:
    path = corpus_path("telegram/chatstyle_tests_fixtures/result.json")
    items, _ = run(Source("result.json", path=path))
    doc = json.loads(path.read_bytes())
    by_id = {
        (item.platform_id or "").replace(f"chat:{doc['name']}/", "222/"): item for item in items
    }
    raw = {m["id"]: m for m in doc["messages"]}

    assert "222/6" not in by_id  # the pin_message service message is not an item
    assert [i.record for i in items] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]

    link_parts = raw[3]["text"]
    assert by_id["222/3"].text == "".join(
        p if isinstance(p, str) else p["text"] for p in link_parts
    )
    assert by_id["222/3"].extra["links"] == ["https://example.com/a"]
    assert "@boris_k" in by_id["222/4"].text

    forwarded = by_id["222/7"]
    assert forwarded.extra["forwarded_from"] == raw[7]["forwarded_from"]
    assert forwarded.author_name == raw[7]["from"]  # the forwarder stays the author

    sticker = by_id["222/8"]
    assert sticker.media == ()
    assert sticker.extra["sticker_emoji"] == raw[8]["sticker_emoji"]
    assert sticker.extra["media_not_included"][0]["type"] == "sticker"
    assert sticker.extra["media_not_included"][0]["note"] == raw[8]["file"]

    photo = by_id["222/9"]
    assert photo.text == raw[9]["text"]
    assert photo.extra["media_not_included"][0]["type"] == "image"

    assert by_id["222/10"].text == ""  # an empty message is still a message
    assert by_id["222/12"].text == raw[12]["text"]  # the line break is kept


@needs_corpus
def test_reply_and_entity_list_text() -> None:
    path = corpus_path("telegram/tg-parser_sdist_tests_fixtures/personal_chat.json")
    items, _ = run(Source("personal_chat.json", path=path))
    doc = json.loads(path.read_bytes())
    reply = next(m for m in doc["messages"] if "reply_to_message_id" in m)
    chat = f"chat:{doc['name']}"
    item = next(i for i in items if i.platform_id == f"{chat}/{reply['id']}")
    assert [(r.relation, r.platform, r.platform_id) for r in item.refs] == [
        ("reply-to", "telegram", f"{chat}/{reply['reply_to_message_id']}")
    ]
    assert items[2].text == "Check this important message"


@needs_corpus
def test_html_export_page() -> None:
    run = run_case(HTML_CASE)
    path, items, rejected = run.path, run.items, run.rejected
    assert rejected == []

    doc = lxml.html.fromstring(path.read_bytes())
    chat_name = doc.xpath("//div[@class='page_header']//div[contains(@class,'text')]")[0]
    divs = doc.xpath("//div[contains(@class,'message') and contains(@class,'default')]")
    assert len(items) == len(divs) == 4

    last_author = None
    for item, div in zip(items, divs, strict=True):
        msg_id = div.get("id").removeprefix("message")
        name = chat_name.text_content().strip()
        assert item.platform_id == f"chat:{name}/{msg_id}"
        assert item.earlier_keys == ((f"html:{name}/{msg_id}", None),)
        names = div.xpath(".//div[@class='from_name']")
        author = names[0].text_content().strip() if names else last_author  # "joined" message
        assert item.author_name == author
        last_author = author
        assert item.text == div.xpath(".//div[@class='text']")[0].text_content().strip()
        title = div.xpath(".//div[contains(@class,'date')]/@title")[
            0
        ]  # 23.08.2023 13:11:23 UTC-08:00
        day, clock, zone = title.split()
        local = datetime.strptime(f"{day} {clock} {zone[3:]}", "%d.%m.%Y %H:%M:%S %z")
        assert item.posted is not None
        # -08:00 is Pacific *standard* time; on 23 August the Pacific coast keeps
        # summer time (-07:00) and Pitcairn does not: either reading is possible
        assert item.posted.at == local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        summer = local.astimezone(UTC) - timedelta(hours=1)
        if available_timezones():  # the tz database names those zones
            assert not item.posted.tz_known
            assert item.extra["posted_if_daylight_saving"] == summer.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert items[1].author_name == "Batman & Robin"  # &amp; decoded


@needs_corpus
def test_full_export_with_left_chats(tmp_path: Path) -> None:
    chats = [json.loads(corpus_path(case.file).read_bytes()) for case in JSON_CASES]
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1},
        "chats": {"about": "chats", "list": chats[:3]},
        "left_chats": {"about": "left", "list": chats[3:]},
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    source = Source("result.json", path=path)
    assert telegram.detect(source.sample()) >= 70
    items, rejected = run(source)
    assert rejected == []
    assert len(items) == sum(case.items for case in JSON_CASES)
    assert len({i.platform_id for i in items}) == len(items)
    assert {i.extra["chat_id"] for i in items} == {str(c["id"]) for c in chats}
    assert {(i.platform_id or "").rsplit("/", 1)[0] for i in items} == {
        f"chat:{clean_line(c['name'])}" for c in chats
    }
    records = [i.record for i in items]
    assert None not in records and records == sorted(r for r in records if r is not None)


@needs_corpus
def test_not_mine_anywhere_else_in_the_corpus() -> None:
    claimed = []
    for relative in corpus_files(""):
        if relative.startswith("telegram/") or relative == "SOURCES.md":
            continue
        if telegram.detect(Source(relative, path=CORPUS / relative).sample()):
            claimed.append(relative)
    assert claimed == []


# ---------------------------------------------------------------- shapes and edge cases


def test_service_only_chat_gives_nothing() -> None:
    items, rejected = run_bytes(chat([{"id": 1, "type": "service", "action": "create_group"}]))
    assert (items, rejected) == ([], [])


def test_date_without_unixtime_has_no_zone() -> None:
    msg = message(1)
    del msg["date_unixtime"]
    [item], _ = run_bytes(chat([msg]))
    assert item.posted is not None
    assert (item.posted.at, item.posted.tz_known) == ("2024-03-03T10:00:00Z", False)


def test_text_entities_used_when_text_is_missing() -> None:
    msg = message(1)
    del msg["text"]
    msg["text_entities"] = [
        {"type": "plain", "text": "see "},
        {"type": "text_link", "text": "this", "href": "https://example.org/x"},
    ]
    [item], _ = run_bytes(chat([msg]))
    assert item.text == "see this"
    assert item.extra["links"] == ["https://example.org/x"]


def test_included_media_keeps_relative_path() -> None:
    msg = message(
        1,
        photo="photos/photo_1@03-03-2024_10-00-00.jpg",
        file="video_files/clip.mp4",
        media_type="video_file",
        mime_type="video/mp4",
    )
    [item], _ = run_bytes(chat([msg]))
    assert [(m.url, m.type, m.alt) for m in item.media] == [
        ("photos/photo_1@03-03-2024_10-00-00.jpg", "image", None),
        ("video_files/clip.mp4", "video", None),
    ]


def test_public_username_gives_a_url_and_channel_author() -> None:
    msg = message(7)
    del msg["from"]
    data = chat([msg], type="public_channel", username="@deskchannel", name="Desk Channel")
    [item], _ = run_bytes(data)
    assert item.url == "https://t.me/deskchannel/7"
    assert item.author_name == "Desk Channel"


def test_bad_messages_are_rejected_and_the_rest_goes_in() -> None:
    items, rejected = run_bytes(chat([message(1), "junk", {"type": "message"}, message(4)]))
    assert [i.platform_id for i in items] == ["chat:Desk test/1", "chat:Desk test/4"]
    assert [(r.record, r.reason) for r in rejected] == [
        (2, "message is not an object"),
        (3, "message without an id"),
    ]


def test_poll_and_location_kept_as_facts() -> None:
    msg = message(
        1,
        text="",
        poll={"question": "Where?", "answers": [{"text": "Here", "voters": 3}], "total_voters": 3},
        location_information={"latitude": 39.8, "longitude": 46.75},
    )
    [item], _ = run_bytes(chat([msg]))
    assert item.extra["poll"]["question"] == "Where?"
    assert item.extra["location"] == {"latitude": 39.8, "longitude": 46.75}


def test_detect_ignores_other_json_and_html() -> None:
    assert telegram.detect(Sample(b'{"statuses": [{"id": 1, "text": "x"}]}', "x")) == 0
    assert telegram.detect(Sample(b'{"messages": ["not telegram"]}', "x")) == 0
    assert telegram.detect(Sample(b"<html><body><p>hello</p></body></html>", "x")) == 0
    assert telegram.detect(Sample(chat([message(1)]), "x")) >= 90


# ---------------------------------------------------------------- hostile input


def test_escapes_markup_and_bidi_are_cleaned() -> None:
    hostile = "\x1b[31mred\x1b[0m [bold red]alarm[/] \x1b]52;c;cHduZWQ=\x07 \u202eevil\u202c ok"
    msg = message(1, text=[hostile, {"type": "bold", "text": " שלום 👋"}])
    msg["from"] = "\x1b]8;;https://evil.example\x07Name\x1b]8;;\x07\u202e"
    msg["forwarded_from"] = "Chan\x9b31m"
    [item], _ = run_bytes(chat([msg]))
    assert item.text == "red [bold red]alarm[/]  evil ok שלום 👋"
    assert item.author_name == "Name"
    assert item.extra["forwarded_from"] == "Chan"
    for value in (item.text, item.author_name, item.extra["forwarded_from"]):
        assert "\x1b" not in value and "\u202e" not in value and "\x9b" not in value


def test_truncated_file_is_one_rejection_with_its_line() -> None:
    data = chat([message(1), message(2)])
    data = data.replace(b", ", b",\n")[: len(data) // 2]
    items, rejected = run_bytes(data)
    assert items == []
    assert len(rejected) == 1
    assert rejected[0].reason.startswith("invalid JSON")
    assert rejected[0].line is not None and rejected[0].line > 1


def test_empty_and_garbage_files() -> None:
    assert run_bytes(b"")[1][0].reason == "empty file"
    assert run_bytes(b"  \n")[1][0].reason == "empty file"
    items, rejected = run_bytes(b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert items == [] and len(rejected) == 1
    assert telegram.detect(Sample(b"\x00\xff\xfe\x89PNG", "x")) == 0


def test_a_legacy_code_page_export_is_read_and_said() -> None:
    """A Windows-1251 export (re-saved on a desktop) is decoded by detection, not refused."""
    text = "Жители эвакуированы из прибрежных районов, мост закрыт до утра. " * 3
    data = (
        chat([message(1, text=text), message(2, text="café")]).decode().encode("cp1251", "replace")
    )
    items, rejected = run_bytes(data)
    assert rejected == [] and next(i.text for i in items) == text.strip()
    assert all("not UTF-8; decoded as cp1251" in i.extra["encoding"] for i in items)


def test_utf16_export_is_read() -> None:
    [item], rejected = run_bytes(chat([message(1, text="привет")]).decode().encode("utf-16"))
    assert rejected == [] and item.text == "привет"


def test_ten_megabyte_text_field() -> None:
    big = "слово " * (10 * 1024 * 1024 // 12)
    started = time.perf_counter()
    [item], rejected = run_bytes(chat([message(1, text=big)]))
    assert time.perf_counter() - started < 5
    assert rejected == []
    assert len(item.text) == len(big.strip())


def test_deeply_nested_json_is_rejected() -> None:
    items, rejected = run_bytes(b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert items == []
    assert len(rejected) == 1
    assert "deep" in rejected[0].reason


def test_html_page_without_history_is_rejected() -> None:
    items, rejected = run_bytes(b"<html><body><div class='page_wrap'>x</div></body></html>")
    assert items == []
    assert "no message history" in rejected[0].reason


def test_html_hostile_text_and_reply() -> None:
    page = (
        b"<html><body><div class='page_wrap'><div class='page_header'><div class='content'>"
        b"<div class='text bold'>Chat</div></div></div><div class='page_body chat_page'>"
        b"<div class='history'><div class='message default clearfix' id='message5'>"
        b"<div class='body'><div class='pull_right date details' title='01.02.2024 10:00:00'>"
        b"10:00</div><div class='from_name'>Ann <span class='details'>via @bot</span></div>"
        b"<div class='reply_to details'>In reply to <a href='#go_to_message4'>this</a></div>"
        b"<div class='text'>&#x1b;[31mhi<br>[bold]there[/bold]<script>alert(1)</script></div>"
        b"</div></div></div></div></div></body></html>"
    )
    [item], rejected = run_bytes(page)
    assert rejected == []
    assert item.author_name == "Ann"
    assert item.text == "hi\n[bold]there[/bold]"  # the decoded ESC [31m went as a whole
    assert item.posted is not None
    assert (item.posted.at, item.posted.tz_known) == ("2024-02-01T10:00:00Z", False)
    assert item.refs[0].platform_id == "chat:Chat/4"
