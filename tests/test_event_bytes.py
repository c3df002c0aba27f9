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
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import db.whoami
import db.writer
from db import Store
from desk import verbs
from desk.vocab import RECAP_SECTIONS


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ids and times from counters, so a run writes the same chain every time."""
    ids = itertools.count(1)
    ticks = itertools.count(0)
    start = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    monkeypatch.setattr(db.writer, "new_uuid", lambda: str(uuid.UUID(int=next(ids))))
    monkeypatch.setattr(
        db.writer,
        "iso_micro",
        lambda moment=None: (start + timedelta(microseconds=next(ticks))).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        ),
    )
    # Events as a desk wrote them before migration 0008 (no OS user), so the
    # golden chain does not depend on who runs the tests; the OS user's part
    # of the hash is held in tests/test_identity_os.py.
    monkeypatch.setattr(db.whoami, "os_user", lambda: None)
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
        '{"inverse":{"changes":{"1":{"from":"new","to":"kept"}}},"skipped":["item 2 is now \'flagged\' (changed since)"],"undoes":"00000000-0000-0000-0000-00000000000d","undoes_kind":"item.triage","undoes_seq":8}',
        "d103ea457cb9b4c60fdc1769e57132939b96a422db9420cfcb923bd74c094cf4",
    ),
    (
        28,
        "undo",
        '{"inverse":{"changes":{"1":{"added":[],"removed":["dam"]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000c","undoes_kind":"item.tag","undoes_seq":7}',
        "6fea917334e109e61e0fa9bf62eb211aa34881c9f112195af892f3d1a65b5a41",
    ),
    (
        29,
        "undo",
        '{"inverse":{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000b","undoes_kind":"item.tag","undoes_seq":6}',
        "06d99c57336e6eb943cdf2d9ddced9ea519deda02e5c4b137da297b1c73b07c6",
    ),
    (
        30,
        "undo",
        '{"inverse":{"item":2,"triage_from":"flagged"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000004","undoes_kind":"item.add","undoes_seq":2}',
        "2f331da9a1c0182e8236f4cad9a25d6abdb282d98c747fdbddf393acd79f74f4",
    ),
    (
        31,
        "undo",
        '{"inverse":{"item":1,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000002","undoes_kind":"item.add","undoes_seq":1}',
        "be2bee27cdbc752b20904632e93a82281857a5bb38fbf2e8b96a4ff9ecc303ae",
    ),
    (
        32,
        "undo",
        '{"inverse":{"item":3,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000006","undoes_kind":"item.add","undoes_seq":3}',
        "a8c2ea77250e4a08855ab1e5fe3a8b556bd44146084aed33fbb69bbfe97b1ada",
    ),
    (
        33,
        "recap.add",
        '{"body":"","confidence":"reported","created_at":"2026-11-27T07:00:00.000051Z","date_end":null,"date_start":"2025-12-01","date_text":"since December","edtf":"2025-12/..","headline":"Evacuation","precision":"month","readable":true,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-00000000002b"}',
        "a440502ad15ba67fd23fd2902e709fd36c754383b754e5574f2ce15c1b199d62",
    ),
    (
        34,
        "story.edit",
        '{"from":{"reference_date":"2026-11-27","title":"Orvena dam"},"reread":[2],"slug":"orvena","story":1,"to":{"reference_date":"2025-11-20","title":"Orvena dam breach"}}',
        "9a56a881c0c9c3f8483bb4c279f8fdb2eb65cb7fa2353869ce6de9bd22154304",
    ),
    (
        35,
        "recap.edit",
        '{"entry":2,"from":{"headline":"Evacuation"},"to":{"headline":"Evacuation ordered"}}',
        "2ccdaf868840580ae09f72709b4a7a81eef00c8a0eacac2b363b09338479e438",
    ),
    (
        36,
        "recap.move",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]}',
        "b8b2c93d0cdd4017561a29247b5d1af9fdfe7e91f811393acb93290914f651f9",
    ),
    (
        37,
        "recap.unpin",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]}',
        "26da0701b5729c6258474c05957e02c9fcdcca38bd8db6081b462fdb6273c24e",
    ),
    (
        38,
        "recap.delete",
        '{"deleted_at":"2026-11-27T07:00:00.000059Z","entry":2,"story":1}',
        "4bf5a24f84d760bbcaa9b8ce03f638b49fb42aa322f2260d78c21094960df84e",
    ),
    (
        39,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000031","undoes_kind":"recap.delete","undoes_seq":38}',
        "36e5104f620bd38fcb7310693c212e2af991380dfda10b84864298b01204f50b",
    ),
    (
        40,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000030","undoes_kind":"recap.unpin","undoes_seq":37}',
        "89b2d44c314da5ea3693f9201f936e9bc971ccbeb207daf03046d7c870443ecc",
    ),
    (
        41,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002f","undoes_kind":"recap.move","undoes_seq":36}',
        "e198cda3e43697b644c0debb68fcfccedfad5f0f20f668922aca7b315eb6a7cf",
    ),
    (
        42,
        "undo",
        '{"inverse":{"entry":2,"restored":{"headline":"Evacuation"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002e","undoes_kind":"recap.edit","undoes_seq":35}',
        "a260f0e887f22ab666575cf72da71ca3a259db17dbb65143219506b7061a2a6f",
    ),
    (
        43,
        "undo",
        '{"inverse":{"reread":[2],"restored":{"reference_date":"2026-11-27","title":"Orvena dam"},"story":1},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002d","undoes_kind":"story.edit","undoes_seq":34}',
        "6c3e1c320f8176baa2e69ea54323f4494691e1506dd018be250ad34d9f3ed6f4",
    ),
    (
        44,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002c","undoes_kind":"recap.add","undoes_seq":33}',
        "35feadbd2a6380dbb82c4915163cb26f01d2d2a24856c3bac1b7ef8aaeb32915",
    ),
    (
        45,
        "recap.sections",
        '{"from":["background","timeline","latest","what we know","what we don\'t know","reactions"],"to":["background","timeline","latest","what we know","what we don\'t know","reactions","analysis"]}',
        "d57adc95efd61d97175e934b4f56246ccaaeccdb3a4432f9fe62a3e5c3cd69b1",
    ),
    (
        46,
        "recap.section.rename",
        '{"entries":[1,2],"from":"timeline","to":"chronology"}',
        "deddd5c5a020734fc8f1a05951dd6a0d957b6de0a9d5f3ecf63c5f847fba55b1",
    ),
    (
        47,
        "recap.edit",
        '{"entry":1,"from":{"date_text":"Friday, before dawn"},"reading":{"date_end":null,"date_start":"2025-12-01","edtf":"2025-12/..","precision":"month","readable":true},"to":{"date_text":"since December"}}',
        "ab077388397842e186fd2f8ff2a3bde1ad138156e8548bc853b97f66fd587251",
    ),
    (
        48,
        "undo",
        '{"inverse":{"entry":1,"reading":{"date_end":null,"date_start":null,"edtf":null,"precision":null,"readable":false},"restored":{"date_text":"Friday, before dawn"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003a","undoes_kind":"recap.edit","undoes_seq":47}',
        "fcbb59c7250d6823c6d8eeebba03fc6a1898943cb3833982cb1412f063ebcda7",
    ),
    (
        49,
        "undo",
        '{"inverse":{"entries":[1,2],"from":"chronology","to":"timeline"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000039","undoes_kind":"recap.section.rename","undoes_seq":46}',
        "15c919963d6f746c0a122140bbaf51a73b45364a030e813aad76b38843fc049e",
    ),
    (
        50,
        "undo",
        '{"inverse":{"sections":["background","timeline","latest","what we know","what we don\'t know","reactions"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000038","undoes_kind":"recap.sections","undoes_seq":45}',
        "bc0f098c2e37cdd7bf4b2fdaaa2c5c340ab6d0f39da5f7a89d341b7b6f2b63ee",
    ),
    (
        51,
        "template.add",
        '{"name":"quote-check","steps":2,"title":"Attributed quote","toml":"name = \\"quote-check\\"\\ntitle = \\"Attributed quote\\"\\n\\n[[step]]\\nid = \\"context\\"\\ntitle = \\"Original context\\"\\nrequired = true\\n\\n[[step]]\\nid = \\"speaker\\"\\ntitle = \\"Speaker\\"\\nrequired = false\\n"}',
        "943956672f3e04e9a49885b02ad29cdc6848e63d02181739a085091d4a6170e5",
    ),
    (
        52,
        "story.template",
        '{"from":null,"slug":"orvena","story":1,"to":"berkeley-protocol"}',
        "85a2ae22ed523a5ef75bca6c0cd0144fc1e98490c8a6b45a6f1bb4345e5f5427",
    ),
    (
        53,
        "item.template",
        '{"base":"five-pillars","from":null,"item":2,"to":"quote-check"}',
        "4fe48381c60feb9509370c3ac7c466120c17e84877dfc7722d70ba5c3403f087",
    ),
    (
        54,
        "check.log",
        '{"after":{"note":"Full speech","status":"passed"},"before":null,"evidence":[{"kind":"url","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000041","value":"https://e.org/s"},{"kind":"note","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000042","value":"p. 4"}],"item":2,"pillar":"context","template":"quote-check","verdict":{"from":"unverified","to":"in progress"}}',
        "84b97d07e8830a1c64a1623a35eb6a985a711b8a85b8aa421844b930f75e28b6",
    ),
    (
        55,
        "evidence.add",
        '{"evidence":{"kind":"file","media_type":"image/png","sha256":"619f62741a898972555fc3202101d3f0339513ba37556dc3bc4f797d1f4f5502","size":32,"uuid":"00000000-0000-0000-0000-000000000044","value":"frame.png"},"item":2,"pillar":"context","state":"passed"}',
        "e29d68aabe48b66d446de26e63afcba0f296580d1ee9bf2f9db5a92512d4ffc0",
    ),
    (
        56,
        "item.verdict",
        '{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}},"override":"Editor\'s call: quote on tape","versions":{"2":9}}',
        "3dfbf2dda466ea5931c96d7028b29eba9337669bacba2a749b75cbcd9bfaae0e",
    ),
    (
        57,
        "undo",
        '{"inverse":{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000046","undoes_kind":"item.verdict","undoes_seq":56}',
        "4c279b047b82b37573db94cd51600c0bcccd3cc0bf22b69d3c653e4578f312d5",
    ),
    (
        58,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","retracted":["00000000-0000-0000-0000-000000000044"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000045","undoes_kind":"evidence.add","undoes_seq":55}',
        "3f54f1b494490abe8a1a19f447a4ee434f42adeacf4d4cbef921ed5883af3958",
    ),
    (
        59,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","restored":{"note":null,"status":"open"},"retracted":["00000000-0000-0000-0000-000000000041","00000000-0000-0000-0000-000000000042"],"verdict":{"from":"in progress","to":"unverified"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000043","undoes_kind":"check.log","undoes_seq":54}',
        "c335ef0745bef65add64991276f98e423c526017af04f625da62e09df2df8d38",
    ),
    (
        60,
        "undo",
        '{"inverse":{"restored":null,"target":"item:2"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000040","undoes_kind":"item.template","undoes_seq":53}',
        "7d9f113842b45473467ee0c404ac504c4ecfccffebafbd1e3704a8374831d932",
    ),
    (
        61,
        "undo",
        '{"inverse":{"restored":null,"target":"story:1"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003f","undoes_kind":"story.template","undoes_seq":52}',
        "3d29c3e335b23f865b2a11aa0c7d4706d6bd7b8717eae4e8818cd25f8f23d2af",
    ),
    (
        62,
        "undo",
        '{"inverse":{"name":"quote-check"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003e","undoes_kind":"template.add","undoes_seq":51}',
        "d2736e5d796faa5a4311563266b518185371e359b55a43e113d7d75a570b248d",
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
