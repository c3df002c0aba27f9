"""Checking a bundle: bagit's own validation, then the event slice and the records re-checked.

Each event's hash is recomputed from its fields by the desk's own function
(`db.events.event_hash`), so the check needs no desk and trusts no hash it
reads. Every problem is one line naming the file (and the line, for an
event), made safe for a terminal: the bag may come from anyone.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.events import event_hash
from desk.bundle.common import (
    EVENTS_FILE,
    EVIDENCE_DIR,
    HEX64,
    INFO_HEAD,
    ITEMS_DIR,
    RAW_DIR,
    bagit_module,
    parse_head,
    quiet_bagit,
)
from desk.errors import BadInputError
from desk.text import safe_line


@dataclass
class CheckReport:
    """What `check_bundle` found: every problem (one line each), and what the bag says."""

    problems: list[str] = field(default_factory=list)
    events: int = 0
    files: int = 0
    info: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


_EVENT_FIELDS: dict[str, tuple[type, ...]] = {
    "seq": (int,),
    "id": (str,),
    "at": (str,),
    "actor": (str,),
    "kind": (str,),
    "target": (str, type(None)),
    "payload_json": (str,),
    "base_version": (int, type(None)),
    "prev_hash": (str,),
    "hash": (str,),
}


def _bag_problem(detail: Any) -> str:
    """One of bagit's findings, said plainly and naming the file."""
    bagit = bagit_module()
    path = safe_line(str(getattr(detail, "path", "") or ""))
    if isinstance(detail, bagit.ChecksumMismatch):
        manifest = "tagmanifest" if not path.startswith("data/") else "manifest"
        return f"{path}: its sha256 does not match the bag's {manifest} (changed?)"
    if isinstance(detail, bagit.FileMissing):
        return f"{path}: listed in the bag's manifest but missing"
    if isinstance(detail, bagit.UnexpectedFile):
        return f"{path}: in the bag but not in its manifest (added?)"
    return safe_line(str(detail))


def _first_value(info: dict[str, Any], key: str) -> str | None:
    value = info.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None else str(value)


def _check_events(path: Path, head: tuple[int, str] | None, report: CheckReport) -> list[Any]:
    """Recompute each event's hash (`db.events.event_hash`) and the links between neighbours."""
    where = f"data/{EVENTS_FILE}"
    file = path / "data" / EVENTS_FILE
    if not file.is_file() or file.is_symlink():
        report.problems.append(f"{where}: missing (not a desk bundle?)")
        return []
    events: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    with open(file, encoding="utf-8", errors="replace", newline="\n") as lines:
        for number, line in enumerate(lines, start=1):
            at = f"{where} line {number}"
            try:
                event = json.loads(line)
            except ValueError:
                report.problems.append(f"{at}: not a JSON event")
                continue
            if not isinstance(event, dict):
                report.problems.append(f"{at}: not a JSON event")
                continue
            bad = [
                k
                for k, kinds in _EVENT_FIELDS.items()
                if k not in event or type(event[k]) not in kinds
            ]
            if type(event.get("os_user")) not in (str, type(None)):
                bad.append("os_user")  # optional: bundles made before 0008 have none
            if bad:
                report.problems.append(f"{at}: missing or mistyped {', '.join(bad)}")
                continue
            at = f"{at} (event seq {event['seq']})"
            recomputed = event_hash(
                id=event["id"],
                seq=event["seq"],
                at=event["at"],
                actor=event["actor"],
                kind=event["kind"],
                target=event["target"],
                payload_json=event["payload_json"],
                base_version=event["base_version"],
                prev_hash=event["prev_hash"],
                os_user=event.get("os_user"),
            )
            if recomputed != event["hash"]:
                report.problems.append(f"{at}: its contents do not match its hash (changed?)")
            if previous is not None:
                if event["seq"] <= previous["seq"]:
                    report.problems.append(f"{at}: out of order after event {previous['seq']}")
                elif event["seq"] == previous["seq"] + 1 and event["prev_hash"] != previous["hash"]:
                    report.problems.append(
                        f"{at}: its prev_hash is not the hash of event {previous['seq']} before it"
                    )
            if head is not None:
                if event["seq"] > head[0]:
                    report.problems.append(f"{at}: after the chain head the bag names ({head[0]})")
                elif event["seq"] == head[0] and event["hash"] != head[1]:
                    report.problems.append(f"{at}: it is the head, but its hash is not the head's")
            previous = event
            events.append(event)
    report.events = len(events)
    return events


def _arrivals(events: list[dict[str, Any]]) -> dict[int, str | None]:
    """The raw sha256 each item arrived with, as its event recorded (hashed) it."""
    out: dict[int, str | None] = {}
    for event in events:
        if event["kind"] not in ("item.add", "ingest"):
            continue
        try:
            body = json.loads(event["payload_json"])
        except ValueError:
            continue
        if not isinstance(body, dict):
            continue
        if event["kind"] == "item.add" and isinstance(body.get("item"), int):
            out[body["item"]] = body.get("raw_sha256")
        for pair in body.get("raw") or ():
            if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int):
                out[pair[0]] = pair[1]
    return out


def _copies_recorded(events: list[dict[str, Any]]) -> set[tuple[int, str]]:
    """(item, raw sha256) of every further copy of a post an event kept (issue 12): the
    `copies` of `item.improve`, and of an `ingest` whose copies changed nothing."""
    out: set[tuple[int, str]] = set()
    for event in events:
        if event["kind"] not in ("item.improve", "ingest"):
            continue
        try:
            body = json.loads(event["payload_json"])
        except ValueError:
            continue
        copies = body.get("copies") if isinstance(body, dict) else None
        for copy in copies if isinstance(copies, list) else ():
            if isinstance(copy, dict) and isinstance(copy.get("item"), int):
                out.add((copy["item"], str(copy.get("raw_sha256"))))
    return out


def _regular(file: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(file).st_mode)
    except OSError:
        return False


def _check_records(path: Path, events: list[dict[str, Any]], report: CheckReport) -> None:
    """Raw captures and evidence files match their names, and each item's raw capture is the
    one its arrival event hashed."""
    data = path / "data"
    raw_dir = data / RAW_DIR
    for folder in (RAW_DIR, EVIDENCE_DIR):
        kept = data / folder
        if not kept.is_dir() or kept.is_symlink():
            continue
        for file in sorted(kept.iterdir()):
            where = f"data/{folder}/{safe_line(file.name)}"
            if not _regular(file):
                report.problems.append(f"{where}: not a plain file")
                continue
            if _sha256_of(file) != file.name:
                report.problems.append(f"{where}: its bytes do not match the sha256 it is named by")
    arrived = _arrivals(events)
    recorded = _copies_recorded(events)
    items_dir = data / ITEMS_DIR
    if not items_dir.is_dir() or items_dir.is_symlink():
        report.problems.append(f"data/{ITEMS_DIR}: missing (not a desk bundle?)")
        return
    for file in sorted(items_dir.iterdir()):
        where = f"data/{ITEMS_DIR}/{safe_line(file.name)}"
        if not _regular(file):
            report.problems.append(f"{where}: not a plain file")
            continue
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            item_id = int(record["id"])
            sha = record["raw"]["sha256"]
        except (ValueError, KeyError, TypeError):
            report.problems.append(f"{where}: not an item record")
            continue
        if item_id in arrived and arrived[item_id] != sha:
            report.problems.append(
                f"{where}: its raw sha256 differs from the one its arrival event recorded"
            )
        if sha is not None and not (raw_dir / str(sha)).is_file():
            report.problems.append(f"{where}: its raw capture is not in data/{RAW_DIR}/")
        _check_copies(where, item_id, record.get("copies"), raw_dir, recorded, report)


def _check_copies(
    where: str,
    item_id: int,
    copies: Any,
    raw_dir: Path,
    recorded: set[tuple[int, str]],
    report: CheckReport,
) -> None:
    """Each further copy an item record lists is one an event kept, and its bytes are here."""
    if copies is None:
        return  # a bag made before copies were kept (issue 12)
    if not isinstance(copies, list):
        report.problems.append(f"{where}: its copies are not a list")
        return
    for copy in copies:
        sha = copy.get("sha256") if isinstance(copy, dict) else None
        if not isinstance(sha, str) or not HEX64.match(sha):
            report.problems.append(f"{where}: a copy without a sha256")
            continue
        shown = safe_line(sha[:64])
        if (item_id, sha) not in recorded:
            report.problems.append(f"{where}: its copy {shown} is one no event in the slice kept")
        if not (raw_dir / sha).is_file():
            report.problems.append(f"{where}: its copy {shown} is not in data/{RAW_DIR}/")


def _sha256_of(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_behind(bag: Any, path: Path) -> list[str]:
    """The files behind a failure bagit states for the whole bag (a Payload-Oxum count that
    is off stops its validation before it names a file): missing, added and changed files,
    by the manifests bagit read."""
    bagit = bagit_module()
    out: list[str] = []
    only_in_manifest, only_on_fs = bag.compare_manifests_with_fs()
    out.extend(_bag_problem(bagit.FileMissing(p)) for p in sorted(only_in_manifest))
    out.extend(_bag_problem(bagit.UnexpectedFile(p)) for p in sorted(only_on_fs))
    for rel_path, hashes in sorted(bag.entries.items()):
        expected = hashes.get("sha256")
        file = path / rel_path
        if expected is None or not _regular(file):
            continue
        found = _sha256_of(file)
        if found != str(expected).lower():
            out.append(_bag_problem(bagit.ChecksumMismatch(rel_path, "sha256", expected, found)))
    return out


def check_bundle(path: Path) -> CheckReport:
    """Validate a bag with bagit (every checksum recomputed), then re-check its event slice."""
    bagit = bagit_module()
    report = CheckReport()
    if not path.is_dir():
        report.problems.append(f"{safe_line(str(path))}: not a folder")
        return report
    with quiet_bagit():
        try:
            bag = bagit.Bag(str(path))
        except bagit.BagError as exc:
            report.problems.append(f"not a bag: {safe_line(str(exc))}")
            return report
        try:
            bag.validate(fast=False)
        except bagit.BagValidationError as exc:
            details = list(exc.details or ())
            if details:
                report.problems.extend(_bag_problem(d) for d in details)
            else:
                report.problems.append(f"bag: {safe_line(exc.message)}")
                report.problems.extend(_files_behind(bag, path))
        except bagit.BagError as exc:
            report.problems.append(f"bag: {safe_line(str(exc))}")
            report.problems.extend(_files_behind(bag, path))
    report.files = len(list(bag.payload_files()))
    info = {str(k): _first_value(bag.info, str(k)) or "" for k in bag.info}
    report.info = info
    head: tuple[int, str] | None = None
    written = info.get(INFO_HEAD, "")
    try:
        head = parse_head(written) if written else None
    except BadInputError:
        head = None
    if head is None and written != "0:":
        report.problems.append(f"bag-info.txt: {INFO_HEAD} is missing or unreadable")
    events = _check_events(path, head, report)
    _check_records(path, events, report)
    return report
