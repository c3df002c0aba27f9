"""The importers take the actor through the same rule as every verb."""

from __future__ import annotations

import pytest

from db import Store
from desk.errors import BadInputError
from desk.ingest.pipeline import ingest_bytes


@pytest.mark.parametrize("actor", ["", "   ", "bob\nmallory", "\x1b]0;X\x07", "a" * 65])
def test_a_bad_actor_is_refused_before_anything_is_written(store: Store, actor: str) -> None:
    before = store.events()
    with pytest.raises(BadInputError):
        ingest_bytes(store, b"A post typed in by hand.", "typed", actor=actor)
    assert store.events() == before
    assert store.counts(None).total == 0


def test_the_actor_is_recorded_clean(store: Store) -> None:
    report = ingest_bytes(store, b"A post typed in by hand.", "typed", actor="  alice ")
    assert report.error is None and report.new == 1
    assert [e.actor for e in store.events()] == ["alice"]
