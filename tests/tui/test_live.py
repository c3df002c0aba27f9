"""Live refresh and presence across processes: several apps and CLIs on one desk file.

Each test runs the app under Pilot and writes from somewhere else: a second
app on the same file (its own `Store`, so its own connection, exactly as a
second process has), or a real `desk` subprocess. Nothing sleeps to assert:
`until` polls the app's state with a deadline and fails naming what it
waited for, so a slow machine makes a test slower, never wrong.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from db import Store, presence
from desk import verbs
from desk.settings import Settings
from desk.tui.app import DeskApp, make_app
from tests.tui.conftest import ENV, HOSTILE, NOW, screen_text, settle
from widgets.checklist import ChecklistPane
from widgets.item_detail import ItemDetail
from widgets.recap import RecapPane
from widgets.stats import StatsBar

SIZE = (160, 48)
REPO = Path(__file__).resolve().parents[2]


async def until(pilot: Pilot[None], what: str, check: Callable[[], bool], timeout: float = 10.0):  # type: ignore[no-untyped-def]
    """Poll `check` (letting the app run) until it holds; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not seen within {timeout} s: {what}")
        await pilot.pause(0.02)


def app_for(path: Path, actor: str) -> DeskApp:
    return make_app(path, Settings(actor=actor, theme="textual-dark"), clock=lambda: NOW, env=ENV)


async def desk_cli(desk: Path, actor: str, *args: str) -> str:
    """`desk --desk DESK ARGS...` as a real subprocess (its own process, its own connection),
    awaited without blocking the app under test."""
    env = {
        **os.environ,
        "DESK_USER": actor,
        "HOME": str(desk.parent),
        "XDG_DATA_HOME": str(desk.parent / "data"),
        "XDG_CONFIG_HOME": str(desk.parent / "config"),
        "PYTHONPATH": str(REPO),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desk",
        "--desk",
        str(desk),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


def rss(path: Path, *entries: tuple[str, str]) -> Path:
    """An RSS 2.0 file of (title, RFC 822 date) entries."""
    items = "".join(
        f"<item><title>{title}</title><link>https://example.org/{n}</link>"
        f"<guid>https://example.org/{n}</guid><pubDate>{date}</pubDate>"
        f"<description>{title}</description></item>"
        for n, (title, date) in enumerate(entries)
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://example.org/</link><description>d</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


def line_of(app: DeskApp) -> int:
    items = app.main.items
    return items.cursor - int(items.scroll_offset.y)


def ids(app: DeskApp) -> list[int]:
    return [row.id for row in app.main.items.rows]


# -- the list ---------------------------------------------------------------------


async def test_an_older_item_ingested_by_a_cli_shows_mid_list_under_a_still_cursor(
    app: DeskApp, desk_path: Path, tmp_path: Path
) -> None:
    """The bug of issue 11: only items newer than the top row used to appear."""
    async with app.run_test(size=(160, 24)) as pilot:  # the list scrolls: its line can stay
        await settle(pilot)
        for _ in range(9):
            await pilot.press("j")
        items = app.main.items
        assert items.cursor_id == 30
        line = line_of(app)
        before = ids(app)
        # Post 25 was posted 255 minutes before NOW, post 26 238: this one sorts between.
        # Post 33 (119 minutes) and 32 (136): the second sorts above the cursor.
        feed = rss(
            tmp_path / "wire.xml",
            ("Wire: levee breach reported", "Fri, 27 Nov 2026 03:55:00 +0000"),
            ("Wire: second levee update", "Fri, 27 Nov 2026 05:52:00 +0000"),
        )
        await desk_cli(desk_path, "carol", "ingest", str(feed))
        await until(pilot, "both wire items in the list", lambda: len(items.rows) == 42)
        titles = [row.first_line for row in items.rows]
        older = titles.index("Wire: levee breach reported")
        assert ids(app)[older - 1] == 26 and ids(app)[older + 1] == 25  # where it sorts
        newer = titles.index("Wire: second levee update")
        assert ids(app)[newer - 1] == 33 and ids(app)[newer + 1] == 32
        assert items.cursor_id == 30  # the cursor's item, on the same screen line
        assert line_of(app) == line
        assert [i for i in ids(app) if i in before] == before  # nothing else moved
        await until(pilot, "the counts", lambda: "43 items" in screen_text(app))
        assert "Wire: levee breach reported" in screen_text(app)  # on screen, under the cursor


async def test_two_apps_see_each_others_changes_and_keep_their_cursors(
    desk_path: Path,
) -> None:
    alice, bob = app_for(desk_path, "alice"), app_for(desk_path, "bob")
    async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        for _ in range(3):
            await b.press("j")
        await b.press("enter")  # bob opens #37
        await until(b, "bob's open item", lambda: bob.main.open_item_id == 37)
        await b.press("1")
        bob_line = line_of(bob)
        # alice tags #37 and discards #38 (above bob's cursor), by keys
        await a.press("j", "j", "j")
        assert alice.main.items.cursor_id == 37
        await a.press("t")
        await settle(a)
        for char in "+levee":
            await a.press(char)
        await a.press("enter")
        await until(a, "alice's own tag", lambda: "levee" in alice.main.items.cursor_row.tags)  # type: ignore[union-attr]
        await until(
            b,
            "alice's tag in bob's list and open item",
            lambda: (
                "levee" in bob.main.items.cursor_row.tags  # type: ignore[union-attr]
                and "levee" in bob.main.query_one(ItemDetail).text
            ),
        )
        assert bob.main.items.cursor_id == 37 and line_of(bob) == bob_line
        await a.press("k")
        await a.press("s", "d")  # discard #38
        await until(b, "#38 gone from bob's list", lambda: 38 not in ids(bob))
        assert bob.main.items.cursor_id == 37  # still on his item
        assert line_of(bob) == bob_line - 1 or line_of(bob) == bob_line
        await until(
            b, "bob's counts", lambda: "discarded 2" in str(bob.main.query_one(StatsBar).render())
        )
        # bob's check shows in alice's checklist of the same item, and the recap follows
        await until(a, "alice's own discard", lambda: 38 not in ids(alice))
        assert alice.main.items.cursor_id == 37  # the next row took #38's place
        await a.press("enter")
        await until(a, "alice's open item", lambda: alice.main.open_item_id == 37)
        with Store(desk_path) as other:
            verbs.log_check(other, "bob", 37, "source", "failed", note="account is a parody")
            entry = verbs.add_recap_entry(
                other, "bob", 1, section="latest", headline="Levee breach confirmed"
            )
        checklist = alice.main.query_one(ChecklistPane)
        await until(a, "bob's check in alice's checklist", lambda: "parody" in _text(checklist))
        recap = alice.main.query_one(RecapPane)
        await until(a, "bob's entry in alice's recap", lambda: "Levee breach" in _text(recap))
        assert entry > 0


def _text(widget: object) -> str:
    """What a pane shows, as plain text (its lines rendered)."""
    from textual.widget import Widget

    assert isinstance(widget, Widget)
    return "\n".join(
        "".join(segment.text for segment in widget.render_line(y))
        for y in range(widget.size.height)
    )


async def test_a_row_a_colleague_discards_under_my_cursor_gives_way_to_the_next(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        items = app.main.items
        assert items.cursor_id == 38
        line = line_of(app)
        verbs.set_triage(store, "bob", [38], "discarded")
        await until(pilot, "#38 leaving", lambda: 38 not in ids(app))
        assert items.cursor_id == 37 and line_of(app) == line


async def test_a_filtered_list_takes_in_what_comes_to_match_and_lets_go_what_stops(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.apply_filter("tag:fire")
        await until(pilot, "the filter", lambda: ids(app) == [40, 39, 38, 35])
        verbs.tag(store, "bob", [12], ["+fire"])  # an old item comes to match: at the bottom
        verbs.tag(store, "bob", [39], ["-fire"])  # and one stops
        await until(pilot, "the filter's new rows", lambda: ids(app) == [40, 38, 35, 12])


async def test_many_events_at_once_refill_around_the_cursor(
    app: DeskApp, store: Store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import db.changes

    monkeypatch.setattr(db.changes, "MAX_EVENTS", 3)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "j")
        items = app.main.items
        assert items.cursor_id == 36
        line = line_of(app)
        for n in range(5):
            verbs.tag(store, "bob", [20 + n], [f"+burst{n}"])
        await until(pilot, "the last of the burst", lambda: _tags(app, 24) == ("burst4",))
        assert items.cursor_id == 36 and line_of(app) == line


def _tags(app: DeskApp, item_id: int) -> tuple[str, ...] | None:
    index = app.main.items.index_of(item_id)
    return app.main.items.rows[index].tags if index is not None else None


# -- presence ---------------------------------------------------------------------


async def test_presence_shows_who_else_has_the_item_and_what_they_do(desk_path: Path) -> None:
    alice, bob = app_for(desk_path, "alice"), app_for(desk_path, "bob")
    async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await a.press("enter")
        await b.press("enter")  # both on #40
        detail = alice.main.query_one(ItemDetail)
        await until(a, "bob on alice's item", lambda: "also open: bob" in detail.text)
        assert "also open" not in detail.text.split("\n")[0]  # a line of its own
        await b.press("4")  # bob works the checklist
        await until(a, "bob editing", lambda: "also open: bob (editing checklist)" in detail.text)
        await b.press("1", "j")  # bob moves on to #39: alice's item is hers alone
        await until(b, "bob's detail", lambda: bob.main.open_item_id == 39)
        await until(a, "bob gone from #40", lambda: "also open" not in detail.text)
        await b.press("k")
        await until(a, "bob back", lambda: "also open: bob" in detail.text)
    # bob's app quit (alice's too): a fresh app sees nobody on #40
    with Store(desk_path) as store:
        assert presence.others(store, 40, "nobody") == []


async def test_presence_names_a_colleague_editing_a_recap_entry(desk_path: Path) -> None:
    from tests.tui.test_recap_pane import cursor_to
    from widgets.recap_editor import RecapEntryEditor

    alice, bob = app_for(desk_path, "alice"), app_for(desk_path, "bob")
    async with alice.run_test(size=SIZE) as a, bob.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await a.press("enter")
        await b.press("enter")  # both on #40, which sources entry 1
        await until(b, "bob's open item", lambda: bob.main.open_item_id == 40)
        await b.press("3")
        await cursor_to(b, bob, "entry:1")
        await b.press("e")
        await until(b, "bob's editor", lambda: isinstance(bob.screen, RecapEntryEditor))
        detail = alice.main.query_one(ItemDetail)
        await until(
            a, "bob editing the entry", lambda: "bob (editing recap entry 1)" in detail.text
        )
        await b.press("escape")
        await until(
            a,
            "bob done editing",
            lambda: "also open: bob" in detail.text and "editing" not in detail.text,
        )


async def test_presence_expires_when_a_process_dies_and_names_are_cleaned(
    app: DeskApp, desk_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        detail = app.main.query_one(ItemDetail)
        await until(pilot, "the open item", lambda: app.main.open_item_id == 40)
        # another process writes a hostile name, then dies without leaving
        code = (
            "import sys; from db import Store, presence; s = Store(sys.argv[1]); "
            "presence.beat(s, 'mallory-session', sys.argv[2], 40); import os; os._exit(0)"
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            code,
            str(desk_path),
            HOSTILE,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert await proc.wait() == 0
        with Store(desk_path) as store:
            # a row from a live process (this one), with the same hostile name: shown, cleaned
            presence.beat(
                store, "live-session", "Hostile \x1b[31mRED\x1b]52;c;eA==\x07 \u202eevil", 40
            )
            # and one whose heartbeat stopped 20 s ago on another host: stale, ignored
            presence.beat(store, "stale-session", "zed", 40, now=time.time() - 20)
            rows = store.conn.execute("SELECT count(*) FROM presence").fetchone()[0]
        assert rows == 4  # alice's, the dead one's, the live one's and the stale one's
        await until(pilot, "the live name", lambda: "also open: Hostile" in detail.text)
        shown = detail.text.split("\n")[1]
        assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
        assert "zed" not in shown  # stale
        assert shown.count("Hostile") == 1  # the dead process's row is ignored
        # the next beat (anyone's) forgets rows long stale
        with Store(desk_path) as store:
            presence.beat(
                store, "later", "ann", None, now=time.time() + presence.FORGET_SECONDS + 1
            )
            left = {r[0] for r in store.conn.execute("SELECT session FROM presence")}
        assert left == {"later"}


def test_presence_is_not_an_event(store: Store) -> None:
    head = "SELECT seq, hash FROM chain_head"
    before, chain = store.last_seq(), store.conn.execute(head).fetchall()
    assert presence.beat(store, "s1", "alice", 40, "checklist")
    assert presence.others(store, 40, "s2")[0].activity == "checklist"
    assert presence.leave(store, "s1")
    assert presence.others(store, 40, "s2") == []
    assert store.last_seq() == before  # no event, no change to the chain
    assert store.conn.execute(head).fetchall() == chain


def test_presence_on_a_read_only_desk_is_skipped_not_an_error(desk_path: Path) -> None:
    with Store(desk_path) as store:
        store.conn.execute("PRAGMA query_only = ON")
        assert presence.beat(store, "s1", "alice", 40) is False
        assert presence.others(store, 40, "s2") == []


async def test_a_page_read_before_a_change_does_not_bring_back_the_old_row(
    tmp_path: Path,
) -> None:
    """The race of a page in flight: read before a colleague's tag, landing after it."""
    from db.models import ItemQuery
    from tests.tui.conftest import rss_desk
    from widgets.item_list import row_key

    app = rss_desk(tmp_path / "big.desk", 1000)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = app.main.items
        await until(pilot, "the first page", lambda: bool(items.rows) and not items.fetching)
        last = items.rows[-1]
        assert last.id > 700 and items.more_below  # item 700 lies beyond the window
        with Store(tmp_path / "big.desk") as other:
            seq = other.last_seq()
            stale = other.page(ItemQuery(), after=row_key(last), limit=400)  # read before...
            verbs.tag(other, "bob", [700], ["+late"])  # ...the tag commits
            verbs.set_triage(other, "bob", [650], "discarded")
        await until(pilot, "the change applied", lambda: items.seen_seq == seq + 2)
        assert items.index_of(700) is None  # beyond the window: nothing to show yet
        items.add_rows("below", stale, generation=items.generation, exhausted=False, seq=seq)
        index = items.index_of(700)
        assert index is not None and items.rows[index].tags == ("late",)
        assert items.index_of(650) is None  # discarded since the page was read
        assert items.index_of(651) is not None


async def test_an_item_a_fuller_copy_improves_elsewhere_repaints_in_place(
    app: DeskApp, desk_path: Path
) -> None:
    """Issue 12: an `item.improve` written by another process (a CLI ingest of the full
    copy of a tweet the list shows cut short) repaints that row with the full text."""
    from desk.ingest.pipeline import ingest_bytes
    from tests.ingest.test_copies import COMPAT, EXTENDED

    when = {"created_at": "Fri Nov 27 07:59:00 +0000 2026"}  # second in the list
    with Store(desk_path) as other:
        first = ingest_bytes(
            other, json.dumps({**COMPAT, **when}).encode(), "cut.json", actor="carol"
        )
    (item_id,) = first.item_ids
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        items = app.main.items
        row = ids(app).index(item_id)
        assert items.rows[row].first_line.endswith("/i/web/status/1050118621198921728")
        for _ in range(row):  # open it: the detail pane shows its whole text
            await pilot.press("j")
        await until(pilot, "the cut text in the detail", lambda: "skin t…" in screen_text(app))
        with Store(desk_path) as other:
            report = ingest_bytes(
                other, json.dumps({**EXTENDED, **when}).encode(), "full.json", actor="carol"
            )
        assert report.improved == 1
        await until(
            pilot,
            "the improved row repainted",
            lambda: ids(app).index(item_id) == row and "tone" in items.rows[row].first_line,
        )
        await until(pilot, "the full text on screen", lambda: "tone modifiers" in screen_text(app))
        assert "skin t…" not in screen_text(app)
        assert items.cursor_id == item_id
        # the pane lists both copies the item was made from (one ingest time here: any order)
        copy_lines = [line for line in screen_text(app).splitlines() if "│ copy " in line]
        assert len(copy_lines) == 2
        assert {"cut.json", "full.json"} == {
            name for line in copy_lines for name in ("cut.json", "full.json") if name in line
        }
