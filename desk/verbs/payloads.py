"""Every event kind the desk writes, and the shape of its payload: one table.

The payload is what the hash chain covers and what an offline verifier or
a merge carries to another desk, so its JSON is a contract: the same
action must write the same bytes today and in five years. The types here
are `TypedDict`s rather than frozen dataclasses with `to_json`/`from_json`
on purpose:

- A `TypedDict` *is* the dict that `canonical_json` writes, so there is
  no second spelling of the payload that could drift from the first: no
  converter to forget a key, turn `None` into a missing key, or rename a
  field and silently change every hash after it. `tests/test_event_bytes.py`
  pins the bytes; this module pins the keys for mypy.
- Old desks hold payloads written before some keys existed (`created_by`
  on `link.remove`, `reason_from` on `item.verdict`); `NotRequired` says so
  in the type, and the inverse that reads the payload must handle it,
  where a dataclass would have to invent a default.
- Reading costs nothing (a `cast` of the decoded dict), which matters to
  the ingest path and to `verify` on a desk of a million events.

What a `TypedDict` does not give is a runtime check of a payload read
back: the log is hash-verified and written by these verbs, so the verbs
trust it; a merge of another desk's events must validate them on arrival
(`required_keys` below is the start of that, and the test uses it).

Keys named `from` are not Python identifiers, hence the functional
`TypedDict(...)` syntax for the change records.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, get_args

EventKind = Literal[
    "item.add",
    "item.tag",
    "item.triage",
    "item.verdict",
    "item.improve",
    "link.add",
    "link.remove",
    "note.add",
    "check.log",
    "evidence.add",
    "template.add",
    "item.template",
    "story.template",
    "story.add",
    "story.edit",
    "recap.add",
    "recap.edit",
    "recap.delete",
    "recap.move",
    "recap.unpin",
    "recap.sections",
    "recap.section.rename",
    "verdict.define",
    "verdict.remove",
    "filter.save",
    "ingest",
    "undo",
    "undo.refused",
    "merge",
    "conflict.resolve",
]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)


# -- items ----------------------------------------------------------------------


ItemAddPayload = TypedDict(  # noqa: UP013 (NotRequired: see StoryAddPayload)
    "ItemAddPayload",
    {
        "item": int,
        "platform": str,
        "url": str | None,
        "raw_sha256": str | None,
        # Since `desk verify --replay` (issue 10): the new row, every column that is not
        # derived (`db.writer.ITEM_LOG_COLUMNS`), uuid included. Absent from older logs.
        "row": NotRequired[dict[str, Any]],
    },
)
"""`item.add`: an item typed in by hand, and (newer logs) its whole row."""


class TagChange(TypedDict):
    """What one tag action did to one item; only tags that really changed."""

    added: list[str]
    removed: list[str]


class ItemTagPayload(TypedDict):
    """`item.tag`: changes and the version each item had before, by item id (as text)."""

    changes: dict[str, TagChange]
    versions: dict[str, int]


FieldChange = TypedDict(
    "FieldChange",
    {
        "from": str,
        "to": str,
        # Verdict events only (the reason travels with the verdict); absent
        # from triage events, and `reason_from` from some early verdicts.
        "reason_from": NotRequired[str | None],
        "reason_to": NotRequired[str | None],
    },
)
"""One item's triage or verdict before and after."""


FieldChangePayload = TypedDict(  # noqa: UP013 (functional form for NotRequired, see below)
    "FieldChangePayload",
    {
        "changes": dict[str, FieldChange],
        "versions": dict[str, int],
        # `item.verdict` to `verified` past the checklist gate: the reason given for it.
        "override": NotRequired[str],
    },
)
"""`item.triage` and `item.verdict`: changes and prior versions, by item id (as text)."""


class ItemImprovePayload(TypedDict):
    """`item.improve`: a fuller copy of a known post (written by `desk.ingest.pipeline`).

    `copies`: the `item_copies` rows this event kept (item, raw_sha256, source_file,
    source_format, source_record, ingested_at, fields); the item's first copy is among
    them on its first improvement. `changes`: column -> `{"from", "to"}`
    (`db.writer.COPY_COLUMNS`; the posted time's three columns travel together).
    """

    item: int
    copies: list[dict[str, Any]]
    changes: dict[str, dict[str, Any]]


# -- links ----------------------------------------------------------------------


class LinkFields(TypedDict):
    """A link as events record it: enough to make it again with the same uuid."""

    uuid: str
    src: int
    relation: str
    dst_item: int | None
    dst_entry: int | None


class LinkAddPayload(TypedDict):
    """`link.add`."""

    link: LinkFields


class LinkRemovePayload(TypedDict):
    """`link.remove`: the link as it was, and who made it (absent on early desks)."""

    link: LinkFields
    created_by: NotRequired[str]


# -- notes and checks -----------------------------------------------------------


class NoteAddPayload(TypedDict):
    """`note.add`: on an item or (item None) on a recap entry."""

    note: str
    item: int | None
    entry: int | None
    text: str


CheckStep = TypedDict(  # noqa: UP013
    "CheckStep",
    {
        "status": str,
        "note": str | None,
        # Early desks kept a step's whole evidence list here, replaced on every log;
        # evidence now accumulates in its own table and travels as `EvidenceFields`.
        "evidence": NotRequired[list[str]],
    },
)
"""One checklist step's state and note."""


class EvidenceFields(TypedDict):
    """One piece of evidence as events record it (a file's bytes are in the desk by sha256)."""

    uuid: str
    kind: str
    value: str
    sha256: str | None
    size: int | None
    media_type: str | None


AutoVerdict = TypedDict("AutoVerdict", {"from": str, "to": str})
"""The verdict a first check moved (`unverified` -> `in progress`), in the same event."""

CheckLogPayload = TypedDict(  # noqa: UP013
    "CheckLogPayload",
    {
        "item": int,
        "pillar": str,  # the step's id (the key predates templates other than the five pillars)
        "before": CheckStep | None,
        "after": CheckStep,
        "template": NotRequired[str],
        "evidence": NotRequired[list[EvidenceFields]],
        "verdict": NotRequired[AutoVerdict],
    },
)
"""`check.log`: the step before (None if never set) and after, the evidence it added, and
the verdict it moved to `in progress` when it was the item's first check."""


class EvidenceAddPayload(TypedDict):
    """`evidence.add`: one file (or URL, or note) added to a step, its state unchanged."""

    item: int
    pillar: str
    state: str
    evidence: EvidenceFields


class TemplateAddPayload(TypedDict):
    """`template.add`: a desk's own checklist template, as the TOML text it is stored as."""

    name: str
    title: str
    steps: int
    toml: str


ItemTemplatePayload = TypedDict(
    "ItemTemplatePayload", {"item": int, "from": str | None, "to": str, "base": str | None}
)
"""`item.template`: an item's checklist switched (`from` None: it followed its story or the
default, which `base` names); its logged steps are kept."""

StoryTemplatePayload = TypedDict(
    "StoryTemplatePayload", {"story": int, "slug": str, "from": str | None, "to": str}
)
"""`story.template`: the template a story's items use (those with none of their own)."""


# -- stories, recap, filters, ingest --------------------------------------------


StoryAddPayload = TypedDict(  # noqa: UP013 (see the comment below)
    "StoryAddPayload",
    # Functional form: `NotRequired` in a class body is a string here (postponed
    # annotations), which Python 3.11 counts as a required key.
    {"slug": str, "title": str, "reference_date": NotRequired[str]},
)
"""`story.add`; `reference_date` only when one was given (else: the event's day, UTC)."""


class StoryFields(TypedDict):
    """A story's editable fields, before or after an edit."""

    title: str
    reference_date: str


StoryEditPayload = TypedDict(
    "StoryEditPayload",
    {
        "story": int,
        "slug": str,
        "from": StoryFields,
        "to": StoryFields,
        # Entries whose date reading changed with the reference date (re-read, not stored:
        # reading is deterministic, so a replay re-reads them the same way).
        "reread": list[int],
    },
)
"""`story.edit`: title and reference date before and after."""


class DateReadingFields(TypedDict):
    """What an entry's date was read as when the event was written.

    Recorded, not re-derived on replay: a replay on another machine (another
    `dateparser`, a later grammar) must give the same interval. `readable`
    False: kept as text, no interval (every other field None). The order key
    (`sort_start`/`sort_width`) follows from `date_start`/`date_end`.
    """

    date_start: str | None
    date_end: str | None
    precision: str | None
    edtf: str | None
    readable: bool


RecapAddPayload = TypedDict(  # noqa: UP013 (NotRequired: see StoryAddPayload)
    "RecapAddPayload",
    {
        "story": int,
        "section": str,
        "headline": str,
        # Since issue 9's third part: the rest of the new row, so a replay makes the same
        # entry (its uuid, its creation time) without the reader. Absent from older logs.
        "uuid": NotRequired[str],
        "created_at": NotRequired[str],
        "date_text": NotRequired[str | None],
        "body": NotRequired[str],
        "confidence": NotRequired[str],
        # The date's reading (None when the entry has no date), as `DateReadingFields`.
        "date_start": NotRequired[str | None],
        "date_end": NotRequired[str | None],
        "precision": NotRequired[str | None],
        "edtf": NotRequired[str | None],
        "readable": NotRequired[bool],
    },
)
"""`recap.add`: the story, section and headline (the first recap editor's three keys), then
the entry's uuid, creation time, date as written with its reading, body and confidence."""


RecapEditPayload = TypedDict(
    "RecapEditPayload",
    {
        "entry": int,
        "from": dict[str, str | None],
        "to": dict[str, str | None],
        # With a new `date_text` only: what it was read as (absent from older logs).
        "reading": NotRequired[DateReadingFields],
    },
)
"""`recap.edit`: the content fields that changed (date_text, headline, body, confidence)."""


class RecapDeletePayload(TypedDict):
    """`recap.delete`: the entry hidden (never deleted from the file)."""

    entry: int
    story: int
    deleted_at: str


class Placement(TypedDict):
    """Where an entry sits: its section, and its slot when pinned."""

    section: str
    position: int
    pinned: bool


EntryMove = TypedDict("EntryMove", {"entry": int, "from": Placement, "to": Placement})
"""One entry's placement before and after a move."""


class RecapMovePayload(TypedDict):
    """`recap.move` and `recap.unpin`: the moved entry and every placement changed
    (a pinned neighbour swapped with it is the second)."""

    entry: int
    moves: list[EntryMove]


RecapSectionsPayload = TypedDict("RecapSectionsPayload", {"from": list[str], "to": list[str]})
"""`recap.sections`: the desk's recap template before and after (names, in order)."""


RecapRenamePayload = TypedDict(
    "RecapRenamePayload",
    {"from": str, "to": str, "entries": list[int]},
)
"""`recap.section.rename`: a section renamed in place, and every entry filed under the old
name (deleted ones too), now under the new one."""


class VerdictFields(TypedDict):
    """One verdict of the desk's settings, as a `verdicts` row holds it."""

    name: str
    label: str
    letter: str
    key: str
    meaning: str
    position: int


VerdictDefinePayload = TypedDict(
    "VerdictDefinePayload", {"from": VerdictFields | None, "to": VerdictFields}
)
"""`verdict.define`: a verdict added (`from` is None) or renamed / given new letters."""


VerdictRemovePayload = TypedDict("VerdictRemovePayload", {"from": VerdictFields})
"""`verdict.remove`: an added verdict no item carried, dropped from the settings."""


class FilterSavePayload(TypedDict):
    """`filter.save` (the filter's name is the event's target)."""

    expr: str


IngestPayload = TypedDict(  # noqa: UP013 (NotRequired: see StoryAddPayload)
    "IngestPayload",
    {
        "file": str,
        "sha256": str | None,
        "format": str,
        "batch": int,
        "new": int,
        "duplicates": int,
        "links": int,
        "rejected": int,
        "reasons": list[str],
        "first_id": int | None,
        "last_id": int | None,
        "raw": list[list[object]],  # [item id, raw sha256] per new item
        "story": int | None,
        "tags": list[str],
        # Since `desk verify --replay` (issue 10), absent from older logs: each new item's
        # row (`db.writer.ITEM_LOG_COLUMNS`), the links the batch made (with their uuids)
        # and the links it left pending ([src, relation, platform, platform id, url]).
        "items": NotRequired[list[dict[str, Any]]],
        "made_links": NotRequired[list[LinkFields]],
        "pending": NotRequired[list[list[object]]],
        # Since issue 12 (migration 0011), only when there are some: copies of known posts
        # that changed nothing (`item_copies` rows, as `item.improve` carries them).
        "copies": NotRequired[list[dict[str, Any]]],
    },
)
"""`ingest`: one committed batch of a file (written by `desk.ingest.pipeline`)."""


# -- undo -----------------------------------------------------------------------


class TagUndone(TypedDict):
    """The inverse of `item.tag`: the changes that were reversed."""

    changes: dict[str, TagChange]


class FieldUndone(TypedDict):
    """The inverse of `item.triage` / `item.verdict`: the changes that were reversed."""

    changes: dict[str, FieldChange]


class LinkUndone(TypedDict):
    """The inverse of `link.add` (removed) or `link.remove` (made again)."""

    link: LinkFields


class NoteUndone(TypedDict):
    """The inverse of `note.add`: the note retracted (never deleted)."""

    note: str


CheckUndone = TypedDict(  # noqa: UP013
    "CheckUndone",
    {
        "item": int,
        "pillar": str,
        "restored": CheckStep,
        "retracted": NotRequired[list[str]],
        "verdict": NotRequired[AutoVerdict],
    },
)
"""The inverse of `check.log`: the step state put back, its evidence hidden (kept), the
verdict put back when the check had moved it and nobody changed it since."""


class EvidenceUndone(TypedDict):
    """The inverse of `evidence.add`: the evidence hidden (its row and bytes stay)."""

    item: int
    pillar: str
    retracted: list[str]


class TemplateAddUndone(TypedDict):
    """The inverse of `template.add`: the template removed (no story or item used it)."""

    name: str


class TemplateUseUndone(TypedDict):
    target: str
    restored: str | None


"""The inverse of `item.template` / `story.template`: the template picked before, back."""


class ItemImproveUndone(TypedDict):
    """The inverse of `item.improve`: the values put back, held from then on."""

    item: int
    restored: dict[str, Any]


class ItemAddUndone(TypedDict):
    """The inverse of `item.add`: the item discarded (hidden, never deleted)."""

    item: int
    triage_from: str


class EntryUndone(TypedDict):
    """The inverse of `recap.add` (entry hidden) or `recap.delete` (entry shown again)."""

    entry: int


class StoryEditUndone(TypedDict):
    """The inverse of `story.edit`: the fields put back, the entries read again."""

    story: int
    restored: StoryFields
    reread: list[int]


RecapEditUndone = TypedDict(  # noqa: UP013 (NotRequired: see StoryAddPayload)
    "RecapEditUndone",
    {
        "entry": int,
        "restored": dict[str, str | None],
        # With a `date_text` put back: what it was read as now (absent from older logs).
        "reading": NotRequired[DateReadingFields],
    },
)
"""The inverse of `recap.edit`: the fields put back."""


class RecapMoveUndone(TypedDict):
    """The inverse of `recap.move` / `recap.unpin`: the placements put back."""

    moves: list[EntryMove]


class RecapSectionsUndone(TypedDict):
    """The inverse of `recap.sections`: the template put back."""

    sections: list[str]


RecapRenameUndone = TypedDict(
    "RecapRenameUndone",
    {"from": str, "to": str, "entries": list[int]},
)
"""The inverse of `recap.section.rename`: the section renamed back, with the entries moved."""


class VerdictUndone(TypedDict):
    """The inverse of `verdict.define` / `verdict.remove`: the verdict as it is put back
    (`verdict` None: an added one, dropped again)."""

    name: str
    verdict: VerdictFields | None


InversePayload = (
    TagUndone
    | FieldUndone
    | LinkUndone
    | NoteUndone
    | CheckUndone
    | EvidenceUndone
    | TemplateAddUndone
    | TemplateUseUndone
    | ItemAddUndone
    | ItemImproveUndone
    | EntryUndone
    | StoryEditUndone
    | RecapEditUndone
    | RecapMoveUndone
    | RecapSectionsUndone
    | RecapRenameUndone
    | VerdictUndone
)


class UndoPayload(TypedDict):
    """`undo`: which event was undone, what was reversed, what was left alone and why."""

    undoes: str
    undoes_seq: int
    undoes_kind: str
    inverse: InversePayload
    skipped: list[str]


class RefusalPayload(TypedDict):
    """`undo.refused`: an undo that could not reverse the event (a colleague changed the same
    thing since, or its kind has no undo), and why; the next undo walks past the event."""

    undoes: str
    undoes_seq: int
    undoes_kind: str
    refused: str


# -- working offline (desk/merge) ----------------------------------------------


class MergeHead(TypedDict):
    """The source desk's chain head when it was merged."""

    seq: int
    hash: str


class MergePayload(TypedDict):
    """`merge`: another desk's events taken in (kept in `imported_events`, see `desk.merge`).

    `digest` is sha256 over the merged events' `id hash` lines in order, so the
    local chain commits to them; `raw` the items that arrived (`[id, raw sha256]`).
    """

    source: str
    source_head: MergeHead
    count: int
    first: str
    last: str
    digest: str
    raw: list[list[object]]
    conflicts: int


ConflictResolvePayload = TypedDict(
    "ConflictResolvePayload",
    {
        "conflict": int,
        "item": NotRequired[int],
        "entry": NotRequired[int],
        "field": str,
        "from": Any,
        "to": Any,
        "candidates": list[str],
    },
)
"""`conflict.resolve`: a value changed on both sides set to one, the candidates' event ids."""

ConflictResolveUndone = TypedDict(  # noqa: UP013
    "ConflictResolveUndone",
    {
        "conflict": int,
        "item": NotRequired[int],
        "entry": NotRequired[int],
        "field": str,
        "restored": Any,
    },
)
"""The value put back and the conflict reopened."""


EVENT_PAYLOADS: dict[str, Any] = {
    "item.add": ItemAddPayload,
    "item.tag": ItemTagPayload,
    "item.triage": FieldChangePayload,
    "item.verdict": FieldChangePayload,
    "item.improve": ItemImprovePayload,
    "link.add": LinkAddPayload,
    "link.remove": LinkRemovePayload,
    "note.add": NoteAddPayload,
    "check.log": CheckLogPayload,
    "evidence.add": EvidenceAddPayload,
    "template.add": TemplateAddPayload,
    "item.template": ItemTemplatePayload,
    "story.template": StoryTemplatePayload,
    "story.add": StoryAddPayload,
    "story.edit": StoryEditPayload,
    "recap.add": RecapAddPayload,
    "recap.edit": RecapEditPayload,
    "recap.delete": RecapDeletePayload,
    "recap.move": RecapMovePayload,
    "recap.unpin": RecapMovePayload,
    "recap.sections": RecapSectionsPayload,
    "recap.section.rename": RecapRenamePayload,
    "verdict.define": VerdictDefinePayload,
    "verdict.remove": VerdictRemovePayload,
    "filter.save": FilterSavePayload,
    "ingest": IngestPayload,
    "undo": UndoPayload,
    "undo.refused": RefusalPayload,
    "merge": MergePayload,
    "conflict.resolve": ConflictResolvePayload,
}
"""Event kind -> its payload type (a `TypedDict` class); its keys are `EVENT_KINDS`."""


INVERSE_PAYLOADS: dict[str, Any] = {
    "item.add": ItemAddUndone,
    "item.tag": TagUndone,
    "item.triage": FieldUndone,
    "item.verdict": FieldUndone,
    "item.improve": ItemImproveUndone,
    "link.add": LinkUndone,
    "link.remove": LinkUndone,
    "note.add": NoteUndone,
    "check.log": CheckUndone,
    "evidence.add": EvidenceUndone,
    "template.add": TemplateAddUndone,
    "item.template": TemplateUseUndone,
    "story.template": TemplateUseUndone,
    "story.edit": StoryEditUndone,
    "recap.add": EntryUndone,
    "recap.edit": RecapEditUndone,
    "recap.delete": EntryUndone,
    "recap.move": RecapMoveUndone,
    "recap.unpin": RecapMoveUndone,
    "recap.sections": RecapSectionsUndone,
    "recap.section.rename": RecapRenameUndone,
    "verdict.define": VerdictUndone,
    "verdict.remove": VerdictUndone,
    "conflict.resolve": ConflictResolveUndone,
}
"""Undone event kind -> the type of the `inverse` in its `undo` event."""


def _keys(cls: Any) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(cls.__required_keys__), frozenset(cls.__optional_keys__)


def required_keys(kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """(required, optional) top-level keys of a kind's payload: a check for foreign events."""
    return _keys(EVENT_PAYLOADS[kind])


def inverse_keys(undone_kind: str) -> tuple[frozenset[str], frozenset[str]]:
    """(required, optional) keys of the `inverse` of an undo of `undone_kind`."""
    return _keys(INVERSE_PAYLOADS[undone_kind])
