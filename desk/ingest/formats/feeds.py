"""RSS 0.9x/1.0/2.0 and Atom through feedparser; JSON Feed through `json`.

Feeds in the wild are often broken: wrong declared encodings, bare `&`,
unclosed CDATA, bogus prologs. feedparser is built for exactly that: it is
given the raw bytes (so it sniffs the encoding itself), never a path or a URL
(so it never touches the network), and when it flags a document as "bozo"
we still take every entry it recovered. Only a document that yields no
entries *and* is bozo becomes one `Rejected`, naming feedparser's exception
and its line. HTML in entries goes through `clean.html_to_text` even though
feedparser's sanitizer already dropped scripts.

The installed feedparser (6.0.x) does not read JSON Feed, so a JSON Feed
(`"version": "https://jsonfeed.org/version/1..."`) is mapped by `_feedjson`
with the standard `json` module: it is JSON, not markup. An entry's identity
(link, id, earlier keys) is `_feedkeys`'s, one rule for both; a large feed's
runs are scheduled by `_feedruns`, parsed in a worker process.

Dates: feedparser's `*_parsed` are UTC, but it silently assumes UTC for a
date with no zone and misreads some forms (`2020/1/10 14:33:00` becomes
1 November) and completes partial ones from the clock. Unless the raw
string is a whole date and time with its zone, it is read with
`times.from_text` instead: real precision (a bare `YYYY-MM-DD` is a day),
`tz_known=False` without a zone, day and month names in Portuguese, Spanish,
French and German, and no time at all for a date with no year. A feed entry
without a date is fine.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import io
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import feedparser
from lxml import etree

from db.models import Media
from desk.ingest import charset
from desk.ingest.base import ParsedItem, Posted, Rejected, Sample, Source
from desk.ingest.clean import html_to_text
from desk.ingest.formats import _feedfast, _feedjson, _feedkeys
from desk.ingest.formats._feedruns import RunParsers
from desk.ingest.formats._feedxml import (
    PROLOG_BYTES,
    FeedDocument,
    Run,
    Spans,
    UnreadableProlog,
    calm_prolog,
    scan_spans,
)
from desk.ingest.jsondocs import record_bytes
from desk.ingest.times import from_struct_time, from_text
from desk.ingest.values import dicts, mime_kind, string, unique
from desk.text import clean_line, clean_text

NAME = "feed"
PLATFORM = _feedkeys.PLATFORM
KIND = _feedkeys.KIND

_ATOM_NS = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS_RDF_NS = ("http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/")
# a date string that ends with its zone: feedparser's UTC reading can be trusted
_EXPLICIT_ZONE = re.compile(r"(?:[+-]\d{2}:?\d{2}|\dZ|\b(?:GMT|UTC?|[ECMP][SD]T))\s*$", re.I)
_FULL_CLOCK = re.compile(r"\d:\d\d:\d\d")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


# ---------------------------------------------------------------- detect


def detect(sample: Sample) -> int:
    """By the root element (found by lxml, which honours BOMs and encodings) or JSON Feed."""
    if sample.looks_json:
        return 95 if sample.text.startswith("{") and _feedjson.JSONFEED in sample.text else 0
    tag = _root_tag(sample.head)
    if tag is None:
        # an XML document with no element at all (only a prolog or comments):
        # likely an empty feed; a low score lets the feed parser explain.
        start = sample.text[:5]
        return 10 if start.startswith(("<?xml", "<!--")) else 0
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if local == "rss":
        return 95
    if local == "RDF" and namespace == _RDF_NS:  # RSS 1.0 / 0.90, or some other RDF
        return 95 if any(ns in sample.text for ns in _RSS_RDF_NS) else 30
    if local == "feed":
        return 95 if namespace in _ATOM_NS else 60 if not namespace else 0
    if local == "channel" and not namespace:  # headless RSS 0.9x seen in the wild
        return 50
    return 0


def _root_tag(head: bytes) -> str | None:
    """The first element's tag of a (possibly truncated or broken) XML head, or None."""
    parser = etree.XMLPullParser(
        events=("start",), recover=True, resolve_entities=False, no_network=True
    )
    try:
        parser.feed(head)
        for _event, element in parser.read_events():
            tag = element.tag
            return tag if isinstance(tag, str) else None
    except (etree.XMLSyntaxError, ValueError, LookupError):
        return None
    return None


# ---------------------------------------------------------------- parse


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Every entry feedparser recovers (or every JSON Feed item), in document order."""
    large = source.path is not None and source.size() > STREAM_BYTES
    if not large:
        yield from _parse_bytes(source, source.read_bytes(), large=False)
        return
    # A large feed's entry scan reads the whole file before the first item: the
    # progress bar follows the items given instead (`_parse_document`).
    source.positions_reported()
    try:
        with source.open() as fh:
            head = fh.read(PROLOG_BYTES)
        yield from _parse_bytes(source, head, large=True)
    finally:
        source.reached(source.size())


def _parse_bytes(source: Source, data: bytes, *, large: bool) -> Iterator[ParsedItem | Rejected]:
    """`parse` of the whole input (`data`) or, when `large`, of its file (`data`: its head)."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        yield Rejected(record=None, reason="empty feed")
        return
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        yield from _feedjson.parse_json_feed(source.read_bytes() if large else data)
        return
    with contextlib.ExitStack() as stack:
        try:
            if large:
                doc = FeedDocument.from_file(stack.enter_context(source.open()))
            else:
                doc = FeedDocument.from_bytes(data)
        except UnreadableProlog as exc:
            yield Rejected(record=None, reason=f"feed refused: {exc}")
            return
        del data
        yield from _parse_document(doc, source.reached)


# Files larger than this are read piece by piece (`FeedDocument.from_file`).
STREAM_BYTES = 8 << 20
# Entries per feedparser run: a large regular feed is parsed as its head, this
# many entries and its tail at a time, so memory holds one run's dicts, not
# the whole feed's (a 100k-entry feed whole took feedparser past 1 GB).
RUN_ENTRIES = 1000
# From this many runs on, the runs are parsed in a second process (`_feedruns.RunParsers`):
# starting it (a fresh interpreter and its imports) costs about a second of
# CPU, what one process spends on some 4,000 entries, so not for fewer than this.
WORKER_RUNS = 20
# From this size on the worker is started before the entries are counted (see
# `_parse_document`); 20 runs of 1000 entries of 400 bytes.
WORKER_BYTES = 8 << 20


def _parse_document(
    doc: FeedDocument, reached: Callable[[int], None] = lambda offset: None
) -> Iterator[ParsedItem | Rejected]:
    """The document's items run by run; after each run's, `reached` is told the file
    offset its last entry ends at (the progress bar's, for a large file)."""
    dtd_note = (
        f"internal DTD subset cut before parsing ({doc.removed} bytes; "
        f"{doc.entities} entity definitions not used)"
        if doc.removed
        else None
    )
    seen = _Seen()
    # A file this large will likely have enough entries for the worker: start it
    # now, so that its interpreter and imports (about a second) overlap the scan.
    wanted = doc.size >= WORKER_BYTES and _worker_wanted()
    with RunParsers(wanted, _read_run) as parsers, contextlib.closing(seen):
        spans = scan_spans(doc.chunks())
        taken: collections.deque[Run] = collections.deque()  # the runs given out, in order
        runs = _noted(doc.runs(spans, RUN_ENTRIES), taken)
        if spans is None or len(spans) < WORKER_RUNS * RUN_ENTRIES:
            parsers.stop()  # too few entries to be worth a second process: parsed here
        for number, result in enumerate(parsers.map(runs, dtd_note)):
            if result.fatal is not None:
                yield Rejected(record=None, reason=result.fatal)
                return
            if number == 0 and result.empty is not None:
                reason, line = result.empty
                yield Rejected(record=None, reason=reason, line=line)
                return
            for item in result.items:
                if isinstance(item, ParsedItem):
                    item = _unrepeated(item, seen, functools.partial(_former_raw, doc, spans, item))
                yield item
            run = taken.popleft()
            if spans is not None and run.expected:
                reached(spans.ends[run.first + run.expected - 1] + doc.removed)


def _noted(runs: Iterator[Run], taken: collections.deque[Run]) -> Iterator[Run]:
    """The runs as they are, each noted as it is taken (results come back in this order)."""
    for run in runs:
        taken.append(run)
        yield run


@dataclass(frozen=True)
class _RunResult:
    """What one run gave: its items, or why there are none (sent between processes)."""

    items: list[ParsedItem | Rejected]
    empty: tuple[str, int | None] | None = None  # no entries, bozo: the reason and line
    fatal: str | None = None  # feedparser raised: nothing more can be read


def _read_run(run: Run, dtd_note: str | None) -> _RunResult:
    """feedparser over one run, each entry paired with its own bytes when they are located."""
    try:
        parsed = _feedparse(run.data)
    except RecursionError:
        return _RunResult([], fatal="feed nested too deeply to read")
    except Exception as exc:  # feedparser must never take the ingest down
        return _RunResult([], fatal=f"feed unreadable: {type(exc).__name__}: {exc}")
    entries = parsed.get("entries") or []
    warning = _bozo_reason(parsed) if parsed.get("bozo") else None
    if not entries and run.first and run.expected:  # a later run lost: say so, entry by entry
        why = f"entry not read: {warning or 'feedparser found no entry in its run'}"
        lost = range(run.first + 1, run.first + run.expected + 1)
        return _RunResult([Rejected(record=k, reason=why) for k in lost])
    if not entries:
        empty = (f"no entries read: {warning}", _bozo_line(parsed)) if warning else ("", None)
        return _RunResult([], empty=empty if warning else None)
    note = "; ".join(n for n in (dtd_note, parsed.get("desk_encoding_note") or warning) if n)
    feed = parsed.get("feed") or {}
    context = _FeedContext(
        key=_feed_key(feed),
        title=clean_line(string(feed.get("title"))) or None,
        link=string(feed.get("link")) or None,
        lang=string(feed.get("language")) or None,
        warning=note or None,
    )
    located = _located(run, len(entries))
    items: list[ParsedItem | Rejected] = []
    for offset, entry in enumerate(entries):
        index = run.first + offset + 1
        own = located[offset] if isinstance(located, list) else None
        try:
            item = _entry_item(entry, index, context, own)
            if own is None:
                item = replace(item, extra={**item.extra, "raw_note": located})
        except Exception as exc:  # one odd entry must not stop the others
            items.append(
                Rejected(record=index, reason=f"entry unreadable: {type(exc).__name__}: {exc}")
            )
            continue
        items.append(item)
    return _RunResult(items)


def _worker_wanted() -> bool:
    """`DESK_FEED_WORKER` (`_feedruns.RunParsers`): 1 on, 0 off, unset: on with the fast path."""
    asked = os.environ.get("DESK_FEED_WORKER", "").strip()
    if asked in ("0", "1"):
        return asked == "1"
    return _feedfast.mode() != "feedparser" and _feedfast.backend() is not None


def _located(run: Run, parsed: int) -> list[bytes] | str:
    """Each entry's own bytes, paired in document order; else why they cannot be.

    feedparser's loose parser can recover a broken document into more or
    fewer entries than its markup has; then no entry is given bytes that
    might be another's, and the raw copy stays feedparser's reading.
    """
    if run.spans is None:
        return (
            "the entry's own bytes could not be located (the document is not "
            "well-formed XML to its end); raw is feedparser's reading of it"
        )
    if run.expected != parsed:
        return (
            f"the entry's own bytes could not be located (feedparser read {parsed} "
            f"entries where the markup has {run.expected}); raw is feedparser's reading of it"
        )
    return [run.data[start:end] for start, end in run.spans]


def _dump(entry: Any) -> bytes:
    """feedparser's reading of an entry as JSON: the raw copy when its bytes are not located."""
    return record_bytes(entry, default=str)


def _former_raw(doc: FeedDocument, spans: Spans | None, item: ParsedItem) -> bytes:
    """The raw copy this entry had before its own bytes were kept: feedparser's dict as JSON.

    Only for a repeated id (`_unrepeated`), so rare: the entry is read
    again by feedparser alone between the feed's head and tail, which
    gives the dict the whole feed gave it.
    """
    if "raw_note" in item.extra:
        return item.raw  # its raw copy is that dump already
    # feedparser's own dict, whatever parser read the feed: that is what was hashed
    entries = _feedparser_parse(doc.alone(spans, item.raw)).get("entries") or []
    return _dump(entries[0]) if len(entries) == 1 else item.raw


def _feedparse(data: bytes) -> Any:
    """The one place a feed document (a whole file or one run of it) is parsed.

    feedparser-rs first (`_feedfast`), where its gate takes the document and
    it agrees with feedparser; else feedparser (`_feedparser_parse`), which
    is also the way to force the slow path (`DESK_FEED_PARSER=feedparser`).
    """
    fast = _feedfast.parse(data)  # feedparser-rs where it agrees with feedparser, else None
    if fast is not None:
        return fast
    return _feedparser_parse(data)


def _feedparser_parse(data: bytes) -> Any:
    """feedparser over the bytes, with a better encoding guess when the declared one fails.

    The bytes go in as a stream: handed a bare `bytes`, feedparser first
    tries `open()` on it as a file name, so a pasted "/etc/passwd" would be
    read from disk. A stream is only ever read.

    Without chardet installed, feedparser falls back to windows-1252 when the
    declared encoding does not decode (Big5, EUC-JP, KOI8-R ... come out as
    mojibake). charset-normalizer's guess is then passed the way an HTTP
    charset would be, and kept when feedparser reads at least as many entries
    with it. A long run of blank lines before the first element is dropped
    first (`calm_prolog`: feedparser's DOCTYPE patterns are quadratic in it).
    """
    data = calm_prolog(data)
    parsed = feedparser.parse(io.BytesIO(data))
    if not isinstance(parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        return parsed
    guess = _guess_encoding(data)
    if guess is None or guess == _norm_encoding(string(parsed.get("encoding"))):
        return parsed
    headers = {"content-type": f"application/xml; charset={guess}"}
    again = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if len(again.get("entries") or []) < len(parsed.get("entries") or []):
        return parsed
    if again.get("bozo") and not isinstance(
        again.get("bozo_exception"), feedparser.CharacterEncodingOverride
    ):
        return parsed
    if again.get("bozo"):  # only our own charset overriding the wrong declaration
        again["bozo"] = 0
    again["desk_encoding_note"] = (
        f"{_bozo_reason(parsed)}; read as {guess} (guessed by charset-normalizer)"
    )
    return again


def _guess_encoding(data: bytes) -> str | None:
    """The one guess (`charset.guess_encoding`), in feedparser's spelling of names."""
    encoding = charset.guess_encoding(data)
    return _norm_encoding(encoding) if encoding else None


def _norm_encoding(name: str) -> str:
    name = name.lower().replace("-", "_")
    return {"windows_1252": "cp1252"}.get(name, name)


class _FeedContext:
    """What every entry of one feed shares."""

    def __init__(
        self,
        *,
        key: str | None,
        title: str | None,
        link: str | None,
        lang: str | None,
        warning: str | None,
    ) -> None:
        self.key = key
        self.title = title
        self.link = link
        self.lang = lang
        self.warning = warning

    def with_warning(self, warning: str | None) -> _FeedContext:
        """The same feed seen through one run, which may have a warning of its own."""
        if warning == self.warning:
            return self
        return _FeedContext(
            key=self.key, title=self.title, link=self.link, lang=self.lang, warning=warning
        )


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return "ill-formed feed"
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    return clean_line(f"{type(exc).__name__}: {text}")


def _bozo_line(parsed: Any) -> int | None:
    exc = parsed.get("bozo_exception")
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_line):
        try:
            line = get_line()
        except Exception:
            return None
        return line if isinstance(line, int) and line > 0 else None
    return None


def _unrepeated(item: ParsedItem, seen: _Seen, former_raw: Callable[[], bytes]) -> ParsedItem:
    """Keep a second, different entry that reuses an earlier entry's id (a feed bug).

    Real feeds do this (Scripting News gives two posts one guid and one
    link). Deduplication by id or URL would silently drop the second post,
    so it gets an id made from its own bytes in the file (stable across
    re-ingests, and whichever parser read the feed) and its link moves to
    `extra`. A byte-identical repeat stays a duplicate. Before, the id
    hashed feedparser's dict (`former_raw`): that id is an earlier key, so a
    desk that stored the entry then still finds it.
    """
    key = item.platform_id
    if key is None:
        return item
    first = seen.first(key, item.raw)
    if first is None or first == hashlib.blake2b(item.raw, digest_size=16).digest():
        return item
    digest = hashlib.sha256(item.raw).hexdigest()[:12]
    extra = {**item.extra, "id_repeated_in_feed": key}
    if item.url:
        extra["link"] = item.url
    digests = [digest]
    former = hashlib.sha256(former_raw()).hexdigest()[:12]
    if former != digest:
        digests.append(former)
    pids = [key, *(pid for pid, _ in item.earlier_keys if pid)]
    earlier = tuple(
        (f"{pid}|{d}", None) for pid in pids for d in digests if f"{pid}|{d}" != f"{key}|{digest}"
    )
    return replace(item, platform_id=f"{key}|{digest}", url=None, extra=extra, earlier_keys=earlier)


class _Seen:
    """Each entry id met in this feed, with a digest of its first entry's bytes.

    A dict while the feed is small; past `_SEEN_IN_MEMORY` ids it moves to a
    temporary on-disk SQLite table, so a feed of a million entries does not
    hold a million keys in memory (the bounded-memory target of issue 12).
    """

    def __init__(self) -> None:
        self.memory: dict[str, bytes] | None = {}
        self.disk: sqlite3.Connection | None = None

    def first(self, key: str, raw: bytes) -> bytes | None:
        """The digest of the first entry with this id; None (and remembered) if it is new."""
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        if self.memory is not None:
            known = self.memory.setdefault(key, digest)
            if len(self.memory) > _SEEN_IN_MEMORY:
                self._spill()
            return None if known is digest else known
        assert self.disk is not None
        row = self.disk.execute("SELECT raw FROM seen WHERE id = ?", (key,)).fetchone()
        if row is not None:
            return bytes(row[0])
        self.disk.execute("INSERT INTO seen VALUES (?, ?)", (key, digest))
        return None

    def _spill(self) -> None:
        assert self.memory is not None
        self.disk = sqlite3.connect("")  # a temporary database on disk, deleted on close
        self.disk.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, raw BLOB) WITHOUT ROWID")
        self.disk.executemany("INSERT INTO seen VALUES (?, ?)", self.memory.items())
        self.memory = None

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()


_SEEN_IN_MEMORY = 50_000


def _feed_key(feed: Any) -> str | None:
    for key in ("id", "link", "title"):
        value = clean_line(string(feed.get(key)))
        if value:
            return value
    return None


def _entry_item(
    entry: Any, index: int, context: _FeedContext, own: bytes | None = None
) -> ParsedItem:
    """One entry as an item; `own` is its bytes in the file (None: not located)."""
    raw_link = string(entry.get("link"))
    link = _feedkeys.link(raw_link)
    entry_id = clean_line(string(entry.get("id")))
    title = _detail_text(entry.get("title_detail"), entry.get("title"), one_line=True)
    text = _entry_text(entry)
    extra: dict[str, Any] = {}
    if context.title:
        extra["feed_title"] = context.title
    if context.link:
        extra["feed_link"] = context.link
    categories = unique(
        clean_line(string(t.get("term") or t.get("label"))) for t in dicts(entry.get("tags"))
    )
    if categories:
        extra["categories"] = categories
    comments = string(entry.get("comments"))
    if comments:
        extra["comments"] = clean_line(comments)
    if context.warning:
        extra["feed_warning"] = context.warning
    author_name, author_url = _entry_author(entry)
    contents = dicts(entry.get("content"))
    lang = string(contents[0].get("language")) if contents else ""
    return ParsedItem(
        platform=PLATFORM,
        kind=KIND,
        text=text,
        raw=own if own is not None else _dump(entry),
        platform_id=_feedkeys.platform_id(entry_id, link, context.key),
        earlier_keys=_feedkeys.earlier_keys(entry_id, raw_link, link, context.key),
        url=link if link and link.startswith(("http://", "https://")) else None,
        author_name=author_name,
        author_url=author_url,
        title=title or None,
        lang=clean_line(lang or string(entry.get("language")) or context.lang) or None,
        posted=_entry_posted(entry),
        media=tuple(_entry_media(entry)),
        extra=extra,
        record=index,
    )


def _detail_text(detail: Any, fallback: Any, *, one_line: bool = False) -> str:
    """A feedparser text construct: HTML types through lxml, plain text as it is."""
    value = string(detail.get("value")) if isinstance(detail, dict) else string(fallback)
    kind = string(detail.get("type")) if isinstance(detail, dict) else "text/html"
    text = html_to_text(value) if "html" in kind else clean_text(value)
    return " ".join(text.split()) if one_line else text


def _entry_text(entry: Any) -> str:
    """The fullest body: `content` (HTML preferred) over `summary`."""
    contents = [c for c in dicts(entry.get("content")) if string(c.get("value")).strip()]
    if contents:
        best = next((c for c in contents if "html" in string(c.get("type"))), contents[0])
        return _detail_text(best, None)
    return _detail_text(entry.get("summary_detail"), entry.get("summary"))


def _entry_author(entry: Any) -> tuple[str | None, str | None]:
    names: list[str] = []
    url: str | None = None
    rss_name = _feedfast.rss_author_name(string(dict.get(entry, "author")))
    if rss_name:
        names.append(rss_name)
    for author in dicts(entry.get("authors")) or dicts([entry.get("author_detail")]):
        name = clean_line(string(author.get("name")) or string(author.get("email")))
        if rss_name:
            name = ""
        if name and name not in names:
            names.append(name)
        if url is None and string(author.get("href")).startswith(("http://", "https://")):
            url = clean_line(author["href"])
    if not names and string(entry.get("author")):
        names.append(clean_line(entry["author"]))
    return (", ".join(names) or None), url


def _entry_posted(entry: Any) -> Posted | None:
    for field in ("published", "updated", "created"):
        # plain dict access: feedparser's own `updated` falls back to `published`
        # with a DeprecationWarning; the stored keys are what the feed said
        raw = string(dict.get(entry, field))
        parsed = dict.get(entry, f"{field}_parsed")
        if raw or parsed:
            posted = _posted(raw, parsed)
            if posted is not None:
                return posted
    return None


def _posted(raw: str, parsed: time.struct_time | None) -> Posted | None:
    """The entry's time as the feed wrote it, never completed from the clock.

    feedparser fills what a date does not say (`10:00` becomes today at
    10:00, `Mon, 24 Sep 2018` midnight at second precision), so its reading
    is taken as it stands only for a whole date and time with its zone (the
    common case, and dateutil is slow); anything else is read by
    `times.from_text`, which keeps the real precision, reads Portuguese,
    Spanish, French and German names, and gives None for a date with no year.
    A form only feedparser reads (its Korean, Greek, Hungarian handlers) is
    taken when it writes a year and a full clock time.
    """
    whole = bool(raw) and _FULL_CLOCK.search(raw) is not None
    if parsed and whole and _ends_with_zone(raw):
        struct_time = from_struct_time(parsed)
        if struct_time is not None:
            return struct_time
    text_time = from_text(raw)
    if text_time is not None:
        return text_time
    if parsed and whole and _YEAR.search(raw):
        return from_struct_time(parsed)
    return None


def _ends_with_zone(raw: str) -> bool:
    """`_EXPLICIT_ZONE.search(raw)`, looked for only where a match can be.

    Every zone it names is at most six characters (`+05:30`), and the word
    boundary before a name needs one more, all before trailing whitespace
    (`\\s` is what `str.rstrip` strips): the last seven characters of the
    stripped string hold any match. Searched from every position of the whole
    string it took about 1.9 us a date (case-insensitive, end-anchored).
    """
    return _EXPLICIT_ZONE.search(raw.rstrip()[-7:]) is not None


def _entry_media(entry: Any) -> list[Media]:
    media: list[Media] = []
    seen: set[str] = set()

    def add(url: Any, kind: str) -> None:
        href = clean_line(string(url))
        if href and href not in seen:
            seen.add(href)
            media.append(Media(url=href, type=kind, alt=None))

    for enclosure in dicts(entry.get("enclosures")):
        add(enclosure.get("href") or enclosure.get("url"), mime_kind(string(enclosure.get("type"))))
    for content in dicts(entry.get("media_content")):
        medium = string(content.get("medium"))
        kind = (
            medium
            if medium in ("image", "video", "audio")
            else mime_kind(string(content.get("type")))
        )
        add(content.get("url"), kind)
    for thumb in dicts(entry.get("media_thumbnail")):
        add(thumb.get("url"), "image")
    return media


# ---------------------------------------------------------------- JSON Feed
