"""CSV exports of social posts (twarc-csv, CrowdTangle): corpus table and hostile input.

Expected values are read from the corpus files with the csv module directly.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from desk.ingest.base import Sample, Source
from desk.ingest.formats import csv_posts
from tests.corpus import corpus_files, corpus_path
from tests.ingest.helpers import CorpusCase, Parsed, corpus_table, parse, run_case

TWARC_CSV = "csv/twarc-csv_test-data/small_sample.csv"
COORNET = "csv/CooRnet_tmp/ct_shares_marked.first11records.csv"

row = partial(CorpusCase, format="csv", detect=85, others=("twitter-v1", "twitter-v2"))
CASES = (
    row(TWARC_CSV, 4, fields={"platform": "twitter", "kind": "post"}),
    # record 11 has a newline inside a quoted field
    row(COORNET, 11, fields={"platform": "facebook", "kind": "post"}),
)

# The columns current twarc-csv writes (DocNow/twarc-csv DEFAULT_TWEET_COLUMNS, abridged).
TWARC_HEADER = [
    "id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
    "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id", "in_reply_to_username",
    "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username", "created_at",
    "text", "lang", "source", "public_metrics.like_count", "edit_history_tweet_ids",
    "attachments.media", "author.id", "author.username", "author.name", "geo.full_name",
]  # fmt: skip

CT_DASH_HEADER = [
    "Page Name", "User Name", "Facebook Id", "Page Category", "Post Created", "Type",
    "Likes", "Comments", "Shares", "URL", "Message", "Link", "Final Link", "Link Text",
    "Description",
]  # fmt: skip


def _parse(source: Source) -> Parsed:
    return parse(csv_posts, source)


def _parse_bytes(data: bytes) -> Parsed:
    return _parse(Source("test.csv", data=data))


def _rows_with_start_lines(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        rows = []
        previous_end = reader.line_num
        for row in reader:
            if previous_end == 0:
                previous_end = 1  # the header was read with the first row
            rows.append((previous_end + 1, row))
            previous_end = reader.line_num
        return rows


def _csv_bytes(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.mark.corpus
def test_the_table_covers_every_csv_file() -> None:
    found = corpus_files("csv", "*.csv")
    if not found:
        pytest.skip("the shared corpus is absent")
    assert set(found) == {case.file for case in CASES}


@corpus_table(CASES)
def test_corpus_counts_and_detection(case: CorpusCase) -> None:
    run = run_case(case)
    path, items = run.path, run.items
    rows = _rows_with_start_lines(path)
    assert [i.record for i in items] == [start for start, _ in rows]
    data = path.read_bytes()
    for item in items:
        assert item.raw in data  # the row's exact bytes, all its lines


@pytest.mark.corpus
def test_twarc_csv_rows() -> None:
    path = corpus_path(TWARC_CSV)
    items, _ = _parse(Source(path.name, path=path))
    for item, (_, row) in zip(items, _rows_with_start_lines(path), strict=True):
        assert item.platform == "twitter"
        assert item.platform_id == row["id"]
        assert item.author_handle == row["author.username"]
        assert item.author_name == row["author.name"]
        assert item.url == f"https://twitter.com/{row['author.username']}/status/{row['id']}"
        moment = datetime.strptime(row["created_at"], "%Y-%m-%dT%H:%M:%S.%f%z")
        assert item.posted is not None
        assert item.posted.at == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        # This old twarc-csv JSON-encoded the text cell; the item has the tweet text.
        text = json.loads(row["text"])
        assert item.text.split()[:4] == text.split()[:4]
        assert "\\u" not in item.text and "\\n" not in item.text
    quoting = items[3]
    quoted = json.loads(_rows_with_start_lines(path)[3][1]["referenced_tweets"])[0]
    assert [(r.relation, r.platform_id) for r in quoting.refs] == [("quotes", quoted["id"])]
    assert "https://twitter.com/GameStop/status/" in quoting.text  # t.co expanded
    assert items[2].extra["inlined_as"] == "quoted"


@pytest.mark.corpus
def test_crowdtangle_api_rows() -> None:
    path = corpus_path(COORNET)
    items, _ = _parse(Source(path.name, path=path))
    rows = _rows_with_start_lines(path)
    for item, (_, row) in zip(items, rows, strict=True):
        assert item.platform == row["platform"].lower() == "facebook"
        assert item.platform_id == row["platformId"]
        assert item.url == row["postUrl"]
        assert item.author_name == row["account.name"].strip()
        handle = row["account.handle"]
        assert item.author_handle == (None if handle in ("NA", "") else handle)
        assert item.posted is not None
        assert item.posted.at == row["date"].replace(" ", "T") + "Z"
        assert item.posted.tz_known is False  # the export gives no zone
        message = row["message"]
        if message != "NA":
            assert item.text.split()[:5] == message.split()[:5]
        else:
            assert item.extra["text_from"].startswith("link title")
            assert item.text.startswith(row["title"])
        assert item.extra["counts"]["likeCount"] == int(row["statistics.actual.likeCount"])
        assert item.extra["is_coordinated"] == (row["is.coordinated"] == "TRUE")
    # record 11 spans two lines: its text keeps the newline, its raw both lines
    last = items[-1]
    assert last.record == 12
    assert last.raw.count(b"\n") == 2


def test_crowdtangle_dashboard_rows_and_zones() -> None:
    rows = [
        {
            "Page Name": "Some Page", "User Name": "somepage", "Facebook Id": "123",
            "Page Category": "NEWS_SITE", "Post Created": "2020-03-10 12:00:01 EDT",
            "Type": "Link", "Likes": "1,204", "Comments": "3", "Shares": "7",
            "URL": "https://www.facebook.com/somepage/posts/456", "Message": "",
            "Link": "https://example.org/a", "Final Link": "", "Link Text": "A headline",
            "Description": "A blurb",
        },
        {
            "Page Name": "Other", "User Name": "", "Facebook Id": "9",
            "Page Category": "", "Post Created": "2020-03-10 12:00:01 XYZ", "Type": "Status",
            "Likes": "0", "Comments": "0", "Shares": "0", "URL": "", "Message": "no url",
            "Link": "", "Final Link": "", "Link Text": "", "Description": "",
        },
    ]  # fmt: skip
    data = _csv_bytes(CT_DASH_HEADER, rows)
    assert csv_posts.detect(Sample(data, "ct.csv")) >= 85
    items, rejected = _parse_bytes(data)
    (item,) = items
    assert item.platform == "facebook"
    assert item.author_name == "Some Page" and item.author_handle == "somepage"
    assert item.posted is not None
    assert (item.posted.at, item.posted.tz_known) == ("2020-03-10T16:00:01Z", True)
    assert item.text == "A headline\n\nA blurb" and item.title == "A headline"
    assert item.extra["counts"]["likes"] == 1204
    assert item.extra["link"] == "https://example.org/a"
    assert [r.record for r in rejected] == [3]
    assert "URL" in rejected[0].reason


# The table csv_posts kept of its own before the one in times.py (issue 12):
# every zone it read must read the same, at its offset, through a dashboard row.
DASHBOARD_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11,
    "MEZ": 1, "MESZ": 2,  # German, known to times.py too: now read here as well
}  # fmt: skip


@pytest.mark.parametrize(("zone", "hours"), sorted(DASHBOARD_ZONES.items()))
def test_dashboard_zone_abbreviations_are_offsets(zone: str, hours: int) -> None:
    row = {
        "Page Name": "Some Page", "User Name": "somepage", "Facebook Id": "123",
        "Page Category": "NEWS_SITE", "Post Created": f"2020-03-10 12:00:01 {zone}",
        "Type": "Status", "Likes": "1", "Comments": "0", "Shares": "0",
        "URL": "https://www.facebook.com/somepage/posts/456", "Message": "water rising",
        "Link": "", "Final Link": "", "Link Text": "", "Description": "",
    }  # fmt: skip
    (item,), rejected = _parse_bytes(_csv_bytes(CT_DASH_HEADER, [row]))
    assert rejected == [] and item.posted is not None
    utc = datetime(2020, 3, 10, 12, 0, 1, tzinfo=UTC) - timedelta(hours=hours)
    assert (item.posted.at, item.posted.tz_known) == (utc.strftime("%Y-%m-%dT%H:%M:%SZ"), True)


@pytest.mark.parametrize("zone", ["IST", "XYZ", "A"])
def test_an_unknown_or_ambiguous_zone_is_no_zone(zone: str) -> None:
    """IST is India, Israel or Ireland: not guessed; the wall-clock time is kept, zone unknown."""
    row = {h: "" for h in CT_DASH_HEADER} | {
        "Page Name": "P", "Facebook Id": "9", "Type": "Status", "Message": "m",
        "Post Created": f"2020-03-10 12:00:01 {zone}",
        "URL": "https://www.facebook.com/p/posts/1",
    }  # fmt: skip
    (item,), rejected = _parse_bytes(_csv_bytes(CT_DASH_HEADER, [row]))
    assert rejected == [] and item.posted is not None
    assert (item.posted.at, item.posted.tz_known) == ("2020-03-10T12:00:01Z", False)


def test_current_twarc_csv_columns() -> None:
    media = [{"media_key": "3_1", "type": "photo", "url": "https://pbs.twimg.com/m.jpg",
              "alt_text": "a map"}]  # fmt: skip
    row = {h: "" for h in TWARC_HEADER} | {
        "id": "1500000000000000002",
        "referenced_tweets.replied_to.id": "1500000000000000001",
        "in_reply_to_username": "parent_user",
        "referenced_tweets.quoted.id": "1400000000000000000",
        "author_id": "55",
        "created_at": "2022-03-01T10:11:12.000Z",
        "text": "line one\\nline two &amp; \x1b[1mbold\x1b[0m [red]x[/red]",
        "lang": "qme",
        "edit_history_tweet_ids": '["1500000000000000002"]',
        "attachments.media": json.dumps(media),
        "author.username": "writer",
        "author.name": "A \u202eWriter",
    }
    items, rejected = _parse_bytes(_csv_bytes(TWARC_HEADER, [row]))
    assert not rejected
    (item,) = items
    assert item.text == "line one\nline two & bold [red]x[/red]"
    assert item.author_name == "A Writer"
    assert item.lang is None
    assert item.media[0].alt == "a map"
    assert [(r.relation, r.platform_id, r.url) for r in item.refs] == [
        (
            "reply-to",
            "1500000000000000001",
            "https://twitter.com/parent_user/status/1500000000000000001",
        ),
        ("quotes", "1400000000000000000", None),
    ]


def test_rows_missing_columns_or_ids_are_rejected() -> None:
    good = {h: "" for h in TWARC_HEADER} | {"id": "1", "text": "fine", "author.username": "a"}
    data = _csv_bytes(TWARC_HEADER, [good, good | {"id": "not-an-id"}])
    data += b"2,short row\n"
    data += _csv_bytes(TWARC_HEADER, [good | {"id": "3"}]).split(b"\n", 1)[1]
    items, rejected = _parse_bytes(data)
    assert [i.platform_id for i in items] == ["1", "3"]
    assert [r.record for r in rejected] == [3, 4]
    assert "no tweet id" in rejected[0].reason and "fields" in rejected[1].reason


def test_truncated_file_rejects_the_cut_row() -> None:
    good = {h: "" for h in TWARC_HEADER} | {"id": "1", "text": "fine"}
    cut = {h: "" for h in TWARC_HEADER} | {"id": "2", "text": "multi\nline text that is cut"}
    data = _csv_bytes(TWARC_HEADER, [good, cut])
    data = data[: data.index(b"line text that") + 9]
    items, rejected = _parse_bytes(data)
    assert [i.platform_id for i in items] == ["1"]
    assert [r.record for r in rejected] == [3]


def test_empty_garbage_and_unknown_headers() -> None:
    assert _parse_bytes(b"") == ([], [])
    assert csv_posts.detect(Sample(b"", "e")) == 0
    garbage = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    assert csv_posts.detect(Sample(garbage, "g")) == 0
    assert _parse_bytes(garbage)[0] == []
    other = b"name,age\nann,3\n"
    assert csv_posts.detect(Sample(other, "o")) == 0
    items, rejected = _parse_bytes(other)
    assert items == [] and "not a recognised" in rejected[0].reason


def test_wrong_encoding_is_read_and_said() -> None:
    row = {h: "" for h in TWARC_HEADER} | {
        "id": "1",
        "text": "Grüße aus Köln – schöne Straße, café crème",
        "author.username": "köln",  # not a valid handle: dropped
    }
    data = _csv_bytes(TWARC_HEADER, [row]).decode("utf-8").encode("cp1252")
    (item,), rejected = _parse_bytes(data)
    assert not rejected
    assert item.text == row["text"]
    assert "not UTF-8" in item.extra["encoding"]
    assert item.author_handle is None


def test_utf16_export() -> None:
    row = {h: "" for h in CT_DASH_HEADER} | {
        "Page Name": "Страница", "URL": "https://www.facebook.com/p/posts/1",
        "Message": "Привет, мир", "Post Created": "2021-01-05 18:50:27 CET",
    }  # fmt: skip
    data = _csv_bytes(CT_DASH_HEADER, [row]).decode("utf-8").encode("utf-16")
    assert csv_posts.detect(Sample(data, "utf16.csv")) >= 85
    (item,), rejected = _parse_bytes(data)
    assert not rejected
    assert item.text == "Привет, мир" and item.author_name == "Страница"
    assert item.posted is not None and item.posted.at == "2021-01-05T17:50:27Z"


def test_ten_megabyte_field() -> None:
    big = "word " * (2 * 1024 * 1024 + 10)
    row = {h: "" for h in TWARC_HEADER} | {"id": "1", "text": big}
    second = {h: "" for h in TWARC_HEADER} | {"id": "2", "text": "after"}
    items, rejected = _parse_bytes(_csv_bytes(TWARC_HEADER, [row, second]))
    assert not rejected
    assert len(items[0].text) > 10 * 1024 * 1024 - 10
    assert items[1].record == 3


def test_nul_bytes_do_not_stop_the_file() -> None:
    good = {h: "" for h in TWARC_HEADER} | {"id": "1", "text": "a\x00b"}
    items, rejected = _parse_bytes(_csv_bytes(TWARC_HEADER, [good, good | {"id": "2"}]))
    assert not rejected
    assert [i.text for i in items] == ["ab", "ab"]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        *corpus_files("twitter"),
        "csv/twarc-csv_test-data/small_sample.json",
    ],
)
def test_other_files_are_not_csv(name: str) -> None:
    path = corpus_path(name)
    assert csv_posts.detect(Source(path.name, path=path).sample()) == 0
