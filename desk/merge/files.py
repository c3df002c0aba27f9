"""Event files: `desk export-events` and `desk import-events` (work by e-mail or USB stick).

The format is JSON lines, one object per line, read and written a line at a
time (memory stays at one line, a blob at most):

- line 1, `{"type": "header", "format": "desk-events", "version": 1, "desk": uuid,
  "since": seq, "head": {"seq", "hash"}}`;
- `{"type": "blob", "sha256", "size", "data": base64}` before the first event
  that needs it (an item's raw capture, an evidence file);
- `{"type": "event", "event": {every column of the events row}, "refs", "base"}`:
  a travelling record (see `desk/merge/__init__.py`);
- last, `{"type": "end", "events": n, "blobs": m}`.

Every line after the header carries `chain`, sha256 over the previous line's
`chain` and the line's own canonical JSON without it (the header's is over
itself): an edited, dropped, reordered or truncated line shows, and an
event's own hash is checked against its columns. The whole file is checked
before anything is applied; the first bad line is named (line number, and
the event's seq on its desk). Then it merges like a desk: one transaction,
idempotent by event id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from db import Store, merge_rows
from db.events import canonical_json
from desk.errors import BadInputError
from desk.merge.core import Frontier, Record, needed_blobs
from desk.merge.desks import MergeResult, apply_records
from desk.merge.walk import records

FORMAT = "desk-events"
VERSION = 1
MAX_LINE = 512 << 20
"""The longest line read (a base64 blob of an evidence file up to ~380 MB)."""


def _chain(prev: str, line: dict[str, Any]) -> str:
    return hashlib.sha256((prev + canonical_json(line)).encode("utf-8")).hexdigest()


class _Writer:
    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.chain = ""

    def line(self, body: dict[str, Any]) -> None:
        self.chain = _chain(self.chain, body)
        self.fh.write(canonical_json({**body, "chain": self.chain}) + "\n")


def export_events(store: Store, target: Path, *, since: int = 0) -> tuple[int, int]:
    """Write every event after local seq `since`, with its blobs; `(events, blobs)`."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    events = blobs = 0
    try:
        with store.lock, partial.open("w", encoding="utf-8") as fh:
            store.conn.execute("BEGIN")
            try:
                out = _Writer(fh)
                head = merge_rows.chain_head(store.conn)
                header = {
                    "type": "header",
                    "format": FORMAT,
                    "version": VERSION,
                    "desk": merge_rows.identity(store.conn).uuid,
                    "since": since,
                    "head": {"seq": head[0], "hash": head[1]},
                }
                out.line(header)
                sent: set[str] = set()
                for _, record in records(store.conn, Frontier(), since=since):
                    event = record["event"]
                    body = json.loads(str(event["payload"]))
                    for sha in sorted(needed_blobs(str(event["kind"]), body) - sent):
                        found = merge_rows.blob_row(store.conn, sha)
                        if found is None:
                            continue
                        out.line(
                            {
                                "type": "blob",
                                "sha256": sha,
                                "size": found[0],
                                "data": base64.b64encode(found[1]).decode("ascii"),
                            }
                        )
                        sent.add(sha)
                        blobs += 1
                    out.line({"type": "event", **record})
                    events += 1
                out.line({"type": "end", "events": events, "blobs": blobs})
            finally:
                store.conn.execute("COMMIT")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return events, blobs


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """`(line number, object)` for each line, with the chain checked (one line in memory)."""
    prev = ""
    ended = False
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read ({exc.strerror})") from None
    with fh:
        number = 0
        while True:
            raw = fh.readline(MAX_LINE + 1)
            if not raw:
                break
            number += 1
            where = f"{path} line {number}"
            if len(raw) > MAX_LINE:
                raise BadInputError(f"{where}: a line longer than {MAX_LINE} bytes")
            if ended:
                raise BadInputError(f"{where}: lines after the end line")
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise BadInputError(f"{where}: not a JSON line (damaged?)") from None
            if not isinstance(body, dict):
                raise BadInputError(f"{where}: not a JSON object")
            chain = body.pop("chain", None)
            if number == 1:
                if body.get("type") != "header" or body.get("format") != FORMAT:
                    raise BadInputError(f"{path}: not a desk events file (no header)")
                if body.get("version") != VERSION:
                    raise BadInputError(f"{path}: events file version {body.get('version')!r}")
            expected = _chain(prev, body)
            if chain != expected:
                seq = (
                    body.get("event", {}).get("seq")
                    if isinstance(body.get("event"), dict)
                    else None
                )
                what = f" (event seq {seq})" if seq is not None else ""
                raise BadInputError(f"{where}{what}: altered in transit (its hash does not match)")
            prev = expected
            ended = body.get("type") == "end"
            yield number, body
    if number == 0:
        raise BadInputError(f"{path}: an empty file, not a desk events file")
    if not ended:
        raise BadInputError(f"{path}: truncated (no end line after line {number})")


def _check(path: Path) -> dict[str, Any]:
    """Read the whole file once, checking every hash; its header."""
    header: dict[str, Any] = {}
    events = blobs = 0
    for number, body in _lines(path):
        where = f"{path} line {number}"
        kind = body.get("type")
        if kind == "header":
            header = body
        elif kind == "blob":
            try:
                data = base64.b64decode(str(body.get("data", "")), validate=True)
            except (binascii.Error, ValueError):
                raise BadInputError(f"{where}: a blob that is not base64") from None
            if hashlib.sha256(data).hexdigest() != body.get("sha256"):
                raise BadInputError(f"{where}: blob bytes do not match their sha256")
            blobs += 1
        elif kind == "event":
            event = body.get("event")
            if not isinstance(event, dict):
                raise BadInputError(f"{where}: an event line without its event")
            seq = event.get("seq")
            try:
                ok = merge_rows.recomputed_hash(event) == event.get("hash")
            except (KeyError, TypeError, ValueError):
                ok = False
            if not ok:
                raise BadInputError(f"{where} (event seq {seq}): the event does not match its hash")
            if not isinstance(body.get("refs"), dict) or not isinstance(body.get("base"), list):
                raise BadInputError(f"{where} (event seq {seq}): no refs or base")
            events += 1
        elif kind == "end":
            if body.get("events") != events or body.get("blobs") != blobs:
                raise BadInputError(f"{where}: the end line counts other lines than the file has")
        else:
            raise BadInputError(f"{where}: unknown line type {kind!r}")
    return header


def _stream(path: Path) -> Iterator[tuple[int, Record]]:
    for number, body in _lines(path):
        if body.get("type") == "blob":
            yield number, {"blob": (str(body["sha256"]), base64.b64decode(str(body["data"])))}
        elif body.get("type") == "event":
            yield number, {"event": body["event"], "refs": body["refs"], "base": body["base"]}


def import_events(store: Store, path: Path, actor: str) -> MergeResult:
    """Check the file whole, then merge its events in one transaction."""
    header = _check(path)
    source = str(header.get("desk") or "")
    if source == merge_rows.identity(store.conn).uuid:
        raise BadInputError(f"{path}: written by this desk: nothing to import")
    head = header.get("head") or {}
    return apply_records(
        store,
        actor,
        source,
        (int(head.get("seq") or 0), str(head.get("hash") or "")),
        _stream(path),
        lambda sha: None,
        origin_note=None,
    )
