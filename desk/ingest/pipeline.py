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

Beside it: `report` (what an ingest gave), `tracked` (the progress bar's
input), `item_form` (a parsed item in the store's form, what the real run
and `dry_run` share).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from db import NewItem, Store, Writer
from db.clock import iso_micro
from db.models import Link
from desk.ingest import registry
from desk.ingest.base import SAMPLE_BYTES, ParsedItem, Rejected, Sample, Skipped, Source
from desk.ingest.collector import fewer_collections
from desk.ingest.dry_run import CountedNew, dry_run_batch
from desk.ingest.item_form import copy_row, stored_earlier, to_new_item
from desk.ingest.jsondocs import HUGE_NUMBER
from desk.ingest.report import IngestInterrupted, IngestReport, Rejection, saved
from desk.ingest.tracked import Progress, TrackedSource
from desk.verbs.copies import CopyPreview, record_improvement, take_copy
from desk.verbs.payloads import IngestPayload, ItemImprovePayload, LinkFields

BATCH_SIZE = 500
MAX_REASONS_IN_EVENT = 50


def file_sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with source.open() as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
            earlier = stored_earlier(w.same_item, parsed, new_item)
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
    items = [to_new_item(p, source=source, fmt=fmt, story_id=story_id) for p in batch]
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
        improvement, rows = take_copy(w, item_id, copy_row(item_id, sha, new_item, ingested_at))
        if improvement is not None:
            done.improved += 1
            done.improvements.append(improvement)
        done.copies.extend(rows)


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
    tracked = TrackedSource(source, progress)
    if source.captured_at is None:
        tracked.captured_at = iso_micro()
    batch: list[ParsedItem] = []
    pending_rejections: list[Rejection] = []
    batch_no = 0
    preview = CopyPreview()  # a dry run's copies, carried across its batches
    counted = CountedNew()  # and the items it counted as new

    def flush(final: bool = False) -> None:
        nonlocal batch_no
        # An input that gave nothing still gets its one event: the log says
        # who fed which file (and its sha256) even when it held no items.
        if not batch and not pending_rejections and not (final and batch_no == 0):
            return
        batch_no += 1
        if dry_run:
            dry_run_batch(
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
