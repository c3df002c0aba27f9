"""Making a bundle: the desk read in one snapshot, the bag built beside its folder, renamed in."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db import Store
from db.errors import NotFoundError
from db.order import MAX_ID
from db.slices import ChainHead, EventRecord, chain_head, event_slice, items_of, snapshot
from db.slices import story_members as read_story_members
from desk.bundle.common import (
    EVENTS_FILE,
    EVIDENCE_DIR,
    HEX64,
    INFO_AT,
    INFO_BY,
    INFO_DESK,
    INFO_HEAD,
    INFO_HEAD_AT,
    INFO_HEAD_HASH,
    INFO_HEAD_SEQ,
    INFO_TARGET,
    ITEMS_DIR,
    RAW_DIR,
    STORY_FILE,
    Clock,
    bagit_module,
    iso_z,
    plain,
    quiet_bagit,
    shown,
    shown_path,
    to_json,
    utc_now,
)
from desk.errors import BadInputError
from desk.text import safe_line, truncate
from desk.vocab import DEFAULT_CHECKLIST

_ITEM_RE = re.compile(r"^#?(\d+)$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Target:
    """An item or a story, as `desk bundle ITEM|STORY` named it."""

    label: str
    item_ids: tuple[int, ...]
    story_id: int | None = None
    entry_ids: tuple[int, ...] = ()


def resolve_target(store: Store, text: str) -> Target:
    """`42` / `#42` -> that item; a story's slug -> the story; anything else refused."""
    wanted = text.strip()
    as_item = _ITEM_RE.match(wanted)
    if as_item:
        digits = as_item.group(1)
        if len(digits) > 10 or int(digits) > MAX_ID:
            raise BadInputError(f"not an item id: {shown(wanted)} is larger than any item id")
        item_id = int(digits)
        if not store.item_exists(item_id):
            hint = ""
            if store.story_by_slug(wanted) is not None:
                hint = f" (a story has the slug {wanted!r}; numbers name items here)"
            raise BadInputError(f"no item {item_id}{hint}")
        return Target(label=f"item {item_id}", item_ids=(item_id,))
    if _SLUG_RE.match(wanted):
        story = store.story_by_slug(wanted)
        if story is None:
            known = ", ".join(s.slug for s in store.stories()) or "none yet"
            raise BadInputError(
                f"no story {shown(wanted)} (stories: {truncate(safe_line(known), 200)})"
            )
        return Target(label=f"story {story.slug}", item_ids=(), story_id=story.id)
    raise BadInputError(
        f"not an item id or a story slug: {shown(wanted)}: give an item id (42 or #42) "
        "or a story's slug"
    )


@dataclass(frozen=True, slots=True)
class BundleSummary:
    """What `make_bundle` wrote, for the one line the CLI prints."""

    path: Path
    label: str
    items: int
    raw: int
    events: int
    head: ChainHead
    warnings: tuple[str, ...] = ()


def _refuse_existing(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BadInputError(f"{shown_path(out)} exists and is not a folder: choose a new folder")
    if out.is_dir() and any(out.iterdir()):
        raise BadInputError(
            f"{shown_path(out)} is not empty: a bundle is written to a new or empty folder"
        )


def evidence_files(store: Store, item_id: int) -> Iterator[tuple[str, bytes]]:
    """`(sha256, bytes)` of each evidence file of an item's checklist: where evidence joins the bag.

    Each file kept by its sha256 (`desk evidence add`, `desk check --evidence
    PATH`), once however many steps cite it; `make_bundle` writes it to
    `data/evidence/<sha256>`, covered by the manifests like every file. A
    file whose bytes the desk has lost is left out (`desk verify` names it).
    """
    seen: set[str] = set()
    for row in store.evidence_of(item_id):
        if row.sha256 is None or row.sha256 in seen:
            continue
        seen.add(row.sha256)
        try:
            data = store.blob(row.sha256)
        except NotFoundError:
            continue
        yield row.sha256, data


def _item_record(
    store: Store,
    item_id: int,
    seqs: list[int],
    raw_file: str | None,
    evidence: list[str],
    copies: list[dict[str, Any]],
) -> dict[str, Any]:
    item = store.item(item_id)
    fields = plain(item)
    fields.pop("tags", None)
    return {
        "id": item.id,
        "fields": fields,
        "tags": list(item.tags),
        "verdict": {"verdict": item.verdict, "reason": item.verdict_reason},
        "links": plain(store.links_of(item_id)),
        "notes": plain(store.notes_of(item_id, include_retracted=True)),
        "checklist": plain(store.checklist(item_id, DEFAULT_CHECKLIST)),
        "raw": {"sha256": item.raw_sha256, "file": raw_file},
        "copies": copies,
        "evidence_files": [f"data/{EVIDENCE_DIR}/{sha}" for sha in evidence],
        "events": seqs,
    }


def _event_line(record: EventRecord) -> str:
    return to_json(dataclasses.asdict(record), indent=None)


def _copy_raw(
    store: Store, item_id: int, sha: str | None, root: Path, warnings: list[str]
) -> tuple[str | None, int]:
    """An item's raw capture into `raw/<sha256>` (once per sha): its path in the bag, and 1 if
    copied now. A capture the desk has lost or altered is copied as it is, with a warning:
    the bundle shows the desk as it stands, and `desk bundle --check` names the mismatch."""
    if sha is None:
        return None, 0
    if not HEX64.match(sha):
        warnings.append(f"item {item_id}: its raw sha256 is not a sha256; run desk verify")
        return None, 0
    path = root / RAW_DIR / sha
    if path.exists():
        return f"data/{RAW_DIR}/{sha}", 0
    try:
        data = store.blob(sha)
    except NotFoundError:
        warnings.append(
            f"item {item_id}: its raw capture (sha256 {sha}) is missing from the desk; "
            "run desk verify"
        )
        return None, 0
    if hashlib.sha256(data).hexdigest() != sha:
        warnings.append(
            f"item {item_id}: its stored raw bytes do not match their sha256; run desk verify"
        )
    path.write_bytes(data)
    return f"data/{RAW_DIR}/{sha}", 1


def _copies(
    store: Store, item_id: int, own_sha: str | None, root: Path, warnings: list[str]
) -> tuple[list[dict[str, Any]], int]:
    """The other copies of the item's post the desk keeps (issue 12: an embed, then the API
    object...), each copy's raw bytes into `raw/` beside the item's own: the evidence of every
    field a fuller copy improved. Their records, and how many files were copied now."""
    records: list[dict[str, Any]] = []
    copied = 0
    for copy in store.copies_of(item_id):
        if copy.raw_sha256 == own_sha:
            continue
        file, new = _copy_raw(store, item_id, copy.raw_sha256, root, warnings)
        copied += new
        records.append(
            {
                "sha256": copy.raw_sha256,
                "file": file,
                "source_file": copy.source_file,
                "source_format": copy.source_format,
                "source_record": copy.source_record,
                "ingested_at": copy.ingested_at,
            }
        )
    return records, copied


def _write_payload(
    store: Store, target: Target, root: Path
) -> tuple[Target, ChainHead, int, int, list[str]]:
    """Everything under `data/` (before bagit moves it there), read in one snapshot."""
    warnings: list[str] = []
    with snapshot(store.conn, store.lock):
        head = chain_head(store.conn)
        if target.story_id is not None:
            members = read_story_members(store.conn, target.story_id)
            target = dataclasses.replace(
                target, item_ids=members.item_ids, entry_ids=members.entry_ids
            )
        wanted = set(target.item_ids)
        history: dict[int, list[int]] = {i: [] for i in target.item_ids}
        n_events = 0
        with open(root / EVENTS_FILE, "w", encoding="utf-8", newline="\n") as out:
            for record in event_slice(
                store.conn,
                item_ids=target.item_ids,
                story_ids=() if target.story_id is None else (target.story_id,),
                entry_ids=target.entry_ids,
            ):
                if record.seq > head.seq:  # pragma: no cover - one snapshot: cannot happen
                    break
                out.write(_event_line(record) + "\n")
                n_events += 1
                for item_id in items_of(record.kind, record.target, record.payload_json):
                    if item_id in wanted:
                        history[item_id].append(record.seq)
        (root / ITEMS_DIR).mkdir()
        (root / RAW_DIR).mkdir()
        n_raw = 0
        for item_id in target.item_ids:
            item = store.item(item_id)
            raw_file, copied = _copy_raw(store, item_id, item.raw_sha256, root, warnings)
            copies, copied_too = _copies(store, item_id, item.raw_sha256, root, warnings)
            n_raw += copied + copied_too
            evidence: list[str] = []
            for ev_sha, ev_data in evidence_files(store, item_id):
                if not HEX64.match(ev_sha):
                    warnings.append(f"item {item_id}: evidence {ev_sha[:64]!r} is not a sha256")
                    continue
                (root / EVIDENCE_DIR).mkdir(exist_ok=True)
                (root / EVIDENCE_DIR / ev_sha).write_bytes(ev_data)
                evidence.append(ev_sha)
            item_json = _item_record(store, item_id, history[item_id], raw_file, evidence, copies)
            (root / ITEMS_DIR / f"{item_id}.json").write_text(
                to_json(item_json) + "\n", encoding="utf-8"
            )
        if target.story_id is not None:
            story = store.story(target.story_id)
            recap = store.recap(target.story_id)
            live = {e.id for e in recap}
            (root / STORY_FILE).write_text(
                to_json(
                    {
                        "story": plain(story),
                        "recap": plain(recap),
                        "deleted_entry_ids": [e for e in target.entry_ids if e not in live],
                        "item_ids": list(target.item_ids),
                    }
                )
                + "\n",
                encoding="utf-8",
            )
    return target, head, n_events, n_raw, warnings


def make_bundle(
    store: Store,
    target_text: str,
    out: Path,
    *,
    actor: str,
    clock: Clock = utc_now,
) -> BundleSummary:
    """Write the bag of an item or a story to `out` (a new or empty folder)."""
    _refuse_existing(out)
    target = resolve_target(store, target_text)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        work.chmod(0o777 & ~umask)
        target, head, n_events, n_raw, warnings = _write_payload(store, target, work)
        info = {
            INFO_DESK: safe_line(store.path.name),
            INFO_TARGET: safe_line(target.label),
            INFO_HEAD: f"{head.seq}:{safe_line(head.hash)}",
            INFO_HEAD_SEQ: str(head.seq),
            INFO_HEAD_HASH: safe_line(head.hash),
            INFO_HEAD_AT: safe_line(head.at or ""),
            INFO_BY: safe_line(actor),
            INFO_AT: iso_z(clock()),
            "External-Description": safe_line(
                f"desk bundle of {target.label}: {len(target.item_ids)} items, their raw "
                f"captures and the {n_events} events of the desk's log that concern them"
            ),
        }
        with quiet_bagit():
            bagit_module().make_bag(str(work), info, checksums=["sha256"])
        try:
            os.rename(work, out)
        except OSError as exc:
            raise BadInputError(
                f"{shown_path(out)}: cannot put the bundle there ({safe_line(exc.strerror)}); "
                "a bundle is written to a new or empty folder"
            ) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BundleSummary(
        path=out,
        label=target.label,
        items=len(target.item_ids),
        raw=n_raw,
        events=n_events,
        head=head,
        warnings=tuple(warnings),
    )
