"""One Telegram chat exported as JSON and as HTML is one item per message.

Telegram Desktop writes both shapes from the same messages: `result.json`
(chat id, chat name, `id`, `date_unixtime`) and `messages.html` (the chat's
name in the page header, `id="message<id>"`, the wall-clock time with the
exporting computer's *standard* offset in the date's `title`, as
`Export::Data::FormatDateTime` prints it). The exports below are written
the way that code writes them, for a chat exported on a computer in Berlin
(standard time UTC+01:00, summer time UTC+02:00).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import pytest

from db import Store
from desk.ingest.base import Source
from desk.ingest.formats import _telegram_html, _telegram_zones, telegram
from tests.clirun import run_cli
from tests.ingest.helpers import parse

# The tz database tells a standard offset's zones apart (Python reads the system's).
needs_tzdata = pytest.mark.skipif(
    not available_timezones(), reason="no tz database on this machine"
)
try:
    BERLIN = ZoneInfo("Europe/Berlin")
except ZoneInfoNotFoundError:  # pragma: no cover - only on a machine without tzdata
    pytest.skip("no tz database on this machine", allow_module_level=True)
CHAT_ID = 1987654321
CHAT = "Harbour Desk"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (id, sent at UTC, sender, text, reply to)
MESSAGES: list[tuple[int, datetime, str, str, int | None]] = [
    (101, _at("2025-11-24T13:03:11"), "Ana Ruiz", "Ferry cancelled at 14:00, pier closed", None),
    (
        102,
        _at("2025-11-24T13:05:40"),
        "Ana Ruiz",
        "Port authority confirms & <i>no</i> injuries",
        None,
    ),
    (103, _at("2025-07-24T12:03:11"), "Jon Weber", "Same pier flooded last summer", 101),
    (104, _at("2025-07-24T12:04:02"), "Jon Weber", "Photo from the quay follows", None),
]


def json_export(name: str = CHAT, chat_id: int = CHAT_ID) -> dict[str, Any]:
    messages = []
    for msg_id, sent, sender, text, reply in MESSAGES:
        local = sent.astimezone(BERLIN)
        message: dict[str, Any] = {
            "id": msg_id,
            "type": "message",
            "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_unixtime": str(int(sent.timestamp())),
            "from": sender,
            "from_id": f"user{msg_id * 7}",
            "text": text,
            "text_entities": [{"type": "plain", "text": text}],
        }
        if reply is not None:
            message["reply_to_message_id"] = reply
        messages.append(message)
    return {"name": name, "type": "private_supergroup", "id": chat_id, "messages": messages}


def _title(sent: datetime) -> str:
    """What Telegram Desktop prints: local wall clock, then the zone's standard offset."""
    return sent.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M:%S") + " UTC+01:00"


def html_export(name: str = CHAT) -> str:
    out = [
        '<!DOCTYPE html>\n<html>\n <head>\n  <meta charset="utf-8"/>\n'
        '<title>Exported Data</title>\n </head>\n <body>\n  <div class="page_wrap">\n'
        '   <div class="page_header">\n    <div class="content">\n'
        f'     <div class="text bold">\n{html.escape(name)}\n     </div>\n'
        '    </div>\n   </div>\n   <div class="page_body chat_page">\n'
        '    <div class="history">\n'
        '     <div class="message service" id="message-1">\n'
        '      <div class="body details">\n24 November 2025\n      </div>\n     </div>\n'
    ]
    previous = None
    for msg_id, sent, sender, text, reply in MESSAGES:
        joined = previous == sender
        classes = "message default clearfix" + (" joined" if joined else "")
        out.append(f'     <div class="{classes}" id="message{msg_id}">\n')
        out.append('      <div class="body">\n')
        out.append(
            f'       <div class="pull_right date details" title="{_title(sent)}">\n'
            f"{sent.astimezone(BERLIN):%H:%M}\n       </div>\n"
        )
        if not joined:
            out.append(f'       <div class="from_name">\n{html.escape(sender)}\n       </div>\n')
        if reply is not None:
            out.append(
                '       <div class="reply_to details">\n'
                f'In reply to <a href="#go_to_message{reply}" '
                f'onclick="return GoToMessage({reply})">this message</a>\n'
                "       </div>\n"
            )
        out.append(f'       <div class="text">\n{html.escape(text)}\n       </div>\n')
        out.append("      </div>\n     </div>\n")
        previous = sender
    out.append("    </div>\n   </div>\n  </div>\n </body>\n</html>\n")
    return "".join(out)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    desk = tmp_path / "t.desk"
    Store(desk, create=True).close()
    as_json = tmp_path / "result.json"
    as_json.write_text(json.dumps(json_export(), ensure_ascii=False, indent=1), encoding="utf-8")
    as_html = tmp_path / "messages.html"
    as_html.write_text(html_export(), encoding="utf-8")
    return desk, as_json, as_html


def ingest(desk: Path, path: Path) -> dict[str, Any]:
    ran = run_cli(desk, "ingest", "--json", str(path))
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)
    assert report["error"] is None and report["rejected"] == []
    assert report["format"] == "telegram"
    return dict(report)


def stored(desk: Path) -> dict[str, Any]:
    """The desk's telegram items by message id (the part after the last `/`)."""
    with Store(desk) as store:
        total = store.counts().total
        items = [store.item(n) for n in range(1, total + 1) if store.item_exists(n)]
    return {(i.platform_id or "").rsplit("/", 1)[1]: i for i in items}


def test_both_shapes_key_a_message_the_same_way() -> None:
    from_json, _ = parse(telegram, Source("result.json", data=json.dumps(json_export()).encode()))
    from_html, _ = parse(telegram, Source("messages.html", data=html_export().encode()))
    assert [i.platform_id for i in from_json] == [i.platform_id for i in from_html]
    assert from_json[0].platform_id == f"chat:{CHAT}/101"
    assert [r.platform_id for r in from_json[2].refs] == [f"chat:{CHAT}/101"]
    assert [r.platform_id for r in from_html[2].refs] == [f"chat:{CHAT}/101"]
    assert from_json[0].extra["chat_id"] == str(CHAT_ID)
    assert from_html[1].text == from_json[1].text  # `&` and `<i>` come back as typed


@needs_tzdata
@pytest.mark.parametrize("first", ["json", "html"])
def test_one_item_per_message_whichever_export_comes_first(
    files: tuple[Path, Path, Path], first: str
) -> None:
    desk, as_json, as_html = files
    order = [as_json, as_html] if first == "json" else [as_html, as_json]
    one, two = ingest(desk, order[0]), ingest(desk, order[1])
    assert (one["new"], two["new"], two["duplicates"]) == (4, 0, 4)

    items = stored(desk)
    assert sorted(items) == ["101", "102", "103", "104"]
    with Store(desk) as store:
        reply = store.links_of(items["103"].id)
    assert [(link.relation, link.dst_item_id) for link in reply] == [("reply-to", items["101"].id)]

    for msg_id, sent, *_ in MESSAGES:
        item = items[str(msg_id)]
        exact = sent.strftime("%Y-%m-%dT%H:%M:%SZ")
        # JSON's date_unixtime, whichever came first: the HTML export's July times (Berlin on
        # summer time and Lagos both print UTC+01:00) have no known zone, and the JSON copy,
        # arriving second, improves them (issue 12: a known zone over none).
        assert (item.posted_at, item.posted_tz_known) == (exact, True)
        assert "posted_if_daylight_saving" not in item.extra


@needs_tzdata
def test_html_title_offset_is_the_standard_one() -> None:
    cases = {
        "24.11.2025 14:03:11 UTC+01:00": ("2025-11-24T13:03:11Z", True, None),
        "24.07.2025 14:03:11 UTC+01:00": ("2025-07-24T13:03:11Z", False, "2025-07-24T12:03:11Z"),
        "24.07.2025 14:03:11 UTC+03:00": ("2025-07-24T11:03:11Z", True, None),  # no DST there
        "24.07.2025 14:03:11 UTC+05:30": ("2025-07-24T08:33:11Z", True, None),
        # only St John's keeps UTC-03:30 as standard time, and it is on summer time
        "24.07.2025 14:03:11 UTC-03:30": ("2025-07-24T16:33:11Z", True, None),
        "15.01.2024 10:00:00 UTC+10:00": ("2024-01-15T00:00:00Z", False, "2024-01-14T23:00:00Z"),
        # the day Europe moves its clocks back at 03:00: summer time before, not after
        "26.10.2025 01:30:00 UTC+01:00": ("2025-10-26T00:30:00Z", False, "2025-10-25T23:30:00Z"),
        "26.10.2025 12:00:00 UTC+01:00": ("2025-10-26T11:00:00Z", True, None),
        "24.11.2025 14:03 UTC": ("2025-11-24T14:03:00Z", True, None),
        "24.11.2025 14:03:11": ("2025-11-24T14:03:11Z", False, None),  # older exports: no zone
    }
    for title, (at, tz_known, other) in cases.items():
        posted, alternative = _telegram_zones._html_date(title)
        assert posted is not None, title
        assert (posted.at, posted.tz_known, alternative) == (at, tz_known, other), title
    for bad in ("31.02.2025 14:03:11 UTC+01:00", "24.11.2025 14:03:11 UTC+25:00", "yesterday", ""):
        assert _telegram_zones._html_date(bad) == (None, None), bad


def _old_json_keys(
    chat_key: str | None, key_name: str | None, msg_key: str
) -> tuple[str, tuple[tuple[str | None, str | None], ...]]:
    return f"{chat_key}/{msg_key}", ()


def _old_html_keys(
    chat_name: str, msg_id: str
) -> tuple[str, tuple[tuple[str | None, str | None], ...]]:
    return f"html:{chat_name}/{msg_id}", ()


@pytest.mark.parametrize(
    ("shape", "old", "then"),
    [
        ("json", (telegram, "_json_keys", _old_json_keys), ("json",)),
        ("html", (_telegram_html, "_html_keys", _old_html_keys), ("html", "json")),
    ],
)
def test_a_desk_made_before_the_shared_key_adds_nothing(
    files: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    shape: str,
    old: tuple[ModuleType, str, Callable[..., Any]],
    then: tuple[str, ...],
) -> None:
    """Former keys are looked up. (An HTML page cannot find a message stored by
    an earlier desk under its JSON chat id: the page does not carry the id.)"""
    desk, as_json, as_html = files
    path = {"json": as_json, "html": as_html}
    with monkeypatch.context() as patch:  # what the desk did before: its own key per shape
        patch.setattr(*old)  # where the shape's keys are made
        assert ingest(desk, path[shape])["new"] == 4
    keys = [item.platform_id or "" for item in stored(desk).values()]
    assert not any(key.startswith("chat:") for key in keys), keys  # the former keys were stored
    for again in then:
        report = ingest(desk, path[again])
        assert (report["new"], report["duplicates"]) == (0, 4), again
    assert len(stored(desk)) == 4


def test_chats_sharing_a_name_in_one_export_stay_apart(tmp_path: Path) -> None:
    export = {
        "about": "Here is the data you requested.",
        "chats": {"about": "", "list": [json_export(), json_export(chat_id=55)]},
    }
    items, rejected = parse(telegram, Source("result.json", data=json.dumps(export).encode()))
    assert rejected == []
    assert len(items) == 8
    assert len({i.platform_id for i in items}) == 8
    assert {i.platform_id for i in items[:4]} == {f"{CHAT_ID}/{m[0]}" for m in MESSAGES}
    assert all(i.earlier_keys == () for i in items)  # no key that could join the two chats


def _hostile_names() -> Iterator[str]:
    yield "Harbour\x1b[31m Desk\x1b]8;;https://evil.example\x07"
    yield "[bold red]Harbour[/] \u202eDesk"
    yield "Harbour/Desk\x00\x07"


@pytest.mark.parametrize("name", list(_hostile_names()))
def test_hostile_chat_names_still_agree_and_are_clean(name: str) -> None:
    from_json, _ = parse(telegram, Source("r.json", data=json.dumps(json_export(name)).encode()))
    page = html_export("NAME").replace("\nNAME\n", "\n" + name.replace("\x00", "") + "\n")
    from_html, rejected = parse(telegram, Source("m.html", data=page.encode()))
    assert rejected == []
    assert [i.platform_id for i in from_json] == [i.platform_id for i in from_html]
    for item in from_json + from_html:
        key = item.platform_id or ""
        assert not any(ch in key for ch in "\x1b\x07\x00\u202e"), key
        assert key.endswith(("/101", "/102", "/103", "/104"))
