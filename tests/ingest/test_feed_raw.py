"""A feed entry's raw copy is its own bytes in the file, and its ids come from them (issue 12).

Samples written from the RSS 2.0 specification (rssboard.org/rss-specification:
`<item>` in `<channel>`, `guid`, `isPermaLink`), RSS 1.0 (items beside the
channel in `rdf:RDF`) and Atom (RFC 4287: `atom:entry`, `xhtml` content), in
the encodings feeds arrive in.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import feedparser
import pytest

from db import Store
from desk.ingest.base import ParsedItem, Rejected, Source
from desk.ingest.formats import _feedjson, _feedkeys, _feedruns, _feedxml, feeds
from desk.ingest.formats._feedxml import FeedDocument, scan_spans
from desk.ingest.jsondocs import record_bytes
from desk.ingest.pipeline import ingest_bytes
from desk.ingest.urls import former_spelling

RSS_HEAD = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
    b"<channel><title>Desk</title><link>https://desk.example/</link>\n"
)
RSS_TAIL = b"\n</channel>\n</rss>\n"
ITEMS = [
    b"<item><title>Plain</title><guid>https://desk.example/1</guid></item>",
    b'<item><title a=">x">CDATA</title><description><![CDATA[<p>a </item> b</p>]]>'
    b"</description><guid>https://desk.example/2</guid></item>",
    b"<item/>",
    b"<item><title>Caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve</title>"
    b"<content:encoded>&lt;b&gt;bold&lt;/b&gt; &amp; &#233;</content:encoded></item>",
]


def parse(data: bytes) -> tuple[list[ParsedItem], list[Rejected]]:
    out = list(feeds.parse(Source("feed.xml", data=data)))
    return [i for i in out if isinstance(i, ParsedItem)], [
        r for r in out if isinstance(r, Rejected)
    ]


def rss(items: list[bytes], *, sep: bytes = b"\n") -> bytes:
    return RSS_HEAD + sep.join(items) + RSS_TAIL


def test_rss_items_keep_their_own_bytes() -> None:
    items, rejected = parse(rss(ITEMS))
    assert rejected == []
    assert [i.raw for i in items] == ITEMS
    assert all("raw_note" not in i.extra for i in items)
    assert b"</item>" in items[1].raw  # the CDATA's markup-looking text did not end it


def test_atom_entries_with_xhtml_content_and_prefixes() -> None:
    entries = [
        b"<entry><id>tag:desk.example,2024:1</id><title>One</title>"
        b'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        b"<p>a <b>b</b></p><entry>not an entry</entry></div></content></entry>",
        b"<atom:entry><atom:id>tag:desk.example,2024:2</atom:id><atom:title>Two</atom:title>"
        b"</atom:entry>",
    ]
    doc = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xmlns:atom="http://www.w3.org/2005/Atom"><title>F</title><id>tag:desk.example,2024:f</id>'
        + b"".join(entries)
        + b"</feed>"
    )
    items, _ = parse(doc)
    assert [i.raw for i in items] == entries
    assert [i.title for i in items] == ["One", "Two"]


def test_rss_1_0_items_beside_the_channel() -> None:
    item = (
        b'<item rdf:about="https://desk.example/r1"><title>R</title>'
        b"<link>https://desk.example/r1</link></item>"
    )
    doc = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://desk.example/">'
        b"<title>C</title><link>https://desk.example/</link></channel>" + item + b"</rdf:RDF>"
    )
    [entry], _ = parse(doc)
    assert entry.raw == item


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_entries_are_their_utf16_bytes(encoding: str) -> None:
    text = (
        '<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>F</title><entry><id>tag:e,2024:1</id><title>Ünïcode</title></entry></feed>"
    )
    data = text.encode(encoding)
    [entry], _ = parse(data)
    codec = "utf-16-be" if encoding.endswith("be") else "utf-16-le"
    assert entry.raw.decode(codec) == "<entry><id>tag:e,2024:1</id><title>Ünïcode</title></entry>"
    assert entry.title == "Ünïcode"


def test_legacy_encodings_and_a_byte_order_mark() -> None:
    latin = b"<item><title>Caf\xe9</title><guid>https://e/1</guid></item>"
    doc = (
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title>'
        + latin
        + b"</channel></rss>"
    )
    [item], _ = parse(doc)
    assert (item.raw, item.title) == (latin, "Café")
    [bom], _ = parse(b"\xef\xbb\xbf" + rss(ITEMS[:1]))
    assert bom.raw == ITEMS[0]


def test_a_broken_document_says_its_entries_were_not_located() -> None:
    """Bare `&`: feedparser's loose parser recovers it, expat does not; no bytes are guessed."""
    broken = rss([ITEMS[0], b"<item><title>AT&T</title></item>", ITEMS[1]])
    items, _ = parse(broken)
    assert [(i.title or "")[:4] for i in items] == ["Plai", "AT&T", "CDAT"]  # nothing lost
    for item in items:
        assert "not well-formed" in item.extra["raw_note"]
        assert isinstance(json.loads(item.raw), dict)  # feedparser's reading, as before


def test_entries_counted_otherwise_by_feedparser_are_not_paired() -> None:
    """An `<item>` inside an `<item>`: feedparser makes two entries of the markup's one."""
    nested = b"<item><title>a</title><item><title>b</title></item></item>"
    items, _ = parse(rss([nested, ITEMS[0]]))
    assert len(items) == 3
    for item in items:
        assert "feedparser read 3 entries where the markup has 2" in item.extra["raw_note"]


def test_hostile_text_is_cleaned_in_fields_and_kept_in_the_raw_bytes() -> None:
    hostile = (
        "<item><title>\x1b[31mred\x1b]8;;https://evil/\x07 [bold]x[/bold] \u202egnp.exe</title>"
        "<guid>https://e/h</guid></item>"
    ).encode()
    [item], _ = parse(rss([hostile]))
    assert item.title is not None and "\x1b" not in item.title and "\u202e" not in item.title
    assert item.raw == hostile  # the evidence as the file has it, control bytes and all


def test_a_huge_entry_and_an_empty_one() -> None:
    big = b"<item><title>big</title><description>" + b"x " * 2_000_000 + b"</description></item>"
    items, _ = parse(rss([big, b"<item/>"]))
    assert [len(i.raw) for i in items] == [len(big), len(b"<item/>")]


def test_a_truncated_feed_keeps_what_it_had() -> None:
    doc = rss(ITEMS)[: len(RSS_HEAD) + len(ITEMS[0]) + 20]
    items, _ = parse(doc)
    assert items and items[0].title == "Plain"
    assert "raw_note" in items[0].extra  # expat did not reach the end


# ---------------------------------------------------------------- ids from the bytes

REPEATED = [
    b"<item><title>first</title><guid>https://desk.example/same</guid></item>",
    b"<item><title>second</title><guid>https://desk.example/same</guid></item>",
]


def test_a_repeated_guid_is_made_unique_by_the_entrys_own_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = parse(rss(REPEATED))[0]
    assert first.platform_id == "https://desk.example/same"
    digest = hashlib.sha256(REPEATED[1]).hexdigest()[:12]
    assert second.platform_id == f"https://desk.example/same|{digest}"
    # whatever a parser makes of the entry, its id does not change
    monkeypatch.setattr(feeds, "_former_raw", lambda *args: b"another parser's reading")
    assert parse(rss(REPEATED))[0][1].platform_id == second.platform_id


def _old_repeated_id(data: bytes) -> str:
    """The id the second entry had before issue 12: the hash of feedparser's dict as JSON."""
    entry = feedparser.parse(io.BytesIO(data)).entries[1]
    guid = entry["id"]
    return f"{guid}|{hashlib.sha256(record_bytes(entry, default=str)).hexdigest()[:12]}"


def _ingest_the_old_way(store: Store, monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """A desk made before: raw was feedparser's dict, links spelled the former way."""
    with monkeypatch.context() as patch:
        patch.setattr(feeds, "_located", lambda *args: "(the old reader kept no bytes)")
        patch.setattr(_feedkeys, "link", lambda raw: former_spelling(raw, reader="feed"))
        assert ingest_bytes(store, data, name="feed.xml", actor="ann").new == 2


def test_a_desk_made_before_finds_its_repeated_guid_entry(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = rss(REPEATED)
    _ingest_the_old_way(store, monkeypatch, data)
    stored = {row[0] for row in store.conn.execute("SELECT platform_id FROM items")}
    assert stored == {"https://desk.example/same", _old_repeated_id(data)}
    again = ingest_bytes(store, data, name="feed.xml", actor="ann")
    assert (again.new, again.duplicates) == (0, 2)
    # it is the earlier key that finds it: without it, a second copy
    monkeypatch.setattr(feeds, "_unrepeated", lambda item, seen, former: _drop_earlier(item, seen))
    assert ingest_bytes(store, data, name="feed.xml", actor="ann").new == 1


_REAL_UNREPEATED = feeds._unrepeated


def _drop_earlier(item: ParsedItem, seen: feeds._Seen) -> ParsedItem:
    from dataclasses import replace

    made = _REAL_UNREPEATED(item, seen, lambda: item.raw)
    return replace(made, earlier_keys=())


def test_repeated_ids_are_told_apart_past_the_in_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past `_SEEN_IN_MEMORY` ids the seen ids move to disk: the same items."""
    entries = _many(6) + REPEATED + [REPEATED[1], REPEATED[0].replace(b"first", b"third")]
    small = parse(rss(entries))[0]
    monkeypatch.setattr(feeds, "_SEEN_IN_MEMORY", 3)
    spilled = parse(rss(entries))[0]
    assert [_fields(i) for i in spilled] == [_fields(i) for i in small]
    ids = [i.platform_id for i in small]
    assert ids[-3] == ids[-2]  # the byte-identical repeat stays a duplicate
    assert len({ids[-4], ids[-3], ids[-1]}) == 3  # the different ones are three


# ---------------------------------------------------------------- runs


def _fields(item: ParsedItem) -> tuple[object, ...]:
    return (
        item.raw,
        item.platform_id,
        item.url,
        item.title,
        item.text,
        item.posted,
        item.author_name,
        item.media,
        item.extra,
        item.record,
        item.earlier_keys,
    )


def _many(n: int) -> list[bytes]:
    return [
        f"<item><title>t{k}</title><link>http://Desk.example/{k}?utm_source=x</link>"
        f"<pubDate>Sun, 03 Mar 2024 10:{k % 60:02d}:00 +0100</pubDate>"
        f"<description>&lt;p&gt;body {k}&lt;/p&gt;</description></item>".encode()
        for k in range(n)
    ] + REPEATED


def test_a_feed_read_in_runs_gives_the_items_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = rss(_many(23))
    whole = parse(doc)[0]
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)  # here, in this process
    runs = parse(doc)[0]
    assert [_fields(i) for i in runs] == [_fields(i) for i in whole]
    assert len(runs) == 25 and runs[-1].platform_id != runs[-2].platform_id


def test_runs_parsed_by_a_worker_process_give_the_same_items_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 2)
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)  # started before the scan
    monkeypatch.setenv("DESK_FEED_WORKER", "0")  # off: here
    here = parse(doc)[0]
    monkeypatch.setenv("DESK_FEED_WORKER", "1")
    spawned: list[bool] = []
    real = _feedruns.RunParsers.__init__

    def watch(self: _feedruns.RunParsers[Any], wanted: bool, read: Any) -> None:
        real(self, wanted, read)
        spawned.append(self.pool is not None)

    monkeypatch.setattr(_feedruns.RunParsers, "__init__", watch)
    there = parse(doc)[0]
    assert spawned == [os.cpu_count() not in (None, 1)]
    assert [_fields(i) for i in there] == [_fields(i) for i in here]


@pytest.mark.parametrize("worker_busy", [True, False])
def test_runs_shared_between_the_worker_and_this_process_keep_their_order(
    monkeypatch: pytest.MonkeyPatch, worker_busy: bool
) -> None:
    """While the worker is on the run wanted next, this process parses the following
    runs itself; every item still comes once, in document order."""
    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 2)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 2)
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("DESK_FEED_WORKER", "0")
    here = parse(doc)[0]
    monkeypatch.setenv("DESK_FEED_WORKER", "1")
    submitted: list[int] = []
    real_submit = _feedruns.RunParsers._submit

    def submit(self: _feedruns.RunParsers[Any], run: Any, note: str | None) -> Any:
        submitted.append(run.first)
        return real_submit(self, run, note)

    monkeypatch.setattr(_feedruns.RunParsers, "_submit", submit)
    monkeypatch.setattr(_feedruns, "_busy", lambda waiting: worker_busy)
    there = parse(doc)[0]
    assert [_fields(i) for i in there] == [_fields(i) for i in here]
    runs = range(0, len(_many(23)), 2)  # each run's first entry, 2 a run
    local = sorted(set(runs) - set(submitted))
    if worker_busy:
        assert local, "no run was parsed here while the worker was busy"
    else:
        assert not local and sorted(submitted) == list(runs)


def test_a_large_file_with_few_entries_lets_its_early_worker_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The worker starts before the entries are counted (by the file's size); too few
    entries and the runs are parsed here after all, with the same items."""
    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)  # 25 entries: not enough
    monkeypatch.setenv("DESK_FEED_WORKER", "0")
    here = parse(doc)[0]
    monkeypatch.setenv("DESK_FEED_WORKER", "1")
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    started: list[bool] = []
    stopped: list[bool] = []
    real_init, real_stop = _feedruns.RunParsers.__init__, _feedruns.RunParsers.stop

    def watch(self: _feedruns.RunParsers[Any], wanted: bool, read: Any) -> None:
        real_init(self, wanted, read)
        started.append(self.pool is not None)

    def stop(self: _feedruns.RunParsers[Any]) -> None:
        real_stop(self)
        stopped.append(self.pool is None)

    monkeypatch.setattr(_feedruns.RunParsers, "__init__", watch)
    monkeypatch.setattr(_feedruns.RunParsers, "stop", stop)
    there = parse(doc)[0]
    assert started == [True] and stopped == [True]
    assert [_fields(i) for i in there] == [_fields(i) for i in here]


@pytest.mark.parametrize(
    ("parser", "asked", "spawns"),
    [
        ("auto", None, True),  # the default with the fast path: the worker
        ("feedparser", None, False),  # feedparser alone: opt-in
        ("feedparser", "1", True),
        ("auto", "0", False),
    ],
)
def test_the_worker_is_the_default_with_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, parser: str, asked: str | None, spawns: bool
) -> None:
    pytest.importorskip("feedparser_rs")
    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 2)
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)  # started before the scan
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("DESK_FEED_PARSER", parser)
    if asked is None:
        monkeypatch.delenv("DESK_FEED_WORKER", raising=False)
    else:
        monkeypatch.setenv("DESK_FEED_WORKER", asked)
    spawned: list[bool] = []
    real = _feedruns.RunParsers.__init__

    def watch(self: _feedruns.RunParsers[Any], wanted: bool, read: Any) -> None:
        real(self, wanted, read)
        spawned.append(self.pool is not None)

    monkeypatch.setattr(_feedruns.RunParsers, "__init__", watch)
    assert len(parse(doc)[0]) == 25
    assert spawned == [spawns]


def test_an_irregular_feed_is_read_whole() -> None:
    """A comment between items: not cut, so nothing between entries can be lost."""
    data = rss(_many(9), sep=b"\n<!-- between -->\n")
    doc = FeedDocument.from_bytes(data)
    spans = scan_spans(doc.chunks())
    assert spans is not None and not spans.regular
    assert len(list(doc.runs(spans, 2))) == 1
    assert len(parse(data)[0]) == 11


def test_a_large_file_is_read_in_runs_from_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Past STREAM_BYTES the file is never read whole: the same items as from memory."""
    data = rss(_many(40))
    path = tmp_path / "big.xml"
    path.write_bytes(data)
    from_memory = parse(data)[0]
    monkeypatch.setattr(feeds, "STREAM_BYTES", 1000)
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 7)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)
    monkeypatch.setattr(_feedxml, "_CHUNK", 512)
    reads: list[int] = []
    real_read = FeedDocument.whole
    monkeypatch.setattr(FeedDocument, "whole", lambda self: reads.append(1) or real_read(self))
    out = list(feeds.parse(Source("big.xml", path=path)))
    from_disk = [i for i in out if isinstance(i, ParsedItem)]
    assert [_fields(i) for i in from_disk] == [_fields(i) for i in from_memory]
    assert reads == []  # never whole


def test_a_run_feedparser_reads_nothing_of_is_rejected_entry_by_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = rss(_many(10))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)
    real = feeds._feedparse
    calls: list[int] = []

    def second_run_empty(data: bytes) -> object:
        calls.append(1)
        parsed = real(data)
        if len(calls) == 2:
            parsed["entries"] = []
        return parsed

    monkeypatch.setattr(feeds, "_feedparse", second_run_empty)
    items, rejected = parse(doc)
    assert [i.record for i in items] == [1, 2, 3, 4, 9, 10, 11, 12]
    assert [r.record for r in rejected] == [5, 6, 7, 8]
    assert all(r.reason.startswith("entry not read: ") for r in rejected)


def test_deep_nesting_inside_an_entry_keeps_its_span() -> None:
    """100 000 nested elements in an Atom xhtml content: expat keeps no recursion."""
    deep = b"<div>" * 100_000 + b"x" + b"</div>" * 100_000
    entry = (
        b"<entry><id>tag:e,2024:deep</id><title>deep</title><content type='xhtml'>"
        b"<div xmlns='http://www.w3.org/1999/xhtml'>" + deep + b"</div></content></entry>"
    )
    doc = b"<feed xmlns='http://www.w3.org/2005/Atom'><title>f</title>" + entry + b"</feed>"
    spans = scan_spans(FeedDocument.from_bytes(doc).chunks())
    assert spans is not None and doc[spans.starts[0] : spans.ends[0]] == entry
    items, rejected = parse(doc)
    assert len(items) + len(rejected) == 1  # read or refused in one line, never a crash


def test_a_worker_that_dies_leaves_the_runs_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed or out of memory: the runs it held are parsed here, nothing lost."""
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)
    here = parse(doc)[0]
    monkeypatch.setattr(feeds, "WORKER_RUNS", 2)
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)  # started before the scan
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("DESK_FEED_WORKER", "1")

    def broken(self: ProcessPoolExecutor, *args: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("worker killed"))
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", broken)
    assert [_fields(i) for i in parse(doc)[0]] == [_fields(i) for i in here]


# --- JSON Feed items: their own bytes too ----------------------------------------------------

JSON_FEED = """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Valley Watch",
  "items": [
    {
      "id": "vw-1",
      "url": "https://valley.example/a",
      "content_text": "Água sobre a ponte"
    },
    {"content_html":"<p>No id, no link: known by its bytes</p>"}
  ]
}
""".encode()


def test_a_json_feed_item_keeps_its_own_bytes() -> None:
    """Written as the file has it (indented, non-ASCII as UTF-8), not a canonical dump."""
    items, rejected = parse(JSON_FEED)
    assert rejected == []
    assert items[0].raw == (
        b'{\n      "id": "vw-1",\n      "url": "https://valley.example/a",\n'
        b'      "content_text": "\xc3\x81gua sobre a ponte"\n    }'
    )
    assert items[1].raw == b'{"content_html":"<p>No id, no link: known by its bytes</p>"}'
    assert items[1].raw != record_bytes(json.loads(items[1].raw))  # not what a dump would be
    assert json.loads(items[0].raw)["content_text"] == "Água sobre a ponte"


def test_a_json_feed_stored_as_dumps_is_found_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desk that stored JSON Feed items as canonical dumps (before issue 12) gets nothing new
    from the same file: the item with neither id nor link is found by its former raw copy."""
    with Store(tmp_path / "d.desk", create=True) as store:
        with monkeypatch.context() as patch:
            patch.setattr(_feedjson, "member_element_bytes", lambda *args: None)
            first = ingest_bytes(store, JSON_FEED, "feed.json", actor="t")
        assert first.new == 2
        before = store.item(first.item_ids[1]).raw_sha256
        again = ingest_bytes(store, JSON_FEED, "feed.json", actor="t")
        assert (again.new, again.duplicates) == (0, 2)
        assert store.item(first.item_ids[1]).raw_sha256 == before


def test_span_offsets_past_4_gib_widen_the_arrays() -> None:
    """Offsets are kept in 4 bytes while they fit, in 8 past 4 GiB, with none lost."""
    scan = _feedxml._Scan(None, 0)
    scan.starts.extend([1, 2])
    scan.ends.extend([3, 4])
    scan._offset(0xFFFFFFFF)
    assert scan.starts.typecode == "I"
    scan._offset(1 << 33)
    scan.starts.append(1 << 33)
    assert scan.starts.typecode == "q" and scan.ends.typecode == "q"
    assert list(scan.starts) == [1, 2, 1 << 33] and list(scan.ends) == [3, 4]


def test_a_worker_replaced_after_its_runs_gives_the_same_items(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh worker every two runs (bounded memory): same items, same order."""
    doc = rss(_many(23))
    monkeypatch.setattr(feeds, "RUN_ENTRIES", 4)
    monkeypatch.setattr(feeds, "WORKER_RUNS", 100)
    here = parse(doc)[0]
    monkeypatch.setattr(feeds, "WORKER_RUNS", 2)
    monkeypatch.setattr(feeds, "WORKER_BYTES", 0)  # started before the scan
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setenv("DESK_FEED_WORKER", "1")
    monkeypatch.setattr(_feedruns.RunParsers, "_RUNS_PER_WORKER", 2)
    pools: list[object] = []
    real = _feedruns.RunParsers._new_pool

    def counted(module: str) -> object:
        pools.append(real(module))
        return pools[-1]

    monkeypatch.setattr(_feedruns.RunParsers, "_new_pool", staticmethod(counted))
    assert [_fields(i) for i in parse(doc)[0]] == [_fields(i) for i in here]
    assert len(pools) == 4  # 25 entries: seven runs of four, two runs a worker
