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


# (seq, kind, payload, hash) as the code before the verbs package wrote them, re-recorded
# (`python -m tests.test_event_bytes`) when issue 9 gave recap.add its whole row and
# recap.edit its date reading: those payloads changed, and every hash after the first
# recap.add with them (each hash covers the one before); every other payload is unchanged.
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
        '{"after":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"},"before":null,"item":1,"pillar":"date"}',
        "414deaf4cc5944a8584f5674f37acc9f386b00f1baddd8b1368d18b7304277dd",
    ),
    (
        16,
        "check.log",
        '{"after":{"evidence":[],"note":null,"status":"unclear"},"before":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"},"item":1,"pillar":"date"}',
        "8506e3f283c573090b7a9c637689581c1e689622193f7f3f449bc13547246449",
    ),
    (
        17,
        "filter.save",
        '{"expr":"triage:flagged verdict:unverified"}',
        "bd86f1c59c8be5df982cc61bb9a5c023c9524ebc70c99d4e94916c4924a6b6b5",
    ),
    (
        18,
        "item.triage",
        '{"changes":{"2":{"from":"kept","to":"flagged"}},"versions":{"2":3}}',
        "4d815ba966d3c8d4d1417f76a8989c53665a125287f0b14fe1af18a8abe48543",
    ),
    (
        19,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000019","undoes_kind":"check.log","undoes_seq":16}',
        "1a169c4d5776b86a64d2080ecbfe7e571832b24793177a9dfc4218e27a332b86",
    ),
    (
        20,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"evidence":[],"note":null,"status":"open"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000018","undoes_kind":"check.log","undoes_seq":15}',
        "a2d9182a2e21d12f9f155cf50be1d8e332b4b19387e37a78d69076b54d4d2e99",
    ),
    (
        21,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000016"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000017","undoes_kind":"note.add","undoes_seq":14}',
        "bb92213ce52a0a9da5e371653473c72fa461f91c61b1ba9661e57980abdd66ed",
    ),
    (
        22,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000014"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000015","undoes_kind":"note.add","undoes_seq":13}',
        "448a9d8c3970e493d5f8bcfc2c29f6c0a910f5684b800c421a1b79e431a1980b",
    ),
    (
        23,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000013","undoes_kind":"link.remove","undoes_seq":12}',
        "0abafbf09a1fe1d2a058e33f8a8054ae26641c3babcdf0ad1e511aca8d20ca91",
    ),
    (
        24,
        "undo",
        '{"inverse":{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000012","undoes_kind":"link.add","undoes_seq":11}',
        "04bc6d7362517654ba16a2677df9d2b47c0b85b0d8c5f99b7b31b3447eeea23a",
    ),
    (
        25,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000010","undoes_kind":"link.add","undoes_seq":10}',
        "ce9fc83f5e55b1cc17438d23214bda9bf7999bb618cd447806c0358823c9992a",
    ),
    (
        26,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000e","undoes_kind":"item.verdict","undoes_seq":9}',
        "a5653fe90b49580dd7917b2d9d408b8c868d04405d485d123335856635bcb7c9",
    ),
    (
        27,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"new","to":"kept"}}},"skipped":["item 2 is now \'flagged\' (changed since)"],"undoes":"00000000-0000-0000-0000-00000000000d","undoes_kind":"item.triage","undoes_seq":8}',
        "ad449596b8dd5f76b220b592515d21261353d95c4e24cd3654c4682b1add1641",
    ),
    (
        28,
        "undo",
        '{"inverse":{"changes":{"1":{"added":[],"removed":["dam"]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000c","undoes_kind":"item.tag","undoes_seq":7}',
        "016347faf8f2e974f785ccf757255dc658c04979f496ca7bd6ed4a93ae66d8c2",
    ),
    (
        29,
        "undo",
        '{"inverse":{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000b","undoes_kind":"item.tag","undoes_seq":6}',
        "291037376cea64121c1090e34e7a6395520644e63a9872c40c8286b6209687ee",
    ),
    (
        30,
        "undo",
        '{"inverse":{"item":2,"triage_from":"flagged"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000004","undoes_kind":"item.add","undoes_seq":2}',
        "02a5a004f289f406b15b5e1f6c70eb17f5876f288c7887b10bc3f39c3f47857b",
    ),
    (
        31,
        "undo",
        '{"inverse":{"item":1,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000002","undoes_kind":"item.add","undoes_seq":1}',
        "1aafd78e2614bf794c2c98cf39c2a31cf68ed89a8b0a4ce81b36b1f6e75c8df3",
    ),
    (
        32,
        "undo",
        '{"inverse":{"item":3,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000006","undoes_kind":"item.add","undoes_seq":3}',
        "977793d1eb45a00a5f260b21178a3624ec5d06087cc0907432540753ef312a51",
    ),
    (
        33,
        "recap.add",
        '{"body":"","confidence":"reported","created_at":"2026-11-27T07:00:00.000047Z","date_end":null,"date_start":"2025-12-01","date_text":"since December","edtf":"2025-12/..","headline":"Evacuation","precision":"month","readable":true,"section":"timeline","story":1,"uuid":"00000000-0000-0000-0000-00000000002a"}',
        "2ded5ee0794c6f6b6fe3e244e62a3659583e9a9f0cd2fda4dd30e9ef585434b2",
    ),
    (
        34,
        "story.edit",
        '{"from":{"reference_date":"2026-11-27","title":"Orvena dam"},"reread":[2],"slug":"orvena","story":1,"to":{"reference_date":"2025-11-20","title":"Orvena dam breach"}}',
        "de2e9a6dee1f1d16ff923a0981761dce9a3f3d16fd3569e074550967a7eddb46",
    ),
    (
        35,
        "recap.edit",
        '{"entry":2,"from":{"headline":"Evacuation"},"to":{"headline":"Evacuation ordered"}}',
        "aaebd2d3b03c8c8739582c74d961e5a907fb6ff2c6185f7ebbab3850538ad778",
    ),
    (
        36,
        "recap.move",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]}',
        "ef8b6b6e152f9e27455cd050e0f959f5b05875d627a346482e0a9a66b213c10c",
    ),
    (
        37,
        "recap.unpin",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]}',
        "62b6b27d6270dcb2e147a07248f10c5b95b0bac9f8014a0346c3a448e32055f7",
    ),
    (
        38,
        "recap.delete",
        '{"deleted_at":"2026-11-27T07:00:00.000055Z","entry":2,"story":1}',
        "e05994431a3d3455f150017192c9ea211af0f4a93a17387aa878f6b8bf262b18",
    ),
    (
        39,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000030","undoes_kind":"recap.delete","undoes_seq":38}',
        "bf9242a6de30e8572b94464b8150fce99b8322014587d6f9daee5f95917aba02",
    ),
    (
        40,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002f","undoes_kind":"recap.unpin","undoes_seq":37}',
        "b581b6f0b86a7a8e7eeb3b57048c3df0e997db3ae49b426982ac699e0f92a507",
    ),
    (
        41,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002e","undoes_kind":"recap.move","undoes_seq":36}',
        "639dddfd3c1f457ce4f021c1808ee9dee5fc5ad3503872acdf617ebe5339a738",
    ),
    (
        42,
        "undo",
        '{"inverse":{"entry":2,"restored":{"headline":"Evacuation"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002d","undoes_kind":"recap.edit","undoes_seq":35}',
        "e1d797dc6a9eb738593bedf3c2689b6db1768f04f5eb9c23c0ffd515e75331fa",
    ),
    (
        43,
        "undo",
        '{"inverse":{"reread":[2],"restored":{"reference_date":"2026-11-27","title":"Orvena dam"},"story":1},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002c","undoes_kind":"story.edit","undoes_seq":34}',
        "d548f733294aef405d6b77e0af6838fd69e2831e61b4dca8ff770c1b880c2d83",
    ),
    (
        44,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002b","undoes_kind":"recap.add","undoes_seq":33}',
        "49368fe669a6bfc8f88bb44af8286c6889fbfccd223e2205e2c497c03baa85cf",
    ),
    (
        45,
        "recap.sections",
        '{"from":["background","timeline","latest","what we know","what we don\'t know","reactions"],"to":["background","timeline","latest","what we know","what we don\'t know","reactions","analysis"]}',
        "31f0189a5c9fb4734ea2856b40159b707c9e2ed2e55d1bcdddec9a46ce79dacd",
    ),
    (
        46,
        "recap.section.rename",
        '{"entries":[1,2],"from":"timeline","to":"chronology"}',
        "ed3e4f21f79e6487b8029e67ec16723881514463e2c0f09bb458dc9d80b064db",
    ),
    (
        47,
        "recap.edit",
        '{"entry":1,"from":{"date_text":"Friday, before dawn"},"reading":{"date_end":null,"date_start":"2025-12-01","edtf":"2025-12/..","precision":"month","readable":true},"to":{"date_text":"since December"}}',
        "726e6abac935e35161472feb0be1a865005bc2e5810b65f7fed55b5f2381da22",
    ),
    (
        48,
        "undo",
        '{"inverse":{"entry":1,"reading":{"date_end":null,"date_start":null,"edtf":null,"precision":null,"readable":false},"restored":{"date_text":"Friday, before dawn"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000039","undoes_kind":"recap.edit","undoes_seq":47}',
        "405ea89cafc5ece968fa39427c2065decb7216402efa0395368263f86032ecb7",
    ),
    (
        49,
        "undo",
        '{"inverse":{"entries":[1,2],"from":"chronology","to":"timeline"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000038","undoes_kind":"recap.section.rename","undoes_seq":46}',
        "c5d4e35c8d2150d592d0b78b07981700c1ef094a57dfa5ca3d247bc766f95f62",
    ),
    (
        50,
        "undo",
        '{"inverse":{"sections":["background","timeline","latest","what we know","what we don\'t know","reactions"]},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000037","undoes_kind":"recap.sections","undoes_seq":45}',
        "63e503e4c953dc39cd1f3231a491f5b6a762a63db9be7238eb0e4a4a1a3d0e59",
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
