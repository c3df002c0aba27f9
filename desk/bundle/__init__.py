"""`desk bundle`: an item or a story packed as a BagIt bag, and the check of one.

A bundle is what leaves the desk when someone outside it (a lawyer, an
archive, a partner newsroom) must be able to check what the desk collected
and what it did with it. It is a BagIt bag (RFC 8493, made and validated
by the `bagit` package) holding, under `data/`:

- `raw/<sha256>`: the raw captures of the items, byte for byte as the desk
  keeps them, named by their sha256;
- `evidence/<sha256>`: the evidence files of their checklist steps (none
  yet: see `evidence_files`, where they join the bag once the desk keeps
  them by hash);
- `items/<id>.json`: a record of each item as the desk has it now: its
  fields, tags, links, verdict, notes (retracted ones too, marked), its
  checklist steps with their notes and evidence, where its raw capture is,
  and the sequence numbers of the events in the slice that concern it;
- `story.json` (a story's bundle): the story, its live recap and the ids of
  its deleted recap entries;
- `events.jsonl`: the slice of the event log that concerns them (see
  `db.slices.event_slice`), one event a line, each with its hash and the
  hash before it, its payload as the exact text that was hashed.

`bag-info.txt` names the desk (its file name), its chain head when the
bundle was read (`Desk-Chain-Head: SEQ:HASH`, which `desk verify --head`
takes as it is, and the head's time), who made the bundle and when. The
manifests are sha256 (payload and tag files), so a changed byte anywhere
fails the bag's own validation, by `bagit.py --validate` as by `check`.

The desk is only read, in one snapshot, so the head, the records and the
slice describe one state. The bag is built in a hidden folder beside the
target and renamed into place at the end: a failed bundle leaves nothing
half-written, and an existing non-empty folder is never written into.

Every file is written as the desk holds it (nothing cleaned away); JSON is
written with the characters a terminal could act on (C1 controls, bidi
overrides, lone surrogates) as `\\uXXXX` escapes, so `cat` on a record
cannot drive a terminal and any JSON reader gets the exact text back.
"""

from desk.bundle.check import CheckReport, check_bundle
from desk.bundle.common import (
    EVENTS_FILE,
    EVIDENCE_DIR,
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
    parse_head,
)
from desk.bundle.make import BundleSummary, Target, evidence_files, make_bundle, resolve_target

__all__ = [
    "EVENTS_FILE",
    "EVIDENCE_DIR",
    "INFO_AT",
    "INFO_BY",
    "INFO_DESK",
    "INFO_HEAD",
    "INFO_HEAD_AT",
    "INFO_HEAD_HASH",
    "INFO_HEAD_SEQ",
    "INFO_TARGET",
    "ITEMS_DIR",
    "RAW_DIR",
    "STORY_FILE",
    "BundleSummary",
    "CheckReport",
    "Target",
    "check_bundle",
    "evidence_files",
    "make_bundle",
    "parse_head",
    "resolve_target",
]
