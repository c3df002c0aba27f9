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
- A timeline saved as one JSON array is streamed (`jsondocs.stream_array`),
  so a 1M-status export is read in bounded memory: a first walk counts the
  server hints and the local ids that replies and quotes point at, a second
  (only when there are such ids or nested copies) keeps the uri/url of just
  those targets and which nested copies to watch, the third yields the
  items. The items are the same as reading the array whole; the raw copy of
  each status is its canonical dump, as before. A broken array up to
  `STREAM_FALLBACK_LIMIT` is read whole as before (exact line and column);
  a larger one keeps the statuses before the break and says in which bytes
  it broke. An edit history (StatusEdit[]) is small and read whole.
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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from db.models import Media
from desk.ingest.base import ParsedItem, Ref, Rejected, Sample, Skipped, Source
from desk.ingest.clean import html_of
from desk.ingest.jsondocs import (
    NOT_PARSED,
    STREAM_FALLBACK_LIMIT,
    ArrayBreak,
    canonical_bytes,
    json_error,
    loads,
    read_documents,
    sample_json,
    sample_text,
    stream_array,
    streams_as_array,
)
from desk.ingest.times import iso_time
from desk.ingest.urls import host_of
from desk.ingest.values import array, first, line_of, str_or_none, text_of
from desk.text import strip_escapes

NAME = "mastodon"
PLATFORM = "mastodon"

# How deep nested reblogs/quotes are followed as items of their own; deeper
# ones are only referenced. Mastodon itself nests one level.
_MAX_NESTING = 4
_SURROGATES = re.compile("[\ud800-\udfff]")

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


def _is_status(obj: Any) -> bool:
    """A Status: an id or uri, an account, and HTML content or a plain source."""
    return (
        isinstance(obj, dict)
        and ("id" in obj or "uri" in obj)
        and isinstance(obj.get("account"), dict)
        and ("content" in obj or "text" in obj)
        and ("spoiler_text" in obj or "visibility" in obj or "media_attachments" in obj)
    )


def _is_status_edit(obj: Any) -> bool:
    """A StatusEdit: a status version with no id of its own."""
    return (
        isinstance(obj, dict)
        and "id" not in obj
        and "uri" not in obj
        and isinstance(obj.get("account"), dict)
        and "content" in obj
        and "created_at" in obj
    )


def _is_status_source(obj: Any) -> bool:
    """A StatusSource: `{id, text, spoiler_text}` and nothing about who or when."""
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "text" in obj
        and "spoiler_text" in obj
        and "account" not in obj
    )


# ---------------------------------------------------------------- reading

# The wording of the Mastodon and Bluesky readers' JSON errors.
_INVALID = "not valid JSON"


def _http(value: Any) -> str | None:
    value = str_or_none(value)
    if (
        value
        and value.lower().startswith(("https://", "http://"))
        and not _SURROGATES.search(value)
    ):
        return strip_escapes(value)
    return None


# ---------------------------------------------------------------- document walking


class _Document:
    """What is known across one document: the answering server, local ids.

    `hosts` counts server hints; JSON Lines share one counter across lines.
    """

    def __init__(self, statuses: list[dict[str, Any]], hosts: Counter[str]) -> None:
        self.by_local_id: dict[str, dict[str, Any]] = {}
        # hash(platform id) of the statuses yielded, to give nested copies once;
        # when streamed, only of those that `watch` (nested copies) holds.
        self.seen: set[int] = set()
        self.watch: set[int] | None = None
        for status in _all_statuses(statuses):
            local = str_or_none(status.get("id"))
            if local and (status.get("uri") or status.get("url")):
                self.by_local_id.setdefault(local, status)
            _server_hints(status, hosts)
        self.server: str | None = hosts.most_common(1)[0][0] if hosts else None

    def given(self, platform_id: str, nested: bool) -> bool:
        """Whether a nested copy was already given; notes that this one is."""
        key = hash(platform_id)
        if nested and key in self.seen:
            return True
        if self.watch is None or key in self.watch:
            self.seen.add(key)
        return False


def _all_statuses(statuses: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every status in the list and nested in it (reblogs, quotes), iteratively."""
    stack = [(s, 0) for s in reversed(statuses)]
    while stack:
        status, depth = stack.pop()
        if not isinstance(status, dict):
            continue
        yield status
        if depth >= _MAX_NESTING:
            continue
        reblog = status.get("reblog")
        if isinstance(reblog, dict):
            stack.append((reblog, depth + 1))
        quote = status.get("quote")
        if isinstance(quote, dict) and isinstance(quote.get("quoted_status"), dict):
            stack.append((quote["quoted_status"], depth + 1))


def _server_hints(status: dict[str, Any], hosts: Counter[str]) -> None:
    """Hosts that only the answering server would write into this status."""
    account = status.get("account")
    if isinstance(account, dict):
        acct = account.get("acct")
        if isinstance(acct, str) and acct and "@" not in acct:
            host = host_of(account.get("url"))
            if host:
                hosts[host] += 1
    for tag in array(status.get("tags")):  # `or []` let a number through
        if isinstance(tag, dict):
            host = host_of(tag.get("url"))
            if host:
                hosts[host] += 1
    for mention in array(status.get("mentions")):
        if isinstance(mention, dict):
            acct = mention.get("acct")
            if isinstance(acct, str) and acct and "@" not in acct:
                host = host_of(mention.get("url"))
                if host:
                    hosts[host] += 1


def _handle(account: dict[str, Any]) -> str | None:
    """`user@instance`: `acct` as given, or with the host of the account URL."""
    acct = line_of(account.get("acct")) or line_of(account.get("username"))
    acct = acct.lstrip("@")
    if not acct:
        return None
    if "@" not in acct:
        host = host_of(account.get("url")) or host_of(account.get("uri"))
        if host:
            acct = f"{acct}@{host}"
    return acct


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
        yield from _sse_items(source, hosts)
        return
    for entry in read_documents(source, invalid=_INVALID):
        if isinstance(entry, Rejected):
            yield entry
            continue
        line, doc, raw = entry
        if _is_stream_event(doc):
            yield from _event_items(doc["event"], doc["payload"], line, raw, hosts)
            continue
        yield from parse_document(doc, line=line, raw=raw, hosts=hosts)


def parse_document(
    doc: Any,
    *,
    line: int | None = None,
    raw: bytes | None = None,
    hosts: Counter[str] | None = None,
) -> Iterator[ParsedItem | Rejected]:
    """Items of one parsed Mastodon document (any supported shape).

    For a JSON Lines line, `line` is its number (every item and rejection
    of the line carries it as `record`) and `raw` its bytes, kept as the
    raw record of the line's status.
    """
    for result in _document_items(doc, hosts if hosts is not None else Counter(), raw):
        if line is None:
            yield result
        elif isinstance(result, Rejected):
            yield Rejected(record=line, reason=result.reason, line=line)
        else:
            yield replace(result, record=line)


def _document_items(
    doc: Any, hosts: Counter[str], raw: bytes | None
) -> Iterator[ParsedItem | Rejected]:
    records: list[tuple[int, Any, str | None]] = []  # (record, status, context role)
    if isinstance(doc, dict):
        if isinstance(doc.get("ancestors"), list) or isinstance(doc.get("descendants"), list):
            ancestors = array(doc.get("ancestors"))
            descendants = array(doc.get("descendants"))
            records = [(i, s, "ancestor") for i, s in enumerate(ancestors, 1)]
            records += [(len(ancestors) + i, s, "descendant") for i, s in enumerate(descendants, 1)]
        elif isinstance(doc.get("statuses"), list):
            records = [(i, s, None) for i, s in enumerate(doc["statuses"], 1)]
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
    whole = raw if len(records) == 1 and records[0][1] is doc else None
    yield from _records_items(records, document, whole)


def _records_items(
    records: Iterable[tuple[int, Any, str | None]], document: _Document, whole: bytes | None
) -> Iterator[ParsedItem | Rejected]:
    for record, status, role in records:
        if not _is_status(status):
            yield Rejected(record=record, reason="not a Mastodon Status (no id, account, content)")
            continue
        try:
            items = list(_status_items(status, record, document, role, 0, whole))
        except RecursionError:
            yield Rejected(record=record, reason="status nested too deeply to read")
            continue
        except Exception as exc:  # one hostile record must not stop the file
            yield Rejected(record=record, reason=f"unreadable status: {type(exc).__name__}: {exc}")
            continue
        yield from items


def _streamed(source: Source) -> Iterator[ParsedItem | Rejected] | None:
    """The items of a timeline array read one status at a time (see the module
    docstring), or None when the array is to be read whole: an edit history,
    or a broken array small enough to re-read for its exact message."""
    hosts: Counter[str] = Counter()
    targets: set[str] = set()  # local ids that replies and quotes point at
    nested = False
    edits = True
    count = 0
    broken: ArrayBreak | None = None
    try:
        for status in stream_array(source):
            count += 1
            edits = edits and _is_status_edit(status)
            if not isinstance(status, dict):
                continue
            for found in _all_statuses([status]):
                _server_hints(found, hosts)
                nested = nested or found is not status
                for local in (found.get("in_reply_to_id"), _quoted_id(found)):
                    if str_or_none(local):
                        targets.add(str(str_or_none(local)))
    except ArrayBreak as exc:
        broken = exc
    if (count and edits and broken is None) or (
        broken is not None and source.size() <= STREAM_FALLBACK_LIMIT
    ):
        return None
    document = _Document([], hosts)
    if targets or nested:
        document.watch = set()
        try:
            for status in stream_array(source):
                if isinstance(status, dict):
                    _note_targets(status, targets, document)
        except ArrayBreak:
            pass
    return _yield_streamed(source, document, broken)


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
    source: Source, document: _Document, broken: ArrayBreak | None
) -> Iterator[ParsedItem | Rejected]:
    count = 0
    limit = broken.count if broken is not None else None
    try:
        for status in stream_array(source):
            if limit is not None and count >= limit:
                break
            count += 1
            yield from _records_items([(count, status, None)], document, None)
    except ArrayBreak as exc:
        broken = exc
    if broken is not None:
        yield broken.rejected(_INVALID)


def _quoted_id(status: dict[str, Any]) -> Any:
    quote = status.get("quote")
    if isinstance(quote, dict) and not isinstance(quote.get("quoted_status"), dict):
        return quote.get("quoted_status_id")
    return None


def _status_items(
    status: dict[str, Any],
    record: int,
    doc: _Document,
    role: str | None,
    depth: int,
    raw: bytes | None = None,
) -> Iterator[ParsedItem]:
    """The status as an item, preceded by the statuses it carries in full."""
    refs: list[Ref] = []
    extra: dict[str, Any] = {}
    reblog = status.get("reblog")
    if isinstance(reblog, dict) and _is_status(reblog):
        if depth < _MAX_NESTING:
            yield from _status_items(reblog, record, doc, None, depth + 1)
        target = _target_ref("repost-of", reblog, doc)
        if target:
            refs.append(target)
    quote = status.get("quote")
    if isinstance(quote, dict):
        quoted = quote.get("quoted_status")
        extra["quote"] = {"state": line_of(quote.get("state")) or None}
        if isinstance(quoted, dict) and _is_status(quoted):
            if depth < _MAX_NESTING:
                yield from _status_items(quoted, record, doc, None, depth + 1)
            target = _target_ref("quotes", quoted, doc)
        else:
            quoted_id = str_or_none(quote.get("quoted_status_id"))
            extra["quote"]["quoted_status_id"] = quoted_id
            target = _local_ref("quotes", quoted_id, doc) if quoted_id else None
        if target:
            refs.append(target)
    reply_id = str_or_none(status.get("in_reply_to_id"))
    if reply_id:
        extra["in_reply_to_id"] = reply_id
        account_url = _local_account_url(status, str_or_none(status.get("in_reply_to_account_id")))
        target = _local_ref("reply-to", reply_id, doc, account_url)
        if target:
            refs.append(target)
    boosted = reblog if isinstance(reblog, dict) else None
    item = _item(status, record, doc, role, refs, extra, boosted, raw)
    if item.platform_id and doc.given(item.platform_id, depth > 0):
        return  # a boosted or quoted copy already given in this document
    yield item


def _target_ref(relation: str, target: dict[str, Any], doc: _Document) -> Ref | None:
    """A Ref to a status we hold in full: its uri and url."""
    platform_id = _platform_id(target, doc)
    url = _status_url(target)
    if not platform_id and not url:
        return None
    return Ref(relation, platform=PLATFORM, platform_id=platform_id, url=url)


def _local_ref(
    relation: str, local_id: str, doc: _Document, account_url: str | None = None
) -> Ref | None:
    """A Ref to a status known only by a local id (see the module docstring)."""
    found = doc.by_local_id.get(local_id)
    if found is not None:
        return _target_ref(relation, found, doc)
    platform_id = f"{local_id}@{doc.server}" if doc.server else None
    url = f"{account_url.rstrip('/')}/{local_id}" if account_url else None
    if platform_id or url:
        return Ref(relation, platform=PLATFORM, platform_id=platform_id, url=url)
    return None


def _local_account_url(status: dict[str, Any], account_id: str | None) -> str | None:
    """The URL of the replied-to account when it is local to the answering server.

    A local status's public URL is `{account url}/{local id}`, so a reply to
    a local account can be pointed at the very URL its target item carries.
    The account is found by id among the author and the mentions.
    """
    if not account_id:
        return None
    candidates = [status.get("account"), *(status.get("mentions") or [])]
    for account in candidates:
        if isinstance(account, dict) and str_or_none(account.get("id")) == account_id:
            acct = account.get("acct")
            if isinstance(acct, str) and acct and "@" not in acct:
                return _http(account.get("url"))
            return None
    return None


def _platform_id(status: dict[str, Any], doc: _Document) -> str | None:
    uri = str_or_none(status.get("uri"))
    if uri:
        return strip_escapes(uri)
    local = str_or_none(status.get("id"))
    if local and doc.server:
        return f"{local}@{doc.server}"
    return None


def _status_url(status: dict[str, Any]) -> str | None:
    return _http(status.get("url")) or _http(status.get("uri"))


def _item(
    status: dict[str, Any],
    record: int,
    doc: _Document,
    role: str | None,
    refs: list[Ref],
    extra: dict[str, Any],
    reblog: dict[str, Any] | None,
    raw: bytes | None,
) -> ParsedItem:
    account = status["account"]
    local = str_or_none(status.get("id"))
    if local:
        extra["id"] = local
    if doc.server:
        extra["server"] = doc.server
        if local:
            extra["local_id"] = f"{local}@{doc.server}"
    if role:
        extra["context"] = role

    if reblog is not None and _is_status(reblog):
        original = _body(reblog, {})
        who = _handle(reblog["account"]) or "?"
        text = f"Boost of @{who}:\n\n{original}" if original else f"Boost of @{who}"
        extra["boost_of"] = who
        media: tuple[Media, ...] = ()  # the boost has none of its own; the original keeps them
    else:
        text = _body(status, extra)
        media = _media(status)

    for key in ("visibility",):
        value = line_of(status.get(key))
        if value:
            extra[key] = value
    if status.get("sensitive") is True:
        extra["sensitive"] = True
    edited = iso_time(status.get("edited_at"))
    if edited:
        extra["edited_at"] = edited.at
    counts = {
        name: status[f"{name}_count"]
        for name in ("replies", "reblogs", "favourites", "quotes")
        if isinstance(status.get(f"{name}_count"), int)
    }
    if counts:
        extra["counts"] = counts
    mentions = [
        line_of(m.get("acct")) for m in array(status.get("mentions")) if isinstance(m, dict)
    ]
    if any(mentions):
        extra["mentions"] = [m for m in mentions if m]
    tags = [line_of(t.get("name")) for t in array(status.get("tags")) if isinstance(t, dict)]
    if any(tags):
        extra["tags"] = [t for t in tags if t]
    card = status.get("card")
    if isinstance(card, dict) and _http(card.get("url")):
        extra["card"] = {
            "url": _http(card.get("url")),
            "title": line_of(card.get("title")) or None,
            "description": text_of(card.get("description")) or None,
        }

    return ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw if raw is not None else canonical_bytes(status),
        kind="post",
        platform_id=_platform_id(status, doc),
        url=_status_url(status),
        author_name=line_of(account.get("display_name")) or None,
        author_handle=_handle(account),
        author_url=_http(account.get("url")),
        lang=line_of(status.get("language")) or None,
        posted=iso_time(status.get("created_at")),
        media=media,
        refs=tuple(refs),
        extra=extra,
        record=record,
    )


def _at(value: Any) -> str:
    """The UTC ISO time of a value, or "" (sorts first) when unreadable."""
    posted = iso_time(value)
    return posted.at if posted else ""


def _body(status: dict[str, Any], extra: dict[str, Any]) -> str:
    """Readable text: "CW: ..." first, then the content, then the poll."""
    parts: list[str] = []
    warning = line_of(status.get("spoiler_text"))
    if warning:
        extra["content_warning"] = warning
        parts.append(f"CW: {warning}")
    if "content" in status and status.get("content") is not None:
        body = html_of(status.get("content"))
    else:
        body = text_of(status.get("text"))
        if "text" in status:
            extra["deleted"] = True
    if body:
        parts.append(body)
    poll = status.get("poll")
    if isinstance(poll, dict):
        summary, lines = _poll(poll)
        extra["poll"] = summary
        if lines:
            parts.append(lines)
    return "\n\n".join(parts)


def _poll(poll: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The poll as JSON-able facts and as readable lines for the text."""
    options = []
    for option in poll.get("options") or []:
        if not isinstance(option, dict):
            continue
        votes = option.get("votes_count")
        options.append(
            {
                "title": line_of(option.get("title")),
                "votes": votes if isinstance(votes, int) and not isinstance(votes, bool) else None,
            }
        )
    summary: dict[str, Any] = {"options": options}
    for key in ("votes_count", "voters_count"):
        if isinstance(poll.get(key), int):
            summary[key] = poll[key]
    for key in ("multiple", "expired"):
        if isinstance(poll.get(key), bool):
            summary[key] = poll[key]
    expires = iso_time(poll.get("expires_at"))
    if expires:
        summary["expires_at"] = expires.at
    notes = []
    if isinstance(summary.get("votes_count"), int):
        notes.append(f"{summary['votes_count']} votes")
    if summary.get("multiple"):
        notes.append("multiple choice")
    if summary.get("expired"):
        notes.append("closed")
    head = "Poll" + (f" ({', '.join(notes)})" if notes else "") + ":"
    rows = [
        f"- {o['title']}" + (f": {o['votes']}" if o["votes"] is not None else "") for o in options
    ]
    return summary, "\n".join([head, *rows]) if rows else ""


def _media(status: dict[str, Any]) -> tuple[Media, ...]:
    found = []
    for attachment in status.get("media_attachments") or []:
        if not isinstance(attachment, dict):
            continue
        url = (
            _http(attachment.get("url"))
            or _http(attachment.get("remote_url"))
            or _http(attachment.get("preview_url"))
        )
        if not url:
            continue
        found.append(
            Media(
                url=url,
                type=line_of(attachment.get("type")) or "unknown",
                alt=text_of(attachment.get("description")) or None,
            )
        )
    return tuple(found)


# ---------------------------------------------------------------- edit history


def _edit_history(
    versions: list[dict[str, Any]], raw: bytes | None
) -> Iterator[ParsedItem | Rejected]:
    """One item for a StatusEdit[] history: the newest version, all versions in extra."""
    try:
        ordered = sorted(versions, key=lambda v: _at(v.get("created_at")))
        edits = []
        for version in ordered:
            facts: dict[str, Any] = {}
            text = _body(version, facts)
            entry: dict[str, Any] = {
                "created_at": _at(version.get("created_at")) or None,
                "text": text,
            }
            if "content_warning" in facts:
                entry["content_warning"] = facts["content_warning"]
            if "poll" in facts:
                entry["poll"] = facts["poll"]
            if version.get("sensitive") is True:
                entry["sensitive"] = True
            entry["media"] = [{"url": m.url, "type": m.type, "alt": m.alt} for m in _media(version)]
            edits.append(entry)
        newest = ordered[-1]
        extra: dict[str, Any] = {}
        text = _body(newest, extra)
        extra["edits"] = edits
        extra["edit_history"] = True
        if len(ordered) > 1 and edits[-1]["created_at"]:
            extra["edited_at"] = edits[-1]["created_at"]
        hosts: Counter[str] = Counter()
        for version in ordered:
            _server_hints(version, hosts)
        if hosts:
            extra["server"] = hosts.most_common(1)[0][0]
        account = newest["account"]
        yield ParsedItem(
            platform=PLATFORM,
            text=text,
            raw=raw if raw is not None else canonical_bytes(versions),
            kind="post",
            platform_id=None,
            url=None,
            author_name=line_of(account.get("display_name")) or None,
            author_handle=_handle(account),
            author_url=_http(account.get("url")),
            posted=iso_time(ordered[0].get("created_at")),
            media=_media(newest),
            extra=extra,
            record=1,
        )
    except RecursionError:
        yield Rejected(record=1, reason="edit history nested too deeply to read")
    except Exception as exc:
        yield Rejected(record=1, reason=f"unreadable edit history: {type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- streaming API events

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


def _sse_items(source: Source, hosts: Counter[str]) -> Iterator[ParsedItem | Rejected | Skipped]:
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
                    yield from _event_items(name, "\n".join(data), start, b"".join(raw), hosts)
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
        yield from _event_items(name, "\n".join(data), start, b"".join(raw), hosts)


def _event_items(
    name: Any, payload: Any, line: int | None, raw: bytes | None, hosts: Counter[str]
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
    results = list(parse_document(body, line=record, raw=raw, hosts=hosts))
    for index, result in enumerate(results):
        if isinstance(result, ParsedItem) and index == len(results) - 1:
            # The event's own status comes last (after any boosted or quoted copy).
            result = replace(result, extra={**result.extra, "stream_event": event})
        yield result
