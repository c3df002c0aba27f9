"""Working offline: `desk checkout`, `desk merge`, event files, and the conflict queue.

How another desk's events fit this desk's hash chain
----------------------------------------------------
Every desk keeps its own chain (`events`, each hash over the one before).
An event written on another desk has its own seq, its own `prev_hash` and
its own hash, from *that* desk's chain; rewriting it into ours would lose
its hash (and with it the proof of who wrote what, when). So a merge does
not put foreign events in `events`. It keeps each one exactly as it was
written (every column of its row, `hash` included, as JSON: a column added
by a later migration travels too) in `imported_events`, and appends ONE
event of its own to the local chain: `merge`, naming the source desk (its
uuid), the source's head (seq and hash), how many events came in, the first
and last of their ids, and `digest`, a sha256 over their `id hash` pairs in
order. The local chain so commits to the merged events; `desk verify`
recomputes each merged event's own hash from its columns and the digest of
each merge (`db.merge_rows.check_imported`): an edited, added or deleted
merged event shows. Authors, times and hashes stay the original ones.

What travels with an event
--------------------------
Ids of items, recap entries and stories are local to a desk (both laptops
call their next item 101). Each event travels as a record: the row, `refs`
(the uuid of each item and entry its payload names, a story's slug) and
`base` (below). The receiving desk renumbers the payload into its own ids
(`desk.merge.refs`), finding an item by uuid, else by the ingest rule for
duplicates (same platform id, URL or raw bytes: the arriving uuid becomes an
alias of the local item, `item_aliases`), else giving it the next id. Raw
captures and evidence files the event's rows point at travel with it
(copied from the other desk, or as `blob` lines in an events file). Events
are known by their id (uuid): merging a desk twice, or a desk that already
holds some of the same events, applies each once.

Appends and values
------------------
Notes, links, check history, evidence and items are appended work: they are
applied as they are, through the same apply table as `desk verify --replay`
(`desk.replay.apply.APPLY`), so they always merge. A value (triage, verdict,
a checklist step's state and note, a recap entry's headline, body, date or
confidence, and each tag's being on an item) is taken out of the event
(`desk.merge.pieces`) and decided as a multi-value register:

- each desk knows, per value, its *frontier*: the events that set it and
  that no later event had seen (one event when the value is settled);
- an event carries `base`, the frontier of its own desk just before it (an
  event written on a desk saw that desk's frontier; a merged one keeps the
  base it came with);
- merging event E into a value: frontier := (frontier - base(E)) + {E}.
  One member: E saw everything this desk did; the value is E's. Several:
  the value was changed on both sides since their common point, a true
  conflict: it goes to `merge_conflicts` with every member (value, who,
  when), and the value shown is the latest member's by (time, event id).
  Members that agree are no conflict. A tag never conflicts: it is on when
  any member says on (a removal takes off only the additions it had seen),
  so tags always merge.

Both rules are order-free (a set union that forgets what a later event had
seen; a maximum), so two laptops merged in either order, any number of
times, give the same values and the same open conflicts. `desk conflicts
resolve` writes a `conflict.resolve` event whose base is the whole
frontier: merged anywhere, it settles the value there too. The merge
records the values it decided with each merged event, and `desk verify
--replay` applies a `merge` event with those decisions, through the same
`Merger.take`.

Known limits: other single values (a story's title and reference date, a
chosen template, recap sections, an entry's place, a recap entry's
deletion, a link's removal and its undo) are applied in the order they
arrive, so two desks that both changed one of them may differ until one
changes it again; the same link made on both sides (two uuids) is one link,
and a removal of the other uuid does not remove it; events written by a
desk older than issue 10 (no item rows) are refused by name.
"""

from __future__ import annotations

from desk.merge import kinds as _kinds  # noqa: F401 (adds the replay of merge kinds)
from desk.merge.core import Frontier, MergeError, Merger

OFFLINE_KINDS = frozenset({"merge", "conflict.resolve"})
"""The event kinds working offline writes (tested in tests/test_merge*.py, not by the
every-verb scripts of tests/test_undo.py and tests/test_replay.py)."""

__all__ = ["OFFLINE_KINDS", "Frontier", "MergeError", "Merger"]
