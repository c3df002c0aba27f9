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
GOLDEN: list[tuple[int, str, str, str]] = [
    (
        1,
        "item.add",
        '{"item":1,"platform":"mastodon","raw_sha256":"52d3979268565dff585e598a7a41fc9b6dabcbb6cda457cc7475bf5487903ed2","url":"https://example.org/p/1"}',
        "7937acc234158ea743b6c7bae40c0848236b50acd553c511a465534edd635f38",
    ),
    (
        2,
        "item.add",
        '{"item":2,"platform":"manual","raw_sha256":"c61a638c5432ca235e346619a2cfca90f754354351bcd872b23117de455fb70b","url":null}',
        "8dbddcb8e80b07ec9311ca08262d0ffde936a91023b3a491b0f9e983a54ee6f4",
    ),
    (
        3,
        "item.add",
        '{"item":3,"platform":"manual","raw_sha256":"749602e48dc1c56924a389927dac2e3aa66e3fd9fccca98e726c4fd0aa6dabdc","url":null}',
        "55bc3e8ee84152d3861f8b1a584ed1d355a1764818fc3ab7b92cd73725c98cdb",
    ),
    (
        4,
        "story.add",
        '{"slug":"orvena","title":"Orvena dam"}',
        "dbc9064e22c13168fb54bad57b8cbb75c14e00b4fda1533c3fb25fa1bcc7b5f5",
    ),
    (
        5,
        "recap.add",
        '{"body":"Sirens in Marrow Ford.","confidence":"reported","created_at":"2026-11-27T07:00:00.000008Z","date_end":null,"date_start":null,"date_text":"Friday, before dawn","edtf":null,"headline":"Sirens before dawn","precision":null,"readable":false,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-000000000009"}',
        "2ef2e3fc05c8a3d66ff5d0f1f73edc1a1a2c11fbc39fd6ba8dc5abce1a85a976",
    ),
    (
        6,
        "item.tag",
        '{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}},"versions":{"1":1,"2":1}}',
        "c6a17737e3b231e8ccd628b35bfef48fba65da6ca739c861c7c189f8bbe70ee9",
    ),
    (
        7,
        "item.tag",
        '{"changes":{"1":{"added":[],"removed":["dam"]}},"versions":{"1":2}}',
        "48008f069ae8613490135b5c74c73f6ab899d8a1e3484000dca90325b88889bb",
    ),
    (
        8,
        "item.triage",
        '{"changes":{"1":{"from":"new","to":"kept"},"2":{"from":"new","to":"kept"}},"versions":{"1":3,"2":2}}',
        "bb8baf0cd0cba228da366683b0e71c7492ab7a6eadf2b362dac69c76046cba6f",
    ),
    (
        9,
        "item.verdict",
        '{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}},"versions":{"1":4}}',
        "a8c2bf0272c3e949df06e4ec8e91422eacde613d28a3ec9f10dcec17226a6cc0",
    ),
    (
        10,
        "link.add",
        '{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "3be4818368c250701815dd55206b9d3513b34c0c12159246f1783fa4af69350e",
    ),
    (
        11,
        "link.add",
        '{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}}',
        "02898a3cdcf9f7f67ee8d7d34b0f95bb0c66b75cd7e1950d467c205c67e5e377",
    ),
    (
        12,
        "link.remove",
        '{"created_by":"ann","link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "6ad2171fdb1997ab389f0a1994cd696e49c02e577e72beb4c96a23d8d4c2ec05",
    ),
    (
        13,
        "note.add",
        '{"entry":null,"item":1,"note":"00000000-0000-0000-0000-000000000014","text":"Called the port office"}',
        "2c1d96d8e72ee4dede57382ecb0b3a4288b945ada8f5a0cf92d5398b50615d5d",
    ),
    (
        14,
        "note.add",
        '{"entry":1,"item":null,"note":"00000000-0000-0000-0000-000000000016","text":"Needs a second source"}',
        "e398b34b3204400e9c4c42029c341821745c60cce05b6ba57d3b76e65a0f0d4d",
    ),
    (
        15,
        "check.log",
        '{"after":{"note":"EXIF","status":"passed"},"before":null,"evidence":[{"kind":"url","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000018","value":"https://e.org/x"}],"item":1,"pillar":"date","template":"five-pillars"}',
        "83f0aa7dd6c1714c25e759cc9b7ecbf33d871f8ce98729fec240f0068692bf23",
    ),
    (
        16,
        "check.log",
        '{"after":{"note":"EXIF","status":"unclear"},"before":{"note":"EXIF","status":"passed"},"evidence":[],"item":1,"pillar":"date","template":"five-pillars"}',
        "74f564d531d8cef11f49219b6c73025dcf57ac41c26e371d1560fccec40b2b0e",
    ),
    (
        17,
        "filter.save",
        '{"expr":"triage:flagged verdict:unverified"}',
        "f6d1c267d5def1ca998a1d904a27c2734c682e7fa5339e67f94e7bdb240fac48",
    ),
    (
        18,
        "item.triage",
        '{"changes":{"2":{"from":"kept","to":"flagged"}},"versions":{"2":3}}',
        "16a105ed9fb5e78ca775820c6c986dae22f14400eb0f8628139f205a860b592e",
    ),
    (
        19,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"note":"EXIF","status":"passed"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000001a","undoes_kind":"check.log","undoes_seq":16}',
        "5a8b1789b46db8531e46a8ca7123bbcfabc34442d44488d2a5b34d9e0235b620",
    ),
    (
        20,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"note":null,"status":"open"},"retracted":["00000000-0000-0000-0000-000000000018"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000019","undoes_kind":"check.log","undoes_seq":15}',
        "355db124da7cb63e81b37f7af890c5cd1fa270387120e3679531f18348a765f0",
    ),
    (
        21,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000016"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000017","undoes_kind":"note.add","undoes_seq":14}',
        "6545bd20d46fa5869fa6fb0b3524d701250213fcc536336d46f08935b35b1d10",
    ),
    (
        22,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000014"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000015","undoes_kind":"note.add","undoes_seq":13}',
        "d034495e0a560a06e49d401d3ff988d2e13856cfdf4018981cd467a3a2188ce0",
    ),
    (
        23,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000013","undoes_kind":"link.remove","undoes_seq":12}',
        "e6c4116ace538ffb2e15191cf6a935488da4902d5d189dbfc13752848cce5bb9",
    ),
    (
        24,
        "undo",
        '{"inverse":{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000012","undoes_kind":"link.add","undoes_seq":11}',
        "09e13758611bcb67bd567acb721f0bc7eefede7a387f862a86a7853b06e8f505",
    ),
    (
        25,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000010","undoes_kind":"link.add","undoes_seq":10}',
        "6cc6f48dc8b3896bbd91c6da65c8b7c7bc80c14ee57b075d975a0c2f90c286cd",
    ),
    (
        26,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000e","undoes_kind":"item.verdict","undoes_seq":9}',
        "7dc17cb806e96acd4ab522a60e4a5c0908e3bb4d79cfdb519e2c333d2b3457d0",
    ),
    (
        27,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"new","to":"kept"}}},"skipped":["item 2 is now \'flagged\' (changed since)"],"undoes":"00000000-0000-0000-0000-00000000000d","undoes_kind":"item.triage","undoes_seq":8}',
        "468f4e2c05d43269b0d1f6bdf08fc857557bce359ca21c73c3dbfaf31ade2eea",
    ),
    (
        28,
        "undo",
        '{"inverse":{"changes":{"1":{"added":[],"removed":["dam"]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000c","undoes_kind":"item.tag","undoes_seq":7}',
        "8283189e92e76ec8ef562dcc0bbeeb372c1a206a5357b4edbd94736fdfcef39a",
    ),
    (
        29,
        "undo",
        '{"inverse":{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000b","undoes_kind":"item.tag","undoes_seq":6}',
        "66fa67f7d6ddb828a02cbd2e758990101407e0f48670e64fc6cbd51dd5ff8063",
    ),
    (
        30,
        "undo",
        '{"inverse":{"item":2,"triage_from":"flagged"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000004","undoes_kind":"item.add","undoes_seq":2}',
        "dc7dcacde5a818f3d2525c6d55810a1fe66369ee119868dcc425a027797ded0f",
    ),
    (
        31,
        "undo",
        '{"inverse":{"item":1,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000002","undoes_kind":"item.add","undoes_seq":1}',
        "5e77e304125a7d93dbc1ca5afd9c667ab47049b85cdd9f0d865fdfc955ea1553",
    ),
    (
        32,
        "undo",
        '{"inverse":{"item":3,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000006","undoes_kind":"item.add","undoes_seq":3}',
        "9466f8aa753fe36f18778326c773e55050c9f63ab122e6835b3be2a35adb30c9",
    ),
    (
        33,
        "recap.add",
        '{"body":"","confidence":"reported","created_at":"2026-11-27T07:00:00.000051Z","date_end":null,"date_start":"2025-12-01","date_text":"since December","edtf":"2025-12/..","headline":"Evacuation","precision":"month","readable":true,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-00000000002b"}',
        "848954f51d9ae1b2a7e1e9814444e3bf326381639ca4a909568770d9f58f6b7c",
    ),
    (
        34,
        "story.edit",
        '{"from":{"reference_date":"2026-11-27","title":"Orvena dam"},"reread":[2],"slug":"orvena","story":1,"to":{"reference_date":"2025-11-20","title":"Orvena dam breach"}}',
        "d190e8ce8cd729be36da2c1c09bf9a23f5a4969f8fe8592445b8364911e36208",
    ),
    (
        35,
        "recap.edit",
        '{"entry":2,"from":{"headline":"Evacuation"},"to":{"headline":"Evacuation ordered"}}',
        "ff759c91927f59032edba8cad2563c9f0c091c5244c348126c66a7f1dc7c7761",
    ),
    (
        36,
        "recap.move",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]}',
        "bd975c9a9673df85c0801faaec36a93bb3cdf9822e08f538a5020fabe0358902",
    ),
    (
        37,
        "recap.unpin",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]}',
        "bd4534634c41ca4324f37026c164e131ebafa193d46c6a4add095ee393452bec",
    ),
    (
        38,
        "recap.delete",
        '{"deleted_at":"2026-11-27T07:00:00.000059Z","entry":2,"story":1}',
        "7358177518183456195725e084227e18460cf129d2b67d29b9159ca84600a603",
    ),
    (
        39,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000031","undoes_kind":"recap.delete","undoes_seq":38}',
        "6f72f6bd59c4cb1fe15b7683d41a02b074477f59f7947e4ad8ee397b1b8b2db1",
    ),
    (
        40,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000030","undoes_kind":"recap.unpin","undoes_seq":37}',
        "171d8a08b00390d887b4bb49a2e1037ae4fa03dbd00a4eb6ca46b7537816702e",
    ),
    (
        41,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002f","undoes_kind":"recap.move","undoes_seq":36}',
        "3331f6ae8122009c23b659f9a293927319193134f1d79cef723b177801621fd9",
    ),
    (
        42,
        "undo",
        '{"inverse":{"entry":2,"restored":{"headline":"Evacuation"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002e","undoes_kind":"recap.edit","undoes_seq":35}',
        "eef52ef9ff9beb879fe1c69dd1b172c7d62cb4c11a19d8fe82c4b1bc3ec7c9e1",
    ),
    (
        43,
        "undo",
        '{"inverse":{"reread":[2],"restored":{"reference_date":"2026-11-27","title":"Orvena dam"},"story":1},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002d","undoes_kind":"story.edit","undoes_seq":34}',
        "aca1d72d52141b874d7d665ce61af163ea986e26b935fac631465bdda7404f3d",
    ),
    (
        44,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002c","undoes_kind":"recap.add","undoes_seq":33}',
        "f788070b3f32803f88597458f3e5dfb30af657f178c9ef3450f8b22cb7933a7b",
    ),
    (
        45,
        "recap.sections",
        '{"from":["background","timeline","latest","what we know","what we don\'t know","reactions"],"to":["background","timeline","latest","what we know","what we don\'t know","reactions","analysis"]}',
        "93598a1f95c721e644529ff8f2bcfdd839ac004826f7e76de2d677764dfc4114",
    ),
    (
        46,
        "recap.section.rename",
        '{"entries":[1,2],"from":"timeline","to":"chronology"}',
        "3dcb39296f389dc3764f842ebe98bf7b9dfbefd3d0ab99d449f5cd5b8dc0624b",
    ),
    (
        47,
        "recap.edit",
        '{"entry":1,"from":{"date_text":"Friday, before dawn"},"reading":{"date_end":null,"date_start":"2025-12-01","edtf":"2025-12/..","precision":"month","readable":true},"to":{"date_text":"since December"}}',
        "e6e6f980d44e1e7226c6a8785dae047f2973fd8d1bd56578513d96b8b402b0ed",
    ),
    (
        48,
        "undo",
        '{"inverse":{"entry":1,"reading":{"date_end":null,"date_start":null,"edtf":null,"precision":null,"readable":false},"restored":{"date_text":"Friday, before dawn"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003a","undoes_kind":"recap.edit","undoes_seq":47}',
        "e353e5543d8b6e3c245535d59be9d381e3f833d8cc8e40ae035ed5ef4de4e9c4",
    ),
    (
        49,
        "undo",
        '{"inverse":{"entries":[1,2],"from":"chronology","to":"timeline"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000039","undoes_kind":"recap.section.rename","undoes_seq":46}',
        "42ed18ec6529b2011ceb33fe8050871d9451ef11b841fc5b5aaede855fbdc3e8",
    ),
    (
        50,
        "undo",
        '{"inverse":{"sections":["background","timeline","latest","what we know","what we don\'t know","reactions"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000038","undoes_kind":"recap.sections","undoes_seq":45}',
        "85988fe20124437087067d5add4b13760423e31580944cc3e580ab3061c500d4",
    ),
    (
        51,
        "template.add",
        '{"name":"quote-check","steps":2,"title":"Attributed quote","toml":"name = \\"quote-check\\"\\ntitle = \\"Attributed quote\\"\\n\\n[[step]]\\nid = \\"context\\"\\ntitle = \\"Original context\\"\\nrequired = true\\n\\n[[step]]\\nid = \\"speaker\\"\\ntitle = \\"Speaker\\"\\nrequired = false\\n"}',
        "974bd3fee61276f78c776fc3e25cf089b400998336b9d25b3509999624790208",
    ),
    (
        52,
        "story.template",
        '{"from":null,"slug":"orvena","story":1,"to":"berkeley-protocol"}',
        "dce9015a3edc9ed742bb9c819bdf4f524e9d169eb0fdadd26e7506a059fec26b",
    ),
    (
        53,
        "item.template",
        '{"base":"five-pillars","from":null,"item":2,"to":"quote-check"}',
        "931cf71b78778df2591d8545222e8ad3325dedb3b3dc9527f79128d4e914e4b6",
    ),
    (
        54,
        "check.log",
        '{"after":{"note":"Full speech","status":"passed"},"before":null,"evidence":[{"kind":"url","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000041","value":"https://e.org/s"},{"kind":"note","media_type":null,"sha256":null,"size":null,"uuid":"00000000-0000-0000-0000-000000000042","value":"p. 4"}],"item":2,"pillar":"context","template":"quote-check","verdict":{"from":"unverified","to":"in progress"}}',
        "4d89a79c7d02b8d0f8b8cecba261507ffb1cf80c70b56408b077a8c34c707a10",
    ),
    (
        55,
        "evidence.add",
        '{"evidence":{"kind":"file","media_type":"image/png","sha256":"619f62741a898972555fc3202101d3f0339513ba37556dc3bc4f797d1f4f5502","size":32,"uuid":"00000000-0000-0000-0000-000000000044","value":"frame.png"},"item":2,"pillar":"context","state":"passed"}',
        "36b757e01c955321eea6139b70a60e794a54260131bf5b1e00ab2921320c679b",
    ),
    (
        56,
        "item.verdict",
        '{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}},"override":"Editor\'s call: quote on tape","versions":{"2":9}}',
        "7c1300bdbab2043e1799f45dea5938ab674ebf98e4dc9b474dcdf156aa35d999",
    ),
    (
        57,
        "undo",
        '{"inverse":{"changes":{"2":{"from":"in progress","reason_from":null,"reason_to":null,"to":"verified"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000046","undoes_kind":"item.verdict","undoes_seq":56}',
        "a2d098f01e11785521d2d76e214c9310c9595d2d8fbae8d674ad5ce0b2953045",
    ),
    (
        58,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","retracted":["00000000-0000-0000-0000-000000000044"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000045","undoes_kind":"evidence.add","undoes_seq":55}',
        "05456cfabc79a7a50024b14eafc0990c39187b8dd7e492b632c63e9814399a82",
    ),
    (
        59,
        "undo",
        '{"inverse":{"item":2,"pillar":"context","restored":{"note":null,"status":"open"},"retracted":["00000000-0000-0000-0000-000000000041","00000000-0000-0000-0000-000000000042"],"verdict":{"from":"in progress","to":"unverified"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000043","undoes_kind":"check.log","undoes_seq":54}',
        "a736858684e751452d319e7016822e3d7d1438eacb67888c177049ec122da8b9",
    ),
    (
        60,
        "undo",
        '{"inverse":{"restored":null,"target":"item:2"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000040","undoes_kind":"item.template","undoes_seq":53}',
        "1777a0f6ac1dd6981cdea2b43f4d84b39188f51f16c0c13c3aa292822246d85f",
    ),
    (
        61,
        "undo",
        '{"inverse":{"restored":null,"target":"story:1"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003f","undoes_kind":"story.template","undoes_seq":52}',
        "f74d6768b524f250d8d4dce3ae4ed64822220942c6f8a915167dc69d6e25c341",
    ),
    (
        62,
        "undo",
        '{"inverse":{"name":"quote-check"},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000003e","undoes_kind":"template.add","undoes_seq":51}',
        "1bdc15c66ed5d23d4684879b8e5616276cb75b07364474d3459412ccd8ce6e42",
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
