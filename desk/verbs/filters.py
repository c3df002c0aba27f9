"""Saved filters: a filter kept under a name for the whole desk."""

from __future__ import annotations

from db import Store
from db.store import BUILTIN_FILTERS
from desk.errors import BadInputError
from desk.text import clean_line
from desk.verbs.payloads import FilterSavePayload
from desk.verbs.undo import not_undoable
from desk.vocab import normalise_actor, normalise_tag

not_undoable("filter.save", "save the filter again to change it")


def save_filter(store: Store, actor: str, name: str, expr: str) -> None:
    """Keep a filter under a name so anyone on the desk can recall it."""
    actor = normalise_actor(actor)
    name_clean = normalise_tag(name)
    if name_clean in dict(BUILTIN_FILTERS):
        raise BadInputError(
            f"{name_clean!r} is a built-in filter of every desk: choose another name"
        )
    with store.transaction() as w:
        w.save_filter(name_clean, clean_line(expr), actor)
        payload: FilterSavePayload = {"expr": expr}
        w.append_event(
            actor=actor, kind="filter.save", target=f"filter:{name_clean}", payload=payload
        )
