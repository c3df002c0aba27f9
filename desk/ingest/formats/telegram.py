"""Telegram Desktop exports: `result.json` (one chat or a full export) and `messages.html`.

Telegram Desktop writes two export shapes, and reporters hand us both:

- JSON: one chat (`{"name", "type", "id", "messages": [...]}`) or a whole
  account (`{"chats": {"list": [chat, ...]}, "left_chats": {...}, ...}`).
  A message's `text` is either a string or a list mixing strings and entity
  objects (`{"type": "bold", "text": "..."}`); `text_entities` carries the
  same text as a list of entities and is used when `text` is absent.
  `date` is local time of the exporting machine with no zone, so
  `date_unixtime` (UTC) is preferred; without it the time is kept but marked
  `tz_known=False`.
- HTML: `messages.html` pages (`div.message` with `.from_name`, `.text` and
  the full time in the `title` of `.date`, e.g. `23.08.2023 13:11:23
  UTC-08:00`).

One chat, one item per message, whichever export arrives first. The HTML
has no chat id, only the chat's name (the page header) and the message id
(`id="message123"`), so both shapes key a message the same way:
`chat:<chat name>/<message id>`, the chat id staying in `extra["chat_id"]`.
A JSON export whose chats share a name (two groups called "Family") cannot
be told apart that way: those chats keep `<chat id>/<message id>`. Earlier
desks stored JSON messages as `<chat id>/<message id>` and HTML ones as
`html:<chat name>/<message id>`; both spellings stay `earlier_keys`, so a
re-ingest adds nothing (only an HTML page cannot find a message an earlier
desk stored from JSON: the page does not carry the chat id). The key is
`_telegram_keys.py`'s, the HTML page is read in `_telegram_html.py` and its
times (the exporting computer's zone, read from a title) in
`_telegram_zones.py`.

A JSON export is walked one message at a time (`desk/ingest/jsonwalk.py`),
so a chat of a million messages is read in bounded memory; a legacy code
page (a Windows-1251 export) is decoded by detection and said in
`extra["encoding"]`; a cut-off export keeps the messages before the cut.

Service messages (joins, pins, calls, the HTML date separators) are not
items: they are skipped without a rejection, because nothing is wrong with
them. Files the export left out ("(File not included...)") are not turned
into Media with a fake URL; they are listed in `extra["media_not_included"]`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from db.models import Media
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.formats._telegram_html import _parse_html
from desk.ingest.formats._telegram_keys import PLATFORM, _BadMessage, name_key
from desk.ingest.jsondocs import (
    INVALID,
    STREAM_FALLBACK_LIMIT,
    decode_bytes,
    load_document,
    record_bytes,
    streams_as_array,
)
from desk.ingest.jsonwalk import Walk, WalkError, open_walk
from desk.ingest.times import from_text, from_unix
from desk.ingest.values import array, mime_kind, scrub, string
from desk.text import clean_line, clean_text

NAME = "telegram"

_CHAT_TYPES = (
    '"personal_chat"',
    '"bot_chat"',
    '"private_group"',
    '"private_supergroup"',
    '"public_supergroup"',
    '"private_channel"',
    '"public_channel"',
    '"saved_messages"',
)
_MESSAGE_KEYS = ('"date_unixtime"', '"text_entities"', '"from_id"')
SAMPLE_SCAN = 64 * 1024

# media_type values of Telegram Desktop -> the desk's Media.type
_MEDIA_TYPES = {
    "sticker": "sticker",
    "animation": "gif",
    "video_file": "video",
    "video_message": "video",
    "voice_message": "audio",
    "audio_file": "audio",
}


# ---------------------------------------------------------------- detect


def detect(sample: Sample) -> int:
    """Sure for Telegram JSON (chat types, `date_unixtime`) and the HTML export page."""
    text = sample.text
    if text.startswith("{"):
        head = text[:SAMPLE_SCAN]
        has_messages = '"messages"' in head
        if '"chats"' in head and '"list"' in head and (has_messages or '"about"' in head):
            return 90
        if '"personal_information"' in head and '"about"' in head:
            return 70
        if has_messages:
            chat_type = any(t in head for t in _CHAT_TYPES)
            message_keys = sum(k in head for k in _MESSAGE_KEYS)
            if chat_type and (message_keys or '"from"' in head):
                return 95
            if message_keys >= 2:
                return 80
        return 0
    if text[:1] == "<" and _looks_like_html_export(sample.head):
        return 95
    return 0


def _looks_like_html_export(head: bytes) -> bool:
    """The structure Telegram Desktop writes: page_wrap > page_body > history > div.message."""
    try:
        doc = lxml.html.document_fromstring(head)
    except (etree.ParserError, ValueError):
        return False
    history = doc.xpath(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' page_body ')]"
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' history ')]"
    )
    if not history:
        return False
    messages = history[0].xpath(
        ".//div[contains(concat(' ', normalize-space(@class), ' '), ' message ')"
        " and starts-with(@id, 'message')]"
    )
    return bool(messages)


# ---------------------------------------------------------------- parse


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Items of a JSON export (one chat or all chats) or of one HTML export page.

    A JSON export is walked one message at a time (`jsonwalk`), so a chat of
    1M messages is read in bounded memory; the items are those of reading it
    whole (`parse_whole`), and a cut-off export keeps the messages before
    the cut.
    """
    head = source.sample().head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"{" and streams_as_array(source, b"{"):
        yield from _walked(source)
        return
    yield from parse_whole(source)


def parse_whole(source: Source) -> Iterator[ParsedItem | Rejected]:
    """`parse` with the document read at once (HTML pages, UTF-16 exports)."""
    data = source.read_bytes()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        yield Rejected(record=None, reason="empty file")
        return
    if stripped[:1] == b"<":
        yield from _parse_html(data)
        return
    text, _, note = decode_bytes(data)
    doc = load_document(text.encode("utf-8", errors="surrogatepass"))
    if isinstance(doc, Rejected):
        yield doc
        return
    if not isinstance(doc, dict):
        yield Rejected(record=None, reason="not a Telegram export: top level is not an object")
        return
    chats = list(_chats(doc))
    if not chats:
        yield Rejected(record=None, reason=_NO_CHAT)
        return
    counter = _Counter()
    names = Counter(_chat_name(chat) for chat in chats if isinstance(chat, dict))
    shared = {name for name, count in names.items() if name and count > 1}
    for chat in chats:
        if not isinstance(chat, dict):
            yield Rejected(record=None, reason=_NOT_A_CHAT)
            continue
        messages = chat.get("messages")
        if isinstance(messages, list):
            chat_of = _Chat(chat, shared, note)
            for message in messages:
                yield from chat_of.message(message, counter.next())


_NO_CHAT = "not a Telegram export: no chat with messages"
_NOT_A_CHAT = "a chat in the export is not an object"


def _walked(source: Source) -> Iterator[ParsedItem | Rejected]:
    """A JSON export walked, messages one at a time.

    A first walk reads every chat's own members (its name, id, type and
    username may come after its messages; a full export's chats must all
    be named before any is read, see `_Chat`), skipping the messages; the
    second yields the messages. Measured: the first walk takes 1.4 s per
    100,000 messages (the second, with the items made, 9.7 s), a small part
    of storing them.
    """
    opened = open_walk(source)
    if opened is None:
        yield from parse_whole(source)
        return
    walk, note, fh = opened
    counter = _Counter()
    any_chat = False
    heads = _chat_heads(source)
    shared = _shared_names(heads) if len(heads) > 1 else set()
    with fh:
        try:
            for key in walk.members():
                if key == "messages" and walk.peek() == "[" and not any_chat:
                    any_chat = True
                    chat_of = _Chat(heads[0] if heads else {}, set(), note)
                    for _ in walk.elements():
                        message, _raw = walk.value()
                        yield from chat_of.message(message, counter.next())
                elif key in ("chats", "left_chats") and walk.peek() == "{":
                    for chat_key in walk.members():
                        if chat_key != "list" or walk.peek() != "[":
                            walk.skip()
                            continue
                        for _ in walk.elements():
                            any_chat = True
                            if walk.peek() != "{":
                                walk.skip()
                                yield Rejected(record=None, reason=_NOT_A_CHAT)
                                continue
                            head = heads.pop(0) if heads else {}
                            yield from _walk_chat(walk, head, counter, note, shared)
                else:
                    walk.skip()
            walk.end()
        except WalkError as exc:
            if counter.value == 0 and source.size() <= STREAM_FALLBACK_LIMIT:
                yield from parse_whole(source)
                return
            reason = f"{INVALID}: {exc}"
            if counter.value:
                reason += f"; the {counter.value} message(s) before it were read"
            yield Rejected(counter.value + 1, reason, line=exc.line)
            return
    if not any_chat:
        yield Rejected(record=None, reason=_NO_CHAT)


def _walk_chat(
    walk: Walk, head: dict[str, Any], counter: _Counter, note: str | None, shared: set[str]
) -> Iterator[ParsedItem | Rejected]:
    """One chat of a full export: its messages one at a time."""
    chat_of = _Chat(head, shared, note)
    for key in walk.members():
        if key == "messages" and walk.peek() == "[":
            for _ in walk.elements():
                message, _raw = walk.value()
                yield from chat_of.message(message, counter.next())
        else:
            walk.skip()


def _chat_heads(source: Source) -> list[dict[str, Any]]:
    """Every chat's members but its messages, in file order (a first walk).

    A single-chat export gives one; a break stops the walk with the chats
    before it (the main walk reports the break).
    """
    opened = open_walk(source)
    if opened is None:
        return []
    walk, _, fh = opened
    heads: list[dict[str, Any]] = []
    top: dict[str, Any] = {}
    with fh:
        try:
            for key in walk.members():
                if key == "messages":
                    top["messages"] = True  # a single chat, even if cut off in its messages
                    walk.skip()
                elif key in ("chats", "left_chats") and walk.peek() == "{":
                    for chat_key in walk.members():
                        if chat_key != "list" or walk.peek() != "[":
                            walk.skip()
                            continue
                        for _ in walk.elements():
                            if walk.peek() != "{":
                                walk.skip()
                                continue
                            head: dict[str, Any] = {}
                            heads.append(head)  # kept if the walk breaks inside it
                            for member in walk.members():
                                if member == "messages":
                                    walk.skip()
                                else:
                                    head[member], _ = walk.value()
                else:
                    top[key], _ = walk.value()
        except WalkError:
            pass
    return [top] if "messages" in top else heads


def _shared_names(heads: list[dict[str, Any]]) -> set[str]:
    names = Counter(_chat_name(head) for head in heads)
    return {name for name, count in names.items() if name and count > 1}


class _Counter:
    """A running 1-based message index across all chats of a file."""

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


def _chats(doc: dict[str, Any]) -> Iterator[Any]:
    """The chat objects of a single-chat export or of a full export."""
    if isinstance(doc.get("messages"), list):
        yield doc
        return
    for key in ("chats", "left_chats"):
        section = doc.get(key)
        if isinstance(section, dict) and isinstance(section.get("list"), list):
            yield from section["list"]


def _chat_name(chat: dict[str, Any]) -> str | None:
    return clean_line(string(chat.get("name"))) or None


class _Chat:
    """What every message of one chat takes from the chat: its id, name, type, username."""

    def __init__(self, chat: dict[str, Any], shared: set[str], note: str | None) -> None:
        chat_id = chat.get("id")
        self.key = (
            str(chat_id) if chat_id is not None and not isinstance(chat_id, (dict, list)) else None
        )
        if self.key is not None and scrub(self.key) != self.key:
            self.key = None  # a lone surrogate or control is no id (extra could not be stored)
        self.name = _chat_name(chat)
        self.by_name = self.name is not None and self.name not in shared
        self.type = clean_line(string(chat.get("type"))) or None  # goes to extra: stored, shown
        self.username = clean_line(string(chat.get("username"))).lstrip("@") or None
        self.note = note

    def message(self, message: Any, record: int) -> Iterator[ParsedItem | Rejected]:
        """The message's item, its rejection, or nothing (a service message)."""
        if not isinstance(message, dict):
            yield Rejected(record=record, reason="message is not an object")
            return
        if message.get("type") == "service":
            return  # joins, pins, calls: facts about the chat, not items
        try:
            yield _message_item(
                message,
                record,
                self.key,
                self.name if self.by_name else None,
                self.type,
                self.username,
                chat_name=self.name,
                note=self.note,
            )
        except _BadMessage as exc:
            yield Rejected(record=record, reason=str(exc))


def _json_keys(
    chat_key: str | None, key_name: str | None, msg_key: str
) -> tuple[str, tuple[tuple[str | None, str | None], ...]]:
    """The message's platform id and the spellings earlier desks stored it under."""
    if key_name is None:
        if chat_key is None:
            raise _BadMessage(f"message {msg_key}: its chat has no id and no name")
        return f"{chat_key}/{msg_key}", ()
    earlier: list[tuple[str | None, str | None]] = [(f"html:{key_name}/{msg_key}", None)]
    if chat_key is not None:
        earlier.insert(0, (f"{chat_key}/{msg_key}", None))
    return name_key(key_name, msg_key), tuple(earlier)


def _message_item(
    message: dict[str, Any],
    record: int,
    chat_key: str | None,
    key_name: str | None,
    chat_type: str | None,
    username: str | None,
    chat_name: str | None = None,
    note: str | None = None,
) -> ParsedItem:
    """One message; `key_name` is the chat's name when it keys the chat (see the docstring)."""
    msg_id = message.get("id")
    if msg_id is None or isinstance(msg_id, (dict, list, bool)):
        raise _BadMessage("message without an id")
    msg_key = clean_line(str(msg_id))
    platform_id, earlier_keys = _json_keys(chat_key, key_name, msg_key)
    chat_name = chat_name or key_name

    links: list[str] = []
    text = _message_text(message, links)
    author = clean_line(string(message.get("from"))) or None
    if author is None and chat_type in ("public_channel", "private_channel"):
        author = chat_name

    extra: dict[str, Any] = {"chat_id": chat_key} if chat_key is not None else {}
    if chat_name:
        extra["chat_name"] = chat_name
    if chat_type:
        extra["chat_type"] = chat_type
    if message.get("from_id") is not None:
        extra["from_id"] = clean_line(str(message["from_id"]))
    if "forwarded_from" in message:
        # null when the original sender hid their account: still a forward
        extra["forwarded_from"] = clean_line(string(message.get("forwarded_from"))) or None
    for key in ("forwarded_from_id", "saved_from", "via_bot", "author", "reply_to_peer_id"):
        value = message.get(key)
        if value is not None and not isinstance(value, (dict, list)):
            extra["author_signature" if key == "author" else key] = clean_line(str(value))
    edited = from_unix(message.get("edited_unixtime")) or from_text(string(message.get("edited")))
    if edited is not None:
        extra["edited_at"] = edited.at
    if links:
        extra["links"] = links
    _add_structured(message, extra)
    if note:
        extra["encoding"] = note

    media, not_included = _message_media(message)
    if not_included:
        extra["media_not_included"] = not_included

    refs: list[Ref] = []
    reply_id = message.get("reply_to_message_id")
    if reply_id is not None and not isinstance(reply_id, (dict, list, bool)):
        reply_key = _json_keys(chat_key, key_name, clean_line(str(reply_id)))[0]
        refs.append(Ref("reply-to", platform=PLATFORM, platform_id=reply_key))

    return ParsedItem(
        platform=PLATFORM,
        kind="post",
        text=text,
        raw=record_bytes(message),
        platform_id=platform_id,
        url=f"https://t.me/{username}/{msg_key}" if username else None,
        author_name=author,
        posted=_message_posted(message),
        media=tuple(media),
        refs=tuple(refs),
        extra=extra,
        record=record,
        earlier_keys=earlier_keys,
    )


def _message_posted(message: dict[str, Any]) -> Posted | None:
    """`date_unixtime` is UTC; `date` alone is wall-clock time with no zone."""
    posted = from_unix(message.get("date_unixtime"))
    if posted is not None:
        return posted
    posted = from_text(string(message.get("date")))
    if posted is not None and posted.tz_known:
        return posted
    return Posted(posted.at, posted.precision, False) if posted is not None else None


def _message_text(message: dict[str, Any], links: list[str]) -> str:
    """The text from `text` (string or parts), else from `text_entities`."""
    value = message.get("text")
    entities = message.get("text_entities")
    if (value is None or value == "") and isinstance(entities, list):
        value = entities
    return clean_text(_join_parts(value, links))


def _join_parts(value: Any, links: list[str]) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    out: list[str] = []
    for part in value:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, dict):
            piece = part.get("text")
            piece = piece if isinstance(piece, str) else ""
            out.append(piece)
            kind = part.get("type")
            href = part.get("href")
            if kind == "text_link" and isinstance(href, str):
                _add_link(links, href)
            elif kind == "link":
                _add_link(links, piece)
    return "".join(out)


def _add_link(links: list[str], url: str) -> None:
    url = clean_line(url)
    if url and url not in links:
        links.append(url)


def _add_structured(message: dict[str, Any], extra: dict[str, Any]) -> None:
    """Polls, places, contacts, stickers: kept as facts, not invented text."""
    poll = message.get("poll")
    if isinstance(poll, dict):
        answers = array(poll.get("answers"))
        extra["poll"] = {
            "question": clean_line(string(poll.get("question"))),
            "answers": [
                {"text": clean_line(string(a.get("text"))), "voters": a.get("voters")}
                for a in answers
                if isinstance(a, dict)
            ],
            "total_voters": poll.get("total_voters"),
            "closed": poll.get("closed"),
        }
    location = message.get("location_information")
    if isinstance(location, dict):
        extra["location"] = {k: location.get(k) for k in ("latitude", "longitude") if k in location}
    for key in ("place_name", "address", "sticker_emoji", "title", "performer"):
        value = message.get(key)
        if isinstance(value, str) and value:
            extra[key] = clean_line(value)
    contact = message.get("contact_information")
    if isinstance(contact, dict):
        extra["contact"] = {k: clean_line(string(v)) for k, v in contact.items()}


def _message_media(message: dict[str, Any]) -> tuple[list[Media], list[dict[str, Any]]]:
    """Files the export kept (relative path as URL) and the ones it left out."""
    media: list[Media] = []
    missing: list[dict[str, Any]] = []
    photo = message.get("photo")
    if isinstance(photo, str) and photo:
        _file(photo, "image", None, media, missing)
    file_ = message.get("file")
    if isinstance(file_, str) and file_:
        media_type = string(message.get("media_type"))
        mime = string(message.get("mime_type"))
        kind = _MEDIA_TYPES.get(media_type) or mime_kind(mime)
        _file(file_, kind, string(message.get("file_name")) or None, media, missing)
    return media, missing


def _file(
    path: str, kind: str, name: str | None, media: list[Media], missing: list[dict[str, Any]]
) -> None:
    path = clean_line(path)
    if path.startswith("("):  # "(File not included. Change data exporting settings ...)"
        entry: dict[str, Any] = {"type": kind, "note": path}
        if name:
            entry["file_name"] = clean_line(name)
        missing.append(entry)
    else:
        media.append(Media(url=path, type=kind, alt=None))
