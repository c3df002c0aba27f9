"""The reads and writes behind the keys, as jobs: what each yields, seen without a screen.

The jobs of `desk/tui/loads.py` and `writes.py` are generators of typed
messages (`desk/tui/messages.py`); the list and the screen only route them.
So the data flow can be checked here, by running a job against the fixture
desk and reading what it yields, and in the app with `message_hook`.
"""

from __future__ import annotations

from db import Store
from db.models import ItemQuery
from desk import verbs
from desk.filter_expr import parse_filter
from desk.tui import loads, writes
from desk.tui.app import DeskApp
from desk.tui.feed import DeskList
from desk.tui.messages import Notice, RowsChanged, TagsRead, WindowLoaded, Written
from tests.tui.conftest import settle


def test_changes_read_only_new_events_and_leave_out_rows_just_discarded(store: Store) -> None:
    since = store.last_seq()
    verbs.set_triage(store, "bob", [39], "discarded")
    verbs.tag(store, "bob", [40], ["+later"])
    source = loads.ListSource(store, ItemQuery(), "posted", filtered=False)
    (changed,) = list(loads.changes(source, 1, since))
    assert isinstance(changed, RowsChanged)
    assert changed.touched == frozenset({39, 40}) and changed.seq == since + 2
    assert [row.id for row in changed.rows] == [40]  # 39 is discarded: it leaves the list
    shown = loads.ListSource(store, ItemQuery(show_discarded=True), "posted", filtered=False)
    (changed,) = list(loads.changes(shown, 1, since))
    assert [row.id for row in changed.rows] == [40, 39]
    (nothing,) = list(loads.changes(source, 1, since + 2))
    assert nothing.touched == frozenset() and nothing.seq == nothing.since == since + 2


def test_an_empty_filter_says_when_discarded_items_match(store: Store) -> None:
    only_discarded = loads.ListSource(store, parse_filter("id:34"), "posted", filtered=True)
    (loaded,) = list(loads.window(only_discarded, 1, None, None))
    assert isinstance(loaded, WindowLoaded) and not loaded.rows
    assert "S shows them" in loaded.empty_text
    nothing = loads.ListSource(store, parse_filter("zeppelin"), "posted", filtered=True)
    (loaded,) = list(loads.window(nothing, 1, None, None))
    assert loaded.empty_text == "No items match the filter."


def test_a_verb_job_says_what_it_did_then_asks_for_a_refresh(store: Store) -> None:
    out = list(writes.verb(store, "alice", "done.", verbs.tag, [40], ["+x"]))
    assert [type(m) for m in out] == [Notice, Written]
    assert out[0].text == "done." and "x" in store.tags_of(40)


async def test_results_travel_as_messages(app: DeskApp) -> None:
    seen: list[object] = []
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        first = [m for m in seen if isinstance(m, WindowLoaded)]
        assert first and len(first[0].rows) == 40
        assert any(isinstance(m, DeskList.Listed) and m.listed == "40" for m in seen)
        await pilot.press("t")
        await settle(pilot)
        assert any(isinstance(m, TagsRead) and tuple(m.ids) == (40,) for m in seen)
        for char in "+seen":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(pilot)
        assert any(isinstance(m, Written) for m in seen)
        assert any(isinstance(m, Notice) and m.text == "+seen on 1 item." for m in seen)
