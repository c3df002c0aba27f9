"""How `desk verify --replay` applies the kinds working offline adds: `merge`, `conflict.resolve`.

Registered beside the replay's own table (`desk.replay.apply.APPLY`) by
`desk.replay`: a `merge` event is replayed by applying the events it merged,
in order, with the values the merge decided, through the same `Merger.take`
the merge ran.
"""

from __future__ import annotations

from typing import Any

from db import merge_rows
from desk.merge.core import Merger, set_value
from desk.replay.apply import APPLY, UNDO_APPLY, Context, Event


def _merge(ctx: Context, event: Event) -> None:
    merger = Merger(
        ctx.writer,
        merge_seq=int(event["seq"]),
        source=str(event["payload"].get("source", "")),
        frontier=None,
        known=set(),
        blob=None,
        log=ctx.live,
    )
    for row in merge_rows.imported_under(ctx.live, int(event["seq"])):
        record = {"event": row["event"], "refs": row["refs"], "base": row["base"]}
        merger.take(record, row["decisions"])
    merger.finish()


def _thing(body: dict[str, Any]) -> tuple[str, int]:
    thing = "item" if body.get("item") is not None else "entry"
    return thing, int(body[thing])


def _resolve(ctx: Context, event: Event) -> None:
    p = event["payload"]
    thing, ident = _thing(p)
    set_value(ctx.writer, thing, ident, str(p["field"]), p["to"], event["actor"])
    merge_rows.close_conflict(
        ctx.writer.conn, f"{thing}:{ident}", str(p["field"]), int(event["seq"] or 0), "resolved"
    )


def _undo_resolve(ctx: Context, event: Event, inv: dict[str, Any]) -> None:
    thing, ident = _thing(inv)
    set_value(ctx.writer, thing, ident, str(inv["field"]), inv["restored"], event["actor"])


MERGE_APPLY: dict[str, Any] = {"merge": _merge, "conflict.resolve": _resolve}
MERGE_UNDO_APPLY: dict[str, Any] = {"conflict.resolve": _undo_resolve}

APPLY.update(MERGE_APPLY)
UNDO_APPLY.update(MERGE_UNDO_APPLY)
