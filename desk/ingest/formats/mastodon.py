"""Mastodon REST API JSON: statuses, timelines, search results, contexts, edit history.

What a desk receives from Mastodon is whatever a colleague saved from the API
or a client: one Status (`GET /api/v1/statuses/:id`), an array of them (home,
public, hashtag, list timelines, bookmarks), a v2 search result
(`{"accounts": [], "statuses": [], "hashtags": []}`), a thread context
(`{"ancestors": [], "descendants": []}`) or an edit history (an array of
StatusEdit objects). Any of these may also come as JSON Lines (one per line,
as research scrapers write them): read line by line so a huge file never
sits in memory, each item's `record` being its line number and the raw
record of a line's status the line's own bytes. Everything is detected by
its shape, never by the file name.

JSON is read by `desk/ingest/jsondocs.py`, untrusted values cleaned by
`values.text_of` / `line_of` and `clean.html_of`, API times by
`times.iso_time`: the same code as Bluesky's.

Choices, and why:

- `platform_id` is the status `uri`, the ActivityPub id: it is the same on
  every server that saw the post, whereas the `id` is local to the server that
  answered (mastodon.social and icosahedron.website give the same post two
  different ids). Only when a status has no `uri` do we fall back to
  `id@server`. The local id and the answering server (when it can be worked
  out) are kept in `extra["id"]` / `extra["server"]` / `extra["local_id"]`.
- The answering server is not named in a Status. We infer it per document
  from what the answering server writes with its own host: the `url` of local
  accounts (an `acct` without "@"), hashtag URLs (`tags[].url`, search
  `hashtags[].url`) and mentions of local accounts. The most frequent host
  wins (in JSON Lines, counted over the lines read so far); it may stay
  unknown (a lone status by a remote author without tags or mentions).
- Replies and shallow quotes carry only a LOCAL id (`in_reply_to_id`,
  `quote.quoted_status_id`). We resolve it to the target's `uri`/`url` when the
  target is in the same document (a context, a timeline). Otherwise the Ref
  gets `platform_id = "{local id}@{server}"` (the same string as the target's
  `extra["local_id"]`, for a pipeline that indexes it) and, when the replied-to
  account is local to the answering server (it is the author or among the
  mentions, with an `acct` without "@"), `url = "{account url}/{local id}"`:
  a local status's public URL, the very `url` its own item carries, so the
  link is made by URL across files. With neither, no Ref; the local id
  always stays in `extra["in_reply_to_id"]` / `extra["quote"]`.
- The statuses of a document are always yielded; the copies nested in
  them (boosted originals, quoted statuses) only the first time their
  `uri` appears in the document (in JSON Lines: in the line).
- A boost (`reblog`) is an item of its own (the booster's act, with its own
  `uri`, `.../activity`) whose text is "Boost of @handle:" followed by the
  original's text, so a list row is readable; the original is yielded too, as
  its own item, and the boost refs it with `repost-of`.
- A Mastodon 4.4+ quote with its `quoted_status` yields the quoted status as
  an item and a `quotes` Ref to it.
- Content warnings go to `extra["content_warning"]` and prefix the text
  ("CW: ..."), so nobody reads past a warning by accident; polls go to
  `extra["poll"]` and are appended to the text as readable lines.
- Custom emoji stay as their `:shortcode:` text (what the HTML content holds).
- A deleted status (the DELETE response) carries the plain `text` source
  instead of HTML `content`: we use it and set `extra["deleted"] = True`.
- An edit history (StatusEdit[]) has no id, uri or url at all: it becomes ONE
  item whose text is the newest version, `posted` the first version's time,
  and every version in `extra["edits"]` (oldest first). Its `platform_id` and
  `url` are None: the pipeline cannot dedup it against the status itself.
- A StatusSource (`{id, text, spoiler_text}`, the redraft source) has no
  author, time or uri: it is recognised and rejected with a clear reason.
- A timeline saved as one JSON array is walked one status at a time
  (`jsonwalk`, the stdlib's scanner over chunks of text), so a 1M-status
  export is read in bounded memory: a first walk counts the server hints
  and the local ids that replies and quotes point at, a second (only when
  there are such ids or nested copies) keeps the uri/url of just those
  targets and which nested copies to watch, the third yields the items.
  The items are the same as reading the array whole, lone surrogates (kept
  as U+FFFD in the text) and ids past 64 bits (exact) included; the raw copy
  of each status is its own bytes in the file, whole or walked, and so is
  that of each status of a search result or a context (`_own_bytes`; a key
  given twice is the last one, as the JSON is read). A status of those
  whose bytes cannot be cut out keeps its canonical dump and says so in
  `extra["raw_note"]`; boosted and quoted copies nested in a status keep
  theirs (they are part of another record's bytes). Ids never depend on the
  raw copy: a status stored by an older desk with the dump as raw is found
  again by its `uri`, and the differing bytes are kept as another copy of
  it (`desk.verbs.copies`). ijson streamed these arrays before and was dropped
  (see `jsonwalk`). A broken array up to `STREAM_FALLBACK_LIMIT` is read
  whole as before (exact line and column); a larger one keeps the statuses
  before the break and names the break's line and column.
- VCR cassettes (YAML) holding Mastodon JSON as strings are containers, not
  this format: `detect` returns 0 for anything that is not JSON (except the
  streaming API's own text form, below).
- Streaming API events (`GET /api/v1/streaming`), saved as WebSocket JSON
  Lines (`{"stream": [...], "event": "update", "payload": "<Status as a JSON
  string>"}`) or as server-sent events text (`event: update` / `data: {...}`
  blocks ended by a blank line, `:` heartbeat comments). They are read here,
  not in a format of their own, because a payload is a Status and a Status
  has one reader. `update` and `status.update` (an edit) yield the status,
  whose raw record is the event's own bytes; an edit has the same `uri`, so
  it is the same item (`extra["stream_event"]` says which event carried it).
  A `delete` removes nothing from the desk (a deleted post is evidence): it is
  a `Skipped` ("delete event: status 123 was deleted upstream (kept)") in the
  summary. A `notification` yields the status it carries, if any; other
  events (filters_changed, announcement ...) are skipped and counted.

The module is the format's entry (detection, the document shapes, the
streamed timeline walks); a Status's reading is in `_mastodon_status.py`,
edit histories in `_mastodon_history.py`, streaming events in
`_mastodon_stream.py`, private modules no other format imports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from desk.ingest.base import ParsedItem, Rejected, Sample, Skipped, Source
from desk.ingest.formats._mastodon_history import _edit_history
from desk.ingest.formats._mastodon_status import (
    _INVALID,
    PLATFORM,
    _all_statuses,
    _Document,
    _is_status,
    _is_status_edit,
    _is_status_source,
    _platform_id,
    _server_hints,
    _status_items,
)
from desk.ingest.formats._mastodon_stream import (
    _EVENT_KEY,
    _SSE_FIELDS,
    _event_items,
    _is_stream_event,
    _looks_sse,
    _sse_items,
)
from desk.ingest.jsondocs import (
    NOT_PARSED,
    STREAM_FALLBACK_LIMIT,
    UNLOCATED,
    BrokenDocument,
    JsonValue,
    element_bytes,
    member_element_bytes,
    read_json,
    sample_json,
    sample_text,
    streams_as_array,
)
from desk.ingest.jsonwalk import WalkError, stream_encoding, walk_elements
from desk.ingest.values import array, first, str_or_none

NAME = "mastodon"
__all__ = ["NAME", "PLATFORM", "detect", "parse", "parse_document", "parse_whole"]

# Keys that only a Mastodon Status (or StatusEdit) carries, for samples too
# long to parse whole: two of them make a status.
_STATUS_KEYS = re.compile(
    r'"(spoiler_text|in_reply_to_account_id|media_attachments|reblogs_count|favourites_count)"\s*:'
)


# ---------------------------------------------------------------- detection


def detect(sample: Sample) -> int:
    """How sure we are that the sample is Mastodon API JSON, from its shape.

    A whole sample is parsed and its structure checked; a sample cut at
    SAMPLE_BYTES (or a truncated file) falls back to keys only Mastodon
    writes: two of `spoiler_text`, `in_reply_to_account_id`,
    `media_attachments`, `reblogs_count`, `favourites_count`, or `ancestors`
    with `descendants`. Non-JSON (the YAML VCR cassettes that embed Mastodon
    bodies as strings) is never ours.
    """
    text = sample_text(sample)
    if _looks_sse(text):
        return 90
    if text[:1] not in ("{", "["):
        return 0
    doc = sample_json(sample, text)
    if doc is not NOT_PARSED:
        return _score(doc)
    if '"ancestors"' in text and '"descendants"' in text:
        return 85
    if len(set(_STATUS_KEYS.findall(text))) >= 2:
        return 85
    if _EVENT_KEY.search(text) and '"payload"' in text:
        return 85
    return 0


def _score(doc: Any) -> int:
    """Score a parsed document by shape (see `detect`)."""
    if _is_stream_event(doc):
        return 95
    if isinstance(doc, dict):
        if isinstance(doc.get("ancestors"), list) and isinstance(doc.get("descendants"), list):
            return 95
        statuses = doc.get("statuses")
        # v2 search: {accounts, statuses, hashtags}; an empty one is still ours.
        if (
            isinstance(statuses, list)
            and "search_metadata" not in doc
            and (
                _is_status(first(statuses))
                or (not statuses and "accounts" in doc and "hashtags" in doc)
            )
        ):
            return 95
        if _is_status(doc):
            return 95
        if _is_status_source(doc):
            return 60
        return 0
    if isinstance(doc, list) and doc:
        head = doc[0]
        if _is_status(head) or _is_status_edit(head):
            return 95
    return 0


# ---------------------------------------------------------------- parsing


def parse(source: Source) -> Iterator[ParsedItem | Rejected | Skipped]:
    """Items of a Mastodon document or JSON Lines file; bad records rejected, then onwards."""
    if streams_as_array(source):
        streamed = _streamed(source)
        if streamed is not None:
            yield from streamed
            return
    yield from parse_whole(source)


def parse_whole(source: Source) -> Iterator[ParsedItem | Rejected | Skipped]:
    """`parse` without streaming: the document read at once (JSON Lines by line)."""
    hosts: Counter[str] = Counter()  # server hints carried from line to line
    if sample_text(source.sample()).startswith(_SSE_FIELDS):  # JSON never starts so
        yield from _sse_items(source, hosts, parse_document)
        return
    empty = True
    for entry in read_json(source, invalid=_INVALID):
        empty = False
        if isinstance(entry, Rejected):
            yield entry
            continue
        if isinstance(entry, BrokenDocument):
            yield entry.rejected
            continue
        line, doc = (entry.line, entry.value) if entry.lines_mode else (None, entry.value)
        raw = entry.raw if entry.lines_mode else None
        if _is_stream_event(doc):
            yield from _event_items(doc["event"], doc["payload"], line, raw, hosts, parse_document)
            continue
        yield from parse_document(doc, line=line, raw=raw, hosts=hosts, parts=_own_bytes(entry))
    if empty:
        yield Rejected(record=None, reason="empty input: no JSON to read")


# The members of the wrapped responses whose elements are statuses, in record order.
_WRAPPED = ("ancestors", "descendants", "statuses")
Parts = list[bytes] | dict[str, list[bytes] | None]
"""The own bytes of a document's statuses: an array's elements, or per member
of a wrapped response (None for a member whose elements do not cut out)."""


def _own_bytes(entry: JsonValue) -> Parts | None:
    """The own bytes of the statuses of a document that is an array or a
    wrapped response (search result, context); None for any other shape."""
    doc = entry.value
    if isinstance(doc, list):
        return element_bytes(entry, len(doc))
    if isinstance(doc, dict):
        return {
            key: member_element_bytes(entry, key, len(doc[key]))
            for key in _WRAPPED
            if isinstance(doc.get(key), list)
        }
    return None


def parse_document(
    doc: Any,
    *,
    line: int | None = None,
    raw: bytes | None = None,
    hosts: Counter[str] | None = None,
    parts: Parts | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """Items of one parsed Mastodon document (any supported shape).

    For a JSON Lines line, `line` is its number (every item and rejection
    of the line carries it as `record`) and `raw` its bytes, kept as the
    raw record of the line's status. `parts` (`_own_bytes`), for an array
    or a wrapped response, are its statuses' own bytes, kept as their raw
    records.
    """
    for result in _document_items(doc, hosts if hosts is not None else Counter(), raw, parts):
        if line is None:
            yield result
        elif isinstance(result, Rejected):
            yield Rejected(record=line, reason=result.reason, line=line)
        else:
            yield replace(result, record=line)


def _document_items(
    doc: Any, hosts: Counter[str], raw: bytes | None, parts: Parts | None
) -> Iterator[ParsedItem | Rejected]:
    records: list[tuple[int, Any, str | None]] = []  # (record, status, context role)
    members: tuple[str, ...] = ()  # the wrapped response's members read, in record order
    if isinstance(doc, dict):
        if isinstance(doc.get("ancestors"), list) or isinstance(doc.get("descendants"), list):
            ancestors = array(doc.get("ancestors"))
            descendants = array(doc.get("descendants"))
            records = [(i, s, "ancestor") for i, s in enumerate(ancestors, 1)]
            records += [(len(ancestors) + i, s, "descendant") for i, s in enumerate(descendants, 1)]
            members = ("ancestors", "descendants")
        elif isinstance(doc.get("statuses"), list):
            records = [(i, s, None) for i, s in enumerate(doc["statuses"], 1)]
            members = ("statuses",)
        elif _is_status(doc):
            records = [(1, doc, None)]
        elif _is_status_source(doc):
            yield Rejected(
                record=1,
                reason="a Mastodon StatusSource (id, text, spoiler_text only) has no author, "
                "time or URI to make an item of",
            )
            return
        else:
            yield Rejected(
                record=1,
                reason="not a Mastodon Status, timeline, search result, context or edit history",
            )
            return
    elif isinstance(doc, list):
        if doc and all(_is_status_edit(e) for e in doc):
            yield from _edit_history(doc, raw)
            return
        records = [(i, s, None) for i, s in enumerate(doc, 1)]
    else:
        yield Rejected(
            record=1, reason="not a Mastodon API response (a JSON object or array was expected)"
        )
        return

    statuses = [s for _, s, _ in records if isinstance(s, dict)]
    document = _Document(statuses, hosts)
    if len(records) == 1 and records[0][1] is doc:
        raws: list[bytes | None] = [raw]
    elif isinstance(parts, list) and isinstance(doc, list) and len(parts) == len(records):
        raws = list(parts)
    elif members:
        raws = [
            own for key in members for own in _member_raws(parts, key, len(array(doc.get(key))))
        ]
    else:
        raws = [None] * len(records)
    # A wrapped response's status whose bytes do not cut out keeps its dump, and says so.
    note = UNLOCATED if members else None
    yield from _records_items(
        (
            (record, status, role, own)
            for (record, status, role), own in zip(records, raws, strict=True)
        ),
        document,
        note,
    )


def _member_raws(parts: Parts | None, key: str, count: int) -> list[bytes | None]:
    own = parts.get(key) if isinstance(parts, dict) else None
    return list(own) if own is not None and len(own) == count else [None] * count


def _records_items(
    records: Iterable[tuple[int, Any, str | None, bytes | None]],
    document: _Document,
    unlocated: str | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """The items of (record, status, context role, its bytes or None) each;
    `unlocated`, the `raw_note` of a status given no bytes (kept as its dump)."""
    for record, status, role, own in records:
        if not _is_status(status):
            yield Rejected(record=record, reason="not a Mastodon Status (no id, account, content)")
            continue
        try:
            items = list(_status_items(status, record, document, role, 0, own))
        except RecursionError:
            yield Rejected(record=record, reason="status nested too deeply to read")
            continue
        except Exception as exc:  # one hostile record must not stop the file
            yield Rejected(record=record, reason=f"unreadable status: {type(exc).__name__}: {exc}")
            continue
        if own is None and unlocated and items:  # the status itself is yielded last
            main = items[-1]
            items[-1] = replace(main, extra={**main.extra, "raw_note": unlocated})
        yield from items


def _streamed(source: Source) -> Iterator[ParsedItem | Rejected] | None:
    """The items of a timeline array walked one status at a time (see the
    module docstring), or None when the array is to be read whole: an edit
    history, UTF-16/32 text, or a broken array small enough to re-read for
    its exact message."""
    found = stream_encoding(source)
    if found is None:
        return None
    walk = partial(walk_elements, source, found[0])
    hosts: Counter[str] = Counter()
    targets: set[str] = set()  # local ids that replies and quotes point at
    nested = False
    edits = True
    count = 0
    broken: WalkError | None = None
    try:
        for count_so_far, status, _ in walk():
            count = count_so_far
            edits = edits and _is_status_edit(status)
            if not isinstance(status, dict):
                continue
            for found_status in _all_statuses([status]):
                _server_hints(found_status, hosts)
                nested = nested or found_status is not status
                for local in (found_status.get("in_reply_to_id"), _quoted_id(found_status)):
                    if str_or_none(local):
                        targets.add(str(str_or_none(local)))
    except WalkError as exc:
        broken = exc
    if (count and edits and broken is None) or (
        broken is not None and source.size() <= STREAM_FALLBACK_LIMIT
    ):
        return None
    document = _Document([], hosts)
    if targets or nested:
        document.watch = set()
        try:
            for _, status, _ in walk():
                if isinstance(status, dict):
                    _note_targets(status, targets, document)
        except WalkError:
            pass
    return _yield_streamed(walk, document)


def _note_targets(status: dict[str, Any], targets: set[str], document: _Document) -> None:
    """Keep the uri/url of reply and quote targets, and watch nested copies."""
    for found in _all_statuses([status]):
        local = str_or_none(found.get("id"))
        if local in targets and (found.get("uri") or found.get("url")):
            keep = {"id": found.get("id"), "uri": found.get("uri"), "url": found.get("url")}
            document.by_local_id.setdefault(str(local), keep)
        if found is not status and _is_status(found) and document.watch is not None:
            platform_id = _platform_id(found, document)
            if platform_id:
                document.watch.add(hash(platform_id))


def _yield_streamed(
    walk: Callable[[], Iterator[tuple[int, Any, bytes]]], document: _Document
) -> Iterator[ParsedItem | Rejected]:
    done = 0  # complete statuses read
    try:
        for done, status, raw in walk():
            yield from _records_items([(done, status, None, raw)], document)
    except WalkError as exc:
        reason = f"{_INVALID}: {exc}"
        if done:
            reason += f"; the {done} complete record(s) before it were read"
        yield Rejected(done + 1 if done else None, reason, line=exc.line)


def _quoted_id(status: dict[str, Any]) -> Any:
    quote = status.get("quote")
    if isinstance(quote, dict) and not isinstance(quote.get("quoted_status"), dict):
        return quote.get("quoted_status_id")
    return None
