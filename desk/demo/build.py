"""Build the demo desk: ingest the shipped sample files, then work them as a team would.

The items go in through the real importers; the curation (tags, triage,
links, notes, verdicts, checks, the recap) goes through the verbs, under
three invented colleagues, so the event log reads like a real morning.
"""

from __future__ import annotations

import random
from itertools import pairwise
from pathlib import Path

from db import Store
from db.models import ItemQuery
from desk import verbs
from desk.ingest.pipeline import ingest_paths

DATA = Path(__file__).parent / "data"
EDITOR, REPORTER, VERIFIER = "mara", "tomas", "ines"
REFERENCE_DATE = "2026-11-24"
"""The demo story's reference date: the Tuesday its recap was written (the flood began Friday)."""

RECAP = [
    # (section, date as written, headline, body, confidence); dates are read against
    # the story's reference date (REFERENCE_DATE), as a reporter wrote them that day.
    (
        "background",
        "in the fall of 2020",
        "Seepage first reported at the dam's east face",
        "County engineers logged wet patches at the foot of the east face.",
        "confirmed",
    ),
    (
        "background",
        "since December",
        "Lower Marrow residents ask for a new inspection",
        "A residents' group petitioned the county three times.",
        "confirmed",
    ),
    (
        "background",
        "in April this year",
        "Repairs approved, due to start next spring",
        "",
        "confirmed",
    ),
    (
        "timeline",
        "on Friday",
        "Water over the spillway; sirens in Marrow Ford",
        "Before dawn.",
        "confirmed",
    ),
    (
        "timeline",
        "on Friday",
        "Evacuation of Lower Marrow and the river quarter ordered",
        "About 6 a.m.",
        "confirmed",
    ),
    (
        "timeline",
        "on Friday",
        "Mayor says the dam is holding; red zone must leave",
        "Friday morning.",
        "reported",
    ),
    (
        "latest",
        "on Tuesday",
        "River falling at Dunmere; army engineers inspect the dam",
        "",
        "reported",
    ),
    (
        "what we know",
        None,
        "Shelters at Cobble Hill high school and the ice rink are open",
        "",
        "confirmed",
    ),
    (
        "what we don't know",
        None,
        "Whether the crack on the east face is new",
        "",
        "unconfirmed",
    ),
    (
        "what we don't know",
        None,
        "How many people are still in the red zone",
        "",
        "unconfirmed",
    ),
    (
        "reactions",
        None,
        "Residents say the county knew about the crack since the spring",
        "",
        "reported",
    ),
]


def _reset(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            candidate.unlink()


GAUGE_CHECKS: tuple[tuple[str, str], ...] = (
    ("provenance", "First posted by the gauge feed itself."),
    ("source", "Orvena Watch runs the gauge feed."),
    ("date", "Reading time matches the county's data page."),
    ("location", "Gauge 4 sits at the Marrow Ford bridge."),
    ("motivation", "An automated alert, no campaign behind it."),
)
"""How the demo's verifier checks a gauge reading before rating it `verified`."""


def build_demo(path: Path) -> str:
    """(Re)build the demo desk at `path`; a one-line summary."""
    _reset(path)
    rng = random.Random(7)
    with Store(path, create=True) as store:
        # The side story first: a desk opens on its newest story, the one the demo is about.
        side = verbs.create_story(store, EDITOR, "fenwick-power", "Fenwick substation outage")
        story = verbs.create_story(
            store, EDITOR, "orvena-dam", "Orvena dam breach, Marrow Ford", REFERENCE_DATE
        )
        reports = ingest_paths(store, sorted(DATA.iterdir()), actor=REPORTER, story_id=story)
        errors = [r.error for r in reports if r.error]
        if errors:
            raise RuntimeError("demo data did not ingest: " + "; ".join(errors))
        rows = store.page(ItemQuery(), limit=1000)
        ids = [r.id for r in rows]
        by_text = {r.id: r.first_line.lower() for r in rows}

        def matching(*words: str) -> list[int]:
            return [i for i, text in by_text.items() if all(w in text for w in words)]

        for item_id in verbs_safe(matching("evacuation")):
            verbs.tag(store, EDITOR, [item_id], ["+evacuation"])
        verbs.tag(store, EDITOR, matching("shelter")[:12], ["+shelters"])
        verbs.tag(store, REPORTER, matching("missing")[:6], ["+casualties", "+needs-confirmation"])
        verbs.tag(store, REPORTER, matching("crack")[:8], ["+dam-structure"])
        verbs.tag(store, EDITOR, matching("video")[:5], ["+viral"])
        viral = store.find_item("twitter", "1860000000000123456", None)
        keep_visible = {viral, *(r.id for r in rows if r.platform in ("factcheck", "web"))}
        pool = [i for i in ids if i not in keep_visible]
        sample = rng.sample(pool, min(80, len(pool)))
        verbs.set_triage(store, EDITOR, sample[:45], "kept")
        verbs.set_triage(store, EDITOR, sample[45:60], "flagged")
        verbs.set_triage(store, EDITOR, sample[60:80], "discarded")

        if viral is not None:
            verbs.set_verdict(
                store,
                VERIFIER,
                [viral],
                "false",
                reason="The video is from a 2019 dam failure abroad (reverse image search).",
            )
            verbs.log_check(
                store,
                VERIFIER,
                viral,
                "provenance",
                "failed",
                note="Earliest copy found on a video site in 2019.",
                evidence=["https://video.example/watch?v=orig2019"],
            )
            verbs.log_check(
                store,
                VERIFIER,
                viral,
                "date",
                "failed",
                note="Leaves on trees; the flood here is in November.",
            )
            verbs.log_check(
                store,
                VERIFIER,
                viral,
                "source",
                "unclear",
                note="Aggregator account, not first-hand.",
            )
            verbs.annotate(store, VERIFIER, viral, "Do not use. See the fact-check linked here.")
        gauges = matching("gauge")[:3]
        for item_id in gauges:
            # Checked step by step, then verified: the desk refuses `verified` before.
            for step, note in GAUGE_CHECKS:
                verbs.log_check(store, VERIFIER, item_id, step, "passed", note=note)
            verbs.set_verdict(
                store,
                VERIFIER,
                [item_id],
                "verified",
                reason="Matches the county's gauge data page.",
            )
        for item_id in matching("gauge")[3:5]:  # checking under way: the queue shows them
            verbs.set_triage(store, EDITOR, [item_id], "kept")
            verbs.log_check(
                store,
                VERIFIER,
                item_id,
                "source",
                "passed",
                note="Orvena Watch runs the gauge feed.",
            )
            verbs.log_check(
                store,
                VERIFIER,
                item_id,
                "date",
                "unclear",
                note="Timestamp is the feed's, not the gauge's.",
            )
        for item_id in matching("missing")[:2]:
            verbs.set_verdict(store, VERIFIER, [item_id], "in progress")
            verbs.annotate(
                store, REPORTER, item_id, "Called the caravan park office, no answer yet."
            )
        evac = matching("evacuation ordered")
        for a, b in pairwise(evac[:6]):
            verbs.link(store, EDITOR, b, dst_item=a, relation="corroborates")
        dupes = matching("flooded market square")
        for a, b in pairwise(dupes[:4]):
            verbs.link(store, EDITOR, b, dst_item=a, relation="same-event")

        entries = []
        for section, date_text, headline, body, confidence in RECAP:
            entries.append(
                verbs.add_recap_entry(
                    store,
                    EDITOR,
                    story,
                    section=section,
                    headline=headline,
                    body=body,
                    date_text=date_text,
                    confidence=confidence,
                )
            )
        for item_id in evac[:2]:
            verbs.link(store, EDITOR, item_id, dst_entry=entries[4], relation="source-for")
        for item_id in matching("gauge")[:1]:
            verbs.link(store, EDITOR, item_id, dst_entry=entries[3], relation="source-for")
        verbs.annotate(
            store, EDITOR, None, "Need a second source for the 6 a.m. time.", entry_id=entries[4]
        )
        verbs.add_item(
            store,
            REPORTER,
            text="Fenwick substation still under water, crews waiting",
            handle="@lenavaro_news",
            story_id=side,
        )
        verbs.save_filter(store, EDITOR, "to-verify", "triage:flagged verdict:unverified")
        verbs.save_filter(store, EDITOR, "evac", "tag:evacuation")
        total = store.counts().total
    return f"demo desk: {total} items, {sum(r.links for r in reports)} links from ingest"


def verbs_safe(ids: list[int]) -> list[int]:
    """Keep the demo's first batch of tags small and stable."""
    return ids[:15]
