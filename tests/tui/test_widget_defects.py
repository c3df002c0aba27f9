"""The widget-level defects of issue 8, each as a user meets it.

Pilot drives the app over the fixed desk of `conftest.py` (clock frozen at
2026-11-27 08:00 UTC); each test presses the keys a user would and reads the
screen or the widget's state.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, TextArea

from db import NewItem, Store
from db.models import ItemQuery
from desk import filter_expr
from desk.tui import reads
from desk.tui.app import DeskApp
from desk.vocab import ITEM_RELATIONS
from tests.tui.conftest import notices, screen_text, settle, type_text
from widgets.add_item import AddItemPrompt, AddRequest
from widgets.item_detail import LINK_PAGE, ItemDetail
from widgets.item_list import ItemList
from widgets.keys import RELATION_KEYS
from widgets.link_picker import Candidate, LinkPicker, LinkRequest
from widgets.prompts import (
    FILTER_KEYS,
    SEARCH_HINT,
    FilterPrompt,
    FilterRequest,
    SearchPrompt,
    complete_filter,
)
from widgets.text import short_time

SMALL = (80, 24)
WIDE = (160, 48)
NOW_ISO = "2026-11-27T08:00:00.000000Z"
LATER_ISO = "2026-11-27T08:03:00.000000Z"


def list_lines(items: ItemList) -> list[str]:
    """The list's rows as drawn (not the other panes beside it)."""
    return [items.render_line(y).text for y in range(items.size.height)]


# -- 10: a huge number in the filter --------------------------------------------------


async def test_a_huge_since_in_the_filter_is_an_error_and_the_app_runs_on(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "since:800000d")
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert any("bad since:800000d" in n for n in notices(app))
        assert len(app.main.query_one(ItemList).rows) == 40  # the list is as it was
        await pilot.press("j")
        assert app.main.query_one(ItemList).cursor_id == 39


# -- 9: an unknown filter key -------------------------------------------------------


async def test_an_unknown_filter_key_is_named_on_screen(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await type_text(pilot, "foo:bar")
        await pilot.press("enter")
        await settle(pilot)
        assert any("unknown filter key 'foo:'" in n and "triage:" in n for n in notices(app))
        assert len(app.main.query_one(ItemList).rows) == 40


# -- 1: the year in the time column, and arrival times marked ----------------------


def _add(store: Store, text: str, *, posted: str | None, arrived: str, **fields: Any) -> int:
    with store.transaction() as w:
        item_id, _ = w.insert_item(
            NewItem(platform="rss", text=text, posted_at=posted, **fields), ingested_at=arrived
        )
    return item_id


def test_short_time_shows_the_year_when_it_is_not_this_one() -> None:
    assert short_time("2023-11-27T07:10:59Z", "second", year=2026) == "2023-11-27 "
    assert short_time("2023-11-27T00:00:00Z", "day", year=2026) == "2023-11-27 "
    assert short_time("2026-11-27T07:10:59Z", "second", year=2026) == "11-27 07:10"
    assert short_time("2026-11-27T00:00:00Z", "day", year=2026) == "11-27 --:--"
    assert short_time("2023-11-01T00:00:00Z", "month", year=2026) == "2023-11    "
    assert short_time("0931-01-01T00:00:00Z", "year", year=2026) == "0931       "
    for iso in ("2023-11-27T07:10:59Z", "2026-11-27T07:10:59Z", "1999-01-01T00:00:00Z"):
        for precision in ("second", "minute", "day", "month", "year", None):
            assert len(short_time(iso, precision, year=2026)) == 11


async def test_the_list_shows_other_years_and_marks_arrival_times(
    app: DeskApp, store: Store
) -> None:
    old = _add(store, "An old post from 2023", posted="2023-11-27T07:10:00Z", arrived=NOW_ISO)
    unposted = _add(store, "A post with no posted time", posted=None, arrived=LATER_ISO)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        assert items.rows[0].id == unposted  # sorted by its arrival, the newest
        lines = list_lines(items)
        top = next(line for line in lines if "no posted time" in line)
        assert "11-27 08:03?rss" in top  # arrival time, marked
        posted = next(line for line in lines if "Post 40:" in line)
        assert "11-27 08:00 " in posted  # this year's posted time: as before
        await pilot.press("G")
        await settle(pilot)
        assert items.cursor_id == old
        lines = list_lines(items)
        bottom = next(line for line in lines if "from 2023" in line)
        assert "2023-11-27  rss" in bottom and "07:10" not in bottom
        # The time column has one width, whatever the year: the platforms line up.
        assert len({line.index("rss") for line in lines if " rss " in line}) == 1


# -- 2: `V` shows the range as it grows ----------------------------------------------


def marked_rows(items: ItemList) -> list[int]:
    """Ids of the rows drawn with the mark (`*` in the second cell)."""
    lines = list_lines(items)
    top = int(items.scroll_offset.y)
    return [items.rows[top + y].id for y, line in enumerate(lines) if line[1:2] == "*"]


async def test_a_range_shows_as_it_grows_and_the_second_V_keeps_it(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        await pilot.press("j", "V")  # open a range at 39
        assert items.marks == {39}
        await pilot.press("j", "j")
        assert items.marks == {39, 38, 37}
        await pilot.pause()
        assert marked_rows(items) == [39, 38, 37]
        assert "3 marked" in screen_text(app)
        await pilot.press("k")  # the range shrinks back with the cursor
        assert items.marks == {39, 38}
        await pilot.press("j", "j")
        assert items.marks == {39, 38, 37, 36}
        await pilot.press("V")  # closed: moving on leaves the marks alone
        await pilot.press("j", "j")
        assert items.marks == {39, 38, 37, 36}
        await pilot.pause()
        assert marked_rows(items) == [39, 38, 37, 36]
        await pilot.press("escape")
        assert items.marks == set()


async def test_a_range_above_keeps_earlier_marks(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        ids = [row.id for row in items.rows]  # 34 is discarded, so hidden

        def rows(first: int, last: int) -> set[int]:
            return set(ids[first : last + 1])

        await pilot.press("v", "escape")  # nothing marked, no anchor
        await pilot.press("j", "j", "j", "j")  # row 5
        await pilot.press("v")  # mark row 5, cursor on row 6
        await pilot.press("j", "j", "j")  # row 9
        await pilot.press("V")  # the classic form: from the last `v` to here, at once
        assert items.marks == rows(5, 9)
        await pilot.press("escape", "V", "k", "k")  # a new range from row 9 up to 7
        assert items.marks == rows(7, 9)
        await pilot.press("V", "j", "j", "j", "j", "v")  # closed; `v` marks row 11
        assert items.marks == rows(7, 9) | {ids[11]}


# -- 8: a feed entry's row shows its title ---------------------------------------------


async def test_a_feed_entry_row_shows_its_title_not_its_description(
    app: DeskApp, store: Store
) -> None:
    entry = _add(
        store,
        "The council said on Tuesday that the harbor road stays closed.\nMore below.",
        posted="2026-11-27T08:30:00Z",
        arrived=LATER_ISO,
        kind="feed-entry",
        title="Harbor road stays closed",
    )
    article = _add(
        store,
        "Body of the article, first paragraph.",
        posted="2026-11-27T08:20:00Z",
        arrived=LATER_ISO,
        kind="article",
        title="  ",  # a blank title is no title
        url="https://news.example/a",
    )
    rows = {row.id: row for row in store.page(ItemQuery(ids=(entry, article)), limit=5)}
    assert rows[entry].first_line == "Harbor road stays closed"
    assert rows[article].first_line == "Body of the article, first paragraph."
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        items = app.main.query_one(ItemList)
        lines = list_lines(items)
        assert any("Harbor road stays closed" in line for line in lines)
        assert not any("council said" in line for line in lines)
        assert any("Post 40: airport" in line for line in lines)  # posts: text


# -- 5: the link picker's keys do what they show -----------------------------------------


def item_links(store: Store, item_id: int) -> list[tuple[str, int | None]]:
    """The item's links to other items (item 40 also sources a recap entry)."""
    return [(k.relation, k.dst_item_id) for k in store.links_of(item_id) if k.dst_item_id]


async def _link_picker_with_results(app: DeskApp, pilot: Pilot[None], words: str) -> OptionList:
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(app.screen, LinkPicker)
    await type_text(pilot, words)
    await pilot.pause(0.3)
    await settle(pilot)
    return app.screen.query_one("#link-targets", OptionList)


async def test_down_down_enter_from_the_input_picks_the_third_result(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        targets = await _link_picker_with_results(app, pilot, "harbor")
        assert isinstance(app.screen.focused, Input)
        assert targets.option_count >= 3
        third = str(targets.get_option_at_index(2).prompt)
        await pilot.press("down", "down", "enter")  # quick, straight from the input
        assert isinstance(app.screen, LinkPicker)
        label = str(app.screen.query_one("#link-relation-label", Label).render())
        assert third.split(":")[0] in label  # `#id @handle` of the third result
        await pilot.press("c")  # the letter shown before corroborates
        await settle(pilot)
        target = int(third.split()[0].lstrip("#"))
        assert item_links(store, 40) == [("corroborates", target)]


async def test_every_relation_is_shown_with_the_letter_that_picks_it(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await _link_picker_with_results(app, pilot, "#12")
        await pilot.press("enter", "enter")  # to the results, choose #12 (as before)
        relations = app.screen.query_one("#link-relations", OptionList)
        shown = [
            str(relations.get_option_at_index(i).prompt) for i in range(relations.option_count)
        ]
        for line, relation in zip(shown, ITEM_RELATIONS, strict=True):
            assert line.startswith(f"{RELATION_KEYS[relation]}  {relation}")
        assert len({line[0] for line in shown}) == len(shown)  # one letter each
        await pilot.press("x")  # contradicts
        await settle(pilot)
        assert item_links(store, 40) == [("contradicts", 12)]


async def test_a_relation_letter_does_nothing_before_the_relation_list(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        targets = await _link_picker_with_results(app, pilot, "harbor")
        await pilot.press("down")  # in the results now
        assert app.screen.focused is targets and targets.highlighted == 1
        await pilot.press("c", "up")
        assert isinstance(app.screen, LinkPicker) and targets.highlighted == 0
        await pilot.press("enter")  # the first result
        relations = app.screen.query_one("#link-relations", OptionList)
        assert relations.display and app.screen.focused is relations
        await pilot.press("f")  # source-for is an entry's relation, not an item's
        assert isinstance(app.screen, LinkPicker)
        assert item_links(store, 40) == []


# -- 4: the search prompt's placeholder is a hint ----------------------------------------


async def test_the_search_placeholder_reads_as_a_hint(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchPrompt)
        field = app.screen.query_one("#search-input", Input)
        assert field.value == "" and field.placeholder == SEARCH_HINT
        assert "type the words to find" in screen_text(app)
        assert "shelling" not in screen_text(app)


# -- 6: `i` focuses the field on top; a failed add keeps what was typed --------------------


async def test_i_focuses_the_file_field_on_top(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, AddItemPrompt)
        screen = app.screen
        assert screen.focused is screen.query_one("#add-path", Input)
        await pilot.press("tab")  # then the post's text, as laid out
        text_box: object = screen.query_one("#add-text", TextArea)
        assert screen.focused is text_box


async def test_a_missing_file_keeps_the_prompt_and_the_path(app: DeskApp, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, missing)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddItemPrompt)
        assert app.screen.query_one("#add-path", Input).value == missing
        assert "nope.json: no such file" in screen_text(app)
        assert any("no such file" in n for n in notices(app))


async def test_the_prompt_reopened_after_an_error_holds_what_was_given(app: DeskApp) -> None:
    request = AddRequest(text="a post", url="https://x.example/1", handle="ana", path=None)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        app.push_screen(AddItemPrompt(request, error="typed in the desk: \x1b[31mbad[/] input"))
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#add-text", TextArea).text == "a post"
        assert screen.query_one("#add-url", Input).value == "https://x.example/1"
        assert screen.query_one("#add-handle", Input).value == "ana"
        assert screen.focused is screen.query_one("#add-text", TextArea)
        assert "typed in the desk: bad[/] input" in screen_text(app)  # text, not markup


# -- 3: tab completes in the filter prompt -----------------------------------------------


def test_the_completed_keys_are_the_parsers_keys() -> None:
    assert set(FILTER_KEYS) == set(filter_expr.KEYS)


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("tri", "triage:"),
        ("ta", "tag:"),
        ("fire pl", "fire platform:"),
        ("-t", "-tag:"),
        ("triage:fl", "triage:flagged"),
        ("triage:", "triage:new"),
        ("TRIAGE:Di", "TRIAGE:Discarded"),
        ("platform:mast", "platform:mastodon"),
        ("verdict:in", "verdict:in-progress"),
        ("tag:cas", "tag:casualties"),
        ("x -tag:ne", "x -tag:needs-translation"),
        ("story:har", "story:harbor-fire"),
        ("tag:casualties", None),
        ("since:2", None),
        ("foo", None),
        ("", None),
        ("fire ", None),
    ],
)
def test_complete_filter(typed: str, completed: str | None) -> None:
    tags = ["fire", "casualties", "needs-translation"]
    assert complete_filter(typed, tags, ["harbor-fire"]) == completed


# -- 7: an item with thousands of links -------------------------------------------------

MANY = 3000


def _many_links(path: Path, store: Store, hub: int = 40) -> list[int]:
    """`MANY` new items, each linked to `hub` (a third of them towards it); their ids."""
    with store.transaction() as w:
        ids = [
            w.insert_item(
                NewItem(platform="rss", text=f"linked {n}", posted_at="2026-11-26T10:00:00Z"),
                ingested_at=NOW_ISO,
            )[0]
            for n in range(MANY)
        ]
    relations = ("corroborates", "same-event", "quotes")
    rows = [
        (
            f"link-{n}",
            other if n % 3 == 0 else hub,
            relations[n % 3],
            hub if n % 3 == 0 else other,
            f"2026-11-27T08:00:{n % 60:02d}.{n:06d}Z",
            "bob",
        )
        for n, other in enumerate(ids)
    ]
    with sqlite3.connect(path) as con:
        con.executemany(
            "INSERT INTO links (uuid, src_id, relation, dst_item_id, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    return ids


def test_link_counts_and_keyset_pages(desk_path: Path, store: Store) -> None:
    ids = _many_links(desk_path, store)
    counts = store.link_counts(40)
    # 40 already sources a recap entry (the fixture's link).
    assert counts == [
        ("quotes", True, MANY // 3),
        ("same-event", True, MANY // 3),
        ("source-for", True, 1),
        ("corroborates", False, MANY // 3),
    ]
    seen: list[int] = []
    after = 0
    while page := store.links_page(40, after=after, limit=700):
        keys = [key for key, _ in page]
        assert keys == sorted(keys) and keys[0] > after
        seen.extend(keys)
        after = keys[-1]
    assert len(seen) == len(set(seen)) == MANY + 1 == len(store.links_of(40))
    first = reads.link_page(store, 40, 0, 10)
    assert len(first.links) == 10 and first.after is not None
    assert first.links[0].relation == "source-for"
    assert "Warehouse district" in first.links[0].other
    assert {int(link.other.split()[0][1:]) for link in first.links[1:]} <= set(ids)
    last = reads.link_page(store, 40, seen[-3])
    assert len(last.links) == 2 and last.after is None


async def test_an_item_with_thousands_of_links_shows_counts_and_one_page(
    app: DeskApp, desk_path: Path, store: Store
) -> None:
    _many_links(desk_path, store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open 40, the hub
        await settle(pilot)
        detail = app.main.query_one(ItemDetail)
        assert detail.view is not None and detail.view.item.id == 40
        assert len(detail.view.links) == LINK_PAGE
        text = detail.text
        assert f"Links ({MANY + 1:,})" in text
        assert "-> 1,000 quotes, 1,000 same-event, 1 source-for" in text
        assert "<- 1,000 corroborates" in text
        assert f"... {MANY + 1 - LINK_PAGE:,} more: m shows the next {LINK_PAGE}" in text
        assert text.count("linked ") == LINK_PAGE - 1  # the recap entry comes first
        assert "m more links" in screen_text(app)  # the key, in the footer
        await pilot.press("m")
        await settle(pilot)
        assert len(detail.view.links) == 2 * LINK_PAGE
        assert f"... {MANY + 1 - 2 * LINK_PAGE:,} more" in detail.text
        # A refresh (a colleague's write) keeps the pages read so far.
        app.main.refresh_desk()
        await settle(pilot)
        assert len(detail.view.links) == 2 * LINK_PAGE


async def test_an_item_with_few_links_lists_them_as_before(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # 39, which corroborates 38
        await settle(pilot)
        text = app.main.query_one(ItemDetail).text
        assert "\nLinks (1)\n  -> corroborates  #38 @" in text
        assert "more:" not in text and "m more links" not in screen_text(app)


async def test_the_filter_prompt_reads_tags_in_its_worker_and_completes_them(
    app: DeskApp,
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        got: list[object] = []
        prompt = FilterPrompt(
            "", [], stories=["harbor-fire"], read_tags=lambda: [("casualties", 3), ("fire", 9)]
        )
        app.push_screen(prompt, got.append)
        await settle(pilot)
        field = prompt.query_one("#filter-input", Input)
        assert prompt.focused is field
        await type_text(pilot, "tri")
        await pilot.press("tab")
        assert field.value == "triage:"
        await type_text(pilot, "fl")
        await pilot.press("tab")
        assert field.value == "triage:flagged"
        await type_text(pilot, " tag:ca")
        await pilot.press("tab")  # a tag the worker read
        assert field.value == "triage:flagged tag:casualties"
        await type_text(pilot, " story:h")
        await pilot.press("tab")
        assert field.value == "triage:flagged tag:casualties story:harbor-fire"
        assert prompt.focused is field
        await pilot.press("tab")  # nothing left to complete: the next field
        assert prompt.focused is prompt.query_one("#filter-name", Input)
        await pilot.press("enter")
        assert got == [FilterRequest("triage:flagged tag:casualties story:harbor-fire", None)]


async def test_tab_completes_a_key_a_value_and_a_tag_then_moves_on(app: DeskApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("backslash")
        await settle(pilot)  # the prompt reads the desk's tags in its worker
        assert isinstance(app.screen, FilterPrompt)
        field = app.screen.query_one("#filter-input", Input)
        await type_text(pilot, "tri")
        await pilot.press("tab")
        assert field.value == "triage:"
        await type_text(pilot, "fl")
        await pilot.press("tab")
        assert field.value == "triage:flagged"
        await type_text(pilot, " tag:ca")
        await pilot.press("tab")  # a tag of this desk
        assert field.value == "triage:flagged tag:casualties"
        assert app.screen.focused is field
        await pilot.press("tab")  # nothing left to complete: the next field
        assert app.screen.focused is app.screen.query_one("#filter-name", Input)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.filter_text == "triage:flagged tag:casualties"


async def test_a_file_that_fails_to_ingest_reopens_the_prompt_with_the_path(
    app: DeskApp, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"broken": \n')
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, str(broken))
        await pilot.press("ctrl+s")  # the prompt closes; the ingest runs in a worker
        await settle(pilot)
        assert isinstance(app.screen, AddItemPrompt)  # open again, with the path
        assert app.screen.query_one("#add-path", Input).value == str(broken)
        assert "broken.json:2: invalid JSON" in screen_text(app)
        assert any("invalid JSON" in n for n in notices(app))
        await pilot.press("escape")
        assert not isinstance(app.screen, AddItemPrompt)


async def test_a_good_add_does_not_reopen_the_prompt(app: DeskApp, tmp_path: Path) -> None:
    paste = tmp_path / "notes.txt"
    paste.write_text("Water main burst on Dock Road\n")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await type_text(pilot, str(paste))
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AddItemPrompt)
        assert any("notes.txt: 1 new" in n for n in notices(app))


async def test_arrows_and_enter_before_the_results_arrive_pick_from_them(app: DeskApp) -> None:
    """Typed words, then down down enter at once: the results are still being read (a
    worker, after a pause), yet the third of them is what gets picked."""
    release = threading.Event()
    results = [Candidate("items", (n,), f"#{n} @someone: result {n}") for n in (7, 8, 9, 10)]

    def slow_lookup(text: str) -> list[Candidate]:
        release.wait(5)
        return results

    initial = [Candidate("entry", (1,), "recap entry 1"), Candidate("entry", (2,), "entry 2")]
    got: list[LinkRequest | None] = []
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        picker = LinkPicker(40, "the source", initial, lookup=slow_lookup)
        app.push_screen(picker, got.append)
        await pilot.pause()
        await type_text(pilot, "dam")
        await pilot.press("down", "down", "enter")  # before the lookup has even started
        assert picker.chosen is None
        release.set()
        await settle(pilot)
        assert picker.chosen == results[2]
        await pilot.press("q")  # quotes
        await pilot.pause()
        assert got == [LinkRequest(40, "items", (9,), "quotes")]
