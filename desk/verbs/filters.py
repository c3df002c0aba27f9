"""Saved filters: a filter kept under a name for the whole desk."""

from __future__ import annotations

from db import Store
from desk.text import clean_line
from desk.vocab import normalise_tag


def save_filter(store: Store, actor: str, name: str, expr: str) -> None:
    """Keep a filter under a name so anyone on the desk can recall it."""
    name_clean = normalise_tag(name)
    with store.transaction() as w:
        w.save_filter(name_clean, clean_line(expr), actor)
        w.append_event(
            actor=actor, kind="filter.save", target=f"filter:{name_clean}", payload={"expr": expr}
        )
