"""How a replay applies each event kind to the scratch desk: one function per kind.

`APPLY` maps a kind to its function; `UNDO_APPLY` maps an undone kind to how
the inverse its `undo` event recorded is applied. Every write goes through
`db.Writer` on the scratch desk, never through the verbs (they would write
new events).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from db import Writer, merge_rows
from db.errors import NotFoundError
from db.models import VerdictRow


class Context:
    """What apply functions share: the scratch writer, the live log, older events seen."""

    def __init__(self, live: sqlite3.Connection) -> None:
        self.live = live
        self.w: Writer | None = None
        self.older: list[tuple[int, int]] = []
        self.legacy_items: list[tuple[int, int]] = []
        self.merging = False
        """A merge (not a replay): a merged improvement is chosen again over this desk's copies."""

    @property
    def writer(self) -> Writer:
        assert self.w is not None
        return self.w

    def original(self, seq: int) -> dict[str, Any] | None:
        """The payload of an earlier event of the log (what an undo undid)."""
        row = self.live.execute("SELECT payload FROM events WHERE seq = ?", [seq]).fetchone()
        if row is None:
            return None
        body: dict[str, Any] = json.loads(row[0])
        return body

    def mark_older(self, seq: int, first: int | None, last: int | None) -> None:
        if self.older and self.older[-1][1] == seq - 1:
            self.older[-1] = (self.older[-1][0], seq)
        else:
            self.older.append((seq, seq))
        if first is not None:
            span = (first, last if last is not None else first)
            if self.legacy_items and self.legacy_items[-1][1] + 1 >= span[0]:
                low = self.legacy_items[-1][0]
                self.legacy_items[-1] = (low, max(self.legacy_items[-1][1], span[1]))
            else:
                self.legacy_items.append(span)

    def is_legacy_item(self, item_id: int) -> bool:
        i = bisect.bisect_right(self.legacy_items, (item_id, float("inf"))) - 1
        return i >= 0 and self.legacy_items[i][0] <= item_id <= self.legacy_items[i][1]


Event = dict[str, Any]  # seq, at, actor, kind, target, payload
Apply = Callable[[Context, Event], None]


def _target_id(event: Event) -> int:
    return int(str(event["target"] or ":0").split(":")[-1])


def _add_link(w: Writer, fields: dict[str, Any], actor: str) -> None:
    w.add_link(
        src_id=int(fields["src"]),
        relation=str(fields["relation"]),
        dst_item_id=fields.get("dst_item"),
        dst_entry_id=fields.get("dst_entry"),
        actor=actor,
        uuid=str(fields["uuid"]),
    )


def _evidence(ctx: Context, event: Event, item_id: int, step: str, e: dict[str, Any]) -> None:
    ctx.writer.insert_evidence_row(
        evidence_uuid=str(e["uuid"]),
        item_id=item_id,
        step=step,
        form=str(e["kind"]),
        value=str(e["value"]),
        sha256=e.get("sha256"),
        size=e.get("size"),
        media_type=e.get("media_type"),
        actor=event["actor"],
        at=event["at"],
    )


def _item_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    row = p.get("row")
    if row is None:
        ctx.mark_older(event["seq"], int(p["item"]), int(p["item"]))
        return
    ctx.writer.insert_item_row(row)


def _ingest(ctx: Context, event: Event) -> None:
    p = event["payload"]
    w = ctx.writer
    rows = p.get("items")
    if rows is None:
        if p.get("new"):
            ctx.mark_older(event["seq"], p.get("first_id"), p.get("last_id"))
        ids = [int(pair[0]) for pair in p.get("raw", ())]
    else:
        for row in rows:
            w.insert_item_row(row)
        ids = [int(row["id"]) for row in rows]
    for item_id in ids:
        for name in p.get("tags", ()):
            w.add_tag(item_id, str(name))
    for fields in p.get("made_links", ()):
        _add_link(w, fields, event["actor"])
    for src, relation, platform, platform_id, url in p.get("pending", ()):
        w.add_pending_link(
            src_id=int(src),
            relation=str(relation),
            platform=str(platform),
            platform_id=str(platform_id),
            url=str(url),
        )
    for copy in p.get("copies", ()):
        w.add_item_copy(copy)
    if ctx.merging:
        from desk.verbs.copies import reconsider

        for item_id in sorted({int(c["item"]) for c in p.get("copies", ())}):
            reconsider(w, item_id)


def _item_improve(ctx: Context, event: Event) -> None:
    """The copies kept, and the item's fields as the improvement set them."""
    p = event["payload"]
    for copy in p.get("copies", ()):
        ctx.writer.add_item_copy(copy)
    if ctx.merging:
        from desk.verbs.copies import reconsider

        reconsider(ctx.writer, int(p["item"]))
        return
    changes = p.get("changes") or {}
    ctx.writer.set_copy_columns(int(p["item"]), {k: v["to"] for k, v in changes.items()})


def _item_tag(ctx: Context, event: Event, *, reverse: bool = False) -> None:
    changes = event["payload"]["changes"]
    w = ctx.writer
    for key, change in changes.items():
        added, removed = change["added"], change["removed"]
        if reverse:
            added, removed = removed, added
        for name in added:
            w.add_tag(int(key), name)
        for name in removed:
            w.remove_tag(int(key), name)


def _set_field(ctx: Context, changes: dict[str, Any], column: str, side: str) -> None:
    for key, change in changes.items():
        fields: dict[str, Any] = {column: change[side]}
        if column == "verdict":
            fields["verdict_reason"] = change.get(f"reason_{side}")
        ctx.writer.set_item_columns(int(key), fields)


def _item_triage(ctx: Context, event: Event) -> None:
    _set_field(ctx, event["payload"]["changes"], "triage", "to")


def _item_verdict(ctx: Context, event: Event) -> None:
    _set_field(ctx, event["payload"]["changes"], "verdict", "to")


def _link_add(ctx: Context, event: Event) -> None:
    _add_link(ctx.writer, event["payload"]["link"], event["actor"])


def _link_remove(ctx: Context, event: Event) -> None:
    ctx.writer.remove_link(str(event["payload"]["link"]["uuid"]))


def _note_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.insert_note_row(
        note_uuid=str(p["note"]),
        item_id=p.get("item"),
        entry_id=p.get("entry"),
        author=event["actor"],
        created_at=event["at"],
        text=str(p["text"]),
    )


def _set_step(ctx: Context, event: Event, item_id: int, step: str, status: str, note: Any) -> None:
    ctx.writer.set_step(
        item_id=item_id,
        step=step,
        position=0,
        question="",
        status=status,
        note=note,
        actor=event["actor"],
    )


def _check_log(ctx: Context, event: Event) -> None:
    p = event["payload"]
    item_id, step = int(p["item"]), str(p["pillar"])
    _set_step(ctx, event, item_id, step, p["after"]["status"], p["after"]["note"])
    for e in p.get("evidence", ()):
        _evidence(ctx, event, item_id, step, e)
    moved = p.get("verdict")
    if moved is not None:
        ctx.writer.set_item_columns(item_id, {"verdict": moved["to"]})


def _evidence_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    item_id, step = int(p["item"]), str(p["pillar"])
    if ctx.writer.step_state(item_id, step) is None:
        _set_step(ctx, event, item_id, step, "open", None)
    _evidence(ctx, event, item_id, step, p["evidence"])


def _template_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.add_template(str(p["name"]), str(p["toml"]), event["actor"])


def _item_template(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.set_item_columns(int(p["item"]), {"template": p["to"]})


def _story_template(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.set_story_template(int(p["story"]), p["to"])


def _story_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.insert_story_row(
        _target_id(event),
        str(p["slug"]),
        str(p["title"]),
        event["at"],
        str(p.get("reference_date") or event["at"][:10]),
    )


def _story_edit(ctx: Context, event: Event) -> None:
    p = event["payload"]
    to = p["to"]
    ctx.writer.update_story(
        int(p["story"]), title=str(to["title"]), reference_date=str(to["reference_date"])
    )


def _recap_add(ctx: Context, event: Event) -> None:
    p = event["payload"]
    made = ctx.writer.add_recap_entry(
        story_id=int(p["story"]),
        section=str(p["section"]),
        headline=str(p["headline"]),
        body=str(p.get("body", "")),
        date_text=p.get("date_text"),
        confidence=str(p.get("confidence", "reported")),
        actor=event["actor"],
    )
    wanted = _target_id(event)
    if made != wanted:
        raise NotFoundError(f"recap entry {wanted} came out as {made}")
    if isinstance(p.get("uuid"), str):  # the entry's own uuid: what a merge finds it by
        merge_rows.set_entry_uuid(ctx.writer.conn, made, p["uuid"])


def _update_entry(ctx: Context, event: Event, entry_id: int, fields: dict[str, Any]) -> None:
    ctx.writer.update_recap_entry(entry_id, fields, actor=event["actor"], bump=False)


def _recap_edit(ctx: Context, event: Event) -> None:
    p = event["payload"]
    _update_entry(ctx, event, int(p["entry"]), dict(p["to"]))


def _recap_delete(ctx: Context, event: Event) -> None:
    p = event["payload"]
    _update_entry(ctx, event, int(p["entry"]), {"deleted_at": p["deleted_at"]})


def _moves(ctx: Context, event: Event, moves: Sequence[dict[str, Any]], side: str) -> None:
    for move in moves:
        _update_entry(ctx, event, int(move["entry"]), dict(move[side]))


def _recap_move(ctx: Context, event: Event) -> None:
    _moves(ctx, event, event["payload"]["moves"], "to")


def _recap_sections(ctx: Context, event: Event) -> None:
    ctx.writer.set_recap_sections(list(event["payload"]["to"]))


def _recap_rename(ctx: Context, event: Event) -> None:
    p = event["payload"]
    ctx.writer.rename_recap_section(str(p["from"]), str(p["to"]))


def _verdict_row(fields: dict[str, Any]) -> VerdictRow:
    return VerdictRow(
        str(fields["name"]),
        str(fields["label"]),
        str(fields["letter"]),
        str(fields["key"]),
        str(fields["meaning"]),
        int(fields["position"]),
    )


def _verdict_define(ctx: Context, event: Event) -> None:
    ctx.writer.put_verdict(_verdict_row(event["payload"]["to"]))


def _verdict_remove(ctx: Context, event: Event) -> None:
    ctx.writer.delete_verdict(str(event["payload"]["from"]["name"]))


def _filter_save(ctx: Context, event: Event) -> None:
    name = str(event["target"] or "").removeprefix("filter:")
    ctx.writer.save_filter(name, str(event["payload"]["expr"]), event["actor"])


def _nothing(ctx: Context, event: Event) -> None:
    """`undo.refused` changed nothing: it only records that an undo was refused."""


# -- undo: the recorded inverse, applied ------------------------------------------------


def _undo(ctx: Context, event: Event) -> None:
    p = event["payload"]
    kind = str(p["undoes_kind"])
    inverse = UNDO_APPLY.get(kind)
    if inverse is None:
        raise UnknownKind(f"undo of {kind}")
    inverse(ctx, event, p["inverse"])


def _u_item_add(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.set_item_columns(int(inv["item"]), {"triage": "discarded"})


def _u_tag(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _item_tag(ctx, {**event, "payload": inv}, reverse=True)


def _u_triage(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _set_field(ctx, inv["changes"], "triage", "from")


def _u_verdict(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _set_field(ctx, inv["changes"], "verdict", "from")


def _u_link_add(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.remove_link(str(inv["link"]["uuid"]))


def _u_link_remove(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    original = ctx.original(int(event["payload"]["undoes_seq"])) or {}
    actor = str(original.get("created_by") or event["actor"])
    _add_link(ctx.writer, inv["link"], actor)


def _u_note(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.set_note_retracted(str(inv["note"]), True)


def _u_check(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    item_id, step = int(inv["item"]), str(inv["pillar"])
    original = ctx.original(int(event["payload"]["undoes_seq"])) or {}
    if original.get("before") is None:
        ctx.writer.delete_step(item_id, step)
    else:
        restored = inv["restored"]
        _set_step(ctx, event, item_id, step, restored["status"], restored["note"])
    ctx.writer.retract_evidence([str(u) for u in inv.get("retracted", ())])
    verdict = inv.get("verdict")
    if verdict is not None:
        ctx.writer.set_item_columns(item_id, {"verdict": verdict["to"]})


def _u_evidence(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.retract_evidence([str(u) for u in inv["retracted"]])


def _u_template_add(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.delete_template(str(inv["name"]))


def _u_template_use(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    what, _, number = str(inv["target"]).partition(":")
    if what == "item":
        ctx.writer.set_item_columns(int(number), {"template": inv["restored"]})
    else:
        ctx.writer.set_story_template(int(number), inv["restored"])


def _u_story_edit(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    restored = inv["restored"]
    ctx.writer.update_story(
        int(inv["story"]),
        title=str(restored["title"]),
        reference_date=str(restored["reference_date"]),
    )


def _u_recap_add(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _update_entry(ctx, event, int(inv["entry"]), {"deleted_at": event["at"]})


def _u_recap_delete(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _update_entry(ctx, event, int(inv["entry"]), {"deleted_at": None})


def _u_recap_edit(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _update_entry(ctx, event, int(inv["entry"]), dict(inv["restored"]))


def _u_recap_move(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    _moves(ctx, event, inv["moves"], "from")


def _u_sections(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.set_recap_sections(list(inv["sections"]))


def _u_rename(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    ctx.writer.rename_recap_section(str(inv["from"]), str(inv["to"]))


def _u_verdict_setting(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    """The verdict put back as it was (None: an added one, dropped again)."""
    if inv["verdict"] is None:
        ctx.writer.delete_verdict(str(inv["name"]))
    else:
        ctx.writer.put_verdict(_verdict_row(inv["verdict"]))


def _u_item_improve(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    """A replay puts back what the undo recorded; a merge only what still stands here.

    The recorded `restored` are the undoing desk's old values. Merged, they
    are put back only where this desk still shows what the undone
    improvement set (`desk.verbs.copies.undo_merged_improve`): a value from
    this desk's own copy, its own improvement or its user's hold stays.
    """
    item_id = int(inv["item"])
    if ctx.merging:
        from desk.verbs.copies import undo_merged_improve

        undone = ctx.original(int(event["payload"]["undoes_seq"])) or {}
        changes = undone.get("changes")
        if not isinstance(changes, dict):
            changes = {}  # an undone event not found here, or not an improvement: nothing stands
        wanted = {
            name: change
            for name, change in changes.items()
            if name in inv["restored"]
            and isinstance(change, dict)
            and {"from", "to"} <= set(change)
        }
        undo_merged_improve(ctx.writer, item_id, wanted)
        return
    ctx.writer.set_copy_columns(item_id, dict(inv["restored"]))
    ctx.writer.hold_item_fields(item_id, sorted(inv["restored"]))


APPLY: dict[str, Apply] = {
    "item.add": _item_add,
    "item.improve": _item_improve,
    "item.tag": _item_tag,
    "item.triage": _item_triage,
    "item.verdict": _item_verdict,
    "link.add": _link_add,
    "link.remove": _link_remove,
    "note.add": _note_add,
    "check.log": _check_log,
    "evidence.add": _evidence_add,
    "template.add": _template_add,
    "item.template": _item_template,
    "story.template": _story_template,
    "story.add": _story_add,
    "story.edit": _story_edit,
    "recap.add": _recap_add,
    "recap.edit": _recap_edit,
    "recap.delete": _recap_delete,
    "recap.move": _recap_move,
    "recap.unpin": _recap_move,
    "recap.sections": _recap_sections,
    "recap.section.rename": _recap_rename,
    "verdict.define": _verdict_define,
    "verdict.remove": _verdict_remove,
    "filter.save": _filter_save,
    "ingest": _ingest,
    "undo": _undo,
    "undo.refused": _nothing,
}
"""Event kind -> how a replay applies it to the scratch desk."""

UNDO_APPLY: dict[str, Callable[[Context, Event, dict[str, Any]], None]] = {
    "item.add": _u_item_add,
    "item.improve": _u_item_improve,
    "item.tag": _u_tag,
    "item.triage": _u_triage,
    "item.verdict": _u_verdict,
    "link.add": _u_link_add,
    "link.remove": _u_link_remove,
    "note.add": _u_note,
    "check.log": _u_check,
    "evidence.add": _u_evidence,
    "template.add": _u_template_add,
    "item.template": _u_template_use,
    "story.template": _u_template_use,
    "story.edit": _u_story_edit,
    "recap.add": _u_recap_add,
    "recap.edit": _u_recap_edit,
    "recap.delete": _u_recap_delete,
    "recap.move": _u_recap_move,
    "recap.unpin": _u_recap_move,
    "recap.sections": _u_sections,
    "recap.section.rename": _u_rename,
    "verdict.define": _u_verdict_setting,
    "verdict.remove": _u_verdict_setting,
}
"""Undone kind -> how a replay applies the inverse its `undo` event recorded."""


class UnknownKind(Exception):
    pass
