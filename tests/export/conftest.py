"""A small fixed desk for the export tests, built through the verbs and the ingest, frozen.

Ids and times come from counters (as in tests/test_event_bytes.py), so the
chain head and every uuid are the same on every run and the golden files
can be compared byte for byte.

The desk: story `orvena` ("Orvena dam"), six items of which four are kept:

1. a tweet by Orvena Watch (@orvena_watch), September 19, 2023, verified,
   tagged `dam`, with a note;
2. a Mastodon post by Ann Field (@ann@social.example), September 20, 2023,
   misleading ("cropped from a 2019 video"), corroborating #1;
3. a tweet by a hostile account, September 21, 2023, rated false, whose text
   and name try every way out of a block (HTML, comments, scripts,
   Markdown links and images, backticks, Rich markup, and, written behind
   the verbs' back as an older desk might hold them, ANSI/OSC escapes and
   bidi overrides);
4. a note typed in by hand (no date, no URL), kept, unverified;
5. a tweet that was discarded; 6. a new Bluesky-less manual item, not kept.

The recap: Background "In the fall of 2020" sourced by #1; Timeline
"September 19, 2023" sourced by #1 and #3; Latest "since December" with no
source.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

import db.whoami
import db.writer_base
import desk.ingest.pipeline
from db import Store
from desk import verbs
from desk.export.publish import Format, Options, publish
from desk.ingest.pipeline import ingest_bytes

EXPORTED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
START = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)

HOSTILE_TEXT = (
    "Breaking </blockquote><script>alert(1)</script> --> <!-- </script> "
    "[x](javascript:alert(1)) ![](http://tracker.example/pixel.gif) `rm -rf` "
    "[bold]loud[/bold] & <b>bold</b>\n"
    "# not a heading\n- not a list\n1. not a list"
)
HOSTILE_ESCAPES = (
    "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 \x1b[31mred\x1b[0m \u202eevil\u202c"
)
HOSTILE_NAME = 'Mallory</a><img src=x onerror=alert(2)>"'


def tweet(tid: str, when: str, handle: str, name: str, text: str) -> dict[str, object]:
    """A Twitter API v1.1 status, as a colleague would save it."""
    return {
        "created_at": when,
        "id_str": tid,
        "id": int(tid),
        "full_text": text,
        "user": {"id_str": "4" + tid[-3:], "screen_name": handle, "name": name},
        "entities": {},
    }


MASTODON = [
    {
        "id": "111",
        "uri": "https://social.example/users/ann/statuses/111",
        "url": "https://social.example/@ann/111",
        "created_at": "2023-09-20T08:15:00.000Z",
        "content": "<p>Water over the spillway at 8am.</p><p>Road to Marrow Ford closed.</p>",
        "account": {
            "id": "9",
            "acct": "ann",
            "username": "ann",
            "display_name": "Ann Field",
            "url": "https://social.example/@ann",
        },
        "media_attachments": [],
        "tags": [],
        "mentions": [],
    }
]


@dataclass(frozen=True)
class Desk:
    """The built desk: its path and the ids the tests name."""

    path: Path
    story_id: int
    watch: int
    ann: int
    hostile: int
    typed: int
    discarded: int
    new: int
    entries: tuple[int, int, int]


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Uuids and times from counters, so a build writes the same desk every time."""
    ids = itertools.count(1)
    ticks = itertools.count(0)

    def micro(moment: datetime | None = None) -> str:
        return (START + timedelta(seconds=next(ticks))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    monkeypatch.setattr(db.writer_base, "new_uuid", lambda: str(uuid.UUID(int=next(ids))))
    # No OS user on the events (as before migration 0008): the golden files hold
    # the chain head, which must not depend on who runs the tests.
    monkeypatch.setattr(db.whoami, "os_user", lambda: None)
    monkeypatch.setattr(db.writer_base, "iso_micro", micro)
    monkeypatch.setattr(desk.ingest.pipeline, "iso_micro", micro)
    yield


def build(path: Path) -> Desk:
    """The fixed desk (see the module docstring); call under `frozen`."""
    with Store(path, create=True) as store:
        story = verbs.create_story(store, "ed", "orvena", "Orvena dam <live> & updates")

        def ingest(data: object, name: str) -> int:
            report = ingest_bytes(
                store, json.dumps(data).encode(), name, actor="ed", story_id=story
            )
            assert report.error is None and report.item_ids, report
            return report.item_ids[0]

        watch = ingest(
            [
                tweet(
                    "1704123456789012345",
                    "Tue Sep 19 14:03:00 +0000 2023",
                    "orvena_watch",
                    "Orvena Watch",
                    "Sirens in Marrow Ford before dawn.\nThe dam's spillway is open.",
                )
            ],
            "watch.json",
        )
        ann = ingest(MASTODON, "ann.json")
        hostile = ingest(
            [
                tweet(
                    "1704999999999999999",
                    "Thu Sep 21 09:30:00 +0000 2023",
                    "m4ll0ry",
                    HOSTILE_NAME,
                    HOSTILE_TEXT,
                )
            ],
            "hostile.json",
        )
        typed = verbs.add_item(
            store, "ed", text="Port office says ferries run as usual.", story_id=story
        ).id
        discarded = ingest(
            [
                tweet(
                    "1704555555555555555",
                    "Fri Sep 22 10:00:00 +0000 2023",
                    "spam_bot",
                    "Spam Bot",
                    "Buy followers now",
                )
            ],
            "spam.json",
        )
        new = verbs.add_item(
            store, "ed", text="Unchecked rumour of a second breach.", story_id=story
        ).id
        # An older desk (or one edited by hand) may hold escapes the verbs would have removed.
        # (The writer refuses to change a text, so this goes straight to SQLite, as a hand edit.)
        with store.transaction() as w:
            w.conn.execute(
                "UPDATE items SET text = ?, author_name = ? WHERE id = ?",
                [HOSTILE_TEXT + "\n" + HOSTILE_ESCAPES, HOSTILE_NAME + "\x1b[2J", hostile],
            )
        verbs.set_triage(store, "ed", [watch, ann, hostile, typed], "kept")
        verbs.set_triage(store, "ed", [discarded], "discarded")
        for step in ("provenance", "source", "date", "location", "motivation"):
            verbs.log_check(store, "vera", watch, step, "passed")  # `verified` needs them
        verbs.set_verdict(store, "vera", [watch], "verified", reason="Geolocated to the dam road")
        verbs.set_verdict(store, "vera", [ann], "misleading", reason="cropped from a 2019 video")
        verbs.set_verdict(store, "vera", [hostile], "false")
        verbs.tag(store, "ed", [watch, ann], ["+dam"])
        verbs.tag(store, "ed", [hostile], ["+hoax"])
        verbs.link(store, "ed", ann, dst_item=watch, relation="corroborates")
        verbs.annotate(store, "vera", watch, "Called the dam operator; confirmed sirens.")
        background = verbs.add_recap_entry(
            store,
            "ed",
            story,
            section="background",
            headline="Inspectors flagged cracks in the dam",
            body="A state report found cracks in the spillway.",
            date_text="In the fall of 2020",
            confidence="confirmed",
        )
        timeline = verbs.add_recap_entry(
            store,
            "ed",
            story,
            section="timeline",
            headline="Sirens before dawn",
            body="Residents of Marrow Ford were told to leave.",
            date_text="September 19, 2023",
            confidence="confirmed",
        )
        latest = verbs.add_recap_entry(
            store,
            "ed",
            story,
            section="latest",
            headline="Repairs planned",
            date_text="since December",
            confidence="unconfirmed",
        )
        verbs.link(store, "ed", watch, dst_entry=background, relation="source-for")
        verbs.link(store, "ed", watch, dst_entry=timeline, relation="source-for")
        verbs.link(store, "ed", hostile, dst_entry=timeline, relation="source-for")
        return Desk(
            path=path,
            story_id=story,
            watch=watch,
            ann=ann,
            hostile=hostile,
            typed=typed,
            discarded=discarded,
            new=new,
            entries=(background, timeline, latest),
        )


@pytest.fixture
def fixed_desk(tmp_path: Path, frozen: None) -> Desk:
    return build(tmp_path / "fixed.desk")


PAGE_URL = "https://news.example/orvena-live"
PUBLISHER = "Courier Desk"
FORMATS = ("md", "html", "liveblog", "claimreview", "atom", "csv", "jsonl")
GOLDEN_NAMES = {
    "md": "orvena.md",
    "html": "orvena.html",
    "liveblog": "orvena.liveblog.jsonld",
    "claimreview": "orvena.claimreview.jsonld",
    "atom": "orvena.atom",
    "csv": "orvena.csv",
    "jsonl": "orvena.jsonl",
}


def options() -> Options:
    return Options(publisher=PUBLISHER, page_url=PAGE_URL, clock=lambda: EXPORTED)


def export_text(path: Path, fmt: str) -> str:
    """One format of the story `orvena` of a desk, as `desk export` writes it."""
    out = io.StringIO(newline="")
    with Store(path) as store:
        publish(store, "orvena", cast(Format, fmt), out, options())
    return out.getvalue()


@pytest.fixture
def published(fixed_desk: Desk) -> dict[str, str]:
    """Every format of the fixed desk's story."""
    return {fmt: export_text(fixed_desk.path, fmt) for fmt in FORMATS}
