"""Telegram Desktop's HTML export: the messages of one `messages.html` page.

A page is `div.message` elements with `.from_name`, `.text` and the full
time in the `title` of `.date` (read in `_telegram_zones.py`). The page has
no chat id, only the chat's name (the page header) and the message id
(`id="message123"`): the key is the JSON export's `chat:<chat name>/<message
id>` (`_telegram_keys.py`). Service messages (joins, the date separators)
are not items. Kept apart from `telegram.py`, which reads the JSON export
and detects both, because the two shapes share no reading, only `_telegram_keys.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from db.models import Media
from desk.ingest.base import ParsedItem, Ref, Rejected
from desk.ingest.clean import html_to_text
from desk.ingest.formats._telegram_keys import PLATFORM, _BadMessage, name_key
from desk.ingest.formats._telegram_zones import _html_date
from desk.text import clean_line

_HTML_MESSAGE_ID = re.compile(r"^message(\d+)$")
_GO_TO_MESSAGE = re.compile(r"go_to_message(\d+)")


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _parse_html(data: bytes) -> Iterator[ParsedItem | Rejected]:
    """One `messages.html` page; authors of "joined" messages come from the one before."""
    try:
        doc = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        yield Rejected(record=None, reason=f"unreadable HTML: {exc}")
        return
    header = doc.xpath(f"//div[{_has_class('page_header')}]//div[{_has_class('text')}]")
    chat_name = clean_line(header[0].text_content()) if header else ""
    history = doc.xpath(f"//div[{_has_class('history')}]")
    if not history:
        yield Rejected(record=None, reason="not a Telegram export page: no message history")
        return
    last_author: str | None = None
    record = 0
    for div in history[0].xpath(f".//div[{_has_class('message')}]"):
        record += 1
        classes = (div.get("class") or "").split()
        if "service" in classes:
            continue
        match = _HTML_MESSAGE_ID.match(div.get("id") or "")
        if match is None:
            yield Rejected(record=record, reason="message without an id")
            continue
        try:
            item = _html_item(div, record, chat_name, match.group(1), last_author)
        except _BadMessage as exc:
            yield Rejected(record=record, reason=str(exc))
            continue
        last_author = item.author_name
        yield item


def _html_keys(
    chat_name: str, msg_id: str
) -> tuple[str, tuple[tuple[str | None, str | None], ...]]:
    """The JSON export's key for the same message, and the spelling earlier desks used."""
    if not chat_name:
        return f"html:unknown chat/{msg_id}", ()
    return name_key(chat_name, msg_id), ((f"html:{chat_name}/{msg_id}", None),)


def _html_item(
    div: Any, record: int, chat_name: str, msg_id: str, last_author: str | None
) -> ParsedItem:
    bodies = div.xpath(f"./div[{_has_class('body')}]")
    if not bodies:
        raise _BadMessage(f"message {msg_id}: no body")
    body = bodies[0]
    extra: dict[str, Any] = {"chat_name": chat_name} if chat_name else {}

    names = body.xpath(f"./div[{_has_class('from_name')}]")
    author = _from_name(names[0]) if names else None
    if author is None and "joined" in (div.get("class") or "").split():
        author = last_author

    text_holder = body
    forwarded = body.xpath(f"./div[{_has_class('forwarded')}]")
    if forwarded:
        fwd_names = forwarded[0].xpath(f"./div[{_has_class('from_name')}]")
        extra["forwarded_from"] = _from_name(fwd_names[0]) if fwd_names else None
        text_holder = forwarded[0]
    texts = text_holder.xpath(f"./div[{_has_class('text')}]")
    text = html_to_text(lxml.html.tostring(texts[0], encoding="unicode")) if texts else ""

    posted = None
    dates = body.xpath(f".//div[{_has_class('date')}][@title]")
    if dates:
        posted, if_daylight_saving = _html_date(dates[0].get("title") or "")
        if if_daylight_saving is not None:
            extra["posted_if_daylight_saving"] = if_daylight_saving

    refs: list[Ref] = []
    for href in body.xpath(f"./div[{_has_class('reply_to')}]//a/@href"):
        found = _GO_TO_MESSAGE.search(href)
        if found:
            reply_key = _html_keys(chat_name, found.group(1))[0]
            refs.append(Ref("reply-to", platform=PLATFORM, platform_id=reply_key))
            break

    media: list[Media] = []
    missing: list[dict[str, Any]] = []
    for wrap in text_holder.xpath(f".//div[{_has_class('media_wrap')}]"):
        for link in wrap.xpath(".//a[@href]"):
            href = clean_line(link.get("href"))
            if href and not href.startswith(("#", "javascript:")):
                media.append(Media(url=href, type=_html_media_kind(link), alt=None))
        if not wrap.xpath(".//a[@href]"):
            status = clean_line(wrap.text_content())
            missing.append({"type": "file", "note": status})
    if missing:
        extra["media_not_included"] = missing

    platform_id, earlier_keys = _html_keys(chat_name, msg_id)
    return ParsedItem(
        platform=PLATFORM,
        kind="post",
        text=text,
        raw=lxml.html.tostring(div, encoding="utf-8"),
        platform_id=platform_id,
        author_name=author,
        posted=posted,
        media=tuple(media),
        refs=tuple(refs),
        extra=extra,
        record=record,
        earlier_keys=earlier_keys,
    )


def _from_name(element: Any) -> str | None:
    """The sender's name without the trailing date/"via @bot" details."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment: text_content() raises ValueError
            parts.append(child.tail or "")
            continue
        classes = (child.get("class") or "").split()
        if "details" not in classes and "date" not in classes:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return clean_line("".join(parts)) or None


def _html_media_kind(link: Any) -> str:
    classes = (link.get("class") or "").split()
    if "photo_wrap" in classes:
        return "image"
    if "video_file_wrap" in classes or "video_note_wrap" in classes:
        return "video"
    if "animated_wrap" in classes:
        return "gif"
    if "sticker_wrap" in classes:
        return "sticker"
    if "media_voice_message" in classes or "media_audio_file" in classes:
        return "audio"
    return "file"
