"""Ingest benchmark (issue 3): desk items/s and peak memory next to bare baselines.

What is measured, and how
-------------------------

Three datasets are generated in a temporary directory from real files of the
shared corpus (`../shared/corpus` or `$DESK_CORPUS`), `--n` items each
(default 100 000):

- twitter: twarc2 JSON Lines, one v2 response page per line holding 100
  tweets. The tweet objects are the real ones of
  `twitter/twarc-csv_test-data/*.jsonl` (`data` and `includes.tweets`),
  cycled, each copy given a new unique id and `created_at`
  (`edit_history_tweet_ids` and a self-pointing `conversation_id` follow the
  new id; everything else, `referenced_tweets` included, is kept as it is).
  Each page carries `includes.users` (and `includes.media`) for its tweets;
  `includes.tweets` and `includes.places` are left out so that the file holds
  exactly n tweets.
- rss: RSS 2.0 files of `--per-file` entries each (default 5 000), made of
  the channel of `rss_atom/RSParser_Resources/EMarley.rss` and its first
  `<item>` repeated byte for byte with a new guid, link and pubDate.
- mastodon: JSON arrays of `--per-file` statuses each, the 13 statuses of
  `mastodon/extracted_from_Mastodon.py_cassettes/
  test_home_tl__01_GET_v1_timelines_home.json` cycled with a new id, uri,
  url and created_at.
- mastodon-array: the same statuses as ONE JSON array of n (a whole
  timeline export), which desk walks (`jsonwalk`) and the bare baseline, like
  `sqlite-utils insert items file.json`, reads whole with `json.load`. With
  `--array-big N` (e.g. 1000000) desk and the baseline also take one array
  of N statuses (`--array-big-bare no` skips the baseline there: it needs
  tens of GB). The peak RSS of these rows is the bounded-memory target of
  issue 12 (under 200 MB at 100k and at 1M).
- bluesky-feed (issue 12): one getAuthorFeed response of n entries (the 50
  of `bluesky/extracted_from_bskyr_vcr/f_autfeed__00_app.bsky.feed.
  getAuthorFeed.json` cycled with new post URIs and times), which desk walks
  one entry at a time (`jsonwalk`); `--array-big N` takes it to N too.
- twitter-v1-array, telegram (issue 12): one Twitter v1.1 array of n
  statuses (the corpus home timeline cycled with new ids and times) and one
  Telegram Desktop `result.json` chat of n messages (written as the export
  writes it, indented, with part lists, replies and photos), which desk
  walks one record at a time (`desk/ingest/jsonwalk.py`); `--array-big N`
  takes them to N too, like mastodon-array.
- `--long-line MB` (issue 12): a Mastodon JSON Lines file of three statuses
  whose second line is one status of MB megabytes (desk refuses it, naming
  its line and size, without holding it); desk's peak RSS only.
- mastodon-stream, jetstream, twitwi (issue 12): one file of n records
  each, made from the samples in `tests/ingest/data` (written from each
  format's documentation): Mastodon streaming `update` events (WebSocket
  JSON Lines, the mastodon template statuses as JSON-string payloads),
  Jetstream post commits (a new rkey and `createdAt` per line), and twitwi
  CSV tweet rows (a new id and float `timestamp_utc` per row).

For each dataset, in the same run:

1. desk: a child process opens a fresh desk (`Store(path, create=True)`, so
   the migrations are not timed) and calls `ingest_source(store,
   Source(...), actor="bench")` on every file of the dataset, one after the
   other, in that one process, exactly as `desk ingest` does (format
   detection, the parser, clean text, dedup, pending links, blobs, FTS and
   count triggers, one event per 500-item batch). items/s = items stored /
   wall time of those calls (`time.perf_counter`).
2. bare sqlite-utils insert + FTS: a child process makes a fresh SQLite file
   with the sqlite_utils Python API: `db["items"].create(...)` with columns
   id (primary key), text, author, handle, created_at, url, raw; then
   `enable_fts(["text", "author", "handle"], create_triggers=True)` BEFORE any
   row goes in, so every row is indexed as it loads, as in desk; then
   `insert_all(records, batch_size=1000)`. records are flat dicts read from
   the same files with plain `json` (RSS: `lxml.etree.iterparse`), no
   cleaning: text is the tweet text, the status HTML or the item's
   description as they stand; raw is `json.dumps` of the record (RSS: the
   item's XML). SQLite defaults of sqlite-utils (rollback journal,
   synchronous=FULL, a commit per 1000 rows). rows/s = rows / wall time of
   reading the files AND inserting (the generator is consumed by
   insert_all), which is what `sqlite-utils insert` does.
3. twitter only: `twarc2 csv IN.jsonl OUT.csv --hide-progress --hide-stats`
   (the twarc-csv plugin, its default options) on the same JSONL, timed as a
   subprocess from start to exit (interpreter start and imports included),
   with a throwaway HOME and a dummy BEARER_TOKEN so twarc2 asks nothing.
   When twarc-csv is not installed the bench says so and skips it. It is not
   a desk dependency: `pip install twarc-csv "pandas<3"` into the venv to
   get the figure (twarc-csv 0.7 calls `DataFrame.applymap`, gone in pandas 3).

Peak memory is the honest one: the peak resident set size (`ru_maxrss`) of
each child process, from `os.wait4`, which reports the rusage of that one
child. The desk child also reports its peak RSS just before ingesting
(imports done, desk open) so the ingest's own share is visible.

CPU time (user + system, `getrusage`) of the same measured section is
reported beside the wall time: on a shared, busy machine items per
CPU-second are the steadier figure (the table itself is wall time).

Streaming check: the twitter ingest is run again at n/5 tweets; on a
streaming parser its peak RSS is about the same as at n.

`--feed-big N[,N...]` (issue 12): one RSS file of N entries each (the rss
template above), ingested by desk in one process (`DESK_FEED_WORKER=0`: a
large feed is read in runs) and as it is by default (with the fast path, the
runs are parsed in a worker process on the second core: its peak RSS and CPU
time are reported beside the desk process's),
next to bare sqlite-utils (`--feed-big-bare no` skips it) and to `newsboat
-x reload` of the same file as a `file://` URL with a fresh cache and no
config, timed as a subprocess, items counted in its cache afterwards.
`--feed-big-rounds K` runs desk and newsboat K times each, taking turns (the
other first every second round), and compares their median runs: on this
shared machine one run each was a coin toss of the minute it landed in.
newsboat is not a desk dependency (`apt-get install -y newsboat`); without
it the bench says so and skips that baseline. Targets: peak RSS under 200 MB
at 100k and 1M, faster than newsboat, at least 0.2 of bare.

`--profile` runs, for each dataset at `--profile-n` items, the format's
parser alone (no database, to split parse from store cost) and then the
desk ingest under cProfile, and prints its own time grouped by area
(SQLite, json, feedparser, dateutil, lxml/clean, format modules, pipeline)
and the top functions by own and by cumulative time.

`--feed-parser auto|feedparser|fast` sets `DESK_FEED_PARSER` for the
children (issue 12: feedparser, or the gated feedparser-rs fast path of
`desk/ingest/formats/_feedfast.py`); `both` ingests with `auto` and then, on
the rss dataset, times the feed parser alone (`feeds._feedparse`) and the
format alone (`feeds.parse`) under each path, on the same files.

The generated files are deleted after each dataset unless `--keep DIR`.

Usage: `python bench/ingest.py [--n 100000] [--per-file 5000] [--markdown
FILE] [--profile] [--keep DIR] [--feed-parser both]`. `--n 5000` is a quick check.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import json
import os
import platform
import pstats
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("DESK_CORPUS", ROOT.parent / "shared" / "corpus"))
TWARC_DIR = "twitter/twarc-csv_test-data"
RSS_TEMPLATE = "rss_atom/RSParser_Resources/EMarley.rss"
MASTODON_TEMPLATE = (
    "mastodon/extracted_from_Mastodon.py_cassettes/test_home_tl__01_GET_v1_timelines_home.json"
)
DATASETS = (
    "twitter",
    "rss",
    "mastodon",
    "mastodon-array",
    "mastodon-stream",
    "jetstream",
    "twitwi",
    "twitter-v1-array",
    "telegram",
    "bluesky-feed",
)
# One whole JSON document of n records each: the bounded-memory rows (issue 12).
WHOLE_DOCUMENTS = ("mastodon-array", "twitter-v1-array", "telegram", "bluesky-feed")
BLUESKY_TEMPLATE = "bluesky/extracted_from_bskyr_vcr/f_autfeed__00_app.bsky.feed.getAuthorFeed.json"
V1_TEMPLATE = (
    "twitter/extracted_from_tweepy_cassettes/"
    "testhometimeline__00_GET_1.1_statuses_home_timeline.json"
)
# Templates of the issue 12 formats: the test samples written from each format's docs.
TEST_DATA = ROOT / "tests" / "ingest" / "data"
TWEETS_PER_PAGE = 100
START = datetime(2024, 1, 1, tzinfo=UTC)
TWEET_ID_BASE = 1_750_000_000_000_000_000
STATUS_ID_BASE = 120_000_000_000_000_000
TARGET_RATIO = 1 / 3


# --------------------------------------------------------------------------
# generating the datasets from the corpus
# --------------------------------------------------------------------------


@dataclass
class TweetTemplate:
    """One real tweet with the user (and media) objects its page included."""

    tweet: dict[str, Any]
    user: dict[str, Any]
    media: list[dict[str, Any]]


def _tweet_pool(corpus: Path) -> tuple[list[TweetTemplate], dict[str, Any]]:
    """Every tweet of the twarc2 test pages whose author is included, and a `__twarc`."""
    pool: list[TweetTemplate] = []
    twarc_meta: dict[str, Any] = {}
    for path in sorted((corpus / TWARC_DIR).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                page = json.loads(line)
            except ValueError:
                continue  # the corpus holds a deliberately broken line
            if not isinstance(page, dict):
                continue
            twarc_meta = twarc_meta or page.get("__twarc") or {}
            includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
            users = {u["id"]: u for u in includes.get("users") or [] if "id" in u}
            media = {m["media_key"]: m for m in includes.get("media") or [] if "media_key" in m}
            data = page.get("data")
            tweets = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
            for tweet in [*tweets, *(includes.get("tweets") or [])]:
                if not isinstance(tweet, dict) or "id" not in tweet or "text" not in tweet:
                    continue
                user = users.get(tweet.get("author_id"))
                if user is None:
                    continue
                keys = (tweet.get("attachments") or {}).get("media_keys") or []
                pool.append(TweetTemplate(tweet, user, [media[k] for k in keys if k in media]))
    if not pool:
        raise SystemExit(f"no tweets found under {corpus / TWARC_DIR}")
    return pool, twarc_meta


def _new_tweet(template: dict[str, Any], index: int) -> dict[str, Any]:
    new_id = str(TWEET_ID_BASE + index)
    tweet = dict(template)
    tweet["id"] = new_id
    tweet["created_at"] = (START + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    tweet["edit_history_tweet_ids"] = [new_id]
    if template.get("conversation_id") == template["id"]:
        tweet["conversation_id"] = new_id
    return tweet


def generate_twitter(corpus: Path, out: Path, n: int) -> list[Path]:
    """n tweets as twarc2 JSONL, 100 per response page (one page per line)."""
    pool, twarc_meta = _tweet_pool(corpus)
    path = out / "twitter" / "tweets.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for start in range(0, n, TWEETS_PER_PAGE):
            data: list[dict[str, Any]] = []
            users: dict[str, dict[str, Any]] = {}
            media: dict[str, dict[str, Any]] = {}
            for index in range(start, min(start + TWEETS_PER_PAGE, n)):
                template = pool[index % len(pool)]
                data.append(_new_tweet(template.tweet, index))
                users.setdefault(template.user["id"], template.user)
                for entry in template.media:
                    media.setdefault(entry["media_key"], entry)
            includes: dict[str, Any] = {"users": list(users.values())}
            if media:
                includes["media"] = list(media.values())
            page = {"data": data, "includes": includes, "__twarc": twarc_meta}
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
    return [path]


def generate_rss(corpus: Path, out: Path, n: int, per_file: int) -> list[Path]:
    """n RSS 2.0 entries: a real feed's first item repeated with new guid, link, date."""
    feed = (corpus / RSS_TEMPLATE).read_text(encoding="utf-8")
    first = feed.index("<item>")
    end = feed.index("</item>", first) + len("</item>")
    head = feed[:first]
    tail = feed[feed.rindex("</item>") + len("</item>") :]
    item = feed[first:end]
    guid = item.split("<guid", 1)[1].split(">", 1)[1].split("</guid>", 1)[0]
    key = guid.rsplit("/", 1)[1]  # the Medium post id, also in the link
    date = item.split("<pubDate>", 1)[1].split("</pubDate>", 1)[0]
    folder = out / "rss"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, n, per_file), 1):
        path = folder / f"feed-{number:03d}.xml"
        with path.open("w", encoding="utf-8") as fh:
            fh.write(head)
            for index in range(start, min(start + per_file, n)):
                posted = format_datetime(START + timedelta(seconds=index), usegmt=True)
                fh.write(item.replace(key, f"b{index:011x}").replace(date, posted) + "\n        ")
            fh.write(tail)
        paths.append(path)
    return paths


def generate_mastodon(
    corpus: Path, out: Path, n: int, per_file: int, kind: str = "mastodon"
) -> list[Path]:
    """n Mastodon statuses as JSON arrays of `per_file`, new id, uri, url and time.

    Written one status at a time, so a 1M-status array is never in memory here.
    """
    templates = json.loads((corpus / MASTODON_TEMPLATE).read_text(encoding="utf-8"))
    folder = out / kind
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, n, per_file), 1):
        path = folder / f"statuses-{number:03d}.json"
        with path.open("w", encoding="utf-8") as fh:
            fh.write("[")
            for index in range(start, min(start + per_file, n)):
                template = templates[index % len(templates)]
                new_id = str(STATUS_ID_BASE + index)
                status = dict(template)
                status["id"] = new_id
                status["uri"] = template["uri"].replace(template["id"], new_id)
                status["url"] = template["url"].replace(template["id"], new_id)
                status["created_at"] = (START + timedelta(seconds=index)).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                )
                fh.write(", " if index > start else "")
                fh.write(json.dumps(status, ensure_ascii=False))
            fh.write("]")
        paths.append(path)
    return paths


def generate_mastodon_stream(corpus: Path, out: Path, n: int) -> list[Path]:
    """n streaming `update` events (WebSocket JSON Lines) of the Mastodon template statuses."""
    templates = json.loads((corpus / MASTODON_TEMPLATE).read_text(encoding="utf-8"))
    folder = out / "mastodon-stream"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stream.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for index in range(n):
            template = templates[index % len(templates)]
            new_id = str(STATUS_ID_BASE + index)
            status = dict(template, id=new_id)
            status["uri"] = template["uri"].replace(template["id"], new_id)
            status["url"] = template["url"].replace(template["id"], new_id)
            event = {"stream": ["public"], "event": "update", "payload": json.dumps(status)}
            fh.write(json.dumps(event) + "\n")
    return [path]


def generate_jetstream(out: Path, n: int) -> list[Path]:
    """n Jetstream post commits: the sample post event with a new rkey and time."""
    template = json.loads((TEST_DATA / "jetstream.jsonl").read_text().splitlines()[1])
    folder = out / "jetstream"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jetstream.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for index in range(n):
            event = json.loads(json.dumps(template))
            event["time_us"] += index
            event["commit"]["rkey"] = f"3l{index:011d}"
            moment = START + timedelta(seconds=index)
            # 9 fractional digits and a +00:00 offset, as Go clients write them
            stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%f000+00:00")
            event["commit"]["record"]["createdAt"] = stamp
            fh.write(json.dumps(event) + "\n")
    return [path]


def generate_twitwi(out: Path, n: int) -> list[Path]:
    """n twitwi CSV tweet rows: the sample's first row with a new id and timestamp."""
    with (TEST_DATA / "twitwi-tweets.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        template = next(reader)
        header = list(reader.fieldnames or [])
    folder = out / "twitwi"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tweets.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        for index in range(n):
            new_id = str(TWEET_ID_BASE + index)
            stamp = (START + timedelta(seconds=index)).timestamp()
            url = template["url"].replace(template["id"], new_id)
            writer.writerow(template | {"id": new_id, "timestamp_utc": f"{stamp:.1f}", "url": url})
    return [path]


def generate_v1_array(corpus: Path, out: Path, n: int) -> list[Path]:
    """n Twitter v1.1 statuses as ONE JSON array (a saved timeline), written one at a time.

    The corpus home timeline cycled, each copy with a new id, id_str and
    created_at; its retweeted and quoted originals keep their ids, so desk
    stores them once.
    """
    templates = json.loads((corpus / V1_TEMPLATE).read_text(encoding="utf-8"))
    path = out / "twitter-v1-array" / "timeline.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for index in range(n):
            status = dict(templates[index % len(templates)])
            status["id"] = TWEET_ID_BASE + index
            status["id_str"] = str(status["id"])
            posted = START + timedelta(seconds=index)
            status["created_at"] = posted.strftime("%a %b %d %H:%M:%S +0000 %Y")
            fh.write(",\n" if index else "")
            fh.write(json.dumps(status, ensure_ascii=False))
        fh.write("]\n")
    return [path]


def generate_bluesky_feed(corpus: Path, out: Path, n: int) -> list[Path]:
    """A getAuthorFeed response of n entries as ONE document (`{"feed": [...],
    "cursor": ...}`), written one entry at a time.

    The corpus author feed's 50 entries cycled, each post with a new rkey and
    times; the reply parents and roots and quoted posts keep their URIs, so
    desk stores them once.
    """
    entries = json.loads((corpus / BLUESKY_TEMPLATE).read_text(encoding="utf-8"))["feed"]
    path = out / "bluesky-feed" / "author_feed.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"feed": [')
        for index in range(n):
            entry = dict(entries[index % len(entries)])
            post = entry["post"] = dict(entry["post"])
            post["uri"] = f"{post['uri']}b{index}"
            posted = (START + timedelta(seconds=index)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            post["record"] = dict(post["record"], createdAt=posted)
            post["indexedAt"] = posted
            fh.write(",\n" if index else "")
            fh.write(json.dumps(entry, ensure_ascii=False))
        fh.write('], "cursor": "bench"}\n')
    return [path]


def generate_telegram(out: Path, n: int) -> list[Path]:
    """A Telegram Desktop `result.json` of one chat with n messages, as the export
    writes it (indented, name/type/id before the messages), one message at a time.

    Every fifth message's text is a list of parts with a link, every seventh a
    reply, every eleventh a photo; the texts are the tests' hostile line too.
    """
    path = out / "telegram" / "result.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    base = int(START.timestamp())
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{\n "name": "Bench chat",\n "type": "public_channel",\n "id": 1234567890,\n')
        fh.write(' "messages": [')
        for index in range(n):
            msg_id = index + 1
            posted = START + timedelta(seconds=index)
            text: Any = f"Message {msg_id}: water over the bridge on Main Street, road closed."
            if index % 5 == 0:
                text = ["Update ", {"type": "link", "text": f"https://example.org/{msg_id}"}]
            message: dict[str, Any] = {
                "id": msg_id,
                "type": "message",
                "date": posted.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(base + index),
                "from": f"Reporter {index % 40}",
                "from_id": f"user{index % 40}",
                "text": text,
                "text_entities": [{"type": "plain", "text": str(text)}],
            }
            if index % 7 == 3:
                message["reply_to_message_id"] = msg_id - 1
            if index % 11 == 5:
                message["photo"] = f"photos/photo_{msg_id}@01-01-2024_00-00-00.jpg"
                message["width"], message["height"] = 1280, 720
            fh.write(",\n  " if index else "\n  ")
            fh.write(json.dumps(message, ensure_ascii=False, indent=1).replace("\n", "\n  "))
        fh.write("\n ]\n}\n")
    return [path]


def generate_long_line(corpus: Path, out: Path, megabytes: int) -> list[Path]:
    """A Mastodon JSON Lines file of three statuses whose second line is one
    status of `megabytes` MB (its content one long word run), written in
    pieces: the over-long line desk must refuse without holding it."""
    template = json.loads((corpus / MASTODON_TEMPLATE).read_text(encoding="utf-8"))[0]
    path = out / "long-line" / "stream.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    piece = "word " * (2**20 // 5)
    with path.open("w", encoding="utf-8") as fh:
        for index in range(3):
            status = dict(template, id=str(STATUS_ID_BASE + index))
            status["uri"] = template["uri"].replace(template["id"], status["id"])
            status["url"] = template["url"].replace(template["id"], status["id"])
            if index != 1:
                fh.write(json.dumps(status) + "\n")
                continue
            head, tail = json.dumps(dict(status, content="@@")).split("@@")
            fh.write(head)
            for _ in range(megabytes):
                fh.write(piece)
            fh.write(tail + "\n")
    return [path]


def generate(kind: str, corpus: Path, out: Path, n: int, per_file: int) -> list[Path]:
    if kind == "twitter-v1-array":
        return generate_v1_array(corpus, out, n)
    if kind == "telegram":
        return generate_telegram(out, n)
    if kind == "bluesky-feed":
        return generate_bluesky_feed(corpus, out, n)
    if kind == "twitter":
        return generate_twitter(corpus, out, n)
    if kind == "rss":
        return generate_rss(corpus, out, n, per_file)
    if kind == "mastodon-array":
        return generate_mastodon(corpus, out, n, n, kind)
    if kind == "mastodon-stream":
        return generate_mastodon_stream(corpus, out, n)
    if kind == "jetstream":
        return generate_jetstream(out, n)
    if kind == "twitwi":
        return generate_twitwi(out, n)
    return generate_mastodon(corpus, out, n, per_file)


# --------------------------------------------------------------------------
# the child processes: desk ingest, bare sqlite-utils insert
# --------------------------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_desk(files: list[Path], db_path: Path, profile: Path | None) -> dict[str, Any]:
    """Ingest every file into a fresh desk through the pipeline; counts and time."""
    from db import Store
    from desk.ingest.base import Source
    from desk.ingest.pipeline import ingest_source

    store = Store(db_path, create=True)
    before = _maxrss_mb()
    workers = _WorkerPeaks()
    counts = {"new": 0, "duplicates": 0, "links": 0, "rejected": 0}
    errors: list[str] = []
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), _cpu()
    if profiler:
        profiler.enable()
    for path in files:
        report = ingest_source(store, Source(str(path), path=path), actor="bench")
        counts["new"] += report.new
        counts["duplicates"] += report.duplicates
        counts["links"] += report.links
        counts["rejected"] += len(report.rejected)
        if report.error:
            errors.append(report.error)
        errors.extend(str(r) for r in report.rejected[:3])
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    workers.stop()
    if profiler and profile:
        profiler.dump_stats(str(profile))
    store.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "items": counts["new"],
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        # a parse worker process (feeds), waited for: its own peak (VmHWM, read
        # while it runs: ru_maxrss of a child counts this process's memory at
        # the fork before its exec) and its CPU
        "worker_rss_mb": workers.peak_mb,
        "worker_cpu_seconds": children.ru_utime + children.ru_stime,
        **counts,
        "errors": errors[:5],
        "db_mb": db_path.stat().st_size / 2**20,
    }


class _WorkerPeaks:
    """The largest VmHWM of this process's children, polled every 0.1 s while they run."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.done.wait(0.1):
            for pid in _children():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def _children() -> list[str]:
    pids: list[str] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            pids += task.read_text().split()
    return pids


def run_parse(files: list[Path]) -> dict[str, Any]:
    """The format's parser alone (detect, then `parse`), no database: the parse share."""
    from desk.ingest import registry
    from desk.ingest.base import ParsedItem, Source

    before = _maxrss_mb()
    started, cpu = time.perf_counter(), _cpu()
    items = 0
    for path in files:
        source = Source(str(path), path=path)
        module = registry.detect(source.sample())
        items += sum(1 for out in module.parse(source) if isinstance(out, ParsedItem))
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    return {"items": items, "seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": before}


def run_feedparse(files: list[Path]) -> dict[str, Any]:
    """The feed parser alone (`feeds._feedparse`: feedparser, or the gated fast path)."""
    from desk.ingest.formats import feeds

    before = _maxrss_mb()
    started, cpu = time.perf_counter(), _cpu()
    items = sum(len(feeds._feedparse(path.read_bytes())["entries"]) for path in files)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    return {"items": items, "seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": before}


def _twitter_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                page = json.loads(line)
                users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
                for tweet in page["data"]:
                    user = users.get(tweet.get("author_id"), {})
                    handle = user.get("username")
                    yield {
                        "id": tweet["id"],
                        "text": tweet["text"],
                        "author": user.get("name"),
                        "handle": handle,
                        "created_at": tweet.get("created_at"),
                        "url": f"https://twitter.com/{handle}/status/{tweet['id']}",
                        "raw": json.dumps(tweet, ensure_ascii=False),
                    }


def _rss_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    from lxml import etree

    dc = "{http://purl.org/dc/elements/1.1/}creator"
    for path in files:
        for _, item in etree.iterparse(str(path), events=("end",), tag="item"):
            yield {
                "id": item.findtext("guid"),
                "text": item.findtext("description"),
                "author": item.findtext(dc) or item.findtext("author"),
                "handle": None,
                "created_at": item.findtext("pubDate"),
                "url": item.findtext("link"),
                "raw": etree.tostring(item, encoding="unicode"),
            }
            item.clear()
            while item.getprevious() is not None:
                del item.getparent()[0]


def _mastodon_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        for status in json.loads(path.read_bytes()):
            yield _status_record(status)


def _status_record(status: dict[str, Any]) -> dict[str, Any]:
    account = status.get("account") or {}
    return {
        "id": status["uri"],
        "text": status.get("content"),
        "author": account.get("display_name"),
        "handle": account.get("acct"),
        "created_at": status.get("created_at"),
        "url": status.get("url"),
        "raw": json.dumps(status, ensure_ascii=False),
    }


def _mastodon_stream_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                yield _status_record(json.loads(json.loads(line)["payload"]))


def _jetstream_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        with path.open("rb") as fh:
            for line in fh:
                event = json.loads(line)
                commit = event["commit"]
                yield {
                    "id": f"at://{event['did']}/{commit['collection']}/{commit['rkey']}",
                    "text": commit["record"].get("text"),
                    "author": event["did"],
                    "handle": None,
                    "created_at": commit["record"].get("createdAt"),
                    "url": None,
                    "raw": line.decode("utf-8"),
                }


def _twitwi_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yield {
                    "id": row["id"],
                    "text": row["text"],
                    "author": row["user_name"],
                    "handle": row["user_screen_name"],
                    "created_at": row["timestamp_utc"],
                    "url": row["url"],
                    "raw": json.dumps(row, ensure_ascii=False),
                }


def _v1_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        for status in json.loads(path.read_bytes()):
            user = status.get("user") or {}
            handle = user.get("screen_name")
            yield {
                "id": status["id_str"],
                "text": status.get("full_text") or status.get("text"),
                "author": user.get("name"),
                "handle": handle,
                "created_at": status.get("created_at"),
                "url": f"https://twitter.com/{handle}/status/{status['id_str']}",
                "raw": json.dumps(status, ensure_ascii=False),
            }


def _telegram_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        chat = json.loads(path.read_bytes())
        for message in chat["messages"]:
            text = message.get("text")
            yield {
                "id": f"{chat['id']}/{message['id']}",
                "text": text if isinstance(text, str) else json.dumps(text, ensure_ascii=False),
                "author": message.get("from"),
                "handle": message.get("from_id"),
                "created_at": message.get("date"),
                "url": None,
                "raw": json.dumps(message, ensure_ascii=False),
            }


def _bluesky_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        for entry in json.loads(path.read_bytes())["feed"]:
            post = entry["post"]
            handle = post["author"].get("handle")
            yield {
                "id": post["uri"],
                "text": post["record"].get("text"),
                "author": post["author"].get("displayName"),
                "handle": handle,
                "created_at": post["record"].get("createdAt"),
                "url": f"https://bsky.app/profile/{handle}/post/{post['uri'].rsplit('/', 1)[-1]}",
                "raw": json.dumps(entry, ensure_ascii=False),
            }


RECORDS = {
    "bluesky-feed": _bluesky_records,
    "twitter-v1-array": _v1_records,
    "telegram": _telegram_records,
    "twitter": _twitter_records,
    "rss": _rss_records,
    "mastodon": _mastodon_records,
    "mastodon-array": _mastodon_records,
    "mastodon-stream": _mastodon_stream_records,
    "jetstream": _jetstream_records,
    "twitwi": _twitwi_records,
}


def run_bare(kind: str, files: list[Path], db_path: Path) -> dict[str, Any]:
    """sqlite-utils insert_all of flat records into a table with FTS triggers."""
    from sqlite_utils import Database

    db = Database(db_path)
    table = db.table("items")
    table.create(
        {
            "id": str,
            "text": str,
            "author": str,
            "handle": str,
            "created_at": str,
            "url": str,
            "raw": str,
        },
        pk="id",
    )
    table.enable_fts(["text", "author", "handle"], create_triggers=True)
    before = _maxrss_mb()
    started, cpu = time.perf_counter(), _cpu()
    table.insert_all(RECORDS[kind](files), batch_size=1000)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    rows = table.count
    fts_rows = db.execute("SELECT count(*) FROM items_fts").fetchone()[0]
    db.close()
    return {
        "items": rows,
        "fts_rows": fts_rows,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "db_mb": db_path.stat().st_size / 2**20,
    }


def child_main(argv: list[str]) -> None:
    """`--child ENGINE KIND DATA_DIR DB [PROFILE]`: one measurement, one JSON line out."""
    engine, kind, data_dir, db_path = argv[:4]
    profile = Path(argv[4]) if len(argv) > 4 else None
    sys.path.insert(0, str(ROOT))
    files = dataset_files(kind, Path(data_dir))
    if engine == "desk":
        result = run_desk(files, Path(db_path), profile)
    elif engine.startswith("parse"):
        result = run_parse(files)
    elif engine.startswith("feedparse"):
        result = run_feedparse(files)
    else:
        result = run_bare(kind, files, Path(db_path))
    print(json.dumps(result))


def dataset_files(kind: str, data_dir: Path) -> list[Path]:
    pattern = {
        "long-line": "*.jsonl",
        "twitter-v1-array": "*.json",
        "telegram": "*.json",
        "bluesky-feed": "*.json",
        "twitter": "*.jsonl",
        "rss": "*.xml",
        "mastodon": "*.json",
        "mastodon-array": "*.json",
        "mastodon-stream": "*.jsonl",
        "jetstream": "*.jsonl",
        "twitwi": "*.csv",
    }[kind]
    return sorted((data_dir / kind).glob(pattern))


# --------------------------------------------------------------------------
# the parent: run the children, measure them, print the table
# --------------------------------------------------------------------------


@dataclass
class Measured:
    """One child process: its JSON answer (if any), wall time and peak RSS."""

    result: dict[str, Any]
    wall: float
    cpu: float
    peak_rss_mb: float
    returncode: int
    stderr: str = ""


def measure(
    cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Measured:
    """Run a command; its own peak RSS comes from `os.wait4` (this child only)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines and proc.returncode == 0 else {}
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(result, wall, cpu, usage.ru_maxrss / 1024, proc.returncode, stderr[-2000:])


def child(
    engine: str,
    kind: str,
    data_dir: Path,
    db_path: Path,
    profile: Path | None = None,
    env: dict[str, str] | None = None,
) -> Measured:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, kind]
    cmd += [str(data_dir), str(db_path)]
    if profile:
        cmd.append(str(profile))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    measured = measure(cmd, cwd=ROOT, env={**_feed_env(engine), **(env or {})})
    if measured.returncode != 0:
        print(f"  {engine} {kind} failed (exit {measured.returncode}):\n{measured.stderr}")
    return measured


# `--feed-parser` (issue 12): which feed path the desk and parse children use
# (DESK_FEED_PARSER, see desk/ingest/formats/_feedfast.py); `both` also times
# the RSS parser alone under each path: the `feed_paths` line.
FEED_PARSER = {"mode": "auto"}


def _feed_env(engine: str) -> dict[str, str]:
    path = engine.partition(":")[2] or FEED_PARSER["mode"]
    return {**os.environ, "DESK_FEED_PARSER": "auto" if path == "both" else path}


def feed_paths(data: Path, work: Path) -> list[str]:
    """The parser alone (`feed`) and the format alone (`feeds.parse`), under each path."""
    lines = []
    for engine, what in (("feedparse", "the parser alone"), ("parse", "feeds.parse")):
        rates = {}
        for path in ("feedparser", "fast"):
            m = child(f"{engine}:{path}", "rss", data, work / "unused.db")
            _say(f"{what}, DESK_FEED_PARSER={path}", m)
            rates[path] = (_rate(m), _cpu_rate(m)) if m.returncode == 0 else (0.0, 0.0)
        (slow, slow_cpu), (fast, fast_cpu) = rates["feedparser"], rates["fast"]
        lines.append(
            f"RSS, {what} (no database), same files: feedparser {slow:,.0f} entries/s "
            f"({slow_cpu:,.0f} per CPU-second), fast path {fast:,.0f}/s ({fast_cpu:,.0f}); "
            f"{fast_cpu / slow_cpu if slow_cpu else 0:.1f}x per CPU-second."
        )
    return lines


def twarc_csv_available() -> bool:
    return _twarc2() is not None


def _twarc2() -> str | None:
    """twarc2 with twarc-csv: its own venv (`make bench` makes bench/out/twarc-venv)
    so that pandas, which sqlite-utils imports whenever it is installed, stays
    out of the desk's own environment."""
    own = os.environ.get("DESK_BENCH_TWARC2")
    candidates = [Path(own)] if own else []
    candidates += [
        Path(__file__).parent / "out" / "twarc-venv" / "bin" / "twarc2",
        Path(sys.executable).parent / "twarc2",
    ]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    return shutil.which("twarc2")


def run_twarc_csv(jsonl: Path, work: Path) -> Measured:
    """`twarc2 csv` over the JSONL; a throwaway HOME and token so it asks nothing."""
    home = work / "twarc-home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "BEARER_TOKEN": "offline-bench"}
    out = work / "tweets.csv"
    cmd = [str(_twarc2()), "csv", str(jsonl), str(out), "--hide-progress", "--hide-stats"]
    measured = measure(cmd, env=env)
    if measured.returncode != 0:
        print(f"  twarc2 csv failed (exit {measured.returncode}):\n{measured.stderr}")
        if "applymap" in measured.stderr:
            print('  (twarc-csv 0.7 needs pandas < 3: pip install "pandas<3")')
    else:
        with out.open(newline="", encoding="utf-8") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1
        measured.result = {"csv_rows": rows, "csv_mb": out.stat().st_size / 2**20}
    return measured


@dataclass
class Row:
    """The figures of one dataset."""

    kind: str
    n: int
    files: int
    desk: Measured
    bare: Measured
    twarc: Measured | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def desk_rate(self) -> float:
        return _rate(self.desk)

    @property
    def bare_rate(self) -> float:
        return _rate(self.bare)

    @property
    def ratio(self) -> float:
        return self.desk_rate / self.bare_rate if self.bare_rate else 0.0

    @property
    def twarc_rate(self) -> float | None:
        if self.twarc is None or self.twarc.returncode != 0:
            return None
        return self.n / self.twarc.wall

    @property
    def cpu_line(self) -> str:
        """The same figures per CPU-second: steadier than wall time on a busy machine."""
        desk, bare = _cpu_rate(self.desk), _cpu_rate(self.bare)
        line = (
            f"{self.kind}: desk {desk:,.0f}, bare {bare:,.0f} (ratio "
            f"{desk / bare if bare else 0:.2f})"
        )
        if self.twarc is not None and self.twarc.returncode == 0 and self.twarc.cpu:
            line += f", twarc-csv {self.n / self.twarc.cpu:,.0f} (whole process)"
        return line


def _rate(m: Measured) -> float:
    seconds = m.result.get("seconds") or 0.0
    return m.result.get("items", 0) / seconds if seconds else 0.0


def _cpu_rate(m: Measured) -> float:
    seconds = m.result.get("cpu_seconds") or 0.0
    return m.result.get("items", 0) / seconds if seconds else 0.0


def _fmt_rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


HEADERS = (
    "dataset",
    "desk items/s",
    "bare sqlite-utils insert+FTS rows/s",
    "ratio",
    "desk peak RSS MB",
    "twarc-csv tweets/s",
)


def table_rows(rows: list[Row], twarc_note: str) -> list[tuple[str, ...]]:
    out = []
    for row in rows:
        twarc = _fmt_rate(row.twarc_rate) if row.kind == "twitter" else ""
        if row.kind == "twitter" and row.twarc is None:
            twarc = twarc_note
        out.append(
            (
                f"{row.kind} ({row.n:,})",
                _fmt_rate(row.desk_rate),
                _fmt_rate(row.bare_rate),
                f"{row.ratio:.2f}",
                f"{row.desk.peak_rss_mb:,.0f}",
                twarc,
            )
        )
    return out


def print_table(cells: list[tuple[str, ...]]) -> None:
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(HEADERS)]
    print(" | ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for cell in cells:
        print(
            " | ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(cell, widths, strict=True))
            )
        )


def markdown(cells: list[tuple[str, ...]], footer: list[str]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---"] + ["---:"] * 5) + "|"]
    lines += ["| " + " | ".join(cell) + " |" for cell in cells]
    return "\n".join([*lines, "", *footer]) + "\n"


AREAS = (
    ("imports, compile (one-off)", ("importlib", "builtins.compile", "marshal", "_imp.")),
    ("SQLite (execute: inserts, triggers, FTS, lookups)", ("sqlite3.Connection",)),
    ("feedparser (+ sgmllib, expat)", ("feedparser", "expat", "xml/sax", "pyexpat")),
    ("dateutil parsing", ("dateutil/",)),
    ("json encode/decode", ("json/", "_json")),
    ("lxml / clean.py (HTML to text, clean_text)", ("lxml", "desk/ingest/clean.py")),
    ("regular expressions", ("re.Pattern", "/re/")),
    ("format modules (desk/ingest/formats)", ("desk/ingest/formats/",)),
    ("pipeline.py + db (Python side)", ("desk/ingest/pipeline.py", "db/", "uuid")),
)


def _area(filename: str, func: str) -> str:
    where = f"{filename} {func}"
    for label, needles in AREAS:
        if any(needle in where for needle in needles):
            return label
    return "other (stdlib, builtins)"


def print_profile(path: Path, kind: str, top: int) -> None:
    """Own time grouped by area, then the top functions by own and cumulative time."""
    stats = pstats.Stats(str(path))
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in table.values())
    print(f"\n-- profile: desk ingest of {kind} ({total:.1f} s own time under cProfile) --")
    areas: dict[str, float] = {}
    for (filename, _, func), (_, _, own, _, _) in table.items():
        areas[_area(filename, func)] = areas.get(_area(filename, func), 0.0) + own
    print("own time by area:")
    for label, own in sorted(areas.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * own / total:5.1f}%  {own:6.2f}s  {label}")
    for column, label in ((2, "own time"), (3, "cumulative time")):
        print(f"top {top} by {label}:")
        entries = sorted(table.items(), key=lambda kv: kv[1][column], reverse=True)
        for (filename, line, func), (_, calls, own, cum, _) in entries[:top]:
            where = filename.replace(str(ROOT) + "/", "")
            if "site-packages/" in where:
                where = where.split("site-packages/", 1)[1]
            print(f"  {own:7.2f}s own {cum:7.2f}s cum {calls:>9} calls  {where}:{line} {func}")


def environment() -> str:
    return (
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}"
    )


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000, help="items per dataset")
    parser.add_argument("--per-file", type=int, default=5_000, help="entries per RSS/Mastodon file")
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated subset")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table here")
    parser.add_argument("--no-memory-check", action="store_true", help="skip the n/5 rerun")
    parser.add_argument("--array-big", type=int, default=0, help="also one array of N statuses")
    parser.add_argument("--long-line", type=int, default=0, help="also a JSONL line of MB")
    parser.add_argument("--array-big-bare", default="yes", help="'no': skip the baseline at N")
    parser.add_argument(
        "--feed-big", default="", help="also one RSS file of each N entries, e.g. 100000,1000000"
    )
    parser.add_argument("--feed-big-bare", default="yes", help="'no': skip sqlite-utils there")
    parser.add_argument(
        "--feed-big-rounds",
        type=int,
        default=1,
        help="there: desk and newsboat K times each, in turns; the medians are compared",
    )
    parser.add_argument(
        "--feed-big-desk-only", action="store_true", help="there: desk alone, no baselines"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each desk ingest")
    parser.add_argument("--profile-n", type=int, default=20_000, help="items when profiling")
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument(
        "--feed-parser",
        choices=("auto", "feedparser", "fast", "both"),
        default="auto",
        help="feed path of the desk ingest (DESK_FEED_PARSER); both: also time each alone",
    )
    args = parser.parse_args()
    FEED_PARSER["mode"] = args.feed_parser
    kinds = [k for k in args.datasets.split(",") if k]
    if unknown := set(kinds) - set(DATASETS):
        parser.error(f"unknown datasets: {', '.join(sorted(unknown))}")
    if not args.corpus.is_dir():
        raise SystemExit(f"the shared corpus is not at {args.corpus} (set DESK_CORPUS)")

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="desk-bench-ingest-")
        work = Path(cleanup.name)
    try:
        run(args, kinds, work)
    finally:
        if cleanup is not None:
            cleanup.cleanup()


def run(args: argparse.Namespace, kinds: list[str], work: Path) -> None:
    print(f"ingest bench: n={args.n:,} per dataset, {environment()}, {load()}")
    print(f"work dir: {work}")
    load_before = load()
    have_twarc = twarc_csv_available()
    twarc_note = "twarc-csv not installed: skipped"
    rows: list[Row] = []
    feed_lines: list[str] = []
    data = work / "data"
    for kind in kinds:
        started = time.perf_counter()
        files = generate(kind, args.corpus, data, args.n, args.per_file)
        size = sum(p.stat().st_size for p in files) / 2**20
        print(
            f"\n[{kind}] generated {args.n:,} items in {len(files)} file(s), {size:,.0f} MB, "
            f"{time.perf_counter() - started:.1f} s"
        )
        desk = child("desk", kind, data, work / f"{kind}.desk")
        _say("desk", desk)
        bare = child("bare", kind, data, work / f"{kind}-bare.db")
        _say("bare sqlite-utils", bare)
        row = Row(kind, args.n, len(files), desk, bare)
        if kind == "twitter":
            if have_twarc:
                row.twarc = run_twarc_csv(files[0], work)
                if row.twarc.returncode == 0:
                    print(
                        f"  twarc2 csv: {row.twarc.result['csv_rows']:,} CSV rows in "
                        f"{row.twarc.wall:.1f} s wall ({row.twarc.cpu:.1f} s CPU) = "
                        f"{row.twarc_rate:,.0f} tweets/s; peak RSS {row.twarc.peak_rss_mb:,.0f} MB"
                    )
            else:
                print(f"  {twarc_note}")
        rows.append(row)
        if kind == "rss" and args.feed_parser == "both":
            feed_lines += feed_paths(data, work)
        if not args.keep:
            shutil.rmtree(data / kind, ignore_errors=True)

    memory_lines: list[str] = []
    if "twitter" in kinds and not args.no_memory_check:
        small_n = max(args.n // 5, TWEETS_PER_PAGE)
        small = work / "small"
        generate_twitter(args.corpus, small, small_n)
        m = child("desk", "twitter", small, work / "twitter-small.desk")
        _say(f"desk, {small_n:,} tweets", m)
        big = next(r for r in rows if r.kind == "twitter").desk
        memory_lines.append(
            f"Streaming check (twitter JSONL): desk peak RSS {m.peak_rss_mb:,.0f} MB at "
            f"{small_n:,} tweets vs {big.peak_rss_mb:,.0f} MB at {args.n:,} "
            f"(before ingesting: {m.result.get('rss_before_mb', 0):,.0f} / "
            f"{big.result.get('rss_before_mb', 0):,.0f} MB)."
        )

    memory_lines += array_memory(args, rows, work) + feed_lines
    memory_lines += long_line_memory(args, work)
    memory_lines += feed_big(args, work)

    cells = table_rows(rows, twarc_note)
    print()
    print_table(cells)
    footer = [
        f"n = {args.n:,} items per dataset (RSS and Mastodon in files of {args.per_file:,}); "
        f"{environment()}; {load_before} at start, {load()} at end.",
        "desk: `ingest_source` over the files in one process, fresh desk; "
        "bare: sqlite-utils `insert_all(batch_size=1000)` of flat "
        "(id, text, author, handle, created_at, url, raw) records into a table "
        "with FTS5 triggers made before the load, reading the files included; "
        "twarc-csv: `twarc2 csv` on the same JSONL, whole process wall time. "
        "Peak RSS: `ru_maxrss` of the child process.",
        "Per CPU-second (steadier when the machine is busy): "
        + "; ".join(row.cpu_line for row in rows)
        + ".",
        *memory_lines,
    ]
    verdicts = []
    for row in rows:
        ok = row.ratio >= TARGET_RATIO
        verdicts.append(f"{row.kind}: ratio {row.ratio:.3f} {'>=' if ok else '<'} 0.333")
        twarc_rate = row.twarc_rate
        if twarc_rate is not None:
            faster = row.desk_rate > twarc_rate
            verdicts.append(
                f"twitter: desk {row.desk_rate:,.0f}/s {'>' if faster else '<='} "
                f"twarc-csv {twarc_rate:,.0f}/s"
            )
    footer.append("Target (issue 3): " + "; ".join(verdicts) + ".")
    print()
    for line in footer:
        print(line)
    md = markdown(cells, footer)
    print("\nMarkdown:\n")
    print(md)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(md, encoding="utf-8")

    if args.profile:
        for kind in kinds:
            folder = work / "profile"
            generate(kind, args.corpus, folder, min(args.profile_n, args.n), args.per_file)
            parse = child("parse", kind, folder, work / "unused.db")
            _say("parser alone (no database)", parse)
            stats = work / f"{kind}.prof"
            m = child("desk", kind, folder, work / f"{kind}-profile.desk", stats)
            if m.returncode == 0:
                print_profile(stats, kind, args.top)


ARRAY_TARGET_MB = 200
FEED_BARE_RATIO = 0.2


def newsboat_available() -> str | None:
    return shutil.which("newsboat")


def run_newsboat(feed: Path, work: Path) -> Measured:
    """`newsboat -x reload` of the one file (a `file://` URL), fresh cache, no config.

    Timed as a subprocess from start to exit; items = rows of its cache's
    `rss_item` table afterwards (newsboat keeps every item: `max-items` 0).
    """
    home = work / "newsboat-home"
    home.mkdir(exist_ok=True)
    urls, cache = home / "urls", home / "cache.db"
    urls.write_text(feed.resolve().as_uri() + "\n", encoding="utf-8")
    cache.unlink(missing_ok=True)
    cmd = [str(newsboat_available()), "-u", str(urls), "-c", str(cache), "-C", "/dev/null"]
    measured = measure([*cmd, "-x", "reload"], env={**os.environ, "HOME": str(home)})
    if measured.returncode != 0:
        print(f"  newsboat failed (exit {measured.returncode}):\n{measured.stderr}")
        return measured
    with sqlite3.connect(cache) as conn:
        items = conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]
    measured.result = {"items": items, "seconds": measured.wall}
    return measured


def feed_big(args: argparse.Namespace, work: Path) -> list[str]:
    """Issue 12's feed targets, on one RSS file of N entries for each N of --feed-big:
    desk's peak RSS under 200 MB, faster than `newsboat -x reload` of the same
    file, and at least 0.2 of bare sqlite-utils insert + FTS of its entries."""
    sizes = [int(n) for n in args.feed_big.split(",") if n.strip()]
    lines = []
    for n in sizes:
        data = work / f"feed-big-{n}"
        files = generate("rss", args.corpus, data, n, n)
        size = files[0].stat().st_size / 2**20
        print(f"\n[rss] one file of {n:,} entries, {size:,.0f} MB")
        boat_wanted = not args.feed_big_desk_only and newsboat_available() is not None
        if not args.feed_big_desk_only and not boat_wanted:
            print("  newsboat not installed (apt-get install -y newsboat): baseline skipped")
        desks, boats = _feed_rounds(args.feed_big_rounds, data, files[0], work, boat_wanted)
        desk, boat = _middle(desks), (_middle(boats) if boats else None)
        solo: Measured | None = None
        if not args.feed_big_desk_only:
            solo = child(
                "desk", "rss", data, work / "feed-big-solo.desk", env={"DESK_FEED_WORKER": "0"}
            )
            _say("desk in one process (DESK_FEED_WORKER=0)", solo)
        bare: Measured | None = None
        if args.feed_big_bare != "no" and not args.feed_big_desk_only:
            bare = child("bare", "rss", data, work / "feed-big-bare.db")
            _say("bare sqlite-utils", bare)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
        lines.append(_feed_line(n, desk, solo, bare, boat) + _rounds_note(desks, boats))
    return lines


def _feed_rounds(
    rounds: int, data: Path, feed: Path, work: Path, boat_wanted: bool
) -> tuple[list[Measured], list[Measured]]:
    """desk (as it is) and newsboat, `rounds` times each, taking turns.

    On a shared machine one run of each can land in a slow minute for one
    and a quiet one for the other (measured here: desk 5,100 to 7,850
    items/s in one hour, newsboat 6,600 to 7,000). Taking turns, and
    starting with the other every second round, gives both the same
    minutes; `_middle` then compares the median runs.
    """
    desks: list[Measured] = []
    boats: list[Measured] = []
    for number in range(max(1, rounds)):
        order = ("desk", "newsboat") if number % 2 == 0 else ("newsboat", "desk")
        for who in order:
            if who == "desk":
                desks.append(child("desk", "rss", data, work / "feed-big.desk"))
                _say(f"desk (the parse worker with the fast path), round {number + 1}", desks[-1])
            elif boat_wanted:
                boat = run_newsboat(feed, work)
                boats.append(boat)
                if boat.returncode == 0:
                    print(
                        f"  newsboat -x reload, round {number + 1}: {boat.result['items']:,} "
                        f"items in {boat.wall:.1f} s ({boat.cpu:.1f} s CPU) = "
                        f"{_rate(boat):,.0f}/s; peak RSS {boat.peak_rss_mb:,.0f} MB"
                    )
    return desks, boats


def _middle(runs: list[Measured]) -> Measured:
    """The run of median rate (of an even number, the lower of the middle two); a
    failed run counts as the slowest."""
    ranked = sorted(runs, key=lambda m: _rate(m) if m.returncode == 0 else -1.0)
    return ranked[(len(ranked) - 1) // 2]


def _rounds_note(desks: list[Measured], boats: list[Measured]) -> str:
    if len(desks) < 2:
        return ""
    note = f" Median of {len(desks)} rounds taken in turns; desk " + ", ".join(
        _fmt_rate(_rate(m)) for m in desks
    )
    if boats:
        note += "; newsboat " + ", ".join(_fmt_rate(_rate(m)) for m in boats)
        ahead = sum(_rate(d) > _rate(b) for d, b in zip(desks, boats, strict=False))
        note += f"; desk ahead in {ahead} of {min(len(desks), len(boats))} rounds"
    return note + "."


def _feed_line(
    n: int,
    desk: Measured,
    solo: Measured | None,
    bare: Measured | None,
    boat: Measured | None,
) -> str:
    ok = desk.returncode == 0
    worker = desk.result.get("worker_rss_mb", 0) if ok else 0
    memory = ok and desk.peak_rss_mb + worker < ARRAY_TARGET_MB
    cpu = desk.result.get("cpu_seconds", 0) + desk.result.get("worker_cpu_seconds", 0)
    line = (
        f"One RSS file of {n:,} entries: desk {_fmt_rate(_rate(desk))}/s "
        f"({_fmt_rate(n / cpu if cpu else 0)} per CPU-second of both processes), peak RSS "
        f"{desk.peak_rss_mb:,.0f} MB + worker {worker:,.0f} MB"
    )
    if solo is not None and solo.returncode == 0:
        line += (
            f"; in one process (DESK_FEED_WORKER=0) {_fmt_rate(_rate(solo))}/s "
            f"({_fmt_rate(_cpu_rate(solo))} per CPU-second), {solo.peak_rss_mb:,.0f} MB"
        )
    verdicts = [f"peak RSS < {ARRAY_TARGET_MB} MB: {'met' if memory else 'NOT met'}"]
    if boat is not None and boat.returncode == 0:
        line += (
            f"; newsboat -x reload {_fmt_rate(_rate(boat))}/s "
            f"({_fmt_rate(n / boat.cpu if boat.cpu else 0)} per CPU-second), "
            f"{boat.peak_rss_mb:,.0f} MB"
        )
        verdicts.append(
            f"faster than newsboat: {'met' if _rate(desk) > _rate(boat) else 'NOT met'}"
        )
    else:
        line += "; newsboat not run"
    if bare is not None and bare.returncode == 0:
        ratio = _rate(desk) / _rate(bare) if _rate(bare) else 0.0
        line += f"; bare sqlite-utils {_fmt_rate(_rate(bare))}/s (ratio {ratio:.2f})"
        verdicts.append(
            f">= {FEED_BARE_RATIO} of bare: {'met' if ratio >= FEED_BARE_RATIO else 'NOT met'}"
        )
    return line + ". Targets (issue 12): " + "; ".join(verdicts) + "."


def long_line_memory(args: argparse.Namespace, work: Path) -> list[str]:
    """With --long-line MB: desk's peak RSS on a JSONL whose second line is
    that big (issue 12: a 1 GB line peaked at 3.2 GB)."""
    if not args.long_line:
        return []
    data = work / "long"
    files = generate_long_line(args.corpus, data, args.long_line)
    size = files[0].stat().st_size / 2**20
    print(f"\n[long-line] 3 statuses, the second {args.long_line:,} MB: {size:,.0f} MB file")
    desk = child("desk", "long-line", data, work / "long-line.desk")
    _say("desk", desk)
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
    rejected = desk.result.get("errors", ["?"])[0] if desk.returncode == 0 else "failed"
    return [
        f"A JSONL whose second line is {args.long_line:,} MB ({size:,.0f} MB file): desk "
        f"peak RSS {desk.peak_rss_mb:,.0f} MB (before ingesting "
        f"{desk.result.get('rss_before_mb', 0):,.0f} MB), {desk.result.get('items', 0)} items "
        f"in; the line: {rejected}."
    ]


def array_memory(args: argparse.Namespace, rows: list[Row], work: Path) -> list[str]:
    """The bounded-memory lines (issue 12): peak RSS of desk and of the bare
    baseline on one whole document of n records (a Mastodon or v1.1 array, a
    Telegram export), and of N with --array-big, for each such kind run."""
    figures: list[tuple[str, int, Measured, Measured | None, float]] = [
        (r.kind, r.n, r.desk, r.bare, 0.0) for r in rows if r.kind in WHOLE_DOCUMENTS
    ]
    kinds = [kind for kind in WHOLE_DOCUMENTS if any(r.kind == kind for r in rows)]
    for kind in kinds if args.array_big else []:
        data = work / "array-big"
        files = generate(kind, args.corpus, data, args.array_big, args.array_big)
        size = files[0].stat().st_size / 2**20
        print(f"\n[{kind}] one document of {args.array_big:,} records, {size:,.0f} MB")
        desk = child("desk", kind, data, work / f"{kind}-big.desk")
        _say("desk", desk)
        bare: Measured | None = None
        if args.array_big_bare != "no":
            bare = child("bare", kind, data, work / f"{kind}-big-bare.db")
            _say("bare sqlite-utils", bare)
        figures.append((kind, args.array_big, desk, bare, size))
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    lines = []
    for kind, n, desk, bare, size in figures:
        ok = desk.returncode == 0 and desk.peak_rss_mb < ARRAY_TARGET_MB
        baseline = (
            f"bare sqlite-utils (json.load of the file, as `sqlite-utils insert`) "
            f"{bare.peak_rss_mb:,.0f} MB, {_fmt_rate(_rate(bare))}/s"
            if bare is not None and bare.returncode == 0
            else "bare sqlite-utils not run"
        )
        megabytes = f", {size:,.0f} MB file" if size else ""
        lines.append(
            f"One {kind} document of {n:,} records{megabytes}: desk peak RSS "
            f"{desk.peak_rss_mb:,.0f} MB (before ingesting "
            f"{desk.result.get('rss_before_mb', 0):,.0f} MB), "
            f"{_fmt_rate(_rate(desk))}/s; {baseline}. Target (issue 12): desk < "
            f"{ARRAY_TARGET_MB} MB: {'met' if ok else 'NOT met'}."
        )
    return lines


def _say(label: str, m: Measured) -> None:
    if m.returncode != 0:
        return
    r = m.result
    extra = ""
    if "rejected" in r:
        extra = f", {r['duplicates']} dup, {r['links']} links, {r['rejected']} rejected"
        if r.get("errors"):
            extra += f" (first: {r['errors'][0]})"
    db = f"; db {r['db_mb']:,.0f} MB" if "db_mb" in r else ""
    if r.get("worker_cpu_seconds"):
        db += (
            f"; parse worker {r['worker_cpu_seconds']:.1f} s CPU, "
            f"peak RSS {r['worker_rss_mb']:,.0f} MB"
        )
    print(
        f"  {label}: {r['items']:,} items in {r['seconds']:.1f} s = {_rate(m):,.0f}/s "
        f"({r['cpu_seconds']:.1f} s CPU = {_cpu_rate(m):,.0f}/s); "
        f"peak RSS {m.peak_rss_mb:,.0f} MB (before {r['rss_before_mb']:,.0f} MB){db}{extra}"
    )


if __name__ == "__main__":
    main()
