"""A small, fixed desk for the TUI tests, and helpers to drive the app.

Everything on screen must be the same on every run (snapshots compare
pixels of text): items carry fixed posted and arrival times, the event and
note times come from a frozen `db.clock.now`, and the app gets a fixed clock
for its sparkline. The desk is built once per session and copied for each
test, because tests write to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

import db.clock
import db.whoami
from db import NewItem, Store
from db.clock import iso_micro, iso_second
from db.models import Media
from desk import verbs
from desk.settings import Settings
from desk.tui.app import DeskApp, make_app

NOW = datetime(2026, 11, 27, 8, 0, 0, tzinfo=UTC)
ENV = {"TERM": "xterm-256color"}
HOSTILE = (
    "Hostile \x1b[31mRED\x1b[0m text \x1b]52;c;ZXZpbA==\x07 copied "
    "[bold red]markup[/] and [link=http://x]click[/link] then \u202eevil\u202c end"
)
PLATFORMS = ("twitter", "mastodon", "bluesky", "telegram", "rss", "web")
HANDLES = ("ana_reports", "valley_watch", "harbor_fd", "k.mills", "citydesk", "nightowl")
WORDS = (
    "smoke over the harbor",
    "fire trucks on Quay Street",
    "ferry service suspended",
    "shelter opened at the school",
    "airport road closed",
    "bridge traffic diverted",
)
ITEMS = 40


def _frozen() -> datetime:
    return NOW


def build_desk(path: Path, *, hostile: bool = True) -> None:
    """40 items over 11 hours, a story with a recap, tags, links, a note, a check, verdicts."""
    original = db.clock.now
    original_os_user = db.whoami.os_user
    db.clock.now = _frozen  # event, note and link times
    # No OS user on the fixture's events and notes (as before migration 0008): the
    # snapshots then do not depend on who runs the tests (tests/tui/test_vanished.py
    # and tests/test_identity_os.py show the OS user).
    db.whoami.os_user = lambda: None  # type: ignore[assignment,return-value]
    try:
        with Store(path, create=True) as store:
            story = verbs.create_story(store, "bob", "harbor-fire", "Harbor fire")
            with store.transaction() as w:
                for n in range(1, ITEMS + 1):
                    platform = PLATFORMS[n % len(PLATFORMS)]
                    handle = HANDLES[n % len(HANDLES)]
                    posted = NOW - timedelta(minutes=17 * (ITEMS - n))
                    precision = "second"
                    if n == 10:
                        precision = "day"
                    text = f"Post {n}: {WORDS[n % len(WORDS)]}"
                    if n == 30:
                        text = "Post 30: reports of an explosion near the airport terminal"
                    w.insert_item(
                        NewItem(
                            platform=platform,
                            text=text + "\nsecond line of the post",
                            platform_id=f"{platform}-{n}",
                            url=f"https://example.social/{handle}/{n}",
                            author_name=f"Author {n}",
                            author_handle=handle,
                            posted_at=iso_second(posted),
                            posted_precision=precision,
                            posted_tz_known=True,
                            media=(Media(url=f"https://example.social/m/{n}.jpg", type="image"),)
                            if n % 9 == 0
                            else (),
                            story_id=story,
                        ),
                        ingested_at=iso_micro(NOW - timedelta(minutes=16 * (ITEMS - n))),
                    )
                if hostile:
                    w.insert_item(
                        NewItem(
                            platform="manual",
                            text=HOSTILE,
                            url="https://evil.example/\x1b]52;c;ZXZpbA==\x07x",
                            author_name="[bold]Evil[/bold] \x1b[2J",
                            author_handle="evil\u202eor",
                            posted_at=iso_second(NOW - timedelta(minutes=500)),
                            posted_precision="minute",
                            story_id=story,
                        ),
                        ingested_at=iso_micro(NOW - timedelta(minutes=500)),
                    )
            verbs.tag(store, "bob", [40, 39, 38, 35], ["+fire"])
            verbs.tag(store, "bob", [37], ["+casualties +needs-translation"])
            verbs.set_triage(store, "bob", [36], "flagged")
            verbs.set_triage(store, "bob", [34], "discarded")
            verbs.set_triage(store, "bob", [33], "kept")
            verbs.set_verdict(store, "carol", [32], "false", "old photo from 2019")
            verbs.link(store, "bob", 39, dst_item=38, relation="corroborates")
            verbs.annotate(store, "carol", 40, "Called the fire department; they confirm.")
            verbs.log_check(store, "carol", 40, "provenance", "passed", note="original upload")
            first = verbs.add_recap_entry(
                store,
                "bob",
                story,
                section="background",
                headline="Warehouse district had two fires last year",
                date_text="last spring",
            )
            verbs.add_recap_entry(
                store,
                "bob",
                story,
                section="latest",
                headline="Fire reaches the ferry terminal",
                date_text="this morning",
            )
            verbs.link(store, "bob", 40, dst_entry=first, relation="source-for")
            verbs.save_filter(store, "bob", "fires", "tag:fire")
    finally:
        db.clock.now = original
        db.whoami.os_user = original_os_user


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Writes during a test happen five minutes after the fixture's last post, every run."""
    moment = NOW + timedelta(minutes=5)
    monkeypatch.setattr(db.clock, "now", lambda: moment)
    monkeypatch.setattr("desk.filter_expr.now", lambda: moment)
    return moment


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "harbor.desk"
    build_desk(path)
    return path


@pytest.fixture
def desk_path(desk_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "harbor.desk"
    shutil.copy(desk_template, path)
    return path


@pytest.fixture
def settings() -> Settings:
    return Settings(actor="alice", theme="textual-dark")


@pytest.fixture
def app(desk_path: Path, settings: Settings) -> Iterator[DeskApp]:
    yield make_app(desk_path, settings, clock=lambda: NOW, env=ENV)


@pytest.fixture
def store(desk_path: Path) -> Iterator[Store]:
    """A second connection to the test's desk: what the assertions read (and other users write)."""
    with Store(desk_path) as other:
        yield other


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let timers fire and every worker finish, and the screen catch up."""
    for _ in range(rounds):
        await pilot.pause(0.05)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def top(app: DeskApp) -> object:
    """The screen on top (a function, so mypy does not narrow it across key presses)."""
    return app.screen


def notices(app: DeskApp) -> list[str]:
    """Every notice the app has shown, as text."""
    return [str(n.message) for n in app._notifications]


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` a key at a time, as a person would."""
    for char in text:
        await pilot.press(char)


def screen_text(app: DeskApp) -> str:
    """Every character of the top screen, as a person would read it (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def rss_desk(path: Path, count: int) -> DeskApp:
    """A desk of `count` feed entries a minute apart (`entry 1` oldest), and an app on it
    for alice: for tests that need more rows than a screen or a page holds."""
    with Store(path, create=True) as desk, desk.transaction() as w:
        for n in range(1, count + 1):
            w.insert_item(
                NewItem(
                    platform="rss",
                    text=f"entry {n}",
                    posted_at=iso_second(NOW - timedelta(minutes=count - n)),
                ),
                ingested_at=iso_micro(NOW),
            )
    return make_app(path, Settings(actor="alice"), clock=lambda: NOW, env=ENV)
