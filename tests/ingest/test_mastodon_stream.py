"""Mastodon streaming API events, as WebSocket JSON Lines and as server-sent events text.

The samples follow docs.joinmastodon.org/methods/streaming: a WebSocket
message is `{"stream": [...], "event": "update", "payload": "<Status as a
JSON string>"}`; the SSE form is `event: update` / `data: <payload>` blocks
ended by a blank line, with `:` heartbeat comments between them; a `delete`
payload is the status id. `data/mastodon-stream.jsonl` and `.sse` hold an
update, its edit (`status.update`) and its delete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.ingest import registry
from desk.ingest.base import Source
from desk.ingest.formats import mastodon
from tests.clirun import run_cli
from tests.ingest.streamkit import DATA, HOSTILE, assert_harmless, run

URI = "https://mastodon.social/users/Gargron/statuses/103270115826048975"


def _status(**changes: Any) -> dict[str, Any]:
    status: dict[str, Any] = {
        "id": "103270115826048975",
        "created_at": "2019-12-08T03:48:33.901Z",
        "in_reply_to_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": URI,
        "url": "https://mastodon.social/@Gargron/103270115826048975",
        "content": "<p>A post</p>",
        "account": {
            "id": "1",
            "username": "Gargron",
            "acct": "Gargron",
            "display_name": "Eugen",
            "url": "https://mastodon.social/@Gargron",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [],
    }
    status.update(changes)
    return status


def _ws(event: str, payload: Any) -> str:
    return json.dumps({"stream": ["public"], "event": event, "payload": payload}) + "\n"


@pytest.mark.parametrize("name", ["mastodon-stream.jsonl", "mastodon-stream.sse"])
def test_update_edit_and_delete_from_both_transports(name: str) -> None:
    path = DATA / name
    source = Source(name, path=path)
    assert registry.detect(source.sample()).NAME == "mastodon"
    items, rejected, skipped = run(mastodon, path)
    assert not rejected
    assert [i.platform_id for i in items] == [URI, URI]  # one post, twice: the same item
    assert [i.extra["stream_event"] for i in items] == ["update", "status.update"]
    assert items[0].text.startswith('"I lost my inheritance')
    assert items[1].text == "Edited: I lost my inheritance with one wrong digit"
    assert items[1].extra["edited_at"] == "2019-12-08T04:00:00Z"
    assert items[0].posted is not None and items[0].posted.at == "2019-12-08T03:48:33Z"
    assert items[0].author_handle == "Gargron@mastodon.social"
    assert next(s.reason for s in skipped) == (
        "delete event: status 103270115826048975 was deleted upstream (kept)"
    )
    # Each item's raw record is its event's own bytes, and says where it starts.
    lines = path.read_bytes().splitlines(keepends=True)
    if name.endswith(".jsonl"):
        assert [i.record for i in items] == [1, 2]
        assert items[0].raw == lines[0].rstrip(b"\n")  # a JSON Lines record is its line
        assert [s.record for s in skipped] == [3, 4]
        assert skipped[1].reason == "filters_changed event (holds no post)"
    else:
        assert [i.record for i in items] == [3, 8]
        assert items[0].raw == lines[2] + lines[3]
        assert [s.record for s in skipped] == [11]


def test_a_payload_given_as_an_object_and_a_notification_with_a_status() -> None:
    notification = {"id": "9", "type": "mention", "status": _status(content="<p>hi</p>")}
    data = _ws("update", _status()) + _ws("notification", json.dumps(notification))
    data += _ws("notification", json.dumps({"id": "10", "type": "follow"}))
    items, rejected, skipped = run(mastodon, data)
    assert not rejected
    assert [i.text for i in items] == ["A post", "hi"]
    assert [s.reason for s in skipped] == ["notification event without a status"]


def test_a_boost_in_a_stream_gives_the_original_then_the_boost() -> None:
    original = _status(uri="https://example.org/users/x/statuses/1", id="1",
                       account={"id": "2", "acct": "x@example.org", "username": "x"})  # fmt: skip
    boost = _status(uri=URI + "/activity", content="", reblog=original)
    items, rejected, _ = run(mastodon, _ws("update", json.dumps(boost)))
    assert not rejected
    assert [i.platform_id for i in items] == [original["uri"], URI + "/activity"]
    assert "stream_event" not in items[0].extra and items[1].extra["stream_event"] == "update"


def test_hostile_text_in_a_streamed_status_is_made_harmless() -> None:
    status = _status(content=f"<p>{HOSTILE}</p>", spoiler_text="", account={
        "id": "1", "acct": "Gargron", "display_name": HOSTILE,
        "url": "https://mastodon.social/@Gargron"})  # fmt: skip
    for data in (
        _ws("update", json.dumps(status)),
        f"event: update\ndata: {json.dumps(status)}\n\n",
    ):
        (item,), rejected, _ = run(mastodon, data)
        assert not rejected
        assert_harmless(item.text)
        assert_harmless(item.author_name)


def test_bad_payloads_are_rejected_by_line_and_the_rest_goes_on() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    data = (
        _ws("update", '{"id": "1", "content": ')  # truncated payload
        + _ws("update", deep)  # deep nesting
        + _ws("update", json.dumps({"id": "2"}))  # not a status
        + '{"stream": ["public"], "event": "update", "payl\n'  # a line cut short
        + _ws("update", json.dumps(_status()))
    )
    items, rejected, _ = run(mastodon, data)
    assert [i.record for i in items] == [5]
    assert [r.record for r in rejected] == [1, 2, 3, 4]
    assert "payload is not valid JSON" in rejected[0].reason
    assert "not a Mastodon" in rejected[2].reason


def test_sse_edge_cases_multiline_data_crlf_bom_and_no_final_blank_line() -> None:
    payload = json.dumps(_status(), indent=1).splitlines()
    data = "\ufeff: heartbeat\r\n\r\nevent: update\r\n" + "".join(f"data: {p}\r\n" for p in payload)
    data += "\r\nevent: delete\r\ndata: 42"  # the capture stopped here
    items, rejected, skipped = run(mastodon, data)
    assert not rejected
    assert [i.platform_id for i in items] == [URI]
    assert [s.reason for s in skipped] == ["delete event: status 42 was deleted upstream (kept)"]


def test_sse_with_wrong_encoding_and_huge_field() -> None:
    latin = _status(content="<p>caf\u00e9</p>")
    data = f"event: update\ndata: {json.dumps(latin, ensure_ascii=False)}\n\n".encode("cp1252")
    items, rejected, _ = run(mastodon, data)
    assert not rejected and items[0].text == "caf\ufffd"  # the byte is kept visible, not dropped
    huge = _status(content="<p>" + "word " * 400_000 + "</p>")
    (item,), rejected, _ = run(mastodon, f"event: update\ndata: {json.dumps(huge)}\n\n")
    assert not rejected and len(item.text) > 1_900_000


def test_empty_and_heartbeat_only_streams_give_nothing() -> None:
    assert run(mastodon, ":thump\n\n:thump\n") == ([], [], [])  # read when forced
    assert mastodon.detect(Source("h", data=b":thump\n\n").sample()) == 0  # never claimed
    items, rejected, _ = run(mastodon, b"")
    assert not items and rejected


def test_other_formats_do_not_claim_stream_files_and_streams_steal_none() -> None:
    for name in ("mastodon-stream.jsonl", "mastodon-stream.sse"):
        sample = Source(name, path=DATA / name).sample()
        scores = {m.NAME: m.detect(sample) for m in registry.formats()}
        assert max(scores, key=lambda n: scores[n]) == "mastodon"
    # a markdown note that merely mentions the words is not a stream
    note = Source("n.md", data=b"# event: update\n\ndata: none here\n").sample()
    assert mastodon.detect(note) == 0


def test_cli_ingest_reports_the_delete_and_keeps_the_post(tmp_path: Path) -> None:
    desk = tmp_path / "t.desk"
    assert run_cli(desk, "init").code == 0
    ran = run_cli(desk, "ingest", str(DATA / "mastodon-stream.sse"))
    assert ran.code == 0, ran.err
    assert "added 1 new, 1 duplicate" in ran.out
    assert "1 skipped (1 delete event: status 103270115826048975 was deleted upstream (kept))" in (
        ran.out
    )
    assert "rejected:" not in ran.err
    listed = run_cli(desk, "ls", "--json")
    assert listed.code == 0 and len(json.loads(listed.out)) == 1


def test_an_event_longer_than_the_detection_sample_is_still_recognised() -> None:
    huge = _status(content="<p>" + "long " * 40_000 + "</p>")
    data = _ws("update", json.dumps(huge)).encode()
    assert len(data) > 64 * 1024
    assert registry.detect(Source("big.jsonl", data=data).sample()).NAME == "mastodon"
    (item,), rejected, _ = run(mastodon, data)
    assert not rejected and item.platform_id == URI
