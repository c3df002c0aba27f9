"""Bluesky Jetstream events (github.com/bluesky-social/jetstream), as JSON Lines.

`data/jetstream.jsonl` follows the README's event shapes: a like, a post
(a reply with an image, `createdAt` with 9 fractional digits and `+00:00`),
a post by a `did:web` author quoting the first with an external card, an
update of the first post, its delete, a follow, an identity and an account
event.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desk.ingest import registry
from desk.ingest.base import Source
from desk.ingest.formats import jetstream
from tests.clirun import run_cli
from tests.ingest.streamkit import DATA, HOSTILE, assert_harmless, run

FILE = DATA / "jetstream.jsonl"
DID = "did:plc:eygmaihciaxprqvxpfvl6flk"
FIRST = f"at://{DID}/app.bsky.feed.post/3l3qo2vutsw2c"


def _post(text: Any = "hello", **record: Any) -> dict[str, Any]:
    return {
        "did": DID,
        "time_us": 1725911162339401,
        "kind": "commit",
        "commit": {
            "rev": "3l3qo2vwwci2b",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3l3qo2vutsw2z",
            "record": {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": "2024-09-09T19:46:02.5Z",
                **record,
            },
            "cid": "bafyreih7",
        },
    }


def _lines(*events: Any) -> str:
    return "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events)


def test_the_sample_stream() -> None:
    assert registry.detect(Source(FILE.name, path=FILE).sample()).NAME == "jetstream"
    items, rejected, skipped = run(jetstream, FILE)
    assert not rejected
    assert [i.record for i in items] == [2, 3, 4]
    first, quoting, update = items
    assert first.platform == "bluesky" and first.platform_id == FIRST
    assert first.url == f"https://bsky.app/profile/{DID}/post/3l3qo2vutsw2c"
    assert first.author_handle is None and first.extra["did"] == DID
    assert first.author_url == f"https://bsky.app/profile/{DID}"
    assert first.posted is not None
    assert (first.posted.at, first.posted.precision) == ("2024-09-09T19:46:02Z", "second")
    assert first.extra["time_us"] == 1725911162339401  # the relay's time, not the posted time
    assert first.text == "Flood warning for the valley: roads closed from 6pm.\nDetails below."
    assert first.lang == "en"
    assert [(r.relation, r.platform_id) for r in first.refs] == [
        ("reply-to", "at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325")
    ]
    assert [(m.type, m.alt) for m in first.media] == [("image", "A closed road")]
    assert first.media[0].url == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/"
        "bafkreibjfgx2gprinfvicegelk5kosd6y2frmqpqzwqkg7usac74l3t2v4@jpeg"
    )
    assert first.raw == FILE.read_bytes().splitlines()[1]
    assert quoting.url == "https://bsky.app/profile/did:web:news.example.com/post/3l3qo2vutsw2d"
    assert quoting.text == "Our report:\n\nLink: Valley floods (https://news.example.com/flood)"
    assert [(r.relation, r.platform_id) for r in quoting.refs] == [("quotes", FIRST)]
    assert quoting.extra["links"] == ["https://news.example.com/flood?full=1"]
    assert update.platform_id == FIRST and update.text.endswith("from 7pm.")
    assert [s.record for s in skipped] == [1, 5, 6, 7, 8]
    assert skipped[1].reason == "post delete commits (deleted upstream; nothing removed)"


def test_times_with_nine_digits_offsets_and_nonsense() -> None:
    cases = {
        "2024-09-09T19:46:02.023193711+00:00": "2024-09-09T19:46:02Z",
        "2024-09-09T21:46:02.123456789+02:00": "2024-09-09T19:46:02Z",
        "2024-09-09T19:46:02Z": "2024-09-09T19:46:02Z",
    }
    for given, expected in cases.items():
        (item,), _, _ = run(jetstream, _lines(_post(createdAt=given)))
        assert item.posted is not None and item.posted.at == expected, given
    for nonsense in ("", 17, None, "not a time at all"):
        (item,), _, _ = run(jetstream, _lines(_post(createdAt=nonsense)))
        assert item.posted is None, nonsense  # never the relay's time_us, never today


def test_hostile_text_and_bad_events_are_handled_line_by_line() -> None:
    no_record = _post()
    del no_record["commit"]["record"]
    bad_did = _post() | {"did": "did:plc:../../etc"}
    bad_rkey = _post()
    bad_rkey["commit"]["rkey"] = "a/b"
    deep = '{"did": "did:plc:x", "time_us": 1, "kind": "commit", "commit": ' + "[" * 50_000
    data = _lines(
        _post(HOSTILE), no_record, bad_did, bad_rkey, '{"did": "did:plc:x", "time_us": 1, "ki',
        deep, {"kind": "commit"}, _post(text=["not", "text"]), _post("x" * 5_000_000),
    )  # fmt: skip
    items, rejected, _ = run(jetstream, data)
    assert [i.record for i in items] == [1, 8, 9]
    assert_harmless(items[0].text)
    assert items[1].text == "" and len(items[2].text) == 5_000_000
    assert [r.record for r in rejected] == [2, 3, 4, 5, 6, 7]
    assert "without its record" in rejected[0].reason
    assert "valid DID" in rejected[1].reason and "valid rkey" in rejected[2].reason
    assert "not a Jetstream event" in rejected[5].reason


def test_empty_and_wrong_encoding() -> None:
    items, rejected, _ = run(jetstream, b"")
    assert not items and rejected
    data = _lines(_post("caf\u00e9")).encode("utf-8").replace(b"\xc3\xa9", b"\xe9")
    items, rejected, _ = run(jetstream, data)
    assert len(items) + len(rejected) == 1  # one line, one outcome, no crash


def test_no_other_format_claims_jetstream_and_it_claims_no_bluesky_api_file() -> None:
    sample = Source(FILE.name, path=FILE).sample()
    scores = {m.NAME: m.detect(sample) for m in registry.formats()}
    assert max(scores, key=lambda n: scores[n]) == "jetstream"
    view = {"uri": FIRST, "cid": "bafy", "value": {"$type": "app.bsky.feed.post", "text": "hi",
                                                   "createdAt": "2024-09-09T19:46:02Z"}}  # fmt: skip
    assert jetstream.detect(Source("r.json", data=json.dumps(view).encode()).sample()) == 0


def test_a_jetstream_post_and_its_api_record_are_one_item(tmp_path: Path) -> None:
    desk = tmp_path / "t.desk"
    assert run_cli(desk, "init").code == 0
    ran = run_cli(desk, "ingest", str(FILE))
    assert ran.code == 0, ran.err
    assert "added 2 new, 1 duplicate" in ran.out
    assert "5 skipped" in ran.out and "rejected:" not in ran.err
    record = {"uri": FIRST, "cid": "bafyreih7", "value": {
        "$type": "app.bsky.feed.post", "text": "Flood warning for the valley",
        "createdAt": "2024-09-09T19:46:02.023Z"}}  # fmt: skip
    api = tmp_path / "record.json"
    api.write_text(json.dumps(record))
    ran = run_cli(desk, "ingest", str(api))
    assert ran.code == 0, ran.err
    assert "(bluesky)" in ran.out and "added 0 new, 1 duplicate" in ran.out


def test_an_event_longer_than_the_detection_sample_is_still_recognised() -> None:
    data = _lines(_post("long " * 40_000), _post("next")).encode()
    assert len(data.split(b"\n")[0]) > 64 * 1024
    assert registry.detect(Source("big.jsonl", data=data).sample()).NAME == "jetstream"
    items, rejected, _ = run(jetstream, data)
    assert not rejected and len(items) == 2
