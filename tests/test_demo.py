"""The demo desk builds from the shipped sample data through the real importers."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import Store
from db.models import ItemQuery
from desk.demo.build import build_demo
from desk.vocab import DEFAULT_CHECKLIST


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.desk"
    build_demo(path)
    return path


def test_demo_has_a_few_hundred_items_across_platforms(demo: Path) -> None:
    with Store(demo) as store:
        counts = store.counts()
        assert 300 <= counts.total <= 400
        platforms = {r.platform for r in store.page(ItemQuery(show_discarded=True), limit=1000)}
        assert {
            "twitter",
            "mastodon",
            "bluesky",
            "telegram",
            "rss",
            "web",
            "factcheck",
        } <= platforms
        assert {k for k, v in counts.triage.items() if v} == {"new", "kept", "flagged", "discarded"}
        assert store.verify() is None


def test_demo_is_worked_by_a_team(demo: Path) -> None:
    with Store(demo) as store:
        actors = {e.actor for e in store.events()}
        assert {"mara", "tomas", "ines"} <= actors
        tags = dict(store.all_tags())
        assert "orvena" not in tags and "evacuation" in tags and "viral" in tags
        # The demo's story made last: the desk opens on it (its newest).
        assert [s.slug for s in store.stories()] == ["fenwick-power", "orvena-dam"]
        recap = store.recap(store.stories()[-1].id)
        assert [e.section for e in recap][:3] == ["background"] * 3
        assert recap[0].date_text == "in the fall of 2020"
        assert any(e.source_item_ids for e in recap)
        # Its own two, and the built-in queue every desk has.
        assert [f[0] for f in store.saved_filters()] == ["evac", "needs-verification", "to-verify"]


def test_viral_video_is_fact_checked_and_linked(demo: Path) -> None:
    with Store(demo) as store:
        viral = store.find_item("twitter", "1860000000000123456", None)
        assert viral is not None
        item = store.item(viral)
        assert item.verdict == "false" and item.author_handle == "breakingwire24"
        assert item.posted_at == "2026-11-20T07:42:00Z"
        links = store.links_of(viral)
        review = [x for x in links if x.relation == "reviews"]
        assert len(review) == 1
        assert store.item(review[0].src_id).platform == "factcheck"
        assert [s.status for s in store.checklist(viral, DEFAULT_CHECKLIST)][:3] == [
            "failed",
            "unclear",
            "failed",
        ]


def test_article_embeds_its_quoted_posts(demo: Path) -> None:
    with Store(demo) as store:
        (article,) = store.page(ItemQuery(platform=("web",)))
        embedded = [x for x in store.links_of(article.id) if x.relation == "embedded-in"]
        assert len(embedded) == 3
        handles = {store.item(x.src_id).author_handle for x in embedded}
        assert handles == {"orvena_watch", "marrowfordfire", "rheasolberg"}
        assert "In the fall of 2020" in store.item(article.id).text


def test_feed_authors_and_hostile_posts_are_clean(demo: Path) -> None:
    with Store(demo) as store:
        rss = store.page(ItemQuery(platform=("rss",)), limit=50)
        assert {r.author_name for r in rss} == {"Lena Varo"}
        hostile = store.page(ItemQuery(text='"evil"'), limit=10) + store.page(
            ItemQuery(text='"BREAKING"'), limit=10
        )
        assert hostile
        for row in hostile:
            text = store.item(row.id).text
            assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text


def test_rebuilding_starts_fresh(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.desk"
    build_demo(again)
    build_demo(again)
    with Store(again) as store, Store(demo) as first:
        assert store.counts().total == first.counts().total
