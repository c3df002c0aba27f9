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


# (seq, kind, payload, hash) as the code before the verbs package wrote them.
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
        '{"headline":"Sirens before dawn","section":"timeline","story":1}',
        "eb683c840ce7bd7406fa9f1a2656320fd6a5b2bd0a73522b204522a7e804c202",
    ),
    (
        6,
        "item.tag",
        '{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}},"versions":{"1":1,"2":1}}',
        "370db93935e0176e49e893831be9f7c7cdfe9a978c61ff2aadcc59964a39c54c",
    ),
    (
        7,
        "item.tag",
        '{"changes":{"1":{"added":[],"removed":["dam"]}},"versions":{"1":2}}',
        "0a783bd1a060feccd3eb04e9a4951687954a3a9ca3702746fc15d7ec96a9e498",
    ),
    (
        8,
        "item.triage",
        '{"changes":{"1":{"from":"new","to":"kept"},"2":{"from":"new","to":"kept"}},"versions":{"1":3,"2":2}}',
        "184d6efe9024a242fdb4aa6caa265b71fb5b0cb45be4d57addeed1579a2ce350",
    ),
    (
        9,
        "item.verdict",
        '{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}},"versions":{"1":4}}',
        "fc974b22866249c5d5bf8bc3c8f7e51dc08eae277995b4806d8984791b3059e4",
    ),
    (
        10,
        "link.add",
        '{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "b65135d69e64253266b80cbba83c84784f024833c40ab4b43f024c2476469bd4",
    ),
    (
        11,
        "link.add",
        '{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}}',
        "f5fc2c6efeafbf4d56298814ebc3e6bdf85dedb79e32764cea746b99205d33a2",
    ),
    (
        12,
        "link.remove",
        '{"created_by":"ann","link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}}',
        "a13cbc1eb6bbe39c6a75b5586d3fdb1237ebf3fec2059cfbbbee790bdb35c29e",
    ),
    (
        13,
        "note.add",
        '{"entry":null,"item":1,"note":"00000000-0000-0000-0000-000000000014","text":"Called the port office"}',
        "4f0926dee73b84ea5b9499117007156bd5b87525c56b0b4f771c07c8412d9ae0",
    ),
    (
        14,
        "note.add",
        '{"entry":1,"item":null,"note":"00000000-0000-0000-0000-000000000016","text":"Needs a second source"}',
        "6ceb8759887772ac790bf1b6cdf0871e90054c123ab70e15adb8b14d99a8fd72",
    ),
    (
        15,
        "check.log",
        '{"after":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"},"before":null,"item":1,"pillar":"date"}',
        "1b44938c0ed63edc71adb1012c6e7ddbd95032e5d473bc68b36fd18fc1171b53",
    ),
    (
        16,
        "check.log",
        '{"after":{"evidence":[],"note":null,"status":"unclear"},"before":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"},"item":1,"pillar":"date"}',
        "4b3debdf0cfde4dc2e06025cb0c810710c3f68888d186edce6c57ae01fb79ad2",
    ),
    (
        17,
        "filter.save",
        '{"expr":"triage:flagged verdict:unverified"}',
        "3e51f7ed531d5340f8ecc2b14477e8f3cc6f55473daf397389e650c466cce257",
    ),
    (
        18,
        "item.triage",
        '{"changes":{"2":{"from":"kept","to":"flagged"}},"versions":{"2":3}}',
        "b38b07ed1cfa6426df1fb0959a2ae136291f1c2221132bb5476753b291cb7652",
    ),
    (
        19,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"evidence":["https://e.org/x"],"note":"EXIF","status":"passed"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000019","undoes_kind":"check.log","undoes_seq":16}',
        "345595e8ffae5423e634546a932dd39b3c2b1732d9ffebbf73241a9f66fe6ddc",
    ),
    (
        20,
        "undo",
        '{"inverse":{"item":1,"pillar":"date","restored":{"evidence":[],"note":null,"status":"open"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000018","undoes_kind":"check.log","undoes_seq":15}',
        "71a1260d7bcc366a1c5912472e23eeed71c7358f8f04ea4022f6c48088f2fe44",
    ),
    (
        21,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000016"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000017","undoes_kind":"note.add","undoes_seq":14}',
        "72c500a763bfe02d45ab35b55857709c680861bbaf322ca842f6603ed9d8ffdf",
    ),
    (
        22,
        "undo",
        '{"inverse":{"note":"00000000-0000-0000-0000-000000000014"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000015","undoes_kind":"note.add","undoes_seq":13}',
        "4f818afcf14c24e681ac1cec2e8557e5bacbf63ea1815aa44c881d0c7d93e9fc",
    ),
    (
        23,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000013","undoes_kind":"link.remove","undoes_seq":12}',
        "b9d2a4c2783e6ca857375a8a7d1a8a00b9598b424bdaf5134437ff8ff4033368",
    ),
    (
        24,
        "undo",
        '{"inverse":{"link":{"dst_entry":1,"dst_item":null,"relation":"source-for","src":1,"uuid":"00000000-0000-0000-0000-000000000011"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000012","undoes_kind":"link.add","undoes_seq":11}',
        "89e7ff2ffc068c4555e7f6ca99b6dc945c055f6fe1342154c7841f2a3948b402",
    ),
    (
        25,
        "undo",
        '{"inverse":{"link":{"dst_entry":null,"dst_item":2,"relation":"corroborates","src":1,"uuid":"00000000-0000-0000-0000-00000000000f"}},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000010","undoes_kind":"link.add","undoes_seq":10}',
        "e02d50519f26daa6b07753043c8ab097c97df742f04c055967004047c274ef2c",
    ),
    (
        26,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"unverified","reason_from":null,"reason_to":"cropped from a 2019 video","to":"misleading"}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000e","undoes_kind":"item.verdict","undoes_seq":9}',
        "d61754670386bbe83bd91dcc3cd1f9ab42d2cc0d53667c012e486cacda30b660",
    ),
    (
        27,
        "undo",
        '{"inverse":{"changes":{"1":{"from":"new","to":"kept"}}},"skipped":["item 2 is now \'flagged\' (changed since)"],"undoes":"00000000-0000-0000-0000-00000000000d","undoes_kind":"item.triage","undoes_seq":8}',
        "d29f1f82db6747d2b8b7de83afdd4533ecc37948ea80ca3870875b7ba412bc0c",
    ),
    (
        28,
        "undo",
        '{"inverse":{"changes":{"1":{"added":[],"removed":["dam"]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000c","undoes_kind":"item.tag","undoes_seq":7}',
        "077394fc1b91b9b91eac79eeefbcbb1d9b01a08359980443be389bbdf3d550a9",
    ),
    (
        29,
        "undo",
        '{"inverse":{"changes":{"1":{"added":["dam","needs-translation"],"removed":[]},"2":{"added":["dam","needs-translation"],"removed":[]}}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000000b","undoes_kind":"item.tag","undoes_seq":6}',
        "2a816d93e04c58e66a22dd727928167fd0de203f308c785a03f0703309abb957",
    ),
    (
        30,
        "undo",
        '{"inverse":{"item":2,"triage_from":"flagged"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000004","undoes_kind":"item.add","undoes_seq":2}',
        "e60c41736853360bf47f4554fc3f3f12da811b25bc0b7909ab074da16631b542",
    ),
    (
        31,
        "undo",
        '{"inverse":{"item":1,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000002","undoes_kind":"item.add","undoes_seq":1}',
        "8311b4f23fbdcef441226d0d3a2575ce36d03c26075886e552788e65564c6dd6",
    ),
    (
        32,
        "undo",
        '{"inverse":{"item":3,"triage_from":"new"},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000006","undoes_kind":"item.add","undoes_seq":3}',
        "fc12a7bcd9a6c1c2991114372af2c4dabc26d40b75cb0409389496eaf502ffd3",
    ),
    (
        33,
        "recap.add",
        '{"headline":"Evacuation","section":"timeline","story":1}',
        "b05d46cd18b7ed330a01bae858df7459972edbce199f2042e4df38424851949e",
    ),
    (
        34,
        "story.edit",
        '{"from":{"reference_date":"2026-11-27","title":"Orvena dam"},"reread":[2],"slug":"orvena","story":1,"to":{"reference_date":"2025-11-20","title":"Orvena dam breach"}}',
        "3836f27ef99fc20911c048ebf9f15ab0f76abd793033ad68ceb1cfea1e95a379",
    ),
    (
        35,
        "recap.edit",
        '{"entry":2,"from":{"headline":"Evacuation"},"to":{"headline":"Evacuation ordered"}}',
        "cb8bdf272255d740737dfd9fb4d4a2f5c5146e646d665b1ce26330b29898bef5",
    ),
    (
        36,
        "recap.move",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]}',
        "92c956131bb16568c16454fac5fac818c54662b21f8bf1a0a9b25d7d744c394b",
    ),
    (
        37,
        "recap.unpin",
        '{"entry":2,"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]}',
        "c72210ff703e70fcb6b5879ff74f7a2a7900b7800df1e6da561cdfbfd511891e",
    ),
    (
        38,
        "recap.delete",
        '{"deleted_at":"2026-11-27T07:00:00.000055Z","entry":2,"story":1}',
        "1fdf5b3b0843c624c9532f5554a2b87f756bc5047476f4c2c90a99f623dea58b",
    ),
    (
        39,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-000000000030","undoes_kind":"recap.delete","undoes_seq":38}',
        "b25714d01890af144e2926871fbb883b6aae1afb97b99c13880790e59ff2a363",
    ),
    (
        40,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":true,"position":1,"section":"timeline"},"to":{"pinned":false,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002f","undoes_kind":"recap.unpin","undoes_seq":37}',
        "53ad36df49e1a9a4996cc7df18126e768c186f794372b72937352329057243ab",
    ),
    (
        41,
        "undo",
        '{"inverse":{"moves":[{"entry":2,"from":{"pinned":false,"position":1,"section":"timeline"},"to":{"pinned":true,"position":1,"section":"timeline"}}]},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002e","undoes_kind":"recap.move","undoes_seq":36}',
        "0c3d2569d33638cbcc8f842f838b946be10786ed52f126c35e535640c0e41f10",
    ),
    (
        42,
        "undo",
        '{"inverse":{"entry":2,"restored":{"headline":"Evacuation"}},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002d","undoes_kind":"recap.edit","undoes_seq":35}',
        "2b60a2349cc6bb9e1ab3d6e3a3f8e130b92af2ab200c16c7dc301f7de2a885b7",
    ),
    (
        43,
        "undo",
        '{"inverse":{"reread":[2],"restored":{"reference_date":"2026-11-27","title":"Orvena dam"},"story":1},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002c","undoes_kind":"story.edit","undoes_seq":34}',
        "be73343daf044942b60c28126486fbde14fdbb8cb814e58df0f77ad2743c8532",
    ),
    (
        44,
        "undo",
        '{"inverse":{"entry":2},"skipped":[],"undoes":"00000000-0000-0000-0000-00000000002b","undoes_kind":"recap.add","undoes_seq":33}',
        "c1dc151f3a1c33bc386d5f82bcf583948b7cfe68fc4e5ba47c9a12f3c2a1bd39",
    ),
]


def test_the_same_script_writes_the_same_bytes(tmp_path: Path, frozen: None) -> None:
    with Store(tmp_path / "bytes.desk", create=True) as store:
        _script(store)
        rows = store.conn.execute(
            "SELECT seq, kind, payload, hash FROM events ORDER BY seq"
        ).fetchall()
    assert [tuple(r) for r in rows] == GOLDEN
