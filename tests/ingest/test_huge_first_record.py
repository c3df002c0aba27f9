"""A JSON file whose first record is bigger than the detection sample is still read.

JSON Lines, or one record alone with or without a final newline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

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


def _big_status() -> dict[str, object]:
    return {
        "id": "77",
        "created_at": "2024-03-03T10:00:00Z",
        "content": "<p>" + "water over the spillway " * 4000 + "</p>",
        "visibility": "public",
        "spoiler_text": "",
        "url": "https://m.example/@a/77",
        "account": {"id": "9", "username": "a", "acct": "a", "url": "https://m.example/@a"},
    }


def _big_tweet() -> dict[str, object]:
    return {
        "id_str": "42",
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        "text": "x " * 40_000,
        "user": {"screen_name": "a"},
    }


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"], ids=["no-newline", "lf", "crlf"])
@pytest.mark.parametrize(
    ("record", "fmt"), [(_big_status, "mastodon"), (_big_tweet, "twitter-v1")], ids=["m", "t"]
)
def test_one_record_over_the_sample_with_or_without_a_final_newline(
    tmp_path: Path, ending: str, record: Callable[[], dict[str, object]], fmt: str
) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record()) + ending, encoding="utf-8")
    assert path.stat().st_size > SAMPLE_BYTES
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_source(store, Source(str(path), path=path), actor="t")
    assert (report.error, report.format, report.new, report.rejected) == (None, fmt, 1, [])


def test_big_json_no_format_takes_without_a_newline_is_still_named(tmp_path: Path) -> None:
    """Read as a record of its own, a shape no format knows is still refused by name."""
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"whatever": "x" * (2 * SAMPLE_BYTES)}), encoding="utf-8")
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_source(store, Source(str(path), path=path), actor="t")
    assert report.error is not None and "not a format desk knows" in report.error
