"""Mastodon streaming API events: WebSocket JSON Lines and server-sent events text.

`{"event": "update", "payload": "<Status as a JSON string>"}` lines, or
`event:` / `data:` blocks: an update (or an edit) gives its status, a
delete and the other events are `Skipped` (rules in `mastodon.py`'s
docstring). A payload is a Status document, read by the one reader
`mastodon.py` hands in (`read`), so a status has one reading wherever it
comes from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Protocol

from desk.ingest.base import ParsedItem, Rejected, Skipped, Source
from desk.ingest.formats._mastodon_status import _INVALID
from desk.ingest.jsondocs import json_error, loads
from desk.ingest.values import line_of


class ReadDocument(Protocol):
    """`mastodon.parse_document`: the items of one parsed Status document."""

    def __call__(
        self,
        doc: Any,
        *,
        line: int | None = None,
        raw: bytes | None = None,
        hosts: Counter[str] | None = None,
    ) -> Iterator[ParsedItem | Rejected]: ...


# The event names of the streaming API (docs.joinmastodon.org/methods/streaming).
_EVENTS = frozenset(
    {
        "update", "status.update", "delete", "notification", "conversation",
        "filters_changed", "announcement", "announcement.reaction", "announcement.delete",
        "encrypted_message", "notifications_merged",
    }
)  # fmt: skip
_EVENT_KEY = re.compile(r'"event"\s*:\s*"(?:update|status\.update|delete|notification)"')
_SSE_EVENT = re.compile(r"^event: ?(update|status\.update|delete|notification)\r?$", re.M)
_SSE_FIELDS = ("event:", "data:", "id:", "retry:", ":")


def _is_stream_event(doc: Any) -> bool:
    """A WebSocket streaming message: a known `event` name and a `payload`."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("event"), str)  # a list cannot be looked up in a set
        and doc["event"] in _EVENTS
        and "payload" in doc
    )


def _looks_sse(text: str) -> bool:
    """Server-sent events text: SSE field lines from the start, a known event name."""
    return text.startswith(_SSE_FIELDS) and bool(_SSE_EVENT.search(text))


def _sse_items(
    source: Source, hosts: Counter[str], read: ReadDocument
) -> Iterator[ParsedItem | Rejected | Skipped]:
    """Read `event:` / `data:` blocks line by line; a blank line ends an event.

    Multi-line `data:` fields are joined with newlines (the SSE rule); a
    block's raw record is its own bytes, its record the line it starts on.
    """
    name = "message"
    data: list[str] = []
    raw: list[bytes] = []
    start = 0
    with source.open() as fh:
        number = 0
        for chunk in fh:
            number += 1
            text = chunk.decode("utf-8", errors="replace").rstrip("\r\n")
            if number == 1:
                text = text.lstrip("\ufeff")
            if not text:
                if data:
                    yield from _event_items(
                        name, "\n".join(data), start, b"".join(raw), hosts, read
                    )
                name, data, raw = "message", [], []
                continue
            if not raw:
                start = number
            raw.append(chunk)
            if text.startswith(":"):
                continue  # a heartbeat comment
            field, _, value = text.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value.strip()
            elif field == "data":
                data.append(value)
    if data:  # a last event with no blank line after it (a cut-off capture)
        yield from _event_items(name, "\n".join(data), start, b"".join(raw), hosts, read)


def _event_items(
    name: Any,
    payload: Any,
    line: int | None,
    raw: bytes | None,
    hosts: Counter[str],
    read: ReadDocument,
) -> Iterator[ParsedItem | Rejected | Skipped]:
    """What one streaming event gives: the status of an update, a note for the rest."""
    event = line_of(name) or "?"
    record = line if line is not None else 1
    if event == "delete":
        status_id = line_of(payload if isinstance(payload, str) else str(payload))[:64] or "?"
        yield Skipped(record, f"delete event: status {status_id} was deleted upstream (kept)")
        return
    if event not in ("update", "status.update", "notification"):
        yield Skipped(record, f"{event[:40]} event (holds no post)")
        return
    if isinstance(payload, str):
        try:
            body = loads(payload)
        except RecursionError:
            yield Rejected(record, f"{event} event: payload nested too deeply to read", line=line)
            return
        except ValueError as exc:
            reason = f"{event} event: payload is {json_error(exc, _INVALID)}"
            yield Rejected(record, reason, line=line)
            return
    else:
        body = payload
    if event == "notification":
        body = body.get("status") if isinstance(body, dict) else None
        if not isinstance(body, dict):
            yield Skipped(record, "notification event without a status")
            return
    results = list(read(body, line=record, raw=raw, hosts=hosts))
    for index, result in enumerate(results):
        if isinstance(result, ParsedItem) and index == len(results) - 1:
            # The event's own status comes last (after any boosted or quoted copy).
            result = replace(result, extra={**result.extra, "stream_event": event})
        yield result
