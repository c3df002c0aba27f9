"""The format tables together: every corpus file has a row, and the rows agree with each other.

Each format's test module holds its table (`CASES`, rows of `CorpusCase`);
this module gathers them, so a file added to the corpus without a row, a
row naming an unknown format, or two rows disagreeing on which format takes
a file, fails here.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from desk.ingest import registry
from tests.corpus import CORPUS, corpus_files
from tests.ingest import (
    test_bluesky,
    test_claimreview,
    test_csv_posts,
    test_feeds,
    test_html_page,
    test_mastodon,
    test_telegram,
    test_twitter_embed,
    test_twitter_v1,
    test_twitter_v2,
)
from tests.ingest.helpers import ANY, CorpusCase

TABLES: dict[str, tuple[CorpusCase, ...]] = {
    "bluesky": test_bluesky.CASES,
    "claimreview": test_claimreview.CASES,
    "csv": test_csv_posts.CASES,
    "feed": test_feeds.CASES,
    "html": test_html_page.CASES,
    "mastodon": test_mastodon.CASES,
    "telegram": test_telegram.CASES,
    "twitter-embed": test_twitter_embed.CASES,
    "twitter-v1": test_twitter_v1.CASES,
    "twitter-v2": test_twitter_v2.CASES,
}
ALL_CASES = tuple(case for cases in TABLES.values() for case in cases)
# Recorded HTTP traffic (VCR cassettes), a fact-check site's own JSON and an
# empty file: no format takes them. The whole-corpus ingest expects the same.
NO_FORMAT_DIRS = (
    "bluesky/bskyr_vcr/_vcr/",
    "mastodon/Mastodon.py_cassettes/cassettes/",
    "mastodon/Mastodon.py_cassettes/cassettes_entity_tests/",
    "twitter/tweepy_cassettes/",
)
NO_FORMAT_FILES = {
    "claimreview/meedan_fetch_spec_fixtures/the_quint_raw.json",
    "twitter/twarc-csv_test-data/empty.json",
}


def row_for(file: str) -> CorpusCase:
    """The row of the table of the format that takes `file` (for tests across formats)."""
    (case,) = [c for c in ALL_CASES if c.file == file and c.picked == c.format and not c.part]
    return case


def test_every_corpus_file_has_a_row() -> None:
    on_disk = set(corpus_files("")) - {"SOURCES.md"}
    if not on_disk:
        pytest.skip("the shared corpus is absent")
    rows = {case.file for case in ALL_CASES}
    assert sorted(on_disk - rows) == []  # files no table covers
    assert sorted(rows - on_disk) == []  # rows for files that are not there


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_table_has_one_row_per_file_and_is_its_formats(name: str) -> None:
    cases = TABLES[name]
    assert cases
    repeated = [file for file, n in Counter(c.file for c in cases).items() if n > 1]
    assert repeated == []
    assert {case.format for case in cases} == {name}


def test_sources_md_lists_exactly_the_files_the_tables_cover() -> None:
    sources = CORPUS / "SOURCES.md"
    if not sources.is_file():
        pytest.skip(f"{sources} is absent")
    listed = re.findall(r"^\| `([^`]+)` \(\d+ B\) \|", sources.read_text(encoding="utf-8"), re.M)
    assert len(listed) == len(set(listed))
    assert set(listed) == {case.file for case in ALL_CASES}


def test_rows_name_known_formats() -> None:
    known = {module.NAME for module in registry.formats()}
    for case in ALL_CASES:
        assert case.format in known, case.id
        assert set(case.others) <= known - {case.format}, case.id
        assert case.picked in known | {None, ANY}, case.id
        assert case.items >= 0 and case.rejected >= 0 and case.detect >= 0, case.id


def test_rows_agree_on_which_format_takes_a_file() -> None:
    picked: dict[str, set[str | None]] = {}
    for case in ALL_CASES:
        if case.picked != ANY and not case.part:
            picked.setdefault(case.file, set()).add(case.picked)
    assert {file: p for file, p in picked.items() if len(p) > 1} == {}
    # the format that takes a file has a row for it
    for file, (name,) in picked.items():
        if name is not None:
            assert row_for(file).format == name


def test_the_files_no_format_takes() -> None:
    none = {case.file for case in ALL_CASES if case.picked is None}
    expected = {c.file for c in ALL_CASES if c.file.startswith(NO_FORMAT_DIRS)} | NO_FORMAT_FILES
    assert none == expected
