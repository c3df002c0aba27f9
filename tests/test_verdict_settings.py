"""Issue 10: a desk renames or adds verdicts in its settings (`desk verdicts`).

Through the verbs, the CLI, the publish rule, the export and the replay: a
renamed verdict shows by its label everywhere and keeps its rules; an
added one follows the rules of the built-in verdict it is `like`.
"""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlite_utils import Database

from db import Store
from db.connection import _connect
from db.errors import ConflictError
from db.schema import migrations
from db.slices import snapshot
from desk import verbs
from desk.errors import BadInputError, NothingToUndoError
from desk.export.collect import collect
from desk.export.jsonld import claim_reviews
from desk.export.publish import publish
from desk.filter_expr import parse_filter
from desk.replay import ReplayReport, replay
from desk.sourcing import not_ready
from desk.verbs import VerdictGateError
from desk.verbs.undo import INVERSES
from desk.verdicts import BUILTIN, scheme_from
from tests.clirun import run_cli

PILLARS = ("provenance", "source", "date", "location", "motivation")


def _replay(store: Store) -> ReplayReport:
    with snapshot(store.conn, store.lock):
        return replay(store.conn)


def _scheme(store: Store):  # type: ignore[no-untyped-def]
    return scheme_from(store.verdicts())


def _item(store: Store, text: str = "Water over the spillway", story: int | None = None) -> int:
    item_id = verbs.add_item(store, "ann", text=text, story_id=story).id
    verbs.set_triage(store, "ann", [item_id], "kept")
    return item_id


def _story_with_entry(store: Store, source: int) -> int:
    if store.story_by_slug("dam") is None:
        verbs.create_story(store, "ann", "dam", "The dam")
    entry = verbs.add_recap_entry(
        store, "ann", "dam", section="timeline", headline="Water over the top", date_text="2023"
    )
    verbs.link(store, "ann", source, dst_entry=entry, relation="source-for")
    return entry


# -- the settings ------------------------------------------------------------------------


def test_a_new_desk_has_the_six_built_in_verdicts_with_their_letters_and_keys(
    store: Store,
) -> None:
    scheme = _scheme(store)
    assert scheme == BUILTIN
    assert [(v.name, v.letter, v.key) for v in scheme.verdicts] == [
        ("unverified", ".", "u"),
        ("in progress", "~", "p"),
        ("verified", "V", "v"),
        ("false", "X", "f"),
        ("misleading", "M", "m"),
        ("unverifiable", "U", "n"),
    ]


def test_an_added_verdict_gets_free_letters_and_is_set_like_any_other(store: Store) -> None:
    added = verbs.add_verdict(store, "ed", "Satire", "misleading")
    assert (added.name, added.label, added.letter, added.key, added.meaning) == (
        "satire",
        "satire",
        "S",
        "s",
        "misleading",
    )
    item = _item(store)
    verbs.set_verdict(store, "vic", [item], "SATIRE")
    assert store.item(item).verdict == "satire"
    assert store.counts().verdict["satire"] == 1
    assert store.page(parse_filter("verdict:satire", verdicts=_scheme(store)))[0].id == item


def test_letters_already_taken_are_skipped_and_given_ones_are_checked(store: Store) -> None:
    # m (misleading) and M are taken: "mostly true" takes the next free letters of its name.
    added = verbs.add_verdict(store, "ed", "mostly true", "verified")
    assert (added.letter, added.key) == ("O", "o")
    with pytest.raises(BadInputError, match="the key 'f' already picks 'false'"):
        verbs.add_verdict(store, "ed", "fabricated", "false", key="f")
    with pytest.raises(BadInputError, match="the letter 'X' already shows 'false'"):
        verbs.add_verdict(store, "ed", "fabricated", "false", letter="X")
    with pytest.raises(BadInputError, match="one printable character"):
        verbs.add_verdict(store, "ed", "fabricated", "false", letter="XY")


def test_a_rename_changes_the_label_only(store: Store) -> None:
    item = _item(store)
    verbs.set_verdict(store, "vic", [item], "misleading")
    renamed = verbs.rename_verdict(store, "ed", "misleading", "Missing context")
    assert (renamed.name, renamed.label, renamed.meaning) == (
        "misleading",
        "missing context",
        "misleading",
    )
    assert store.item(item).verdict == "misleading"  # the stored word, the log's word, stays
    scheme = _scheme(store)
    assert scheme.label("misleading") == "missing context"
    # Both words find it: filters written before the rename still work.
    for word in ("missing-context", "misleading"):
        assert [r.id for r in store.page(parse_filter(f"verdict:{word}", verdicts=scheme))] == [
            item
        ]
    verbs.set_verdict(store, "vic", [item], "unverified")
    verbs.set_verdict(store, "vic", [item], "missing context")
    assert store.item(item).verdict == "misleading"


@pytest.mark.parametrize(
    ("name", "like", "match"),
    [
        ("", "false", "give the verdict"),
        ("x" * 41, "false", "over 40 characters"),
        ("1st", "false", "starting with a letter"),
        ("a;b", "false", "use letters, digits"),
        ("satire", "bogus", "bad meaning 'bogus'"),
        ("false", "false", "has a verdict 'false' already"),
        ("in-progress", "false", "has a verdict 'in progress' already"),
    ],
)
def test_bad_verdicts_are_refused_in_one_line(
    store: Store, name: str, like: str, match: str
) -> None:
    with pytest.raises(BadInputError, match=match):
        verbs.add_verdict(store, "ed", name, like)
    assert _scheme(store) == BUILTIN


def test_hostile_text_is_cleaned_out_of_a_name_before_it_is_checked(store: Store) -> None:
    added = verbs.add_verdict(store, "ed", "\x1b[31mhoax\x1b[0m\u202e", "false")
    assert added.name == "hoax"
    with pytest.raises(BadInputError):
        verbs.add_verdict(store, "ed", "[bold]x[/bold]", "false")


def test_a_built_in_verdict_cannot_be_removed_nor_one_in_use(store: Store) -> None:
    with pytest.raises(BadInputError, match="one of the six built-in verdicts"):
        verbs.remove_verdict(store, "ed", "false")
    verbs.add_verdict(store, "ed", "satire", "misleading")
    item = _item(store)
    verbs.set_verdict(store, "vic", [item], "satire")
    with pytest.raises(BadInputError, match="1 item carries the verdict 'satire'"):
        verbs.remove_verdict(store, "ed", "satire")
    verbs.set_verdict(store, "vic", [item], "false")
    verbs.remove_verdict(store, "ed", "satire")
    assert "satire" not in _scheme(store).names
    with pytest.raises(BadInputError, match="bad verdict 'satire'"):
        verbs.set_verdict(store, "vic", [item], "satire")


def test_the_database_refuses_a_verdict_the_desk_does_not_know(store: Store) -> None:
    item = _item(store)
    refused = pytest.raises(sqlite3.IntegrityError, match="not a verdict of this desk")
    with refused, store.transaction() as w:
        w.update_item(item, {"verdict": "bogus"})
    assert store.item(item).verdict == "unverified"


def test_each_change_is_an_event_with_an_undo(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading")
    verbs.rename_verdict(store, "ed", "satire", "parody", letter="P", key="y")
    assert _scheme(store).get("satire").letter == "P"  # type: ignore[union-attr]
    verbs.undo(store, "ed")
    back = _scheme(store).get("satire")
    assert back is not None and (back.label, back.letter, back.key) == ("satire", "S", "s")
    verbs.undo(store, "ed")
    assert "satire" not in _scheme(store).names
    kinds = [e.kind for e in store.events()]
    assert kinds.count("verdict.define") == 2 and kinds.count("undo") == 2


def test_undo_of_an_addition_refuses_while_items_carry_it(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading")
    item = _item(store)
    verbs.set_verdict(store, "vic", [item], "satire")
    (event,) = [e for e in store.events() if e.kind == "verdict.define"]
    refused = pytest.raises(ConflictError, match="1 item carries the verdict 'satire' now")
    with refused, store.transaction() as w:
        INVERSES["verdict.define"](w, event)
    assert "satire" in _scheme(store).names


def test_undo_of_a_removal_brings_it_back(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading")
    verbs.remove_verdict(store, "ed", "satire")
    verbs.undo(store, "ed")
    assert _scheme(store).get("satire") is not None
    verbs.undo(store, "ed")
    with pytest.raises(NothingToUndoError):
        verbs.undo(store, "ed")


# -- the rules follow the meaning --------------------------------------------------------


def test_a_verdict_added_like_verified_is_gated_like_verified(store: Store) -> None:
    verbs.add_verdict(store, "ed", "confirmed on the ground", "verified")
    item = _item(store)
    with pytest.raises(VerdictGateError, match="provenance"):
        verbs.set_verdict(store, "vic", [item], "confirmed on the ground")
    verbs.set_verdict(store, "vic", [item], "confirmed on the ground", override="seen it")
    assert store.item(item).verdict == "confirmed on the ground"
    (event,) = [e for e in store.events() if e.kind == "item.verdict"]
    assert event.payload["override"] == "seen it"
    other = _item(store, "second")
    for step in PILLARS:
        verbs.log_check(store, "vic", other, step, "passed")
    verbs.set_verdict(store, "vic", [other], "confirmed on the ground")


def test_a_renamed_verified_keeps_its_gate(store: Store) -> None:
    verbs.rename_verdict(store, "ed", "verified", "checked")
    item = _item(store)
    with pytest.raises(VerdictGateError):
        verbs.set_verdict(store, "vic", [item], "checked")


def test_the_publish_rule_reads_the_meaning(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading")
    verbs.add_verdict(store, "ed", "on record", "unverifiable")
    item = _item(store)
    entry = _story_with_entry(store, item)
    for verdict, ready in (("satire", False), ("on record", True), ("unverified", False)):
        verbs.set_verdict(store, "vic", [item], verdict)
        (found,) = store.recap(store.story_by_slug("dam").id)
        assert found.id == entry
        assert (not_ready(found, _scheme(store)) is None) is ready, verdict


def test_the_export_shows_labels_and_rates_by_meaning(store: Store) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading", label="Satire or parody")
    verbs.rename_verdict(store, "ed", "false", "fabricated")
    verbs.create_story(store, "ann", "dam", "The dam")
    story = store.story_by_slug("dam").id  # type: ignore[union-attr]
    satire = _item(store, "a satirical post", story)
    fake = _item(store, "a fabricated post", story)
    _story_with_entry(store, satire)
    verbs.link(store, "ann", fake, dst_entry=1, relation="source-for")
    verbs.set_verdict(store, "vic", [satire], "satire", "from a satire site")
    verbs.set_verdict(store, "vic", [fake], "fabricated")
    pub = collect(store, "dam")
    by_text = {i.text: i for i in pub.items}
    assert by_text["a satirical post"].verdict_label == "Satire or parody"
    assert by_text["a fabricated post"].verdict_label == "Fabricated"
    ratings = {r["claimReviewed"]: r["reviewRating"] for r in claim_reviews(pub)}
    assert ratings["a satirical post"]["ratingValue"] == 2  # misleading's place on the scale
    assert ratings["a satirical post"]["alternateName"] == "Satire or parody"
    assert ratings["a fabricated post"]["ratingValue"] == 1
    assert ratings["a fabricated post"]["alternateName"] == "Fabricated"
    page = io.StringIO()
    publish(store, "dam", "md", page)
    assert "*Satire or parody*: from a satire site" in page.getvalue()
    assert "satire or parody" in page.getvalue()  # the source line of the entry
    assert "*Fabricated*" in page.getvalue()


# -- the log carries it ------------------------------------------------------------------


def test_a_replay_rebuilds_the_settings_and_catches_an_edit_behind_the_verbs(
    store: Store, desk_path: Path
) -> None:
    verbs.add_verdict(store, "ed", "satire", "misleading")
    verbs.rename_verdict(store, "ed", "misleading", "missing context")
    item = _item(store)
    verbs.set_verdict(store, "vic", [item], "satire")
    verbs.add_verdict(store, "ed", "hoax", "false")
    verbs.remove_verdict(store, "ed", "hoax")
    verbs.undo(store, "ed")
    assert _replay(store).differences == ()
    with closing(sqlite3.connect(desk_path)) as conn, conn:
        conn.execute("UPDATE verdicts SET meaning = 'verified' WHERE name = 'satire'")
    (diff,) = _replay(store).differences
    assert diff.table == "verdicts" and "satire" in str(diff.key)


def test_the_migration_keeps_an_old_desks_verdicts_and_lets_it_add_one(tmp_path: Path) -> None:
    path = tmp_path / "old.desk"
    conn = _connect(path)
    migrations.apply(Database(conn), stop_before="0006_verdicts")
    conn.execute(
        "INSERT INTO items(uuid, kind, platform, text, ingested_at, sort_at, sort_key, verdict)"
        " VALUES ('u1', 'note', 'manual', 'old', '2026-01-01T00:00:00Z',"
        " '2026-01-01T00:00:00Z', 1, 'false')"
    )
    with pytest.raises(sqlite3.IntegrityError):  # the old CHECK stands until the upgrade
        conn.execute("UPDATE items SET verdict = 'satire'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.item(1).verdict == "false"
        assert _scheme(store) == BUILTIN
        verbs.add_verdict(store, "ed", "satire", "misleading")
        verbs.set_verdict(store, "vic", [1], "satire")
        assert store.item(1).verdict == "satire"
        (ok,) = store.conn.execute("PRAGMA integrity_check").fetchone()
        assert ok == "ok"
        sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'items'").fetchone()
        assert "CHECK (verdict" not in sql[0] and "CHECK (triage" in sql[0]


# -- the CLI ------------------------------------------------------------------------------


def test_the_cli_lists_adds_renames_and_removes(desk_path: Path) -> None:
    assert run_cli(desk_path, "init").code == 0
    ran = run_cli(desk_path, "verdicts", "add", "satire", "--like", "misleading")
    assert ran.code == 0, ran.err
    assert "letter S in the list, key s in the chooser" in ran.out
    ran = run_cli(desk_path, "verdicts", "rename", "misleading", "missing context")
    assert ran.code == 0 and "'missing context'" in ran.out
    listing = run_cli(desk_path, "verdicts").out.splitlines()
    assert any("missing context" in line and "misleading" in line for line in listing)
    assert any("satire (like misleading)" in line for line in listing)
    data = json.loads(run_cli(desk_path, "verdicts", "--json").out)
    assert [v["name"] for v in data][-1] == "satire" and data[-1]["like"] == "misleading"
    assert run_cli(desk_path, "add", "--text", "post").code == 0
    ran = run_cli(desk_path, "verdict", "1", "missing", "context")
    assert ran.code == 0 and ran.out.strip() == "1: missing context"
    assert "missing context" in run_cli(desk_path, "show", "1").out
    assert "missing context" in run_cli(desk_path, "ls").out
    ran = run_cli(desk_path, "verdicts", "remove", "satire")
    assert ran.code == 0 and "removed" in ran.out


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("verdicts", "add", "satire"), "Missing option '--like'"),
        (("verdicts", "add", "satire", "--like", "nope"), "bad meaning 'nope'"),
        (("verdicts", "add", "\x1b]0;pwned\x07", "--like", "false"), "give the verdict"),
        (("verdicts", "add", "[red]x[/red]", "--like", "false"), "use letters"),
        (("verdicts", "rename", "nope", "x"), "bad verdict 'nope'"),
        (("verdicts", "rename", "false"), "give the new label"),
        (("verdicts", "remove", "false"), "six built-in verdicts"),
        (("verdict", "1", "nope"), "bad verdict 'nope': use one of unverified"),
    ],
)
def test_cli_mistakes_are_one_line(desk_path: Path, args: tuple[str, ...], match: str) -> None:
    run_cli(desk_path, "init")
    run_cli(desk_path, "add", "--text", "post")
    ran = run_cli(desk_path, *args)
    assert ran.code in (1, 2)
    assert match in ran.err
    assert "Traceback" not in ran.err and "\x1b" not in ran.err and "\x07" not in ran.err
