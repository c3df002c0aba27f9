"""The event log's bytes do not move: the same verbs on the same input write the same JSON.

Every event's hash covers its canonical payload JSON, and old desks hold
events written by older code: a refactor of the verbs (typed payloads, a
dispatch table for undo) that changed one key, one `null` or one list
order would make merged desks disagree and replayed logs differ. So a
fixed script of every verb and every undo runs with a fixed clock and
fixed ids, and each stored event (payload text and hash, which covers
actor, kind, target and base version too) must equal what the code wrote
before the refactor, recorded below.
"""

from __future__ import annotations

import itertools
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import db.whoami
import db.writer_base
import desk.ingest.pipeline
from db import Store
from desk import verbs
from desk.errors import NothingToUndoError
from desk.ingest import registry
from desk.ingest.pipeline import ingest_bytes
from desk.vocab import RECAP_SECTIONS


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ids and times from counters, so a run writes the same chain every time."""
    ids = itertools.count(1)
    ticks = itertools.count(0)
    start = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    monkeypatch.setattr(db.writer_base, "new_uuid", lambda: str(uuid.UUID(int=next(ids))))
    monkeypatch.setattr(
        db.writer_base,
        "iso_micro",
        lambda moment=None: (start + timedelta(microseconds=next(ticks))).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        ),
    )
    # Events as a desk wrote them before migration 0008 (no OS user), so the
    # golden chain does not depend on who runs the tests; the OS user's part
    # of the hash is held in tests/test_identity_os.py.
    monkeypatch.setattr(db.whoami, "os_user", lambda: None)
    # The ingest verb's own clock (arrival and capture times), for the copies block.
    monkeypatch.setattr(
        desk.ingest.pipeline,
        "iso_micro",
        lambda moment=None: (start + timedelta(microseconds=next(ticks))).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        ),
    )
    yield


def _script(store: Store) -> None:
    """Every verb, and an undo of every kind that can be undone."""
    a = verbs.add_item(
        store,
        "ann",
        text="Water over the spillway",
        url="https://example.org/p/1",
        author="Orvena Watch",
        handle="@orvena_watch",
        platform="mastodon",
    ).id
    b = verbs.add_item(store, "ann", text="Second post, typed in").id
    verbs.add_item(store, "bob", text="A third, to undo")
    story = verbs.create_story(store, "cat", "orvena", "Orvena dam")
    entry = verbs.add_recap_entry(
        store,
        "cat",
        story,
        section="timeline",
        headline="Sirens before dawn",
        body="Sirens in Marrow Ford.",
        date_text="Friday, before dawn",
    )
    verbs.tag(store, "ann", [a, b], ["+dam", "+needs-translation"])
    verbs.tag(store, "ann", [a], ["!dam", "-absent"])
    verbs.set_triage(store, "ann", [a, b], "kept")
    verbs.set_verdict(store, "ann", [a], "misleading", reason="cropped from a 2019 video")
    verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    verbs.link(store, "ann", a, dst_entry=entry, relation="source-for")
    verbs.unlink(store, "ann", a, dst_item=b)
    verbs.annotate(store, "ann", a, "Called the port office")
    verbs.annotate(store, "ann", None, "Needs a second source", entry_id=entry)
    verbs.log_check(store, "ann", a, "date", "passed", note="EXIF", evidence=["https://e.org/x"])
    verbs.log_check(store, "ann", a, "date", "unclear")
    verbs.save_filter(store, "cat", "to-verify", "triage:flagged verdict:unverified")
    verbs.set_triage(store, "dan", [b], "flagged")  # ann's triage undo must skip #2
    for _ in range(13):  # every action of ann's, newest first, down to her first item.add
        verbs.undo(store, "ann")
    verbs.undo(store, "bob")
    # The recap editor's kinds (issue 9), then an undo of each, newest first.
    later = verbs.add_recap_entry(
        store, "cat", story, section="timeline", headline="Evacuation", date_text="since December"
    )
    verbs.edit_story(store, "cat", "orvena", title="Orvena dam breach", reference_date="2025-11-20")
    verbs.edit_recap_entry(store, "cat", later, 2, headline="Evacuation ordered")  # 2: re-read
    verbs.move_recap_entry(store, "cat", later, "down")
    verbs.unpin_recap_entry(store, "cat", later)
    verbs.delete_recap_entry(store, "cat", later)
    for _ in range(6):
        verbs.undo(store, "cat")
    # The recap template (issue 9): a new section, a rename that carries the timeline's
    # entries along, a re-dated entry (its reading travels with the event); then the undos.
    verbs.set_recap_sections(store, "eve", [*RECAP_SECTIONS, "analysis"])
    verbs.rename_recap_section(store, "eve", "timeline", "chronology")
    verbs.edit_recap_entry(store, "eve", entry, 1, date_text="since December")
    for _ in range(3):
        verbs.undo(store, "eve")
    # Verification (issue 10): a desk's own template, a story's and an item's pick, a step
    # logged with URL and note evidence (the item's first check: the verdict moves to in
    # progress in the same event), a file kept by its hash, verified past the gate with an
    # override; then an undo of each, newest first.
    template = store.path.parent / "quote-check.toml"
    template.write_text(
        'name = "quote-check"\ntitle = "Attributed quote"\n\n'
        '[[step]]\nid = "context"\ntitle = "Original context"\n\n'
        '[[step]]\nid = "speaker"\ntitle = "Speaker"\nrequired = false\n',
        encoding="utf-8",
    )
    frame = store.path.parent / "frame.png"
    frame.write_bytes(b"\x89PNG\r\n\x1a\n a frame of the spillway")
    verbs.add_template(store, "vic", template)
    verbs.set_story_template(store, "vic", "orvena", "berkeley-protocol")
    verbs.set_item_template(store, "vic", b, "quote-check")
    verbs.log_check(
        store,
        "vic",
        b,
        "context",
        "passed",
        note="Full speech",
        evidence=["https://e.org/s", "p. 4"],
    )
    verbs.add_evidence(store, "vic", b, "context", frame)
    verbs.set_verdict(store, "vic", [b], "verified", override="Editor's call: quote on tape")
    for _ in range(6):
        verbs.undo(store, "vic")
    # The desk's own verdicts (issue 10): one added, a built-in renamed (label and key),
    # one added and dropped; then an undo of each, newest first.
    verbs.add_verdict(store, "eve", "satire", "misleading")
    verbs.rename_verdict(store, "eve", "misleading", "missing context", key="c")
    verbs.add_verdict(store, "eve", "hoax", "false")
    verbs.remove_verdict(store, "eve", "hoax")
    for _ in range(4):
        verbs.undo(store, "eve")
    _copies(store)


def _copies(store: Store) -> None:
    """A fuller copy of a known post (issue 12): a copy cut short in compat mode, then the
    full one (one `item.improve`), a byte-identical copy (a duplicate only), and the undo."""
    from tests.test_pipeline import _fake_format, _lines

    cut = {"id": "77", "text": "Sirens at the dam\u2026 https://twitter.com/i/web/status/77"}
    full = {"id": "77", "text": "Sirens at the dam, and the spillway gates are open"}
    with pytest.MonkeyPatch.context() as mp:
        sys.modules.setdefault("fake_jsonl", _fake_format())
        mp.setattr(registry, "FORMAT_MODULES", ("fake_jsonl",))
        ingest_bytes(store, _lines(cut), "cut.jsonl", actor="fay")
        ingest_bytes(store, _lines(full), "full.jsonl", actor="fay")
        ingest_bytes(store, _lines(full), "full-again.jsonl", actor="fay")
    with pytest.raises(NothingToUndoError):
        verbs.undo(store, "fay")  # the last action is an ingest: said once, then walked past
    verbs.undo(store, "fay")


# (seq, kind, payload, hash) as the code before the verbs package wrote them, re-recorded
# (`python -m tests.test_event_bytes`) when issue 9 gave recap.add its whole row and
# recap.edit its date reading: those payloads changed, and every hash after the first
# recap.add with them (each hash covers the one before); every other payload is unchanged.
# Re-recorded for issue 10: check.log no longer carries the step's whole evidence list in
# before/after (evidence accumulates in its own table) but the evidence it added, with
# uuids, and the template; the undo of a check.log restores status and note (and retracts
# that evidence); the verification block (template.add, story.template, item.template,
# evidence.add, item.verdict with an override, their undos) is new at the end.
# Re-recorded for issue 10's `desk verify --replay`: item.add carries the new item's row
# (`row`: every column that is not derived, uuid included), so a replay makes the same item;
# the three item.add payloads changed, and so every hash from the first one on.
# Extended for issue 10's verdict settings: verdict.define, verdict.remove and their undos
# are new at the end; every earlier row is unchanged.
# Re-recorded for issue 11 (undo among colleagues): an undo's `skipped` names the colleague
# and when ("#2 changed since: dan set triage 'flagged' at ..." for "item 2 is now
# 'flagged' (changed since)"); that one undo payload changed, and every hash after it.
# Extended for issue 12 (a fuller copy of a known post): three ingests of one post (cut
# short, full, the full one again), the improvement and its undo are new at the end; every
# earlier row is unchanged.
GOLDEN: list[tuple[int, str, str, str]] = [
    (
        1,
        "item.add",
        '{"item":1,"platform":"mastodon","raw_sha256":"52d3979268565dff585e598a7a41fc9b6dabcbb6cda457cc7475bf5487903ed2","row":{"author_handle":"orvena_watch","author_name":"Orvena Watch","author_url":null,"captured_at":null,"extra":"{}","id":1,"ingested_at":"2026-11-27T07:00:00.000000Z","kind":"post","lang":null,"media":"[]","platform":"mastodon","platform_id":null,"posted_at":null,"posted_precision":null,"posted_tz_known":0,"raw_sha256":"52d3979268565dff585e598a7a41fc9b6dabcbb6cda457cc7475bf5487903ed2","source_file":null,"source_format":"typed","source_record":null,"story_id":null,"text":"Water over the spillway","title":null,"url":"https://example.org/p/1","uuid":"00000000-0000-0000-0000-000000000001"},"url":"https://example.org/p/1"}',
        "4f35489652421de61157da5d988c9e33f5e287402c3ed4b4d981f465b042faf1",
    ),
    (
        2,
        "item.add",
        '{"item":2,"platform":"manual","raw_sha256":"c61a638c5432ca235e346619a2cfca90f754354351bcd872b23117de455fb70b","row":{"author_handle":null,"author_name":null,"author_url":null,"captured_at":null,"extra":"{}","id":2,"ingested_at":"2026-11-27T07:00:00.000002Z","kind":"note","lang":null,"media":"[]","platform":"manual","platform_id":null,"posted_at":null,"posted_precision":null,"posted_tz_known":0,"raw_sha256":"c61a638c5432ca235e346619a2cfca90f754354351bcd872b23117de455fb70b","source_file":null,"source_format":"typed","source_record":null,"story_id":null,"text":"Second post, typed in","title":null,"url":null,"uuid":"00000000-0000-0000-0000-000000000003"},"url":null}',
        "6490c83ecf49024d0f8bd1e01e753cdfaf0ff832f98cdc109015220249b72083",
    ),
    (
        3,
        "item.add",
        '{"item":3,"platform":"manual","raw_sha256":"749602e48dc1c56924a389927dac2e3aa66e3fd9fccca98e726c4fd0aa6dabdc","row":{"author_handle":null,"author_name":null,"author_url":null,"captured_at":null,"extra":"{}","id":3,"ingested_at":"2026-11-27T07:00:00.000004Z","kind":"note","lang":null,"media":"[]","platform":"manual","platform_id":null,"posted_at":null,"posted_precision":null,"posted_tz_known":0,"raw_sha256":"749602e48dc1c56924a389927dac2e3aa66e3fd9fccca98e726c4fd0aa6dabdc","source_file":null,"source_format":"typed","source_record":null,"story_id":null,"text":"A third, to undo","title":null,"url":null,"uuid":"00000000-0000-0000-0000-000000000005"},"url":null}',
        "a81b9f76dc3c5d76a4c02053512575679a2978d3d688ce04a611a9df39cc798a",
    ),
    (
        4,
        "story.add",
        '{"slug":"orvena","title":"Orvena dam"}',
        "92efbe67973f9e20a4974c0f06ce8c3035781a09b7f4ae72c9a3d0aef8aa7070",
    ),
    (
        5,
        "recap.add",
        '{"body":"Sirens in Marrow Ford.","confidence":"reported","created_at":"2026-11-27T07:00:00.000008Z","date_end":null,"date_start":null,"date_text":"Friday, before dawn","edtf":null,"headline":"Sirens before dawn","precision":null,"readable":false,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-000000000009"}',
        "fdab03eb96083dff47bdd7719a7ad9eb5e433c1fc2f5763461ff582615b71f34",
    ),
    (
        6,
        "item.tag",
        '{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}},"versions":{"1":1,"2":1}}',
        "8d67f8a8cb9407bc8133255d4ddc89a3f8c43dfdffecb24b209884002a3b2996",
    ),
    (
        7,
        "item.tag",
        '{"changes":{"1":{"added":[],"removed":["dam"]}},"versions":{"1":2}}',
        "d14dfff552bc0f8de9edb462842b628d58040150e4c8349b29d7976e8572e892",
    ),
    (
        8,
        "item.triage",
        '{"changes":{"1":{"from":"new","to":"kept"},"2":{"from":"new","to":"kept"}},"versions":{"1":3,"2":2}}',
        "71068b82c36f13e1aa275fab453353e1f3c18621e8aead6d1ebad394f7228834",
    ),
    (
        9,
        "item.verdict",
        '{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}},"versions":{"1":4}}',
        "916b80fe0a24cf63d6560333d970521ee7d81d5139aac28766b718fb4d82f514",
    ),
    (
        10,
        "link.add",
        '{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "cb810d37456b90f2bba85188a5accb89701d389c055b0fe0d36d94f6be58bcfd",
    ),
    (
        11,
        "link.add",
        '{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}}',
        "f961449ab6bc1bfd8603df5eefefe1213152a39b23642901ac20bedb10621cfe",
    ),
    (
        12,
        "link.remove",
        '{"created_by":"ann","link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "e8035c956a6231fbd9d6fd238f6185f60b833d8cc90c55cb6b2653e8b22ec0d5",
    ),
    (
        13,
        "note.add",
        '{"entry":null,"item":1,"note":"00000000-0000-0000-0000-000000000014","text":"Called the port office"}',
        "da460504936fcbf3d6f07a21d4e3a94bef102e7a991f0a8ac407be8bb7d5ad7d",
    ),
    (
        14,
        "note.add",
        '{"entry":1,"item":null,"note":"00000000-0000-0000-0000-000000000016","text":"Needs a second source"}',
        "0c9cfb1a3be26de97824ac0c1daa26327a1ef1af5b3043a8cbcef64a09182c4a",
    ),
    (
        15,
        "check.log",
        '{"after":{"note":"EXIF","status":"passed"},"before":null,"evidence":[{"kind":"url","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000018","value":"https://e.org/x"}],"item":1,"pillar":"date","template":"five-pillars"}',
        "1d95d90f7211985804e0066db17836a3ddad4357216a38c6f68117c6b3a395fc",
    ),
    (
        16,
        "check.log",
        '{"after":{"note":"EXIF","status":"unclear"},"before":{"note":"EXIF","status":"passed"},"evidence":[],"item":1,"pillar":"date","template":"five-pillars"}',
        "207b8a1553907a5e8068fd34bef5f4df787ca70c14cb32fd1605090862872e88",
    ),
    (
        17,
        "filter.save",
        '{"expr":"triage:flagged verdict:unverified"}',
        "f5af70e6d5339fb9c4b72abe01aaba5f95e6b520876223a70828cea869918eb4",
    ),
    (
        18,
        "item.triage",
        '{"changes":{"2":{"from":"kept","to":"flagged"}},"versions":{"2":3}}',
        "793f1f68beb7d913c6ae67e1713d925cf6d2e5a89ce2b6db7919b1d1635d516c",
    ),
    (
        19,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"note":"EXIF","status":"passed"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000001a","undoes_kind":"check.log","undoes_seq":16}',
        "3fedaa4c4cbc7f40fe12af586cb182deca0063b82ced3367426c926e76da98fe",
    ),
    (
        20,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"note":null,"status":"open"},"retracted":["00000000-0000-0000-0000-000000000018"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000019","undoes_kind":"check.log","undoes_seq":15}',
        "7872aca2cc25afa1019d31254e067e39f16d3428b4466826b3be3114fcff9789",
    ),
    (
        21,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000016"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000017","undoes_kind":"note.add","undoes_seq":14}',
        "990080af9814cff0eabcd7dc895c833fd9dc3e94ff111b43c986817236a1c475",
    ),
    (
        22,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000014"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000015","undoes_kind":"note.add","undoes_seq":13}',
        "ab22e332d82d1a08bb54ed71cab07df8296ba12ed844c31eb60c55d18c421965",
    ),
    (
        23,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000013","undoes_kind":"link.remove","undoes_seq":12}',
        "484d36443d7a78dcfcdf96bfc25622565c7114c14e9d8018d1a57ef4903b6825",
    ),
    (
        24,
        "undo",
        '{"inverse":{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000012","undoes_kind":"link.add","undoes_seq":11}',
        "b5b5c51779d0e96d0f60981424946caac3ec3de4ac6bff0523693e73f0fbc7cb",
    ),
    (
        25,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000010","undoes_kind":"link.add","undoes_seq":10}',
        "b2c5273f2f7434ffbe3a0f4c00b8d8b77bdcf13e31e5ed7daab8d8c829524de0",
    ),
    (
        26,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000e","undoes_kind":"item.verdict","undoes_seq":9}',
        "6ccef697c1ece7b60753901b778b7e254235333b219afb4accbefe9205747ca0",
    ),
    (
        27,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"new","to":"kept"}}},"skipped":["#2 changed since: dan set triage \'flagged\' at 07:00 UTC on 2026-11-27 (event 18)"],"undoes":"00000000-0000-0000-0000-00000000000d","undoes_kind":"item.triage","undoes_seq":8}',
        "0ef51af6f6e6e211ba108cdd3ca91c899ef951a90884f4da1c1089dccc1f2402",
    ),
    (
        28,
        "undo",
        '{"inverse":{"changes":{"1":{"added":[],"removed":["dam"]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000c","undoes_kind":"item.tag","undoes_seq":7}',
        "8060dc1c7068021f04d6ec939d1c6d26126f8d3b9df01137e99435ca8e060614",
    ),
    (
        29,
        "undo",
        '{"inverse":{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000b","undoes_kind":"item.tag","undoes_seq":6}',
        "314cd6a8d8f770611d8c03a945e553398e9b28f9e67118798aef60d5cea654b9",
    ),
    (
        30,
        "undo",
        '{"inverse":{"item":2,"triage_from":"flagged"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000004","undoes_kind":"item.add","undoes_seq":2}',
        "4fac3e1b36dc4f8d2562f4da2f39c98448eb4c3b9b32e0334b56d959b80c873e",
    ),
    (
        31,
        "undo",
        '{"inverse":{"item":1,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000002","undoes_kind":"item.add","undoes_seq":1}',
        "f4ff2fcb8bf10e664685f6f668fc761bf67a659e80c28f74e540719c1193b538",
    ),
    (
        32,
        "undo",
        '{"inverse":{"item":3,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000006","undoes_kind":"item.add","undoes_seq":3}',
        "af8465c50c455a209fdfb358e498e10de47e893ebdc0fcb5cbccf85942e5ce98",
    ),
    (
        33,
        "recap.add",
        '{"body":"","confidence":"reported","created_at":"2026-11-27T07:00:00.000051Z","date_end":null,"date_start":"2025-12-01","date_text":"since December","edtf":"2025-12/..","headline":"Evacuation","precision":"month","readable":true,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-00000000002b"}',
        "471b862f3c7b7937fe64beb7b4a57db64a4ce667d1595addbfcf38c8e3484799",
    ),
    (
        34,
        "story.edit",
        '{"from":{"reference_date":"2026-11-27","title":"Orvena dam"},"reread":[2],"slug":"orvena","story":1,"to":{"reference_date":"2025-11-20","title":"Orvena dam breach"}}',
        "f61dc56e4dcfce6961384a2d6509f6290681213581e338aaf50a677c0f468f8e",
    ),
    (
        35,
        "recap.edit",
        '{"entry":2,"from":{"headline":"Evacuation"},"to":{"headline":"Evacuation ordered"}}',
        "eebc42bee5fa0e934f1d03c8595bbd1ca02eba86d55affbea9ca847fd547e5a9",
    ),
    (
        36,
        "recap.move",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]}',
        "c87476cfc7038c928ef6ae4a7e336a2fa1c5a7c3441079521aa9d5283241f30f",
    ),
    (
        37,
        "recap.unpin",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]}',
        "6764b9f2943a486dab64219615a09beaaf7c7aa6187b52a31d904cfde9ae1237",
    ),
    (
        38,
        "recap.delete",
        '{"deleted_at":"2026-11-27T07:00:00.000059Z","entry":2,"story":1}',
        "c10d315e3f4f374ce80bca170914b7a7e3ae80927c569197812263524add752f",
    ),
    (
        39,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000031","undoes_kind":"recap.delete","undoes_seq":38}',
        "50de4667520a544c75cf895afd36e6ed99d3b4de4564e886f3caea7927544c20",
    ),
    (
        40,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000030","undoes_kind":"recap.unpin","undoes_seq":37}',
        "9b59817ebe3d32b7cc0c87844b5b4fae7a00edfaaf215ed199ae942a55d06132",
    ),
    (
        41,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002f","undoes_kind":"recap.move","undoes_seq":36}',
        "6004c6ba4d012ad86c9e9e0f134eaf71376096d8ce096e5b5092db5ff3de8a5e",
    ),
    (
        42,
        "undo",
        '{"inverse":{"entry":2,"restored":{"headline":"Evacuation"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002e","undoes_kind":"recap.edit","undoes_seq":35}',
        "cdccb689274dfcc42c36123bda783b80952895affe8414298fbf646c84dcdc1b",
    ),
    (
        43,
        "undo",
        '{"inverse":{"reread":[2],"restored":{"reference_date":"2026-11-27","title":"Orvena dam"},"story":1},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002d","undoes_kind":"story.edit","undoes_seq":34}',
        "ae3e9deffe4f5f9c71a4b68f5e39906232c6cdb5cba501fe855351cdf035a320",
    ),
    (
        44,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002c","undoes_kind":"recap.add","undoes_seq":33}',
        "378fdce2399abd3bb9797f627de1c42e04e954112678b2c7fbe5081d0efc4a2c",
    ),
    (
        45,
        "recap.sections",
        '{"from":["background","timeline","latest","what we know","what we don\'t know","reactions"],"to":["background","timeline","latest","what we know","what we don\'t know","reactions","analysis"]}',
        "8826d8963263d57c586a7770b6805ea6d51a4bf5c5ef89eb64a6fcc119ecb58d",
    ),
    (
        46,
        "recap.section.rename",
        '{"entries":[1,2],"from":"timeline","to":"chronology"}',
        "5637ce77a9d9b9041ed425b3e73c9d72420f9d68e6ca5329aa4d05c32f778f1d",
    ),
    (
        47,
        "recap.edit",
        '{"entry":1,"from":{"date_text":"Friday, before dawn"},"reading":{"date_end":null,"date_start":"2025-12-01","edtf":"2025-12/..","precision":"month","readable":true},"to":{"date_text":"since December"}}',
        "49163863b02420b5839d07af006faf28df024d91964fcd1cd3119261e524d392",
    ),
    (
        48,
        "undo",
        '{"inverse":{"entry":1,"reading":{"date_end":null,"date_start":null,"edtf":null,"precision":null,"readable":false},"restored":{"date_text":"Friday, before dawn"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003a","undoes_kind":"recap.edit","undoes_seq":47}',
        "86e30d1ed8da8b255ffe334719290cdcf50bdf4ec6d7c572f08fde053d19d3da",
    ),
    (
        49,
        "undo",
        '{"inverse":{"entries":[1,2],"from":"chronology","to":"timeline"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000039","undoes_kind":"recap.section.rename","undoes_seq":46}',
        "a4e4482be7dbcc2625969fc8c0a4800b15f4ff07dca35e5c33b0fc13da26c691",
    ),
    (
        50,
        "undo",
        '{"inverse":{"sections":["background","timeline","latest","what we know","what we don\'t know","reactions"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000038","undoes_kind":"recap.sections","undoes_seq":45}',
        "cb6ea842d118e70690a5a476c2da164021b8b83b92c789c96e0d71dd13568cb1",
    ),
    (
        51,
        "template.add",
        '{"name":"quote-check","steps":2,"title":"Attributed quote","toml":"name = \\"quote-check\\"\\ntitle = \\"Attributed quote\\"\\n\\n[[step]]\\nid = \\"context\\"\\ntitle = \\"Original context\\"\\nrequired = true\\n\\n[[step]]\\nid = \\"speaker\\"\\ntitle = \\"Speaker\\"\\nrequired = false\\n"}',
        "718891a9b7f4ff61b6f204e29604d2230d6dab7e4868c6a44dccf7e55d9bb9f5",
    ),
    (
        52,
        "story.template",
        '{"from":null,"slug":"orvena","story":1,"to":"berkeley-protocol"}',
        "84a9b219c82428d19eb458b70946b01b92e3b621e66d5c794b679c9fe7c6da6a",
    ),
    (
        53,
        "item.template",
        '{"base":"five-pillars","from":null,"item":2,"to":"quote-check"}',
        "803fb88ca3638f03fe8680023d0f5fd62b06251f3ef43d75a392068e325c6fa0",
    ),
    (
        54,
        "check.log",
        '{"after":{"note":"Full speech","status":"passed"},"before":null,"evidence":[{"kind":"url","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000041","value":"https://e.org/s"},{"kind":"note","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000042","value":"p. 4"}],"item":2,"pillar":"context","template":"quote-check","verdict":{"from":"unverified","to":"in progress"}}',
        "724bce195f6a3631067b7f77959b49c01a3dc319a11752bc1ca8685a6cc20213",
    ),
    (
        55,
        "evidence.add",
        '{"evidence":{"kind":"file","media_type":"image/png","sha256":"619f62741a898972555fc3202101d3f0339513ba37556dc3bc4f797d1f4f5502","size":32,"uuid":"00000000-0000-0000-0000-000000000044","value":"frame.png"},"item":2,"pillar":"context","state":"passed"}',
        "9895bef19f528919fa925db29e3c38bb7da81edb4cd7fe67c9731f7971305d3f",
    ),
    (
        56,
        "item.verdict",
        '{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}},"override":"Editor\'s call: quote on tape","versions":{"2":9}}',
        "ff8e5c8cf03486a11521950a94906ff3c140be73f56f7700d96760684519975c",
    ),
    (
        57,
        "undo",
        '{"inverse":{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000046","undoes_kind":"item.verdict","undoes_seq":56}',
        "f74181f43ee4b35934f292aff6ae8b5788186ff4dcaf5fe7aff6b36076d01c0d",
    ),
    (
        58,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","retracted":["00000000-0000-0000-0000-000000000044"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000045","undoes_kind":"evidence.add","undoes_seq":55}',
        "7fc7fa0f7d2e4bdfefc8bf0679ee105197a1ff5ac88a6e771c506712e67faeb7",
    ),
    (
        59,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","restored":{"note":null,"status":"open"},"retracted":["00000000-0000-0000-0000-000000000041","00000000-0000-0000-0000-000000000042"],"verdict":{"from":"in progress","to":"unverified"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000043","undoes_kind":"check.log","undoes_seq":54}',
        "1d714d30e80c6ad65c64debc6ac3164b35563b8d6103e464d097fd8d3aede449",
    ),
    (
        60,
        "undo",
        '{"inverse":{"restored":null,"target":"item:2"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000040","undoes_kind":"item.template","undoes_seq":53}',
        "97e3b8a215864158b7c101810be0f2ccdea5e14ce67ff14b7c73cdb7d6516a59",
    ),
    (
        61,
        "undo",
        '{"inverse":{"restored":null,"target":"story:1"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003f","undoes_kind":"story.template","undoes_seq":52}',
        "1fa2e5917bc8647fc922f8a743cb9899fcdae61f7d245cf16976737f4e5bbdd9",
    ),
    (
        62,
        "undo",
        '{"inverse":{"name":"quote-check"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003e","undoes_kind":"template.add","undoes_seq":51}',
        "c1ee4ca95a3a3d7ff15e9ce392195fbc7b5d489d8c79cb19304c190aa5859c6b",
    ),
    (
        63,
        "verdict.define",
        '{"from":null,"to":{"key":"s","label":"satire","letter":"S","meaning":"misleading","name":"satire","position":6}}',
        "f1491972ad7711b8802ef184e0272ad4e20b482574706fd862f81d880444c3d5",
    ),
    (
        64,
        "verdict.define",
        '{"from":{"key":"m","label":"misleading","letter":"M","meaning":"misleading","name":"misleading","position":4},"to":{"key":"c","label":"missing context","letter":"M","meaning":"misleading","name":"misleading","position":4}}',
        "c5b81f01d6039dc813342e6ea5db35ef89230e448d3a48a85a189229c5172b58",
    ),
    (
        65,
        "verdict.define",
        '{"from":null,"to":{"key":"h","label":"hoax","letter":"H","meaning":"false","name":"hoax","position":7}}',
        "c5deab50227a8b816398539a5e61f3b2a32f3218bdadc88e6b0d6b2d64e77de0",
    ),
    (
        66,
        "verdict.remove",
        '{"from":{"key":"h","label":"hoax","letter":"H","meaning":"false","name":"hoax","position":7}}',
        "5548a747c23afeed32231195ca065d488646013b7ba8727dcdb4beb3cc7f9744",
    ),
    (
        67,
        "undo",
        '{"inverse":{"name":"hoax","verdict":{"key":"h","label":"hoax","letter":"H","meaning":"false","name":"hoax","position":7}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000050","undoes_kind":"verdict.remove","undoes_seq":66}',
        "77084f0bfe143ac816c5c146e892708fc8d4231c980499557643c08cadae02d1",
    ),
    (
        68,
        "undo",
        '{"inverse":{"name":"hoax","verdict":null},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000004f","undoes_kind":"verdict.define","undoes_seq":65}',
        "22258b69ed7631907c575596c78180fb4b2602ac00fc57c7cb40061909d11eba",
    ),
    (
        69,
        "undo",
        '{"inverse":{"name":"misleading","verdict":{"key":"m","label":"misleading","letter":"M","meaning":"misleading","name":"misleading","position":4}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000004e","undoes_kind":"verdict.define","undoes_seq":64}',
        "01172ea8e1d499117a10f973fb06f8896042adc4e8a3ba3fa1c882fd3fb53bef",
    ),
    (
        70,
        "undo",
        '{"inverse":{"name":"satire","verdict":null},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000004d","undoes_kind":"verdict.define","undoes_seq":63}',
        "688b0f362be303185be7e2f1707fb9ded15f37eac8be58e52a923c28245a3a45",
    ),
    (
        71,
        "ingest",
        '{"batch":1,"duplicates":0,"file":"cut.jsonl","first_id":4,"format":"fake","items":[{"author_handle":null,"author_name":null,"author_url":null,"captured_at":"2026-11-27T07:00:00.000107Z","extra":"{}","id":4,"ingested_at":"2026-11-27T07:00:00.000108Z","kind":"post","lang":null,"media":"[]","platform":"fake","platform_id":"77","posted_at":null,"posted_precision":null,"posted_tz_known":0,"raw_sha256":"ba309207e8a0ff454518de24efcb2ebfc0272b61083cf3c7d56b14bcf30d88b4","source_file":"cut.jsonl","source_format":"fake","source_record":1,"story_id":null,"text":"Sirens at the dam… https://twitter.com/i/web/status/77","title":null,"url":null,"uuid":"00000000-0000-0000-0000-000000000055"}],"last_id":4,"links":0,"made_links":[],"new":1,"pending":[],"raw":[[4,"ba309207e8a0ff454518de24efcb2ebfc0272b61083cf3c7d56b14bcf30d88b4"]],"reasons":[],"rejected":0,"sha256":"55e465d6f3c3a7a3dfaa95abd1e5d1430b2f79ff91ba453caeb67e2e29287db2","story":null,"tags":[]}',
        "a81ba3799a94bc9c4c8229f130301d32916107ae3e4080f4662e5179c0a6824a",
    ),
    (
        72,
        "ingest",
        '{"batch":1,"duplicates":1,"file":"full.jsonl","first_id":null,"format":"fake","items":[],"last_id":null,"links":0,"made_links":[],"new":0,"pending":[],"raw":[],"reasons":[],"rejected":0,"sha256":"90d516c419171f20f79bba25a12912813c98aab3b3b966795e8930e439f47057","story":null,"tags":[]}',
        "5de00b7ec5f16451ba9a42fc7dd2d0e471ab79d052e55aaa72dfe2c40eb4d003",
    ),
    (
        73,
        "item.improve",
        '{"changes":{"text":{"from":"Sirens at the dam… https://twitter.com/i/web/status/77","to":"Sirens at the dam, and the spillway gates are open"}},"copies":[{"fields":{"author_handle":null,"author_name":null,"author_url":null,"extra":"{}","lang":null,"media":"[]","posted_at":null,"posted_precision":null,"posted_tz_known":0,"text":"Sirens at the dam… https://twitter.com/i/web/status/77","title":null},"ingested_at":"2026-11-27T07:00:00.000108Z","item":4,"raw_sha256":"ba309207e8a0ff454518de24efcb2ebfc0272b61083cf3c7d56b14bcf30d88b4","source_file":"cut.jsonl","source_format":"fake","source_record":1},{"fields":{"author_handle":null,"author_name":null,"author_url":null,"extra":"{}","lang":null,"media":"[]","posted_at":null,"posted_precision":null,"posted_tz_known":0,"text":"Sirens at the dam, and the spillway gates are open","title":null},"ingested_at":"2026-11-27T07:00:00.000111Z","item":4,"raw_sha256":"ab8f8b4a9dfc9a56c5df1ee6539b6c424859aace105cde7b92b9931f42de03ab","source_file":"full.jsonl","source_format":"fake","source_record":1}],"item":4}',
        "9ecbb4aa3ca2612c8cb18fecbe36ea20a0938d2a1dff2835b2d6b54354d8e524",
    ),
    (
        74,
        "ingest",
        '{"batch":1,"duplicates":1,"file":"full-again.jsonl","first_id":null,"format":"fake","items":[],"last_id":null,"links":0,"made_links":[],"new":0,"pending":[],"raw":[],"reasons":[],"rejected":0,"sha256":"90d516c419171f20f79bba25a12912813c98aab3b3b966795e8930e439f47057","story":null,"tags":[]}',
        "a653ce9cf1b221eb5b833e2a8901ac45fa4e389913aa3bca07c2ef31132a9361",
    ),
    (
        75,
        "undo.refused",
        '{"refused":"your last action (ingest, event 74) cannot be undone: an import is many items: discard the ones not wanted (s d)","undoes":"00000000-0000-0000-0000-000000000059","undoes_kind":"ingest","undoes_seq":74}',
        "ff337e3ec2bce6d50d0b21fcfa3d70280fb029b571b7a92eab7d8063ff0b6133",
    ),
    (
        76,
        "undo",
        '{"inverse":{"item":4,"restored":{"text":"Sirens at the dam… https://twitter.com/i/web/status/77"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000058","undoes_kind":"item.improve","undoes_seq":73}',
        "2647abafffc77c8973fa99dcef2976db9c3bc7399e4d69276b10176c3101ab08",
    ),
]


def _rows(path: Path) -> list[tuple[int, str, str, str]]:
    with Store(path, create=True) as store:
        _script(store)
        rows = store.conn.execute(
            "SELECT seq, kind, payload, hash FROM events ORDER BY seq"
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def test_the_same_script_writes_the_same_bytes(tmp_path: Path, frozen: None) -> None:
    rows = _rows(tmp_path / "bytes.desk")
    # Payloads first: a diff of one payload reads better than a diff of every later hash.
    assert [(seq, kind, payload) for seq, kind, payload, _ in rows] == [
        (seq, kind, payload) for seq, kind, payload, _ in GOLDEN
    ]
    assert rows == GOLDEN


def _record() -> None:  # pragma: no cover - run by hand, on purpose, to re-record GOLDEN
    """Print GOLDEN as the code writes it now: `python -m tests.test_event_bytes`.

    Re-recording is a decision, not a fix for a failing test: old desks hold
    the old bytes, so say in the commit which kinds changed and why.
    """
    import tempfile

    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as tmp:
        gen = frozen.__wrapped__(mp)  # type: ignore[attr-defined]
        next(gen)
        rows = _rows(Path(tmp) / "bytes.desk")
    print("GOLDEN: list[tuple[int, str, str, str]] = [")
    for seq, kind, payload, digest in rows:
        print(
            f"    (\n        {seq},\n        {kind!r},\n        {payload!r},\n        {digest!r},\n    ),"
        )
    print("]")


if __name__ == "__main__":
    _record()
