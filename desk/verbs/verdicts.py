"""The desk's verdicts in its settings: add one, rename one, drop an added one; and the undos.

A desk's verdicts are desk state like its recap template: every change is
an event (`verdict.define`, `verdict.remove`, target `verdicts:<name>`)
with its undo, and a replay or a merge applies it like any other. What
each verdict *means* to the desk's rules (`desk.verdicts`) is fixed when it
is added (`like`), so a rename never changes which items may be published.

Refused, each in one line: a name, label, letter or key another verdict
already has; a built-in verdict's name (a rename changes its label);
dropping a built-in one or one that items still carry (naming how many);
more than `MAX_VERDICTS`.
"""

from __future__ import annotations

from typing import cast

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event, VerdictRow
from desk.errors import BadInputError
from desk.verbs.payloads import (
    VerdictDefinePayload,
    VerdictFields,
    VerdictRemovePayload,
    VerdictUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.verdicts import (
    MAX_VERDICTS,
    VerdictDef,
    VerdictScheme,
    first_free,
    normalise_label,
    normalise_letter,
    normalise_meaning,
    scheme_from,
)
from desk.vocab import normalise_actor

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_KEYS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _fields(row: VerdictRow) -> VerdictFields:
    return {
        "name": row.name,
        "label": row.label,
        "letter": row.letter,
        "key": row.key,
        "meaning": row.meaning,
        "position": row.position,
    }


def _row(fields: VerdictFields) -> VerdictRow:
    return VerdictRow(
        fields["name"],
        fields["label"],
        fields["letter"],
        fields["key"],
        fields["meaning"],
        int(fields["position"]),
    )


def _def(row: VerdictRow) -> VerdictDef:
    (found,) = scheme_from([row]).verdicts
    return found


def _scheme(w: Writer) -> tuple[VerdictScheme, tuple[VerdictRow, ...]]:
    rows = w.verdicts()
    return scheme_from(rows), rows


def _target(name: str) -> str:
    return f"verdicts:{name}"


def _pick(given: str | None, what: str, candidates: str, taken: list[str]) -> str:
    if given is not None:
        return normalise_letter(given, what)
    found = first_free(candidates, taken)
    if found is None:
        raise BadInputError(f"no free {what} for the verdict: give one (--{what})")
    return found


def add_verdict(
    store: Store,
    actor: str,
    name: str,
    like: str,
    *,
    label: str | None = None,
    letter: str | None = None,
    key: str | None = None,
) -> VerdictDef:
    """Add a verdict to the desk, following the rules of the built-in one it is `like`.

    Its letter (the list's column) and key (the chooser) default to the
    first of its own letters that no other verdict uses.
    """
    actor = normalise_actor(actor)
    clean = normalise_label(name)
    meaning = normalise_meaning(like)
    shown = normalise_label(label, "label") if label is not None else clean
    with store.transaction() as w:
        scheme, rows = _scheme(w)
        if scheme.get(clean) is not None or clean in (v.label for v in scheme.verdicts):
            raise BadInputError(f"the desk has a verdict {clean!r} already")
        if len(rows) >= MAX_VERDICTS:
            raise BadInputError(f"a desk holds at most {MAX_VERDICTS} verdicts")
        letters = "".join(ch.upper() for ch in clean if ch.isalnum()) + _LETTERS
        keys = "".join(ch for ch in clean if ch.isalnum()) + _KEYS
        row = VerdictRow(
            name=clean,
            label=shown,
            letter=_pick(letter, "letter", letters, [v.letter for v in scheme.verdicts]),
            key=_pick(key, "key", keys, [v.key for v in scheme.verdicts]),
            meaning=meaning,
            position=max((r.position for r in rows), default=-1) + 1,
        )
        _refuse_clash(scheme, row)
        w.put_verdict(row)
        payload: VerdictDefinePayload = {"from": None, "to": _fields(row)}
        w.append_event(actor=actor, kind="verdict.define", target=_target(clean), payload=payload)
    return _def(row)


def rename_verdict(
    store: Store,
    actor: str,
    verdict: str,
    label: str | None = None,
    *,
    letter: str | None = None,
    key: str | None = None,
) -> VerdictDef:
    """Give a verdict (named by its name or its label) a new label, letter or key.

    The stored name never changes: every item, event and saved filter
    keeps meaning the same verdict. The same words again write no event.
    """
    actor = normalise_actor(actor)
    if label is None and letter is None and key is None:
        raise BadInputError("give the new label, or --letter or --key")
    with store.transaction() as w:
        scheme, rows = _scheme(w)
        name = scheme.resolve(verdict)
        (before,) = (r for r in rows if r.name == name)
        after = VerdictRow(
            name=name,
            label=normalise_label(label, "label") if label is not None else before.label,
            letter=normalise_letter(letter, "letter") if letter is not None else before.letter,
            key=normalise_letter(key, "key") if key is not None else before.key,
            meaning=before.meaning,
            position=before.position,
        )
        if after == before:
            return _def(before)
        _refuse_clash(scheme, after)
        w.put_verdict(after)
        payload: VerdictDefinePayload = {"from": _fields(before), "to": _fields(after)}
        w.append_event(actor=actor, kind="verdict.define", target=_target(name), payload=payload)
    return _def(after)


def remove_verdict(store: Store, actor: str, verdict: str) -> VerdictDef:
    """Drop an added verdict that no item carries (set those items' verdicts first)."""
    actor = normalise_actor(actor)
    with store.transaction() as w:
        scheme, rows = _scheme(w)
        name = scheme.resolve(verdict)
        (row,) = (r for r in rows if r.name == name)
        found = _def(row)
        if found.builtin:
            raise BadInputError(
                f"{found.label!r} is one of the six built-in verdicts: rename it instead"
            )
        used = w.verdict_use(name)
        if used:
            raise BadInputError(
                f"{used} item{' carries' if used == 1 else 's carry'} the verdict"
                f" {found.label!r}:"
                f" give them another verdict first (filter verdict:{name.replace(' ', '-')})"
            )
        w.delete_verdict(name)
        payload: VerdictRemovePayload = {"from": _fields(row)}
        w.append_event(actor=actor, kind="verdict.remove", target=_target(name), payload=payload)
    return found


def _refuse_clash(scheme: VerdictScheme, row: VerdictRow) -> None:
    why = scheme.clash(row.name, label=row.label, letter=row.letter, key=row.key)
    if why:
        raise BadInputError(why)


@inverse_of("verdict.define")
def _undo_define(w: Writer, original: Event) -> Undone:
    """Put the verdict back as it was (an added one is dropped again), unless changed since."""
    p = cast(VerdictDefinePayload, original.payload)
    name = p["to"]["name"]
    now = {r.name: r for r in w.verdicts()}.get(name)
    if now is None or now != _row(p["to"]):
        raise ConflictError(f"the verdict {name!r} was changed again since: see desk verdicts")
    before = p["from"]
    if before is None:
        used = w.verdict_use(name)
        if used:
            raise ConflictError(
                f"{used} item{' carries' if used == 1 else 's carry'} the verdict"
                f" {now.label!r} now:"
                " undoing its addition would leave them with a word the desk does not know"
            )
        w.delete_verdict(name)
    else:
        scheme = scheme_from(w.verdicts())
        why = scheme.clash(name, label=before["label"], letter=before["letter"], key=before["key"])
        if why:
            raise ConflictError(f"cannot put the verdict {name!r} back: {why}")
        w.put_verdict(_row(before))
    inverse: VerdictUndone = {"name": name, "verdict": before}
    return Undone(inverse)


@inverse_of("verdict.remove")
def _undo_remove(w: Writer, original: Event) -> Undone:
    """Bring a dropped verdict back, unless its words were given to another since."""
    p = cast(VerdictRemovePayload, original.payload)
    row = _row(p["from"])
    scheme = scheme_from(w.verdicts())
    if scheme.get(row.name) is not None:
        raise ConflictError(f"the desk has a verdict {row.name!r} again: see desk verdicts")
    why = scheme.clash(row.name, label=row.label, letter=row.letter, key=row.key)
    if why:
        raise ConflictError(f"cannot bring the verdict {row.name!r} back: {why}")
    w.put_verdict(row)
    inverse: VerdictUndone = {"name": row.name, "verdict": p["from"]}
    return Undone(inverse)
