"""The recap template, editable per desk: its sections, their order, renames, and their undo.

Migration 0004 seeds every desk (new or upgraded) with the six default
sections; `set_recap_sections` makes any list the template (refusing to
drop a section that has live entries), `rename_recap_section` renames one
with its entries in one event; the store, the CLI and the export order the
recap by the desk's template and show its empty sections.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from db import Store
from db.connection import _connect
from db.errors import ConflictError
from db.schema import migrations
from desk import verbs
from desk.errors import BadInputError
from desk.export.collect import collect
from desk.vocab import MAX_SECTION_CHARS, MAX_SECTIONS, RECAP_SECTIONS

HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]b[/bold] \u202eevil"


def _story(store: Store, slug: str = "orvena") -> int:
    return verbs.create_story(store, "ann", slug, slug.title(), "2023-10-01")


def _add(store: Store, story: int, section: str, headline: str, date: str | None = None) -> int:
    return verbs.add_recap_entry(
        store, "ann", story, section=section, headline=headline, date_text=date
    )


# -- the template ----------------------------------------------------------------------------


def test_a_new_desk_has_the_default_six(store: Store) -> None:
    assert store.recap_sections() == RECAP_SECTIONS
    assert store.recap_section_counts() == {}


def test_the_recap_follows_the_desks_template(store: Store) -> None:
    story = _story(store)
    for section in RECAP_SECTIONS:
        _add(store, story, section, section)
    order = ["reactions", "latest", "analysis", "timeline", "background"]
    blocked = ["what we know", "what we don't know"]
    for name in blocked:  # they have entries: delete them first
        for entry in store.recap(story, section=name):
            verbs.delete_recap_entry(store, "ann", entry.id)
    assert verbs.set_recap_sections(store, "ann", ["Reactions", "latest", "Analysis", *order[3:]])
    assert store.recap_sections() == tuple(order)
    _add(store, story, "analysis", "analysed")
    assert [e.section for e in store.recap(story)] == order
    # the export reads the same order; an empty section is left off a page
    pub = collect(store, "orvena")
    assert [s.name for s in pub.sections] == order
    assert [s.title for s in pub.sections][:3] == ["Reactions", "Latest", "Analysis"]


def test_an_entry_under_a_section_not_in_the_template_comes_after_by_name(store: Store) -> None:
    story = _story(store)
    _add(store, story, "timeline", "t")
    with store.transaction() as w:  # as a desk edited by hand
        w.conn.execute(
            "INSERT INTO recap_entries(uuid, story_id, section, headline, created_at) "
            "VALUES ('x1', ?, 'zzz', 'z', '2023-10-01'), ('x2', ?, 'aaa', 'a', '2023-10-01')",
            [story, story],
        )
    assert [e.section for e in store.recap(story)] == ["timeline", "aaa", "zzz"]
    assert [s.name for s in collect(store, "orvena").sections] == ["timeline", "aaa", "zzz"]


def test_add_and_move_take_only_the_desks_sections(store: Store) -> None:
    story = _story(store)
    verbs.set_recap_sections(store, "ann", ["timeline", "Q&A", "what's next"])
    entry = _add(store, story, "q&a", "asked")
    assert store.recap_entry(entry).section == "q&a"
    verbs.move_recap_entry(store, "ann", entry, to_section="What's-Next")
    assert store.recap_entry(entry).section == "what's next"
    before = store.last_seq()
    with pytest.raises(BadInputError, match="bad section 'latest': use one of timeline, q&a"):
        _add(store, story, "latest", "gone")
    with pytest.raises(BadInputError, match="bad section 'background'"):
        verbs.move_recap_entry(store, "ann", entry, to_section="background")
    assert store.last_seq() == before


def test_the_same_template_again_is_no_change_and_no_event(store: Store) -> None:
    before = store.last_seq()
    assert verbs.set_recap_sections(store, "ann", list(RECAP_SECTIONS)) == RECAP_SECTIONS
    assert store.last_seq() == before


@pytest.mark.parametrize(
    ("names", "match"),
    [
        ([], "at least one"),
        (["timeline", ""], "a section needs a name"),
        (["timeline", "\x1b[31m\x1b[0m  "], "a section needs a name"),
        (["Timeline", "timeline"], "'timeline' is given twice"),
        (["what-we-know", "What We_Know"], "'what we know' is given twice"),
        (["[bold]x[/bold]"], r"bad section name '\[bold\]x\[/bold\]': use letters"),
        (["<script>"], "bad section name"),
        (["## heading"], "bad section name"),
        (["zero\u200bwidth"], "bad section name"),
        (["..."], "bad section name"),
        (["x" * 41], f"is 41 characters; the limit is {MAX_SECTION_CHARS}"),
        (["x" * 1_000_000], "is 1000000 characters; the limit is 40"),
        ([f"s{i}" for i in range(MAX_SECTIONS + 1)], f"at most {MAX_SECTIONS}"),
    ],
)
def test_bad_templates_are_refused_clearly(store: Store, names: list[str], match: str) -> None:
    before = store.last_seq()
    with pytest.raises(BadInputError, match=match) as caught:
        verbs.set_recap_sections(store, "ann", names)
    assert len(str(caught.value)) < 300  # a huge name is not echoed back whole
    assert store.recap_sections() == RECAP_SECTIONS and store.last_seq() == before


def test_escapes_controls_and_bidi_are_cleaned_out_of_a_name(store: Store) -> None:
    verbs.set_recap_sections(
        store, "ann", ["\x1b]0;pwned\x07\x1b[31mAnalysis\x1b[0m", "\u202eevil\u202c", "bell\x07s"]
    )
    assert store.recap_sections() == ("analysis", "evil", "bells")


def test_a_section_with_live_entries_cannot_be_removed(store: Store) -> None:
    story = _story(store)
    other = _story(store, "fenwick")
    a = _add(store, story, "latest", "a")
    _add(store, other, "latest", "b")
    _add(store, story, "reactions", "c")
    before = store.last_seq()
    with pytest.raises(BadInputError, match="'latest' has 2 live entries; 'reactions' has 1 live"):
        verbs.set_recap_sections(store, "ann", ["timeline"])
    assert store.last_seq() == before
    # deleted entries do not hold a section (undoing the delete shows it after the template's)
    verbs.delete_recap_entry(store, "ann", a)
    verbs.move_recap_entry(store, "ann", a + 1, to_section="timeline")
    verbs.move_recap_entry(store, "ann", a + 2, to_section="timeline")
    verbs.set_recap_sections(store, "ann", ["timeline"])
    assert store.recap_sections() == ("timeline",)


def test_undo_of_a_template_change(store: Store) -> None:
    verbs.set_recap_sections(store, "ann", ["timeline", "analysis"])
    event = store.events()[-1]
    assert (event.kind, event.target) == ("recap.sections", "recap:sections")
    assert event.payload == {"from": list(RECAP_SECTIONS), "to": ["timeline", "analysis"]}
    assert verbs.undo(store, "ann").undone.kind == "recap.sections"
    assert store.recap_sections() == RECAP_SECTIONS
    assert store.verify() is None


def test_undo_of_a_template_change_refuses_when_changed_since(store: Store) -> None:
    verbs.set_recap_sections(store, "ann", ["timeline", "analysis"])
    verbs.set_recap_sections(store, "bob", ["analysis", "timeline"])
    with pytest.raises(ConflictError, match="changed again since"):
        verbs.undo(store, "ann")
    assert store.recap_sections() == ("analysis", "timeline")


def test_undo_of_a_template_change_refuses_to_orphan_entries(store: Store) -> None:
    story = _story(store)
    verbs.set_recap_sections(store, "ann", [*RECAP_SECTIONS, "analysis"])
    verbs.add_recap_entry(store, "bob", story, section="analysis", headline="by bob")
    with pytest.raises(ConflictError, match="'analysis' has 1 live entry"):
        verbs.undo(store, "ann")
    assert "analysis" in store.recap_sections()


# -- renames ---------------------------------------------------------------------------------


def test_a_rename_carries_every_entry_along_in_one_event(store: Store) -> None:
    story = _story(store)
    other = _story(store, "fenwick")
    a = _add(store, story, "latest", "a", "fall 2020")
    b = _add(store, other, "latest", "b")
    gone = _add(store, story, "latest", "gone")
    verbs.delete_recap_entry(store, "ann", gone)
    version = store.recap_entry(a).version
    before = store.last_seq()
    done = verbs.rename_recap_section(store, "cat", "Latest", "Updates")
    assert store.last_seq() == before + 1
    assert done.sections == (
        "background",
        "timeline",
        "updates",
        "what we know",
        "what we don't know",
        "reactions",
    )
    assert done.entries == (a, b, gone)
    assert {store.recap_entry(i).section for i in (a, b, gone)} == {"updates"}
    assert store.recap_entry(a).version == version  # a placement, not an edit
    event = store.events()[-1]
    assert event.kind == "recap.section.rename"
    assert event.payload == {"from": "latest", "to": "updates", "entries": [a, b, gone]}
    # undo renames it back, with what is filed under it now
    _add(store, story, "updates", "added since")
    verbs.undo(store, "cat")
    assert store.recap_sections() == RECAP_SECTIONS
    assert [e.headline for e in store.recap(story, section="latest")] == ["a", "added since"]
    verbs.undo(store, "ann")  # ann's add of "added since"
    verbs.undo(store, "ann")  # ann's delete of gone
    assert (
        store.recap_entry(gone).section == "latest" and store.recap_entry(gone).deleted_at is None
    )
    assert store.verify() is None


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("gossip", "rumours", "bad section 'gossip'"),
        ("latest", "Timeline", "there is a section 'timeline' already"),
        ("latest", "LATEST", "is called that already"),
        ("latest", "", "a section needs a name"),
        ("latest", "[red]x", "bad section name"),
        ("latest", "y" * 100_000, "is 100000 characters"),
        (HOSTILE, "x", "bad section"),
    ],
)
def test_bad_renames_are_refused(store: Store, old: str, new: str, match: str) -> None:
    before = store.last_seq()
    with pytest.raises(BadInputError, match=match) as caught:
        verbs.rename_recap_section(store, "ann", old, new)
    assert "\x1b" not in str(caught.value) and "\u202e" not in str(caught.value)
    assert store.recap_sections() == RECAP_SECTIONS and store.last_seq() == before


def test_undo_of_a_rename_refuses_when_the_template_changed_since(store: Store) -> None:
    verbs.rename_recap_section(store, "ann", "latest", "updates")
    verbs.rename_recap_section(store, "bob", "updates", "news")
    with pytest.raises(ConflictError, match="changed since"):
        verbs.undo(store, "ann")
    verbs.undo(store, "bob")
    verbs.undo(store, "ann")
    assert store.recap_sections() == RECAP_SECTIONS


def test_new_verbs_refuse_a_bad_actor(store: Store) -> None:
    for who in ("", "bob\nmallory", "\x1b]0;X\x07"):
        with pytest.raises(BadInputError, match="name"):
            verbs.set_recap_sections(store, who, ["timeline"])
        with pytest.raises(BadInputError, match="name"):
            verbs.rename_recap_section(store, who, "latest", "news")
    assert store.last_seq() == 0


# -- the migration ---------------------------------------------------------------------------


def _desk_at_0003(path: Path) -> None:
    """A desk as the 0003 schema left it: entries in the fixed sections, one filed by hand."""
    conn = _connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.apply(Database(conn), stop_before="0004_recap_sections")
    conn.execute(
        "INSERT INTO stories(uuid, slug, title, created_at, reference_date) "
        "VALUES ('s1', 'orvena', 'Orvena', '2023-10-01T08:00:00.000000Z', '2023-10-01')"
    )
    for i, (section, headline) in enumerate(
        [("reactions", "r"), ("timeline", "t"), ("hand made", "h"), ("background", "b")], start=1
    ):
        conn.execute(
            "INSERT INTO recap_entries(uuid, story_id, section, headline, created_at) "
            "VALUES (?, 1, ?, ?, '2023-10-01T08:00:00.000000Z')",
            [f"e{i}", section, headline],
        )
    conn.commit()
    conn.close()


def test_the_migration_seeds_an_existing_desk_and_keeps_its_order(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    _desk_at_0003(path)
    with Store(path) as store:
        assert store.recap_sections() == (*RECAP_SECTIONS, "hand made")
        assert [e.headline for e in store.recap(1)] == ["b", "t", "r", "h"]
        verbs.rename_recap_section(store, "ann", "hand made", "analysis")
        assert [e.section for e in store.recap(1)][-1] == "analysis"
    with Store(path) as again:
        names = [r[0] for r in again.conn.execute("SELECT name FROM _sqlite_migrations")]
        assert names[-1] == "0007_merge" and len(names) == len(set(names))
        assert again.recap_sections()[-1] == "analysis"
