"""Applying another desk's events here: renumber, create or deduplicate, apply, decide values.

One `Merger` works inside one write transaction on the receiving desk. For
each travelling record (an event as written on its desk, its `refs` and its
`base`, see `desk/merge/__init__.py`) it:

1. skips it when this desk already holds the event (by event id): merging
   twice changes nothing;
2. finds or makes the local id of everything it names: an item by uuid (or an
   alias), else the item it duplicates by the ingest rule
   (`db.queries.same_item`: that uuid becomes an alias of it), else a new id;
   a recap entry by uuid; a story by slug;
3. applies what the event appends through the replay's apply table
   (`desk.replay.apply.APPLY`, the code `desk verify --replay` runs), the
   event renumbered into local ids and its values taken out
   (`desk.merge.pieces`);
4. decides each value it sets (`Frontier.take`) and writes the decision;
   a value changed on both sides opens (or updates) its conflict;
5. keeps the event, as written, in `imported_events`.

The same `take` runs under `desk verify --replay` for a `merge` event, with
the decisions the merge recorded instead of new ones, so a merged desk
replays to itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from db import Writer, merge_rows, queries
from db.errors import StoreError
from desk.merge import refs as refmod
from desk.merge.pieces import Piece, pieces, strip
from desk.replay.apply import APPLY, Context

Record = dict[str, Any]
"""`{"event": {column: value}, "refs": {"item:12": uuid, ...}, "base": [[event id, ...], ...]}`."""

Key = tuple[str, int, str]
"""A value on this desk: `("item", 12, "verdict")`."""


class MergeError(StoreError):
    """Another desk's events cannot be applied here (one line, naming the event)."""


def describe(event: dict[str, Any]) -> str:
    return f"event {event.get('seq')} ({event.get('kind')}, {event.get('id')})"


@dataclass
class Frontier:
    """Per value, the events that set it and that no later event had seen (see the package doc).

    One member: the value is settled. Several: it was changed on both sides;
    the latest by `(at, event id)` holds until an editor resolves it.
    """

    heads: dict[Key, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def ids(self, key: Key) -> list[str]:
        return sorted(self.heads.get(key, {}))

    def native(self, key: Key, event: dict[str, Any], value: Any) -> None:
        """An event written here: whoever wrote it saw the value as it was."""
        self.heads[key] = {str(event["id"]): _member(event, value)}

    def take(self, key: Key, event: dict[str, Any], value: Any, base: Iterable[str]) -> None:
        """An event from elsewhere: it replaces what its own desk had seen."""
        seen = set(base)
        kept = {k: v for k, v in self.heads.get(key, {}).items() if k not in seen}
        kept[str(event["id"])] = _member(event, value)
        self.heads[key] = kept

    def members(self, key: Key) -> list[dict[str, Any]]:
        return sorted(self.heads.get(key, {}).values(), key=lambda m: (m["at"], m["event"]))


def _member(event: dict[str, Any], value: Any) -> dict[str, Any]:
    return {
        "event": str(event["id"]),
        "at": str(event["at"]),
        "actor": str(event["actor"]),
        "value": value,
    }


class MergeContext(Context):
    """The replay's apply context, reading an undone event by id (merged ones too)."""

    def __init__(self, live: sqlite3.Connection) -> None:
        super().__init__(live)
        self.undoes: str | None = None
        self.merging = True

    def original(self, seq: int) -> dict[str, Any] | None:
        if self.undoes is None:
            return super().original(seq)
        row = self.live.execute("SELECT payload FROM events WHERE id = ?", [self.undoes]).fetchone()
        text = row[0] if row else None
        if text is None:
            imported = merge_rows.imported_event(self.live, self.undoes)
            text = imported["payload"] if imported else None
        if text is None:
            return None
        body: dict[str, Any] = json.loads(text)
        return body


def needed_blobs(kind: str, body: dict[str, Any]) -> set[str]:
    """The raw captures and evidence files an event's rows point at (they travel with it)."""
    shas: set[str] = set()
    rows: list[Any] = []
    if kind == "item.add" and isinstance(body.get("row"), dict):
        rows = [body["row"]]
    elif kind == "ingest":
        rows = list(body.get("items") or ())
    if kind in ("ingest", "item.improve"):  # the copies of known posts (migration 0011)
        rows += list(body.get("copies") or ())
    for row in rows:
        if isinstance(row, dict) and row.get("raw_sha256"):
            shas.add(str(row["raw_sha256"]))
    evidence: list[Any] = []
    if kind == "check.log":
        evidence = list(body.get("evidence") or ())
    elif kind == "evidence.add":
        evidence = [body.get("evidence")]
    for e in evidence:
        if isinstance(e, dict) and e.get("sha256"):
            shas.add(str(e["sha256"]))
    return shas


def local_key(conn: sqlite3.Connection, piece: Piece, ident: int) -> Key:
    return (piece.thing, ident, piece.field)


def set_value(w: Writer, thing: str, ident: int, fieldname: str, value: Any, actor: Any) -> None:
    """Write one decided value (the same for a merge, its replay and a resolution)."""
    if thing == "item":
        if fieldname == "triage":
            w.set_item_columns(ident, {"triage": str(value)})
        elif fieldname == "verdict":
            values = list(value) if isinstance(value, list) else [value]
            fields: dict[str, Any] = {"verdict": str(values[0])}
            if len(values) > 1:
                fields["verdict_reason"] = values[1]
            w.set_item_columns(ident, fields)
        elif fieldname.startswith("tag:"):
            name = fieldname.removeprefix("tag:")
            if value:
                w.add_tag(ident, name)
            else:
                w.remove_tag(ident, name)
        elif fieldname.startswith("step:"):
            step = fieldname.removeprefix("step:")
            status, note = [*list(value), None, None][:2]
            if status == "open" and note is None:
                w.delete_step(ident, step)
            else:
                w.set_step(
                    item_id=ident,
                    step=step,
                    position=0,
                    question="",
                    status=str(status),
                    note=note,
                    actor=str(actor),
                )
        else:
            raise MergeError(f"no merge rule for item {fieldname}")
        w.bump_version(ident)
        return
    if fieldname not in ("headline", "body", "date_text", "confidence"):
        raise MergeError(f"no merge rule for recap entry {fieldname}")
    reading = None
    if fieldname == "date_text":
        from desk.verbs.recap import _NO_DATE, read_entry_date

        story = w.entry_state(ident)["story_id"]
        _, _, reference = w.story_fields(int(story))
        reading = read_entry_date(value, reference) or _NO_DATE
    w.update_recap_entry(ident, {fieldname: value}, actor=str(actor), reading=reading)


class Merger:
    """Applies travelling records to one desk inside the caller's transaction."""

    def __init__(
        self,
        w: Writer,
        *,
        merge_seq: int,
        source: str,
        frontier: Frontier | None,
        known: set[str],
        blob: Callable[[str], bytes | None] | None,
        log: sqlite3.Connection | None = None,
    ) -> None:
        self.w = w
        self.conn = w.conn
        self.merge_seq = merge_seq
        self.source = source
        self.frontier = frontier
        """None under a replay: the recorded decisions are written instead."""
        self.known = known
        self.blob = blob
        self.ctx = MergeContext(log if log is not None else w.conn)
        self.ctx.w = w
        self.position = 0
        self.pairs: list[tuple[str, str]] = []
        self.arrivals: list[list[Any]] = []
        self.conflicts_opened = 0
        self.touched: set[int] = set()
        """Items whose checklist may have changed: `finish` brings their `checks_done` up."""

    # -- ids -------------------------------------------------------------------------

    def _lookup(self, thing: str, ref: str) -> int | None:
        if thing == "item":
            return merge_rows.item_by_uuid(self.conn, ref)
        if thing == "entry":
            return merge_rows.entry_by_uuid(self.conn, ref)
        return merge_rows.story_by_slug(self.conn, ref)

    def _numbering(
        self, event: dict[str, Any], refs: dict[str, Any], made: dict[str, int]
    ) -> refmod.Map:
        def renumber(thing: str, ident: int) -> int:
            key = refmod.ref_key(thing, ident)
            if key in made:
                return made[key]
            ref = refs.get(key)
            if not isinstance(ref, str):
                raise MergeError(f"{describe(event)}: {key} travels without its uuid")
            local = self._lookup(thing, ref)
            if local is None:
                raise MergeError(
                    f"{describe(event)} names {thing} {ident} ({ref}), which this desk does not "
                    "have (merge the desk that made it first)"
                )
            made[key] = local
            return local

        return renumber

    def _make_items(self, event: dict[str, Any], rows: list[Any], made: dict[str, int]) -> None:
        offset = 0
        for row in rows:
            if not isinstance(row, dict) or "id" not in row or "uuid" not in row:
                raise MergeError(f"{describe(event)}: an item row without its id or uuid")
            key = refmod.ref_key("item", int(row["id"]))
            found = merge_rows.item_by_uuid(self.conn, str(row["uuid"]))
            if found is None:
                found = queries.same_item(
                    self.conn,
                    platform=str(row.get("platform") or ""),
                    platform_id=row.get("platform_id"),
                    url=row.get("url"),
                    raw_sha=row.get("raw_sha256"),
                )
                if found is not None:
                    merge_rows.add_alias(self.conn, str(row["uuid"]), found)
                    self._other_copy(found, row)
            if found is None:
                found = merge_rows.next_id(self.conn, "item") + offset
                offset += 1
                self.arrivals.append([found, row.get("raw_sha256")])
            made[key] = found

    def _other_copy(self, item_id: int, row: dict[str, Any]) -> None:
        """An item the other desk made from another copy of a post this desk has: keep the
        copy and choose the item's fields again over both (`desk.verbs.copies`)."""
        from db.queries import COPY_COLUMNS
        from desk.verbs.copies import take_copy

        sha = row.get("raw_sha256")
        if not sha or self.w.items_raw_sha([item_id]).get(item_id) == sha:
            return
        copy = {
            "item": item_id,
            "raw_sha256": str(sha),
            "source_file": row.get("source_file"),
            "source_format": row.get("source_format"),
            "source_record": row.get("source_record"),
            "ingested_at": str(row.get("ingested_at") or ""),
            "fields": {name: row.get(name) for name in COPY_COLUMNS},
        }
        take_copy(self.w, item_id, copy)

    def _creations(self, event: dict[str, Any], body: dict[str, Any], made: dict[str, int]) -> bool:
        """Ids for what the event makes; False when all of it is here already."""
        kind = str(event["kind"])
        if kind == "item.add":
            if not isinstance(body.get("row"), dict):
                raise MergeError(f"{describe(event)} was written by an older desk: no item row")
            self._make_items(event, [body["row"]], made)
        elif kind == "ingest":
            if body.get("new") and body.get("items") is None:
                raise MergeError(f"{describe(event)} was written by an older desk: no item rows")
            self._make_items(event, list(body.get("items") or ()), made)
        elif kind == "recap.add":
            ident = int(str(event["target"]).split(":")[-1])
            uuid = body.get("uuid")
            if not isinstance(uuid, str):
                raise MergeError(f"{describe(event)} was written by an older desk: no entry uuid")
            found = merge_rows.entry_by_uuid(self.conn, uuid)
            if found is not None:
                made[refmod.ref_key("entry", ident)] = found
                return False
            made[refmod.ref_key("entry", ident)] = merge_rows.next_id(self.conn, "entry")
        elif kind == "story.add":
            ident = int(str(event["target"]).split(":")[-1])
            found = merge_rows.story_by_slug(self.conn, str(body["slug"]))
            if found is not None:
                made[refmod.ref_key("story", ident)] = found
                return False
            made[refmod.ref_key("story", ident)] = merge_rows.next_id(self.conn, "story")
        return True

    # -- one record ------------------------------------------------------------------

    def take(self, record: Record, decisions: list[Any] | None = None) -> bool:
        """Apply one record; False when this desk had it already."""
        event = record["event"]
        eid = str(event["id"])
        if eid in self.known:
            return False
        try:  # an event edited after it was written is refused before anything of it applies
            sound = merge_rows.recomputed_hash(event) == event.get("hash")
        except (KeyError, TypeError, ValueError):
            sound = False
        if not sound:
            raise MergeError(
                f"{describe(event)}: the event does not match its hash (edited after it "
                "was written?); nothing merged"
            )
        kind = str(event["kind"])
        try:
            body = json.loads(str(event["payload"]))
        except ValueError:
            raise MergeError(f"{describe(event)}: its payload is not JSON") from None
        if not isinstance(body, dict):
            raise MergeError(f"{describe(event)}: its payload is not an object")
        refs = record.get("refs") or {}
        for sha in sorted(needed_blobs(kind, body)):
            if not merge_rows.has_blob(self.conn, sha):
                data = self.blob(sha) if self.blob is not None else None
                if data is None:
                    if self.frontier is None:
                        continue  # a replay's scratch desk keeps no blobs
                    raise MergeError(f"{describe(event)}: blob {sha} did not travel with it")
                self.w.put_blob(data, sha)
        made: dict[str, int] = {}
        try:
            fresh = self._creations(event, body, made)
            f = self._numbering(event, refs, made)
            rest = strip(kind, body)
            if fresh and rest is not None and kind in APPLY:
                local = {
                    "seq": event.get("seq"),
                    "at": event["at"],
                    "actor": event["actor"],
                    "kind": kind,
                    "target": refmod.target(event.get("target"), f),
                    "payload": refmod.payload(rest, f),
                }
                self.ctx.undoes = str(body["undoes"]) if kind == "undo" else None
                APPLY[kind](self.ctx, local)
                self.ctx.undoes = None
                if kind == "recap.add":
                    merge_rows.set_entry_uuid(
                        self.conn, f("entry", _target_id(event)), body["uuid"]
                    )
            elif kind not in APPLY and kind not in ("conflict.resolve",):
                raise MergeError(f"{describe(event)}: this desk knows no {kind!r} (a newer desk?)")
            decided = self._values(event, kind, body, record.get("base") or [], f, decisions)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise MergeError(f"{describe(event)} could not be applied: {exc!r}") from None
        if kind in ("check.log", "evidence.add", "item.template", "undo", "conflict.resolve"):
            for key, local_id in made.items():
                if key.startswith("item:"):
                    self.touched.add(local_id)
        merge_rows.insert_imported(
            self.conn,
            event=event,
            merge_seq=self.merge_seq,
            position=self.position,
            source=self.source,
            refs=refs,
            base=record.get("base") or [],
            decisions=decided,
        )
        self.position += 1
        self.pairs.append((eid, str(event["hash"])))
        self.known.add(eid)
        return True

    def finish(self) -> None:
        """Derived state the verbs keep: whether each touched item's required steps are done."""
        from desk.verbs._checklist import update_done

        for item_id in sorted(self.touched):
            update_done(self.w, item_id)

    def _values(
        self,
        event: dict[str, Any],
        kind: str,
        body: dict[str, Any],
        base: list[Any],
        f: refmod.Map,
        recorded: list[Any] | None,
    ) -> list[Any]:
        out: list[Any] = []
        for i, piece in enumerate(pieces(kind, body)):
            ident = f(piece.thing, piece.ident)
            if self.frontier is None:
                decision = recorded[i] if recorded is not None and i < len(recorded) else None
                if isinstance(decision, list) and decision:
                    set_value(self.w, piece.thing, ident, piece.field, decision[0], event["actor"])
                continue
            key: Key = (piece.thing, ident, piece.field)
            seen = base[i] if i < len(base) and isinstance(base[i], list) else []
            self.frontier.take(key, event, piece.value, [str(s) for s in seen])
            members = self.frontier.members(key)
            winner = members[-1]
            if piece.field.startswith("tag:"):  # add wins: on if any side still has it on
                value = any(bool(m["value"]) for m in members)
                set_value(self.w, piece.thing, ident, piece.field, value, winner["actor"])
                out.append([value])
                continue
            set_value(self.w, piece.thing, ident, piece.field, winner["value"], winner["actor"])
            out.append([winner["value"]])
            thing = f"{piece.thing}:{ident}"
            if len({json.dumps(m["value"], sort_keys=True) for m in members}) > 1:
                if merge_rows.open_conflict(self.conn, thing, piece.field) is None:
                    self.conflicts_opened += 1
                merge_rows.put_conflict(self.conn, thing, piece.field, members, self.merge_seq)
            else:
                merge_rows.close_conflict(
                    self.conn, thing, piece.field, self.merge_seq, f"settled by {event['id']}"
                )
        return out


def _target_id(event: dict[str, Any]) -> int:
    return int(str(event["target"]).split(":")[-1])
