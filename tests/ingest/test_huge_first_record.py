"""A JSON Lines file whose first record is bigger than the detection sample is still read."""

from __future__ import annotations

import json
from pathlib import Path

from db import Store
from desk.ingest.base import SAMPLE_BYTES, Source
from desk.ingest.pipeline import ingest_source


def test_twarc_jsonl_with_a_10_mb_first_tweet(tmp_path: Path) -> None:
    text = "water over the spillway " * 440_000  # about 10 MB, far past the sample
    assert len(text) > 150 * SAMPLE_BYTES
    pages = [
        {
            "data": [
                {
                    "id": str(1_990_000_000_000_000_000 + n),
                    "text": body,
                    "author_id": "1",
                    "created_at": "2026-11-20T06:00:00.000Z",
                }
            ],
            "includes": {
                "users": [{"id": "1", "name": "Orvena Watch", "username": "orvena_watch"}]
            },
        }
        for n, body in enumerate([text, "a short one"])
    ]
    path = tmp_path / "big-first.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_source(store, Source(str(path), path=path), actor="t")
        assert (report.format, report.new, report.rejected) == ("twitter-v2", 2, [])
        big = store.item(report.item_ids[0])
        assert big.text == text.strip() and big.author_handle == "orvena_watch"


def test_json_that_no_format_takes_is_still_named(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"whatever": "x" * (2 * SAMPLE_BYTES)}) + "\n", encoding="utf-8")
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_source(store, Source(str(path), path=path), actor="t")
    assert report.error is not None and str(path) in report.error and "tried:" in report.error
