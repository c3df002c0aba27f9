"""Issue 10's data and verbs: templates, steps with history, evidence by hash, the verified
gate and the verification queue, through the verbs and the store (the CLI is tested in
`test_verification_cli.py`)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import db.writer
import db.writer_base
from db import Store
from db.errors import ConflictError
from db.models import ItemQuery
from desk import verbs
from desk.bundle.make import evidence_files
from desk.checklist_view import read_checklist, template_names
from desk.errors import BadInputError
from desk.filter_expr import parse_filter
from desk.verbs import VerdictGateError, checks

QUOTE = """\
name = "quote-check"
title = "Attributed quote"

[[step]]
id = "context"
title = "Original context"
guidance = "Find the full speech."

[[step]]
id = "date"
title = "When it was said"

[[step]]
id = "speaker"
title = "Speaker"
required = false
"""


def _item(store: Store, text: str = "Water over the spillway", kept: bool = True) -> int:
    item_id = verbs.add_item(store, "ann", text=text).id
    if kept:
        verbs.set_triage(store, "ann", [item_id], "kept")
    return item_id


def _template(tmp_path: Path, text: str = QUOTE, name: str = "quote.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _all_passed(store: Store, item_id: int, steps: tuple[str, ...]) -> None:
    for step in steps:
        verbs.log_check(store, "vic", item_id, step, "passed")


PILLARS = ("provenance", "source", "date", "location", "motivation")


# -- steps, history, evidence ------------------------------------------------------------


def test_a_step_logged_twice_keeps_both_evidence_lists_and_both_history_rows(
    store: Store,
) -> None:
    a = _item(store)
    verbs.log_check(
        store,
        "vic",
        a,
        "date",
        "unclear",
        note="EXIF stripped",
        evidence=["https://e.org/1", "weather matches"],
    )
    verbs.log_check(store, "bob", a, "date", "passed", note="shadows", evidence=["https://e.org/2"])
    view = read_checklist(store, a)
    date = next(s for s in view.steps if s.id == "date")
    assert [(e.kind, e.value) for e in date.evidence] == [
        ("url", "https://e.org/1"),
        ("note", "weather matches"),
        ("url", "https://e.org/2"),
    ]
    assert [(h.actor, h.before, h.after, h.note, h.evidence_added) for h in date.history] == [
        ("vic", "open", "unclear", "EXIF stripped", 2),
        ("bob", "unclear", "passed", "shadows", 1),
    ]
    assert date.state == "passed" and date.note == "shadows" and date.updated_by == "bob"
    assert sum(1 for e in store.events() if e.kind == "check.log") == 2


def test_a_note_is_kept_when_a_step_is_logged_again_without_one(store: Store) -> None:
    a = _item(store)
    verbs.log_check(store, "vic", a, "source", "unclear", note="aggregator")
    verbs.log_check(store, "vic", a, "source", "failed")
    step = next(s for s in read_checklist(store, a).steps if s.id == "source")
    assert step.note == "aggregator" and step.state == "failed"
    assert [h.note for h in step.history] == ["aggregator", None]


def test_first_check_moves_unverified_to_in_progress_in_the_same_event(store: Store) -> None:
    a = _item(store)
    event = verbs.log_check(store, "vic", a, "provenance", "passed")
    assert store.item(a).verdict == "in progress"
    assert event.payload["verdict"] == {"from": "unverified", "to": "in progress"}
    verbs.log_check(store, "vic", a, "source", "passed")
    second = store.events()[-1]
    assert "verdict" not in second.payload
    verbs.undo(store, "vic")
    verbs.undo(store, "vic")
    assert store.item(a).verdict == "unverified"
    assert read_checklist(store, a).summary == "5 open"


def test_reopening_with_open_does_not_move_the_verdict(store: Store) -> None:
    a = _item(store)
    verbs.log_check(store, "vic", a, "date", "open")
    assert store.item(a).verdict == "unverified"


def test_a_false_verdict_is_not_moved_by_a_check(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "vic", [a], "false", "staged")
    verbs.log_check(store, "vic", a, "date", "failed")
    assert store.item(a).verdict == "false"


def test_unclear_never_counts_as_done(store: Store) -> None:
    a = _item(store)
    for step in PILLARS[:-1]:
        verbs.log_check(store, "vic", a, step, "passed")
    verbs.log_check(store, "vic", a, "motivation", "unclear")
    view = read_checklist(store, a)
    assert view.summary == "4 passed · 1 unclear"
    assert view.missing_for_verified == ("motivation (unclear)",)
    with pytest.raises(VerdictGateError) as caught:
        verbs.set_verdict(store, "vic", [a], "verified")
    assert caught.value.missing == {a: ["motivation (unclear)"]}
    assert store.queue_count() == 1


def test_bad_steps_and_states_are_refused_naming_them(store: Store) -> None:
    a = _item(store)
    with pytest.raises(BadInputError, match=r"bad step 'vibes'.*five-pillars.*provenance"):
        verbs.log_check(store, "vic", a, "vibes", "passed")
    with pytest.raises(BadInputError, match="bad step state 'sorta'"):
        verbs.log_check(store, "vic", a, "date", "sorta")
    with pytest.raises(BadInputError, match="bad step"):
        verbs.log_check(store, "vic", a, "\x1b]0;x\x07", "passed")
    assert verbs.log_check(store, "vic", a, "Date", "N/A").payload["after"]["status"] == "n/a"


def test_hostile_evidence_and_notes_are_cleaned_before_the_store(store: Store) -> None:
    a = _item(store)
    hostile = "\x1b]52;c;ZXZpbA==\x07[bold red]x[/] \u202eevil\x1b[2J"
    verbs.log_check(
        store,
        "vic",
        a,
        "date",
        "unclear",
        note=hostile,
        evidence=["https://e.org/\x1b[31mred", hostile],
    )
    step = next(s for s in read_checklist(store, a).steps if s.id == "date")
    for text in [step.note or "", *(e.value for e in step.evidence)]:
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert step.evidence[0].kind == "url"
    assert "[bold red]" in (step.note or "")  # markup stays the plain text it is


def test_empty_and_huge_text_evidence_is_refused(store: Store) -> None:
    a = _item(store)
    with pytest.raises(BadInputError, match="empty evidence"):
        verbs.log_check(store, "vic", a, "date", "passed", evidence=["\x1b[0m  "])
    with pytest.raises(BadInputError, match="limit is 4000"):
        verbs.log_check(store, "vic", a, "date", "passed", evidence=["x" * 5000])
    assert read_checklist(store, a).summary == "5 open"  # nothing half-written


# -- evidence files -----------------------------------------------------------------------


def test_the_same_file_twice_is_stored_once_and_comes_back_byte_equal(
    store: Store, tmp_path: Path
) -> None:
    a = _item(store)
    b = _item(store, "Another post")
    data = bytes(range(256)) * 9 + b"\x1b]0;title\x07"
    shot = tmp_path / "frame 1.png"
    shot.write_bytes(data)
    first = verbs.add_evidence(store, "vic", a, "provenance", shot)
    second = verbs.add_evidence(store, "bob", b, "location", shot)
    verbs.log_check(store, "vic", a, "date", "passed", files=[shot])
    sha = hashlib.sha256(data).hexdigest()
    assert first.sha256 == second.sha256 == sha
    assert (first.kind, first.value, first.size, first.media_type) == (
        "file",
        "frame 1.png",
        len(data),
        "image/png",
    )
    assert first.added_by == "vic" and second.added_by == "bob"
    assert store.conn.execute("SELECT count(*) FROM blobs WHERE sha256 = ?", [sha]).fetchone() == (
        1,
    )
    assert b"".join(store.blob_chunks(sha)) == data
    assert len(store.evidence_by_sha(sha)) == 3
    assert store.verify() is None


def test_a_file_is_streamed_in_chunks_not_read_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.writer_base, "BLOB_CHUNK", 1000)
    data = hashlib.sha256(b"seed").digest() * 1000  # 32,000 bytes: 32 chunks
    video = tmp_path / "clip.mp4"
    video.write_bytes(data)
    a = _item(store)
    kept = verbs.add_evidence(store, "vic", a, "provenance", video)
    assert kept.media_type == "video/mp4"
    assert b"".join(store.blob_chunks(kept.sha256 or "", chunk=777)) == data
    assert store.verify() is None


def test_evidence_paths_that_are_not_files_are_refused_naming_them(
    store: Store, tmp_path: Path
) -> None:
    a = _item(store)
    with pytest.raises(BadInputError, match=r"nope\.png: no such file"):
        verbs.add_evidence(store, "vic", a, "date", tmp_path / "nope.png")
    with pytest.raises(BadInputError, match="a directory, not a file"):
        verbs.add_evidence(store, "vic", a, "date", tmp_path)
    with pytest.raises(BadInputError, match="no such file"):
        verbs.log_check(store, "vic", a, "date", "passed", files=[tmp_path / "gone.mp4"])
    assert store.events()[-1].kind == "item.triage"  # nothing was written


def test_a_file_over_the_limit_is_refused_before_it_is_read(store: Store, tmp_path: Path) -> None:
    a = _item(store)
    huge = tmp_path / "huge.mov"
    with huge.open("wb") as fh:  # sparse: no disk space, and the verb must not read it
        fh.truncate(checks.MAX_EVIDENCE_BYTES + 1)
    with pytest.raises(
        BadInputError, match=r"huge\.mov: 512 MiB; the desk keeps evidence files up to 512 MiB"
    ):
        verbs.add_evidence(store, "vic", a, "date", huge)


def test_a_file_changed_while_it_is_stored_is_refused(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _item(store)
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>one</p>")
    facts = checks._file_facts(path)
    path.write_bytes(b"<p>two!</p>")  # grew after the size was taken
    monkeypatch.setattr(checks, "_file_facts", lambda p: facts)
    with pytest.raises(db.writer.FileChangedError):
        verbs.add_evidence(store, "vic", a, "date", path)
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1  # the item's raw


def test_a_tampered_evidence_blob_is_named_by_verify(store: Store, tmp_path: Path) -> None:
    a = _item(store)
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"the original screenshot")
    kept = verbs.add_evidence(store, "vic", a, "location", shot)
    path = store.path
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "UPDATE blobs SET data = ? WHERE sha256 = ?", [b"a doctored one!!!!!!!!!", kept.sha256]
        )
        conn.commit()
    with Store(path) as again:
        problem = again.verify()
    assert problem is not None
    assert problem.what == "evidence"
    assert f"item {a}, step location, 'screenshot.png'" in problem.where
    assert kept.sha256 in problem.where and "do not match" in problem.detail


def test_a_missing_evidence_blob_is_named_by_verify(store: Store, tmp_path: Path) -> None:
    a = _item(store)
    shot = tmp_path / "clip.webm"
    shot.write_bytes(b"video bytes")
    kept = verbs.add_evidence(store, "vic", a, "date", shot)
    path = store.path
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DELETE FROM blobs WHERE sha256 = ?", [kept.sha256])
        conn.commit()
    with Store(path) as again:
        problem = again.verify()
    assert problem is not None
    assert (problem.what, problem.detail) == ("evidence", "its bytes are missing")
    assert "'clip.webm'" in problem.where and f"item {a}, step date" in problem.where


def test_evidence_files_join_the_bundle(store: Store, tmp_path: Path) -> None:
    a = _item(store)
    one, two = tmp_path / "a.png", tmp_path / "b.pdf"
    one.write_bytes(b"png bytes")
    two.write_bytes(b"pdf bytes")
    verbs.add_evidence(store, "vic", a, "date", one)
    verbs.add_evidence(store, "vic", a, "location", one)
    verbs.add_evidence(store, "vic", a, "location", two)
    files = dict(evidence_files(store, a))
    assert files == {
        hashlib.sha256(b"png bytes").hexdigest(): b"png bytes",
        hashlib.sha256(b"pdf bytes").hexdigest(): b"pdf bytes",
    }


def test_undo_of_evidence_hides_it_and_keeps_the_bytes(store: Store, tmp_path: Path) -> None:
    a = _item(store)
    shot = tmp_path / "x.jpg"
    shot.write_bytes(b"jpeg")
    kept = verbs.add_evidence(store, "vic", a, "date", shot)
    verbs.undo(store, "vic")
    assert read_checklist(store, a).steps[2].evidence == ()
    assert store.blob(kept.sha256 or "") == b"jpeg"
    assert [h.note for h in read_checklist(store, a).steps[2].history] == [None, "undo"]
    assert store.verify() is None


def test_undo_of_a_check_restores_state_and_hides_its_evidence(store: Store) -> None:
    a = _item(store)
    verbs.log_check(store, "vic", a, "date", "unclear", note="one", evidence=["https://e.org/1"])
    verbs.log_check(store, "vic", a, "date", "passed", note="two", evidence=["https://e.org/2"])
    verbs.undo(store, "vic")
    date = read_checklist(store, a).steps[2]
    assert (date.state, date.note) == ("unclear", "one")
    assert [e.value for e in date.evidence] == ["https://e.org/1"]
    assert [(h.before, h.after) for h in date.history] == [
        ("open", "unclear"),
        ("unclear", "passed"),
        ("passed", "unclear"),
    ]


# -- templates -----------------------------------------------------------------------------


def test_a_desk_template_is_added_listed_and_refused_twice(store: Store, tmp_path: Path) -> None:
    added = verbs.add_template(store, "eve", _template(tmp_path))
    assert added.name == "quote-check" and [s.required for s in added.steps] == [True, True, False]
    assert template_names(store) == ("five-pillars", "berkeley-protocol", "quote-check")
    with pytest.raises(BadInputError, match="already has a template 'quote-check'"):
        verbs.add_template(store, "eve", _template(tmp_path))
    clash = _template(tmp_path, QUOTE.replace("quote-check", "five-pillars"), "clash.toml")
    with pytest.raises(BadInputError, match="built-in template"):
        verbs.add_template(store, "eve", clash)
    record = store.template_record("quote-check")
    assert record is not None and record.created_by == "eve"
    verbs.undo(store, "eve")
    assert template_names(store) == ("five-pillars", "berkeley-protocol")


def test_template_undo_is_refused_while_a_story_uses_it(store: Store, tmp_path: Path) -> None:
    verbs.add_template(store, "eve", _template(tmp_path))
    verbs.create_story(store, "ann", "orvena", "Orvena dam")
    verbs.set_story_template(store, "ann", "orvena", "quote-check")
    with pytest.raises(ConflictError, match=r"template 'quote-check' is in use \(1 stories"):
        verbs.undo(store, "eve")
    assert store.template_record("quote-check") is not None


def test_switching_template_keeps_logged_steps_as_extras(store: Store, tmp_path: Path) -> None:
    verbs.add_template(store, "eve", _template(tmp_path))
    a = _item(store)
    verbs.log_check(store, "vic", a, "provenance", "passed", evidence=["https://e.org/orig"])
    verbs.log_check(store, "vic", a, "date", "unclear")
    verbs.set_item_template(store, "vic", a, "quote-check")
    view = read_checklist(store, a)
    assert view.template == "quote-check" and view.template_title == "Attributed quote"
    assert [(s.id, s.state, s.extra) for s in view.steps] == [
        ("context", "open", False),
        ("date", "unclear", False),
        ("speaker", "open", False),
        ("provenance", "passed", True),
    ]
    assert view.steps[-1].evidence[0].value == "https://e.org/orig"
    assert not view.steps[-1].required
    assert view.missing_for_verified == ("context (open)", "date (unclear)")
    assert view.summary == "1 unclear · 2 open"
    # The extra step can still be logged; a step in neither template cannot.
    verbs.log_check(store, "vic", a, "provenance", "failed")
    with pytest.raises(BadInputError, match="bad step 'location'"):
        verbs.log_check(store, "vic", a, "location", "passed")
    verbs.log_check(store, "vic", a, "context", "passed")
    verbs.log_check(store, "vic", a, "date", "n/a")
    assert read_checklist(store, a).missing_for_verified == ()
    verbs.set_verdict(store, "vic", [a], "verified")
    assert store.item(a).verdict == "verified"


def test_a_story_template_is_followed_by_its_items_unless_one_picked_its_own(
    store: Store, tmp_path: Path
) -> None:
    verbs.add_template(store, "eve", _template(tmp_path))
    story = verbs.create_story(store, "ann", "orvena", "Orvena dam")
    a = verbs.add_item(store, "ann", text="one", story_id=story).id
    b = verbs.add_item(store, "ann", text="two", story_id=story).id
    loose = verbs.add_item(store, "ann", text="three").id
    verbs.set_item_template(store, "vic", b, "berkeley-protocol")
    verbs.set_story_template(store, "ann", "orvena", "quote-check")
    assert read_checklist(store, a).template == "quote-check"
    assert read_checklist(store, b).template == "berkeley-protocol"
    assert read_checklist(store, loose).template == "five-pillars"
    verbs.undo(store, "ann")
    assert read_checklist(store, a).template == "five-pillars"
    verbs.undo(store, "vic")
    assert read_checklist(store, b).template == "five-pillars"
    with pytest.raises(BadInputError, match="no checklist template 'nope'"):
        verbs.set_item_template(store, "vic", a, "nope")
    with pytest.raises(BadInputError, match="no story 'elsewhere'"):
        verbs.set_story_template(store, "vic", "elsewhere", "quote-check")


# -- the verified gate ---------------------------------------------------------------------


def test_verified_is_refused_with_the_open_steps_of_every_item(store: Store) -> None:
    a, b = _item(store), _item(store, "two")
    verbs.log_check(store, "vic", a, "date", "unclear")
    for step in PILLARS:
        verbs.log_check(store, "vic", b, step, "n/a" if step == "motivation" else "passed")
    with pytest.raises(VerdictGateError) as caught:
        verbs.set_verdict(store, "vic", [a, b], "verified")
    assert isinstance(caught.value, BadInputError)
    assert caught.value.missing == {
        a: [
            "provenance (open)",
            "source (open)",
            "date (unclear)",
            "location (open)",
            "motivation (open)",
        ]
    }
    assert f"item {a}: provenance (open), source (open), date (unclear)" in str(caught.value)
    assert store.item(b).verdict == "in progress"  # one event or none: nothing was set
    verbs.set_verdict(store, "vic", [b], "verified", "all five checked")  # positional reason
    assert store.item(b).verdict == "verified"


def test_an_override_is_recorded_and_undone(store: Store) -> None:
    a = _item(store)
    verbs.set_verdict(store, "vic", [a], "verified", "tape", override="\x1b[31mEditor's call")
    event = store.events()[-1]
    assert event.kind == "item.verdict" and event.payload["override"] == "Editor's call"
    assert store.item(a).verdict == "verified"
    verbs.undo(store, "vic")
    assert store.item(a).verdict == "unverified"
    with pytest.raises(BadInputError, match="needs a reason"):
        verbs.set_verdict(store, "vic", [a], "verified", override="  ")
    verbs.set_verdict(store, "vic", [a], "false", override="ignored")
    assert "override" not in store.events()[-1].payload  # only verified records one


# -- the queue -----------------------------------------------------------------------------


def test_the_queue_is_kept_items_with_required_steps_open_oldest_first(store: Store) -> None:
    a = _item(store, "oldest")
    b = _item(store, "middle")
    _item(store, "new, not kept", kept=False)
    c = _item(store, "newest")
    assert [r.id for r in store.queue()] == [a, b, c]
    assert store.queue_count() == 3
    _all_passed(store, b, PILLARS)
    assert [r.id for r in store.queue()] == [a, c] and store.queue_count() == 2
    verbs.log_check(store, "vic", b, "date", "unclear")  # reopened: back in the queue
    assert store.queue_count() == 3
    verbs.set_triage(store, "ann", [a], "discarded")
    assert [r.id for r in store.queue()] == [b, c] and store.queue_count() == 2
    verbs.undo(store, "ann")
    assert store.queue_count() == 3
    first = store.queue(limit=1)
    assert [r.id for r in store.queue(after=store.queue_key(first[0].id))] == [b, c]
    rows = store.page(parse_filter("needs:verification"))
    assert sorted(r.id for r in rows) == [a, b, c]
    with pytest.raises(BadInputError, match="needs:verification"):
        parse_filter("needs:coffee")
    assert parse_filter("needs:verification") == ItemQuery(needs_verification=True)


def test_the_queue_follows_template_switches(store: Store, tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        QUOTE.replace("required = false", "required = false")
        .replace(
            'id = "context"\ntitle = "Original context"\nguidance = "Find the full speech."',
            'id = "context"\ntitle = "Original context"\nrequired = false',
        )
        .replace(
            'id = "date"\ntitle = "When it was said"',
            'id = "date"\ntitle = "When"\nrequired = false',
        ),
    )
    verbs.add_template(store, "eve", path)  # nothing required
    story = verbs.create_story(store, "ann", "orvena", "Orvena dam")
    a = verbs.add_item(store, "ann", text="one", story_id=story).id
    b = verbs.add_item(store, "ann", text="two", story_id=story).id
    verbs.set_triage(store, "ann", [a, b], "kept")
    verbs.log_check(store, "vic", a, "date", "unclear")
    assert store.queue_count() == 2
    verbs.set_story_template(store, "ann", "orvena", "quote-check")
    assert store.queue_count() == 0 and store.queue_count(story) == 0
    verbs.undo(store, "ann")
    assert store.queue_count() == 2


def test_needs_verification_is_a_builtin_saved_filter(store: Store) -> None:
    verbs.save_filter(store, "cat", "to-verify", "triage:flagged")
    assert store.saved_filters() == [
        ("needs-verification", "needs:verification"),
        ("to-verify", "triage:flagged"),
    ]
    with pytest.raises(BadInputError, match="built-in filter"):
        verbs.save_filter(store, "cat", "needs-verification", "triage:new")


def test_an_upgraded_desk_seeds_the_queue_from_its_five_pillars(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from db.schema import migrations

    path = tmp_path / "old.desk"
    conn = sqlite3.connect(path)
    migrations.apply(Database(conn), stop_before="0005_verification")
    conn.execute(
        "INSERT INTO items(id, sort_key, uuid, platform, ingested_at, sort_at, triage) VALUES "
        "(1, 10, 'u1', 'manual', '2026-01-01', '2026-01-01T00:00:00Z', 'kept'),"
        "(2, 20, 'u2', 'manual', '2026-01-02', '2026-01-02T00:00:00Z', 'kept')"
    )
    for pillar in PILLARS:
        conn.execute(
            "INSERT INTO check_steps(item_id, pillar, position, question, status, evidence) "
            "VALUES (2, ?, 0, 'q', 'passed', ?)",
            [pillar, json.dumps(["https://old.example/e"])],
        )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert [r.id for r in store.queue()] == [1]
        assert store.queue_count() == 1
        old = read_checklist(store, 2)
        assert old.summary == "5 passed"
        assert old.steps[0].evidence[0].value == "https://old.example/e"


def test_queue_count_is_cheap_on_a_big_desk(tmp_path: Path) -> None:
    """Read from one counter row per story, so its cost does not grow with the desk."""
    import time

    path = tmp_path / "big.desk"
    with Store(path, create=True) as store:
        with store.transaction() as w:
            for n in range(20_000):
                w.insert_item(db.writer.NewItem(platform="manual", text=f"post {n}"))
            w.conn.execute("UPDATE items SET triage = 'kept' WHERE id % 2 = 0")
        assert store.queue_count() == 10_000
        started = time.perf_counter()
        for _ in range(100):
            store.queue_count()
        assert (time.perf_counter() - started) / 100 < 0.005
