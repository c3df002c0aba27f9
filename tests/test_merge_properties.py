"""Merge properties (hypothesis): a server and two laptops, random work, merges in any order.

Every desk converges to the same state, keeps every appended record (tags
and notes), and every value changed on two desks to different values since
the checkout is in the conflict queue.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import Store
from db.errors import ConflictError
from db.slices import snapshot
from desk import verbs
from desk.errors import DeskError
from desk.merge.desks import checkout, merge_desk
from desk.replay import replay
from tests.offline_helpers import state

DESKS = ("server", "a", "b")
VERDICTS = ("false", "misleading", "unverifiable")
TRIAGE = ("kept", "flagged", "discarded")
STEPS = ("passed", "failed", "unclear")

action = st.one_of(
    st.tuples(st.just("tag"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from("xyz")),
    st.tuples(st.just("note"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from("pq")),
    st.tuples(
        st.just("verdict"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from(VERDICTS)
    ),
    st.tuples(
        st.just("triage"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from(TRIAGE)
    ),
    st.tuples(st.just("add"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from("mn")),
    st.tuples(st.just("untag"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from("xyz")),
    st.tuples(st.just("check"), st.sampled_from(DESKS), st.integers(1, 3), st.sampled_from(STEPS)),
    st.tuples(st.just("undo"), st.sampled_from(DESKS), st.integers(1, 3), st.just("")),
)
merges = st.lists(st.tuples(st.sampled_from(DESKS), st.sampled_from(DESKS)), max_size=4)


def _do(store: Store, who: str, act: tuple[str, str, int, str]) -> None:
    kind, _, item, word = act
    if kind == "tag":
        verbs.tag(store, who, [item], [f"+{word}"])
    elif kind == "untag":
        with contextlib.suppress(DeskError):  # not on the item here
            verbs.tag(store, who, [item], [f"-{word}"])
    elif kind == "note":
        verbs.annotate(store, who, item, f"{word} by {who}")
    elif kind == "verdict":
        verbs.set_verdict(store, who, [item], word, reason=None)
    elif kind == "triage":
        verbs.set_triage(store, who, [item], word)
    elif kind == "check":
        verbs.log_check(store, who, item, "provenance", word, evidence=[f"https://e/{who}"])
    elif kind == "undo":
        # nothing of theirs to undo, or a colleague changed it since: fine
        with contextlib.suppress(DeskError, ConflictError):
            verbs.undo(store, who)
    else:
        verbs.add_item(store, who, text=f"post {word}")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(work=st.lists(action, max_size=10), middle=merges)
def test_any_merge_order_converges_keeps_appends_and_queues_conflicts(
    work: list[tuple[str, str, int, str]], middle: list[tuple[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: Path(tmp) / f"{name}.desk" for name in DESKS}
        with Store(paths["server"], create=True) as s:
            for n in (1, 2, 3):
                verbs.add_item(s, "ed", text=f"seed {n}")
            for name in ("a", "b"):
                checkout(s, paths[name], story=None, force=False)
        stores = {name: Store(path) for name, path in paths.items()}
        tags: set[tuple[int, str]] = set()
        notes: set[str] = set()
        undone = False
        changed: dict[tuple[int, str], dict[str, str]] = {}
        try:
            for act in work:
                _do(stores[act[1]], act[1], act)
                if act[0] == "tag":
                    tags.add((act[2], act[3]))
                elif act[0] == "untag":
                    tags.discard((act[2], act[3]))
                elif act[0] == "note":
                    notes.add(f"{act[3]} by {act[1]}")
                elif act[0] in ("verdict", "triage"):
                    changed.setdefault((act[2], act[0]), {})[act[1]] = act[3]
                elif act[0] == "undo":
                    undone = True
            for into, source in middle:
                if into != source:
                    merge_desk(stores[into], paths[source], "ed")
            # then everyone merges everyone (the server first takes both laptops)
            for into in DESKS:
                for source in DESKS:
                    if into != source:
                        merge_desk(stores[into], paths[source], "ed")
        finally:
            for store in stores.values():
                store.close()
        for name in DESKS:  # each merged desk replays to itself (`desk verify --replay`)
            with Store(paths[name]) as store, snapshot(store.conn, store.lock):
                report = replay(store.conn)
            assert report.ok and not report.failures, [d.line() for d in report.differences]
        states = [state(paths[name]) for name in DESKS]
        assert states[0] == states[1] == states[2]
        final = states[0]
        if not undone:  # an undo takes a tag off or retracts a note, on purpose
            for item, tag in tags:
                assert tag in final["items"][f"manual|seed {item}"][3]
        kept = {n[1] for v in final["items"].values() for n in v[4]}
        assert notes <= kept  # retracted notes stay in the desk
        queued = {(c[0], c[1]) for c in final["conflicts"]}
        for (item, field), sides in changed.items():
            # a value set on two desks to different last values, before they ever
            # exchanged, is a true conflict; the middle merges may have settled
            # nothing (nobody resolves), so it is still queued
            if not middle and not undone and len(set(sides.values())) > 1:
                assert (f"manual|seed {item}", field) in queued
