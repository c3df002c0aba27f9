"""Every file of the shared corpus through the real `desk ingest`, as a user would run it.

Per-format tests check each file's items field by field; this one checks what
the whole pipeline promises over all of them at once: nothing crashes, every
file is either read or named with the formats tried, a second run adds
nothing, cross-file links are made, and the desk still verifies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from db import Store
from desk.ingest.base import Source
from tests.corpus import CORPUS, corpus_path, needs_corpus
from tests.ingest.helpers import CorpusCase, corpus_table, run_case
from tests.ingest.test_corpus_tables import NO_FORMAT_DIRS, NO_FORMAT_FILES, row_for

ROOT = Path(__file__).resolve().parents[2]

# The files no format takes (VCR cassettes, a site's own JSON, an empty file),
# as the format tables say; the empty one is the only one named by no error.
EMPTY_FILES = {"twitter/twarc-csv_test-data/empty.json"}
# One file of each format, renamed: the format tables' rows for them.
RENAMED = tuple(
    row_for(file)
    for file in (
        "twitter/twarc-csv_test-data/two_tweets.jsonl",
        "twitter/extracted_from_tweepy_cassettes/testgetstatus__00_GET_1.1_statuses_show.json",
        "twitter/embedded_html_from_meedan_fetch/thip_raw.twitter-tweet0.html",
        "mastodon/extracted_from_Mastodon.py_cassettes/test_home_tl__01_GET_v1_timelines_home.json",
        "bluesky/extracted_from_bskyr_vcr/f_search__00_app.bsky.feed.searchPosts.json",
        "telegram/chatstyle_tests_fixtures/result.json",
        "rss_atom/feedparser/json/example.json",
        "csv/CooRnet_tmp/ct_shares_marked.first11records.csv",
        "claimreview/extracted_jsonld_from_meedan_fetch/afp_raw.ldjson_block0.jsonld",
    )
)


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def _ingest(desk: Path, files: list[Path]) -> list[dict[str, Any]]:
    env = {**os.environ, "DESK_FILE": str(desk), "DESK_USER": "corpus-test"}
    proc = subprocess.run(
        [sys.executable, "-m", "desk", "ingest", "--json", *map(str, files)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    assert proc.returncode in (0, 1), stderr
    reports: list[dict[str, Any]] = json.loads(proc.stdout)
    return reports


@needs_corpus
def test_whole_corpus_ingests_without_a_crash_and_twice_adds_nothing(tmp_path: Path) -> None:
    desk = tmp_path / "corpus.desk"
    Store(desk, create=True).close()
    files = _corpus_files()
    assert len(files) > 200
    first = _ingest(desk, files)
    assert len(first) == len(files)
    by_rel = {str(Path(r["source"]).relative_to(CORPUS)): r for r in first}

    unreadable = {rel for rel, r in by_rel.items() if r["error"]}
    expected_unreadable = {
        rel for rel in by_rel if rel.startswith(NO_FORMAT_DIRS)
    } | NO_FORMAT_FILES
    assert EMPTY_FILES <= NO_FORMAT_FILES
    assert unreadable == expected_unreadable
    for rel in unreadable - EMPTY_FILES:
        error = by_rel[rel]["error"]
        assert error.startswith(str(CORPUS / rel)) and "tried:" in error

    read = [r for r in first if not r["error"]]
    assert all(r["format"] for r in read)
    for r in read:
        for reason in r["rejected"]:
            assert reason.startswith(r["source"])  # every rejection names its file
    new_total = sum(r["new"] for r in read)
    assert new_total > 1000
    assert sum(r["links"] for r in read) > 50

    second = _ingest(desk, files)
    assert sum(r["new"] for r in second) == 0
    assert sum(r["duplicates"] for r in second if not r["error"]) >= new_total

    with Store(desk) as store:
        assert store.counts().total == new_total
        assert store.verify() is None
        ingest_events = [e for e in store.events() if e.kind == "ingest"]
        assert {e.payload["file"] for e in ingest_events} == {r["source"] for r in read}
        assert all(len(e.payload["sha256"]) == 64 for e in ingest_events)
        platforms = {
            row[0] for row in store.conn.execute("SELECT DISTINCT platform FROM items").fetchall()
        }
        assert {"twitter", "mastodon", "bluesky", "telegram", "rss", "factcheck"} <= platforms


@corpus_table(RENAMED)
def test_detection_by_content_not_name(case: CorpusCase, tmp_path: Path) -> None:
    """The same bytes under a meaningless name are still recognised."""
    data = corpus_path(case.file).read_bytes()
    run_case(case, Source("upload.bin", data=data))  # the format's own reading of them
    renamed = tmp_path / "upload.bin"
    renamed.write_bytes(data)
    desk = tmp_path / "d.desk"
    Store(desk, create=True).close()
    (report,) = _ingest(desk, [renamed])
    assert report["format"] == case.format and report["new"] >= 1
