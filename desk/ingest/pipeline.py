"""Storing what the format parsers yield: dedup, links, provenance, events.

The pipeline is the `ingest` verb. It detects the format from the content,
streams the parser's items into batches, and writes each batch as one
`BEGIN IMMEDIATE` transaction that ends with an `ingest` event (who, which
file, its sha256, counts). An interrupted ingest therefore leaves whole
batches and their events behind, and running it again adds only what is
missing: the same post is one item, found by platform and id, then by URL.

Relations between items (reply, quote, repost, embedded-in, reviews) are
links when both ends are in the desk; otherwise they wait in
`pending_links` and are made when the other item arrives, from any file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, BinaryIO, TypeAlias

from db import NewItem, Store, Writer
from db.clock import iso_micro
from db.models import Link
from db.writer import copy_columns
from desk.ingest import registry
from desk.ingest.base import SAMPLE_BYTES, ParsedItem, Rejected, Sample, Skipped, Source
from desk.ingest.collector import fewer_collections
from desk.ingest.jsondocs import HUGE_NUMBER
from desk.verbs.copies import CopyPreview, record_improvement, take_copy
from desk.verbs.payloads import IngestPayload, ItemImprovePayload, LinkFields

BATCH_SIZE = 500
MAX_REASONS_IN_EVENT = 50

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, total bytes) as the ingest goes."""


@dataclass
class Rejection:
    """A record that did not go in, named so a person can find it."""

    source: str
    record: int | None
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        elif self.record is not None:
            where += f": record {self.record}"
        return f"{where}: {self.reason}"


if TYPE_CHECKING:
    _IdArray: TypeAlias = array[int]
else:
    _IdArray = array


class ItemIds(_IdArray):
    """The ids an ingest stored, 8 bytes each (a list of ints takes 36: 36 MB for a
    feed of a million entries); equal to a list or tuple of the same ids."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple):
            return bool(self.tolist() == list(other))
        return bool(super().__eq__(other))

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None


@dataclass
class IngestReport:
    """What one input gave: counts for the summary, rejections for stderr."""

    source: str
    sha256: str = ""
    format: str | None = None
    new: int = 0
    duplicates: int = 0
    # Known posts that a fuller copy in this input improved (each one `item.improve` event);
    # in a dry run, those the real run would improve (`CopyPreview`, nothing written).
    improved: int = 0
    links: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    error: str | None = None
    item_ids: ItemIds = field(default_factory=lambda: ItemIds("q"))
    dry_run: bool = False
    # Records that hold no post (a stream's likes, deletes): reason -> count.
    skipped: dict[str, int] = field(default_factory=dict)

    def skipped_summary(self, most: int = 3) -> str:
        """`3 skipped (2 like events, 1 ...)`, the commonest reasons first; "" for none."""
        if not self.skipped:
            return ""
        total = sum(self.skipped.values())
        ranked = sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))
        parts = [f"{count} {reason}" for reason, count in ranked[:most]]
        if len(ranked) > most:
            parts.append(f"{len(ranked) - most} other reasons")
        return f"{total} skipped ({'; '.join(parts)})"

    @property
    def seen(self) -> int:
        return self.new + self.duplicates


def saved(report: IngestReport) -> str:
    """`N items were saved`: what an ingest cut short had committed (whole batches)."""
    return "1 item was saved" if report.new == 1 else f"{report.new} items were saved"


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest: `report` counts the batches committed before it."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__()
        self.report = report


class _CountingReader:
    """Wraps a binary file to report how far a streaming parser has read."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._on_read(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._raw.readline(size)
        self._on_read(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self._raw:
            self._on_read(len(line))
            yield line

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    @property
    def closed(self) -> bool:
        return bool(self._raw.closed)

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._raw, name)


class _TrackedSource(Source):
    """A Source whose reads are counted for the progress bar."""

    def __init__(self, inner: Source, progress: Progress | None) -> None:
        super().__init__(
            inner.name, path=inner.path, data=inner._data, captured_at=inner.captured_at
        )
        self._progress = progress
        self._total = inner.size()
        self._read = 0
        self._by_position = False  # the reader reports positions (`positions_reported`)

    def _bump(self, n: int) -> None:
        self._read += n
        if self._progress is not None and not self._by_position:
            self._progress(min(self._read, self._total), self._total)

    def positions_reported(self) -> None:
        self._by_position = True

    def reached(self, offset: int) -> None:
        if self._progress is not None and self._by_position:
            self._progress(max(0, min(offset, self._total)), self._total)

    def open(self) -> BinaryIO:
        return _CountingReader(super().open(), self._bump)  # type: ignore[return-value]

    def read_bytes(self) -> bytes:
        data = super().read_bytes()
        self._bump(len(data))
        return data


def file_sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with source.open() as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _to_new_item(parsed: ParsedItem, *, source: Source, fmt: str, story_id: int | None) -> NewItem:
    """The store's form of a parsed item; parsers hand over clean text already."""
    posted = parsed.posted
    return NewItem(
        platform=parsed.platform,
        text=parsed.text,
        kind=parsed.kind,
        platform_id=parsed.platform_id,
        url=parsed.url,
        author_name=parsed.author_name or None,
        author_handle=parsed.author_handle.lstrip("@") or None if parsed.author_handle else None,
        author_url=parsed.author_url,
        title=parsed.title or None,
        lang=parsed.lang,
        posted_at=posted.at if posted else None,
        posted_precision=posted.precision if posted else None,
        posted_tz_known=posted.tz_known if posted else False,
        captured_at=source.captured_at,
        source_file=source.name,
        source_format=fmt,
        source_record=parsed.record,
        raw=parsed.raw,
        media=parsed.media,
        extra=parsed.extra or None,
        story_id=story_id,
        raw_sha256=hashlib.sha256(parsed.raw).hexdigest() if parsed.raw is not None else None,
    )


@dataclass
class _Batch:
    """What one batch did, for its event (and nothing kept past it)."""

    new: int = 0
    duplicates: int = 0
    improved: int = 0
    links: int = 0
    ids: list[int] = field(default_factory=list)
    raw: list[list[object]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    made_links: list[LinkFields] = field(default_factory=list)
    pending: list[list[object]] = field(default_factory=list)
    # Copies of known posts (item id, raw sha256, parsed, stored form), compared at the end.
    other_copies: list[tuple[int, str, ParsedItem, NewItem]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    improvements: list[ItemImprovePayload] = field(default_factory=list)


def _link_fields(link: Link) -> LinkFields:
    return {
        "uuid": link.uuid,
        "src": link.src_id,
        "relation": link.relation,
        "dst_item": link.dst_item_id,
        "dst_entry": link.dst_entry_id,
    }


def _store_one(
    w: Writer,
    parsed: ParsedItem,
    new_item: NewItem,
    *,
    actor: str,
    tags: Iterable[str],
    ingested_at: str,
    done: _Batch,
    taken: set[tuple[str, str, str]],
) -> None:
    unseen = _unseen(new_item, taken)
    earlier = None
    if parsed.earlier_keys or parsed.earlier_raw:
        # its own keys first (unless `taken` says no item has them), then the
        # earlier ones; each asked once, so the insert need not ask again
        earlier = None if unseen else w.same_item(new_item, new_item.raw_sha256)
        if earlier is None:
            earlier = _stored_earlier(w.same_item, parsed, new_item)
            unseen = True
    if earlier is not None:
        item_id, created = earlier, False
    else:
        item_id, created = w.insert_item(new_item, ingested_at=ingested_at, unseen=unseen)
    if created:
        _take_keys(new_item, taken)
        done.new += 1
        done.ids.append(item_id)
        done.raw.append([item_id, new_item.raw_sha256])
        done.rows.append(w.item_log_row(item_id))
        resolved = w.resolve_pending(
            item_id=item_id,
            platform=new_item.platform,
            platform_id=new_item.platform_id,
            url=new_item.url,
            actor=actor,
        )
        done.links += len(resolved)
        done.made_links.extend(_link_fields(link) for link in resolved)
        for name in tags:
            w.add_tag(item_id, name)
    else:
        done.duplicates += 1
        if new_item.raw_sha256 is not None:
            done.other_copies.append((item_id, new_item.raw_sha256, parsed, new_item))
    for ref in parsed.refs:
        target = w.existing_item(ref.platform, ref.platform_id, ref.url)
        if target is None:
            if ref.platform_id or ref.url:
                w.add_pending_link(
                    src_id=item_id,
                    relation=ref.relation,
                    platform=ref.platform,
                    platform_id=ref.platform_id,
                    url=ref.url,
                )
                done.pending.append(
                    [
                        item_id,
                        ref.relation,
                        ref.platform or "",
                        ref.platform_id or "",
                        ref.url or "",
                    ]
                )
            continue
        if target == item_id:
            continue
        made = w.add_link(
            src_id=item_id,
            relation=ref.relation,
            dst_item_id=target,
            dst_entry_id=None,
            actor=actor,
        )
        if made is not None:
            done.links += 1
            done.made_links.append(_link_fields(made))


def _unseen(item: NewItem, taken: set[tuple[str, str, str]]) -> bool:
    """No item has this one's id or URL: `taken` holds the keys the desk had when the
    batch began and those its earlier items took. An item with neither key (found
    by its raw bytes) is always looked up."""
    if not item.platform_id and not item.url:
        return False
    if item.platform_id and ("id", item.platform, item.platform_id) in taken:
        return False
    return not (item.url and ("url", item.platform, item.url) in taken)


def _take_keys(item: NewItem, taken: set[tuple[str, str, str]]) -> None:
    if item.platform_id:
        taken.add(("id", item.platform, item.platform_id))
    if item.url:
        taken.add(("url", item.platform, item.url))


def _stored_earlier(
    lookup: Callable[[NewItem, str | None], int | None], parsed: ParsedItem, new_item: NewItem
) -> int | None:
    """The item stored under one of the parsed item's `earlier_keys` (asked once its own
    keys have found none: the caller asks those, once).

    A reader that changed how it spells an item's id or URL (issue 12's one
    canonical URL) names the former spellings, so an item already in the
    desk under one of them stays one item. Items with no earlier keys (all
    but some feed entries and fact-checks) cost nothing here.
    """
    if parsed.earlier_raw and not new_item.platform_id and not new_item.url:
        found = lookup(new_item, parsed.earlier_raw)
        if found is not None:
            return found
    for platform_id, url in parsed.earlier_keys:
        if not platform_id and not url:
            continue
        found = lookup(replace(new_item, platform_id=platform_id, url=url), None)
        if found is not None:
            return found
    return None


def _commit_batch(
    store: Store,
    batch: list[ParsedItem],
    *,
    source: Source,
    fmt: str,
    actor: str,
    story_id: int | None,
    tags: tuple[str, ...],
    report: IngestReport,
    batch_no: int,
    new_rejections: list[Rejection],
) -> None:
    """One transaction: the batch's items, their links, and its `ingest` event.

    The report is updated only after the commit, so a failed batch leaves
    no count behind for items that are not in the desk.
    """
    items = [_to_new_item(p, source=source, fmt=fmt, story_id=story_id) for p in batch]
    done = _Batch()
    with store.transaction(bulk=True) as w:
        ingested_at = iso_micro()  # one arrival time for the batch: one commit
        taken = w.taken_keys(items)  # one lookup for the batch; items are looked up when taken
        for parsed, new_item in zip(batch, items, strict=True):
            _store_one(
                w,
                parsed,
                new_item,
                actor=actor,
                tags=tags,
                ingested_at=ingested_at,
                done=done,
                taken=taken,
            )
        _take_copies(w, done, ingested_at=ingested_at)
        payload: IngestPayload = {
            "file": source.name,
            "sha256": report.sha256,
            "format": fmt,
            "batch": batch_no,
            "new": done.new,
            "duplicates": done.duplicates,
            "links": done.links,
            "rejected": len(new_rejections),
            "reasons": [str(r) for r in new_rejections[:MAX_REASONS_IN_EVENT]],
            "first_id": done.ids[0] if done.ids else None,
            "last_id": done.ids[-1] if done.ids else None,
            "raw": done.raw,
            "story": story_id,
            "tags": list(tags),
            "items": done.rows,
            "made_links": done.made_links,
            "pending": done.pending,
        }
        if done.copies:
            payload["copies"] = done.copies
        w.append_event(
            actor=actor,
            kind="ingest",
            target=f"file:{source.name}",
            payload=payload,
        )
        for improvement in done.improvements:
            record_improvement(w, improvement, actor=actor)
    report.new += done.new
    report.duplicates += done.duplicates
    report.improved += done.improved
    report.links += done.links
    report.item_ids.extend(done.ids)


def _take_copies(w: Writer, done: _Batch, *, ingested_at: str) -> None:
    """The batch's copies of known posts that are not byte-identical to the item's first.

    Both questions are one statement for the whole batch: which items'
    first copies differ from the bytes read, and which of those copies the
    desk holds already. A re-ingest of a file already in the desk (every
    copy byte-identical) costs the first statement only; the copies that are
    new are kept and compared (`desk.verbs.copies.take_copy`).
    """
    if not done.other_copies:
        return
    firsts = w.items_raw_sha(sorted({item_id for item_id, _, _, _ in done.other_copies}))
    others = [c for c in done.other_copies if firsts.get(c[0]) != c[1]]
    if not others:
        return
    known = w.known_copies([(item_id, sha) for item_id, sha, _, _ in others])
    seen: set[tuple[int, str]] = set()
    for item_id, sha, parsed, new_item in others:
        if (item_id, sha) in known or (item_id, sha) in seen:
            continue
        seen.add((item_id, sha))
        w.put_blob(parsed.raw, sha)
        improvement, rows = take_copy(w, item_id, _copy_row(item_id, sha, new_item, ingested_at))
        if improvement is not None:
            done.improved += 1
            done.improvements.append(improvement)
        done.copies.extend(rows)


def _copy_row(item_id: int, sha: str, new_item: NewItem, ingested_at: str) -> dict[str, Any]:
    """The `item_copies` row of another copy of item `item_id` (`take_copy`'s `copy`)."""
    return {
        "item": item_id,
        "raw_sha256": sha,
        "source_file": new_item.source_file,
        "source_format": new_item.source_format,
        "source_record": new_item.source_record,
        "ingested_at": ingested_at,
        "fields": copy_columns(new_item),
    }


class _CountedNew:
    """The items a dry run has counted as new, found again by the keys `same_item` uses.

    Its platform id, its URL on its platform, and (only for an item with
    neither) its raw bytes' sha256: the rule by which the real run's second
    copy finds the item its first copy made. Keys are held as 16-byte
    digests, about 100 bytes an item (a dry run of a million new entries:
    some 100 MB). Each such item gets a number below zero, never an item id.
    """

    def __init__(self) -> None:
        self._ids: dict[bytes, int] = {}
        self._last = 0

    @staticmethod
    def _keys(item: NewItem) -> list[bytes]:
        parts: list[tuple[str, str]] = []
        if item.platform_id:
            parts.append(("id", item.platform_id))
        if item.url:
            parts.append(("url", item.url))
        if not parts and item.raw_sha256:
            parts.append(("raw", item.raw_sha256))
        return [
            hashlib.blake2b(
                "\x00".join((kind, item.platform, value)).encode("utf-8", "surrogatepass"),
                digest_size=16,
            ).digest()
            for kind, value in parts
        ]

    def find(self, item: NewItem) -> int | None:
        for key in self._keys(item):
            found = self._ids.get(key)
            if found is not None:
                return found
        return None

    def add(self, item: NewItem) -> int:
        self._last -= 1
        number = self._last
        for key in self._keys(item):
            self._ids.setdefault(key, number)
        return number


def _dry_run_batch(
    store: Store,
    batch: list[ParsedItem],
    *,
    source: Source,
    fmt: str,
    report: IngestReport,
    preview: CopyPreview,
    counted: _CountedNew,
) -> None:
    """What `_commit_batch` would count for the batch (new, duplicates, improved), read-only.

    An item new to the desk is remembered (`counted`): a later copy of it in
    the same input is a duplicate, and may improve it, as in the real run.

    A copy of a known post that differs from its copies is asked of the
    copy-merge rule (`CopyPreview`, the same rule as `take_copy`) whether it
    would improve the item; nothing is written.
    """
    ingested_at = iso_micro()
    for parsed in batch:
        candidate = _to_new_item(parsed, source=source, fmt=fmt, story_id=None)
        known = store.duplicate_of(candidate) or _stored_earlier(
            lambda item, sha: store.duplicate_of(item, raw_sha=sha), parsed, candidate
        )
        if known is None:
            known = counted.find(candidate)  # new to the desk, met earlier in this input
        if known is None:
            report.new += 1
            first = counted.add(candidate)
            if candidate.raw_sha256 is not None:
                preview.begin(first, _copy_row(first, candidate.raw_sha256, candidate, ingested_at))
            continue
        report.duplicates += 1
        sha = candidate.raw_sha256
        if sha is not None:
            with store.copy_reader() as reads:
                if preview.improves(reads, known, _copy_row(known, sha, candidate, ingested_at)):
                    report.improved += 1


def _iter_parsed(module: ModuleType, source: Source) -> Iterator[ParsedItem | Rejected | Skipped]:
    """The parser's output; a parser bug becomes a rejection, not a crash."""
    try:
        yield from module.parse(source)
    except RecursionError:
        yield Rejected(record=None, reason="nested too deeply to read")
    except MemoryError:
        yield Rejected(record=None, reason="too large to read into memory")
    except Exception as exc:  # a bug in one parser must not lose the rest
        yield Rejected(record=None, reason=f"could not read the rest ({type(exc).__name__}: {exc})")


FIRST_RECORD_LIMIT = 64 * 1024 * 1024


def _detect(source: Source) -> ModuleType:
    """Detect by the first bytes; if a huge first JSON line hides the shape, by that line.

    A JSONL whose first record is larger than the sample (a post with a
    10 MB text) shows no keys a detector can see in its first 64 KB; nor
    does a single-record file that large, with or without a final newline.
    """
    sample = source.sample()
    try:
        return registry.detect(sample)
    except registry.UnknownFormatError:
        if not sample.looks_json or len(sample.head) < SAMPLE_BYTES:
            raise
    with source.open() as fh:
        first = fh.readline(FIRST_RECORD_LIMIT)
        whole_file = not fh.read(1)  # one big document with no newline after it
    if len(first) <= len(sample.head) or not (first.endswith(b"\n") or whole_file):
        raise registry.UnknownFormatError(
            f"{source.name}: not a format desk knows (tried: "
            f"{', '.join(m.NAME for m in registry.formats())})"
        )
    # As a line of its own: detectors read a long sample's first line as JSON.
    return registry.detect(Sample(first.rstrip(b"\r\n") + b"\n", source.name))


def _why_unknown(source: Source) -> str | None:
    """A sharper message for JSON that no format took: where the JSON breaks."""
    sample = source.sample()
    if not sample.looks_json or source.size() > 4 * 1024 * 1024:
        return None
    try:
        json.loads(source.read_bytes().decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        return (
            f"{source.name}:{exc.lineno}: invalid JSON ({exc.msg} at column {exc.colno}); "
            "truncated or damaged?"
        )
    except ValueError:  # not a JSONDecodeError: an integer past 4300 digits (bench/fuzz.py)
        return f"{source.name}: invalid JSON ({HUGE_NUMBER})"
    except RecursionError:
        return f"{source.name}: JSON nested too deeply to read"
    return None


def ingest_source(
    store: Store,
    source: Source,
    *,
    actor: str,
    fmt: str | None = None,
    story_id: int | None = None,
    tags: Iterable[str] = (),
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Ingest one file or paste; never raises for bad content (see the report).

    A bad actor or tag is the caller's mistake, not the file's: it raises
    `BadInputError` before anything is read, as every verb does.
    """
    from desk.vocab import normalise_actor, normalise_tag

    actor = normalise_actor(actor)
    tag_list = tuple(normalise_tag(t) for t in tags)
    report = IngestReport(source=source.name, dry_run=dry_run)
    try:
        if source.size() == 0:
            report.error = f"{source.name}: empty file, nothing to ingest"
            return report
        report.sha256 = file_sha256(source)
        module = registry.by_name(fmt) if fmt else _detect(source)
    except registry.UnknownFormatError as exc:
        report.error = _why_unknown(source) or str(exc)
        return report
    except OSError as exc:
        report.error = f"{source.name}: cannot read ({exc.strerror or exc})"
        return report
    report.format = module.NAME
    tracked = _TrackedSource(source, progress)
    if source.captured_at is None:
        tracked.captured_at = iso_micro()
    batch: list[ParsedItem] = []
    pending_rejections: list[Rejection] = []
    batch_no = 0
    preview = CopyPreview()  # a dry run's copies, carried across its batches
    counted = _CountedNew()  # and the items it counted as new

    def flush(final: bool = False) -> None:
        nonlocal batch_no
        # An input that gave nothing still gets its one event: the log says
        # who fed which file (and its sha256) even when it held no items.
        if not batch and not pending_rejections and not (final and batch_no == 0):
            return
        batch_no += 1
        if dry_run:
            _dry_run_batch(
                store,
                batch,
                source=tracked,
                fmt=module.NAME,
                report=report,
                preview=preview,
                counted=counted,
            )
        else:
            _commit_batch(
                store,
                batch,
                source=tracked,
                fmt=module.NAME,
                actor=actor,
                story_id=story_id,
                tags=tag_list,
                report=report,
                batch_no=batch_no,
                new_rejections=pending_rejections,
            )
        batch.clear()
        pending_rejections.clear()

    with fewer_collections():  # a bulk job that makes few cycles (collector.py)
        try:
            for out in _iter_parsed(module, tracked):
                if isinstance(out, Rejected):
                    rejection = Rejection(source.name, out.record, out.reason, out.line)
                    report.rejected.append(rejection)
                    pending_rejections.append(rejection)
                    continue
                if isinstance(out, Skipped):
                    report.skipped[out.reason] = report.skipped.get(out.reason, 0) + 1
                    continue
                batch.append(out)
                if len(batch) >= batch_size:
                    flush()
            flush(final=True)
        except KeyboardInterrupt:
            raise IngestInterrupted(report) from None
        except sqlite3.OperationalError as exc:
            # The batch being written was rolled back whole; the ones before stay.
            if exc.sqlite_errorcode != sqlite3.SQLITE_FULL:
                raise
            report.error = f"{source.name}: disk full: {saved(report)} before it filled"
    return report


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    actor: str,
    **options: object,
) -> list[IngestReport]:
    """Ingest files one after the other; a bad file does not stop the others."""
    reports = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            reports.append(IngestReport(source=str(path), error=f"{path}: no such file"))
            continue
        reports.append(
            ingest_source(store, Source(str(path), path=path), actor=actor, **options)  # type: ignore[arg-type]
        )
    return reports


def ingest_bytes(
    store: Store, data: bytes, name: str, *, actor: str, **options: object
) -> IngestReport:
    """Ingest a paste (stdin, the TUI's add-item box)."""
    return ingest_source(store, Source(name, data=data), actor=actor, **options)  # type: ignore[arg-type]
