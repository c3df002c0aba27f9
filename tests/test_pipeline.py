"""The ingest pipeline with a tiny stand-in format: batches, dedup, links, events, rejections.

The real formats have their own tests under tests/ingest; these pin down what
the pipeline promises whatever the format.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db import Store
from desk.ingest import registry
from desk.ingest.base import ParsedItem, Ref, Rejected, Sample, Source
from desk.ingest.pipeline import ingest_bytes, ingest_source


def _fake_format() -> types.ModuleType:
    """JSONL of {"id", "text", "reply_to"?}; a line that is not JSON is rejected."""
    module = types.ModuleType("fake_jsonl")
    module.NAME = "fake"  # type: ignore[attr-defined]

    def detect(sample: Sample) -> int:
        return 90 if sample.text.startswith('{"fake"') else 0

    def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
        with source.open() as fh:
            for n, line in enumerate(fh, 1):
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Rejected(record=n, line=n, reason=f"not JSON ({exc.msg})")
                    continue
                if rec.get("boom"):
                    raise RuntimeError("parser bug")
                refs: tuple[Ref, ...] = ()
                if rec.get("reply_to"):
                    refs = (Ref("reply-to", platform="fake", platform_id=rec["reply_to"]),)
                yield ParsedItem(
                    platform="fake",
                    platform_id=rec["id"],
                    text=rec["text"],
                    raw=line.rstrip(b"\n"),
                    refs=refs,
                    record=n,
                )

    module.detect = detect  # type: ignore[attr-defined]
    module.parse = parse  # type: ignore[attr-defined]
    return module


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = _fake_format()
    sys.modules["fake_jsonl"] = module
    monkeypatch.setattr(registry, "FORMAT_MODULES", ("fake_jsonl",))
    return module


def _lines(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps({"fake": 1, **r}).encode() + b"\n" for r in records)


def test_ingest_counts_dedups_and_logs(
    store: Store, fake: types.ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(_lines({"id": "1", "text": "a"}, {"id": "2", "text": "b", "reply_to": "1"}))
    report = ingest_source(store, Source(str(path), path=path), actor="ann")
    assert (report.format, report.new, report.duplicates, report.links) == ("fake", 2, 0, 1)
    again = ingest_source(store, Source(str(path), path=path), actor="ann")
    assert (again.new, again.duplicates, again.links) == (0, 2, 0)
    events = [e for e in store.events() if e.kind == "ingest"]
    assert len(events) == 2
    assert events[0].payload["file"] == str(path)
    assert events[0].payload["sha256"] == report.sha256 and len(report.sha256) == 64
    assert events[0].payload["new"] == 2
    item = store.item(report.item_ids[0])
    assert (
        store.blob(item.raw_sha256 or "")
        == json.dumps({"fake": 1, "id": "1", "text": "a"}).encode()
    )
    assert (
        item.source_file == str(path) and item.source_record == 1 and item.source_format == "fake"
    )


def test_reference_made_when_the_target_arrives_later(store: Store, fake: types.ModuleType) -> None:
    ingest_bytes(store, _lines({"id": "9", "text": "reply", "reply_to": "8"}), "first", actor="a")
    report = ingest_bytes(store, _lines({"id": "8", "text": "parent"}), "second", actor="a")
    assert report.links == 1
    reply = store.find_item("fake", "9", None)
    parent = store.find_item("fake", "8", None)
    assert [(x.src_id, x.relation, x.dst_item_id) for x in store.links_of(parent or 0)] == [
        (reply, "reply-to", parent)
    ]


def test_bad_records_are_named_and_the_rest_goes_in(store: Store, fake: types.ModuleType) -> None:
    data = (
        _lines({"id": "1", "text": "a"})
        + b'{"fake": truncated\n'
        + _lines({"id": "3", "text": "c"})
    )
    report = ingest_bytes(store, data, "paste.jsonl", actor="a")
    assert report.new == 2
    assert [str(r) for r in report.rejected] == ["paste.jsonl:2: not JSON (Expecting value)"]


def test_a_parser_crash_keeps_what_came_before(store: Store, fake: types.ModuleType) -> None:
    data = _lines({"id": "1", "text": "a"}, {"id": "2", "text": "b", "boom": True})
    report = ingest_bytes(store, data, "crash.jsonl", actor="a")
    assert report.new == 1
    assert "could not read the rest (RuntimeError: parser bug)" in report.rejected[0].reason


def test_batches_commit_separately(store: Store, fake: types.ModuleType) -> None:
    data = _lines(*({"id": str(i), "text": f"t{i}"} for i in range(25)))
    report = ingest_source(store, Source("b", data=data), actor="a", batch_size=10)
    assert report.new == 25
    batches = [e.payload["batch"] for e in store.events() if e.kind == "ingest"]
    assert batches == [1, 2, 3]
    assert store.verify() is None


def test_dry_run_writes_nothing(store: Store, fake: types.ModuleType) -> None:
    report = ingest_bytes(store, _lines({"id": "1", "text": "a"}), "d", actor="a", dry_run=True)
    assert report.new == 1
    assert store.counts().total == 0 and store.events() == []


def test_tags_and_story_apply_to_new_items(store: Store, fake: types.ModuleType) -> None:
    from desk import verbs

    story = verbs.create_story(store, "a", "orvena", "Orvena")
    report = ingest_bytes(
        store, _lines({"id": "1", "text": "a"}), "t", actor="a", tags=("Field",), story_id=story
    )
    item = store.item(report.item_ids[0])
    assert item.tags == ("field",) and item.story_id == story


def test_unknown_and_empty_inputs(store: Store, fake: types.ModuleType) -> None:
    unknown = ingest_bytes(store, b"\x00\x01binary", "junk.bin", actor="a")
    assert unknown.error == "junk.bin: not a format desk knows (tried: fake)"
    empty = ingest_bytes(store, b"", "empty.json", actor="a")
    assert empty.error == "empty.json: empty file, nothing to ingest"
