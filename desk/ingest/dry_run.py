"""An ingest's dry run: what the real run would count, with nothing written.

The same rules as the real run (`item_form`: the store's form, the earlier
keys; `CopyPreview`: the copy-merge rule) asked read-only, batch by batch.
"""

from __future__ import annotations

import hashlib

from db import NewItem, Store
from db.clock import iso_micro
from desk.ingest.base import ParsedItem, Source
from desk.ingest.item_form import copy_row, stored_earlier, to_new_item
from desk.ingest.report import IngestReport
from desk.verbs.copies import CopyPreview


class CountedNew:
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


def dry_run_batch(
    store: Store,
    batch: list[ParsedItem],
    *,
    source: Source,
    fmt: str,
    report: IngestReport,
    preview: CopyPreview,
    counted: CountedNew,
) -> None:
    """What the real run (`pipeline._commit_batch`) would count for the batch, read-only:
    new, duplicates, improved.

    An item new to the desk is remembered (`counted`): a later copy of it in
    the same input is a duplicate, and may improve it, as in the real run.

    A copy of a known post that differs from its copies is asked of the
    copy-merge rule (`CopyPreview`, the same rule as `take_copy`) whether it
    would improve the item; nothing is written.
    """
    ingested_at = iso_micro()
    for parsed in batch:
        candidate = to_new_item(parsed, source=source, fmt=fmt, story_id=None)
        known = store.duplicate_of(candidate) or stored_earlier(
            lambda item, sha: store.duplicate_of(item, raw_sha=sha), parsed, candidate
        )
        if known is None:
            known = counted.find(candidate)  # new to the desk, met earlier in this input
        if known is None:
            report.new += 1
            first = counted.add(candidate)
            if candidate.raw_sha256 is not None:
                preview.begin(first, copy_row(first, candidate.raw_sha256, candidate, ingested_at))
            continue
        report.duplicates += 1
        sha = candidate.raw_sha256
        if sha is not None:
            with store.copy_reader() as reads:
                if preview.improves(reads, known, copy_row(known, sha, candidate, ingested_at)):
                    report.improved += 1
