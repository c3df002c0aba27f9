"""The recap template: the desk's sections, in order, and renaming one; and the undo of each.

Every desk starts with the six sections of the default template (migration
0004 seeds them); `set_recap_sections` makes any list of names the
template (new sections appear empty, so a pane can offer "add to ..." on
them), and `rename_recap_section` renames one in place and files its
entries under the new name in the same event. Names are spelled as
`desk.vocab.section_key` spells them and checked by
`desk.vocab.normalise_section_name`.

A section that still has live entries is never dropped from the template
by a `set`: the verb refuses, naming how many entries are filed there
(move them, or rename the section). A rename is its own verb, never
guessed from a `set` whose names differ: "timeline, latest" followed by
"timeline, updates" is a removal and an addition, refused while `latest`
has entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event
from desk.errors import BadInputError
from desk.verbs.payloads import (
    RecapRenamePayload,
    RecapRenameUndone,
    RecapSectionsPayload,
    RecapSectionsUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import MAX_SECTIONS, normalise_actor, normalise_section, normalise_section_name

SECTIONS_TARGET = "recap:sections"
"""The target of both events: the desk's template, not one story's recap."""


@dataclass(frozen=True, slots=True)
class SectionRename:
    """What a rename did: the template after it, and the entries filed under the new name."""

    sections: tuple[str, ...]
    entries: tuple[int, ...]


def _entries(n: int) -> str:
    return f"{n} live entr{'y' if n == 1 else 'ies'}"


def _names(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, str):  # one name given where a list was meant
        names = [names]
    if not names:
        raise BadInputError("give the recap's sections in order (at least one)")
    if len(names) > MAX_SECTIONS:
        raise BadInputError(
            f"{len(names)} sections given; a recap template holds at most {MAX_SECTIONS}"
        )
    clean: list[str] = []
    for raw in names:
        name = normalise_section_name(raw)
        if name in clean:
            raise BadInputError(
                f"the section {name!r} is given twice (names are compared in lower case,"
                " with - and _ as spaces)"
            )
        clean.append(name)
    return tuple(clean)


def _removable(w: Writer, removed: Iterable[str]) -> list[str]:
    """Why each of these sections cannot leave the template (empty: all can)."""
    counts = w.section_entry_counts()
    return [
        f"{name!r} has {_entries(counts[name])}"
        for name in sorted(removed)
        if counts.get(name, 0) > 0
    ]


def set_recap_sections(store: Store, actor: str, names: Sequence[str]) -> tuple[str, ...]:
    """Make `names` the desk's recap template, in that order; the template after.

    Names are cleaned and spelled as sections are (`Q&A`, `what-next` ->
    `q&a`, `what next`); an empty, duplicate, overlong or unprintable name
    is refused, as is dropping a section that still has live entries
    (naming how many). The same list again is no change and writes no event.
    """
    actor = normalise_actor(actor)
    clean = _names(names)
    with store.transaction() as w:
        before = w.recap_sections()
        if clean == before:
            return before
        blocked = _removable(w, set(before) - set(clean))
        if blocked:
            raise BadInputError(
                f"cannot remove a section that has entries: {'; '.join(blocked)}"
                " (move them to another section, or rename the section instead)"
            )
        w.set_recap_sections(clean)
        payload: RecapSectionsPayload = {"from": list(before), "to": list(clean)}
        w.append_event(actor=actor, kind="recap.sections", target=SECTIONS_TARGET, payload=payload)
    return clean


@inverse_of("recap.sections")
def _undo_sections(w: Writer, original: Event) -> Undone:
    """Put the template back, unless it was changed again since or that would orphan entries."""
    p = cast(RecapSectionsPayload, original.payload)
    if list(w.recap_sections()) != p["to"]:
        raise ConflictError(
            "the recap's sections were changed again since: set them by hand"
            " (desk recap sections set)"
        )
    blocked = _removable(w, set(p["to"]) - set(p["from"]))
    if blocked:
        raise ConflictError(
            f"undoing would remove a section that has entries now: {'; '.join(blocked)}"
        )
    w.set_recap_sections(p["from"])
    inverse: RecapSectionsUndone = {"sections": list(p["from"])}
    return Undone(inverse)


def rename_recap_section(store: Store, actor: str, old: str, new: str) -> SectionRename:
    """Rename one of the desk's sections in place; its entries (every story's) go with it.

    `old` must be in the template and `new` must not be (to merge two
    sections, move the entries). One event records the rename and every
    entry moved, deleted ones included, so undo renames it all back.
    """
    actor = normalise_actor(actor)
    new_clean = normalise_section_name(new)
    with store.transaction() as w:
        sections = w.recap_sections()
        old_clean = normalise_section(old, sections)
        if new_clean == old_clean:
            raise BadInputError(f"the section {old_clean!r} is called that already")
        if new_clean in sections:
            raise BadInputError(
                f"there is a section {new_clean!r} already: move the entries of {old_clean!r}"
                " there, then remove it"
            )
        moved = w.rename_recap_section(old_clean, new_clean)
        payload: RecapRenamePayload = {"from": old_clean, "to": new_clean, "entries": moved}
        w.append_event(
            actor=actor, kind="recap.section.rename", target=SECTIONS_TARGET, payload=payload
        )
        return SectionRename(w.recap_sections(), tuple(moved))


@inverse_of("recap.section.rename")
def _undo_rename(w: Writer, original: Event) -> Undone:
    """Rename the section back, with whatever is filed under it now."""
    p = cast(RecapRenamePayload, original.payload)
    sections = w.recap_sections()
    if p["to"] not in sections or p["from"] in sections:
        raise ConflictError(
            f"the recap's sections were changed since (no {p['to']!r} to rename back,"
            f" or a {p['from']!r} again)"
        )
    moved = w.rename_recap_section(p["to"], p["from"])
    inverse: RecapRenameUndone = {"from": p["to"], "to": p["from"], "entries": moved}
    return Undone(inverse)
