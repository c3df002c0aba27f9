"""Fuzz every ingest parser (issue 12): mutated real files in, no uncaught exception out.

What is fuzzed
--------------

One target per format of `desk/ingest/registry.py` (its `NAME`: `twitter-v2`,
`mastodon`, `feed`, `text`, `desk-md`, `html` …), plus `detect`: arbitrary
bytes through what `desk ingest` does without a `--format` (the pipeline's
`_detect`, then the parser it picks, or `_why_unknown` when none does;
every format's `detect()` is called on it too), and `ingest`: the same bytes
through `ingest_source` into a scratch desk, so the writer sees every item
(an exception out of `ingest_source`, which never raises for bad content,
is a failure there).

Each input is a seed mutated one to four times. Seeds are the corpus files of
that format (`../shared/corpus` or `$DESK_CORPUS`; which file is which
format's is read from the corpus tables of `tests/ingest/test_corpus_tables.py`),
the samples in `tests/ingest/data` and `tests/export/golden`, and a few
inline ones for the formats the corpus lacks; one input in sixteen starts
from another format's seed (a parser is also run by `--format` on any file).
Mutations are byte-level (bit flip, interesting byte, hostile token
inserted, range deleted or repeated, splice with another seed, truncation)
and structure-aware: JSON values replaced by huge numbers, integers past
Python's 4300-digit limit, deep nesting, wrong types, lone surrogates, NUL,
terminal escapes, Rich markup, bidi overrides, huge strings; XML DOCTYPEs
with entity expansion and external entities, XInclude, numeric character
references to controls and surrogates, deep nesting, wrong encoding
declarations; CSV quoting (unbalanced quotes, newlines in fields, fields over
the csv module's 128 KiB limit, NUL).

Engines: `hypothesis` (the default: the inputs are drawn by a composite
strategy under `@given`, generate phase only, no database, seeded with
`--seed`, so a run is repeatable) and `atheris` (libFuzzer, coverage-guided
over `desk`, with these mutations as its custom mutator; `make fuzz` puts
it in bench/out/atheris-lib for this job only, it is no desk dependency).

What counts as a failure
------------------------

- any exception escaping the parser's `parse()` generator or a format's
  `detect()` (a bad record must be a `Rejected`, a record without a post a
  `Skipped`); `registry.detect` and the pipeline hide both, so only the
  fuzzer sees them;
- a `ParsedItem` that breaks what reaches a terminal or the store: a str
  field with a terminal escape, a C0/C1 control, a bidi override or a lone
  surrogate (the characters `desk.text.strip_escapes` removes), a newline in
  a one-line field (author, handle, title, id, URL, language, media URL),
  a `posted.at` that is not
  `YYYY-MM-DDTHH:MM:SSZ` or an unknown precision, `raw` not bytes, `extra`
  that the writer cannot store;
- a hang: more than `--timeout` seconds (2 by default) for one input (an
  interval timer raises inside the parser; a child that stops reporting
  for 30 s past that is killed by the parent and the input it was on is
  the hang).

Each target runs in a child process (memory capped at 3 GB, so a blow-up is
a `MemoryError`, reported). Failures are grouped by exception type and top
frame (the innermost frame in `desk/`); the first inputs of each group are
saved to `bench/out/fuzz/<target>/`, with a minimized copy (`*.min.bin`,
delta debugging that keeps the same group). `bench/fuzz.py --replay FILE`
runs one saved input again and prints its traceback or broken invariant.

Usage: `python bench/fuzz.py [--targets a,b] [-n 100000] [--seconds S]
[--seed 0] [--engine hypothesis|atheris] [--jobs 1]`; `--measure` runs 300
inputs per target and prints inputs/s, to budget a run. The table printed at
the end: target, inputs, failures by group, inputs/s.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import os
import random
import re
import resource
import select
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("DESK_FUZZ_OUT", ROOT / "bench" / "out" / "fuzz"))  # where inputs go
ATHERIS_LIB = ROOT / "bench" / "out" / "atheris-lib"
MEMORY_LIMIT = 3 * 1024**3
STALL_SECONDS = 30.0
MAX_INPUT = 1 << 20
SAVED_PER_GROUP = 3

# --------------------------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------------------------

_INLINE: dict[str, list[bytes]] = {
    "text": [
        b"Water is over the Mill Street bridge now. Stay off the east road.\n",
        "Flooding live: what we know\n\nThe river rose overnight.\n\n"
        "Water is over the Mill Street bridge now. Stay off the east road. "
        "pic.twitter.com/AbC123\n\u2014 Valley Watch (@valley_watch) March 3, 2024\n\n"
        "More prose from the reporter.\n\n"
        "Evacuation ordered for the east bank https://t.co/xyz\n"
        "&mdash; County EM (@countyem) March 4, 2024 at 10:15 AM\n\n"
        "Shelter at the school. https://mastodon.social/@city/112233445566\n"
        "-- City (@city@mastodon.social) 4 March 2024\n".encode(),
    ],
    "jetstream": [
        b'{"did":"did:plc:abc","time_us":1725911162329308,"kind":"commit","commit":'
        b'{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.post",'
        b'"rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.post",'
        b'"createdAt":"2024-09-09T19:46:02.102123456+00:00","langs":["en"],'
        b'"text":"hello"},"cid":"bafyrei"}}\n',
    ],
}


@dataclass
class Seeds:
    """The seeds of one target, smallest first, and every seed (for cross-format starts)."""

    own: list[bytes]
    everything: list[bytes]


def _corpus_dir() -> Path:
    return Path(os.environ.get("DESK_CORPUS", ROOT.parent / "shared" / "corpus"))


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data else None


def load_seeds(target: str) -> Seeds:
    """The corpus files of the target's format, the test samples, the inline seeds."""
    sys.path.insert(0, str(ROOT))
    from tests.ingest.test_corpus_tables import ALL_CASES  # the file -> format tables

    corpus = _corpus_dir()
    by_format: dict[str, list[bytes]] = {}
    for case in ALL_CASES:
        if case.part:
            continue
        data = _read(corpus / case.file)
        if data is not None:
            by_format.setdefault(case.format, []).append(data)
    data_dir = ROOT / "tests" / "ingest" / "data"
    prefixes = {"jetstream": "jetstream", "mastodon-stream": "mastodon", "twitwi": "twitwi-csv"}
    for path in sorted(data_dir.glob("*")):
        for prefix, fmt in prefixes.items():
            if path.name.startswith(prefix) and (data := _read(path)) is not None:
                by_format.setdefault(fmt, []).append(data)
    for path in sorted((ROOT / "tests" / "export" / "golden").glob("*.md")):
        if (data := _read(path)) is not None:
            by_format.setdefault("desk-md", []).append(data)
    for fmt, inline in _INLINE.items():
        by_format.setdefault(fmt, []).extend(inline)
    everything = sorted({d for seeds in by_format.values() for d in seeds}, key=len)
    own = (
        everything
        if target in ("detect", "ingest")
        else sorted(set(by_format.get(target, [])), key=len)
    )
    if not own:
        own = everything
    return Seeds(own=own, everything=everything)


# --------------------------------------------------------------------------------------------
# Mutations
# --------------------------------------------------------------------------------------------

TOKENS: tuple[bytes, ...] = (
    b"\x00",
    b"\x1b[31m",
    b"\x1b[2J",
    b"\x1b]8;;http://evil.example/\x1b\\",
    b"\x1b]52;c;ZXZpbA==\x07",
    b"\x1b]0;title",
    b"\xc2\x9b31m",
    b"\xc2\x9d0;x\xc2\x9c",
    "\u202e".encode(),
    "\u2066\u2069".encode(),
    "\u200b".encode(),
    "\ufeff".encode(),
    "\u2028".encode(),
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\xfe\xff\x00",
    b"\xef\xbb\xbf",
    b"\xc0\xaf",
    b"\x85",
    b"\x80",
    b"[bold red]",
    b"[/]",
    b"[link=http://evil.example]x[/link]",
    b"\\ud800",
    b"\\udfff",
    b"\\ud83d\\ude00",
    b"\\u0000",
    b"\\u001b[31m",
    b"\\u202e",
    b"\\",
    b"&#27;",
    b"&#0;",
    b"&#xD800;",
    b"&#x202e;",
    b"&#1114112;",
    b"&mdash;",
    b"&amp;",
    b"&undefined;",
    b"\r",
    b"\r\n",
    b"\n",
    b"\t",
    b'"',
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"<",
    b">",
    b"&",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<br>",
    b"<script>alert(1)</script>",
    b"1e999",
    b"-0",
    b"NaN",
    b"Infinity",
    b"1" * 40,
    b"9" * 5000,
    "\u2014".encode(),
    "\n\u2014 Name (@handle) March 3, 2024\n".encode(),
    b"\n-- x (@y) 31 February 2024\n",
    b" pic.twitter.com/abc",
    b" https://twitter.com/a/status/123",
    b" https://x.com/i/web/status/99999999999999999999999999",
    b"Monday",
    b"0000-00-00T00:00:00Z",
    b"9999-12-31T23:59:60+25:00",
    b"Seg, 24 Set 2018 19:42:40 -0300",
    b"PST",
    b"\n\n\n",
    b" " * 64,
    "\U0001f600".encode(),
    "\u0301\u0301\u0301".encode(),
    "\u05d0\u05d1".encode(),
)
INTERESTING_BYTES = b"\x00\x01\x1b\x7f\x80\x9b\xc0\xed\xef\xfe\xff\"\\<>&,\n\r{}[]:'"

_DEEP = "\u2063DEEP\u2063"
_HUGE_INT = "\u2063HUGEINT\u2063"
_JSON_VALUES: tuple[Any, ...] = (
    10**30,
    -(10**30),
    2**63,
    2**64 + 1,
    -1,
    0,
    1.5,
    1e308,
    -0.0,
    True,
    False,
    None,
    "",
    [],
    {},
    [None],
    {"": None},
    "x" * 200_000,
    "\ud800",
    "a\udfffb",
    "\ud83d",
    "a\u0000b",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x9b2J",
    "[bold red]markup[/]",
    "[link=http://evil.example]x[/link]",
    "\u202eevil\u202c",
    "\u2066x",
    "line\nbreak\r\nand\ttab",
    "   ",
    "\u200b",
    "<b>html</b>&#27;[31m&#0;",
    "2026-13-45T99:99:99Z",
    "Monday",
    "Seg, 24 Set 2018 19:42:40 -0300",
    "Mon Jan 01 00:00:00 PST 2024",
    "1700000000.123456789",
    "-99999999999",
    "9999999999999999999999",
    "0",
    "null",
    "http://",
    "javascript:alert(1)",
    "https://Example.COM/a/b?utm_source=x&id=3#frag",
    "did:plc:" + "a" * 40,
    "at://did:plc:x/app.bsky.feed.post/",
    _DEEP,
    _HUGE_INT,
)


def _walk(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, (*path, i))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _set(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    _get(root, path[:-1])[path[-1]] = new
    return root


def _dump(value: Any, rnd: random.Random) -> bytes:
    ascii_only = rnd.random() < 0.5
    text = json.dumps(value, ensure_ascii=ascii_only, indent=rnd.choice((None, None, 1)))
    if _DEEP in text:
        depth = rnd.choice((64, 1000, 5000, 100_000))
        opener, closer = rnd.choice((("[", "]"), ('{"a":', "}")))
        text = text.replace(
            json.dumps(_DEEP, ensure_ascii=ascii_only), opener * depth + closer * depth
        )
    if _HUGE_INT in text:
        text = text.replace(json.dumps(_HUGE_INT, ensure_ascii=ascii_only), "7" * 5000)
    return text.encode("utf-8", "surrogatepass")


def _json_mutate_value(value: Any, rnd: random.Random, donor: Any) -> Any:
    paths = list(_walk(value))
    path = rnd.choice(paths)
    node = _get(value, path)
    choice = rnd.random()
    if choice < 0.55:
        return _set(value, path, rnd.choice(_JSON_VALUES))
    if choice < 0.65 and isinstance(node, dict) and node:
        del node[rnd.choice(list(node))]
        return value
    if choice < 0.72 and isinstance(node, str):  # wrong type, same content
        return _set(value, path, rnd.choice(([node], {"value": node}, len(node))))
    if choice < 0.8 and isinstance(node, str):
        hostile = rnd.choice(_JSON_VALUES[18:34])
        cut = rnd.randrange(len(node) + 1)
        return _set(value, path, node[:cut] + str(hostile) + node[cut:])
    if choice < 0.88 and donor is not None:  # a value from another record
        donor_paths = list(_walk(donor))
        return _set(value, path, _get(donor, rnd.choice(donor_paths)))
    if choice < 0.94:
        return _set(value, path, [node, node])
    return _set(value, path, {"wrapped": node})


def _as_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def mutate_json(data: bytes, rnd: random.Random, other: bytes) -> bytes:
    """A JSON document or one JSONL line with one value replaced by something hostile."""
    doc = _as_json(data) if len(data) < 300_000 else None
    donor = _as_json(other) if len(other) < 300_000 else None
    if doc is not None:
        return _dump(_json_mutate_value(doc, rnd, donor), rnd)
    lines = data.split(b"\n")
    for _ in range(3):
        i = rnd.randrange(len(lines))
        line = _as_json(lines[i])
        if line is not None:
            lines[i] = _dump(_json_mutate_value(line, rnd, donor), rnd).replace(b"\n", b" ")
            if rnd.random() < 0.2:
                lines.insert(i, lines[i])
            return b"\n".join(lines)
    return mutate_bytes(data, rnd, other)


_DOCTYPES: tuple[bytes, ...] = (
    b'<!DOCTYPE x [<!ENTITY a "' + b"A" * 10_000 + b'">]>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>',
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE x SYSTEM "http://evil.example/x.dtd">',
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
    b'<!DOCTYPE x [<!ENTITY e "\x1b[31m&#27;[2J">]>',
    b"<!DOCTYPE html>",
    b"<!DOCTYPE x [",
)
_XML_BITS: tuple[bytes, ...] = (
    b"&a;",
    b"&f;",
    b"&xxe;",
    b"&e;",
    b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
    b' href="file:///etc/passwd" parse="text"/>',
    b"&#27;[31m",
    b"&#x1b;]52;c;ZXZpbA==&#7;",
    b"&#xD800;",
    b"&#0;",
    b"&#x202e;",
    b"<![CDATA[\x1b[31m<b>x</b>]]>",
    b"<" + b"a>" * 1 + b"<a>" * 5000,
    b"</x>",
    b"<?xml-stylesheet href='x'?>",
    b'<link href="http://a.example/?a=1&amp;b=2"/>',
    b"<author><name></name><email>a@b.example</email></author>",
    b"<dc:creator/>",
    b"<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>",
    b"<pubDate>Monday</pubDate>",
    b"<updated>99999-01-01T00:00:00Z</updated>",
    b"<guid></guid>",
)
_ENCODING_DECLS = (b"UTF-16", b"utf-32", b"bogus-enc", b"windows-1251", b"ISO-8859-1", b"")


def mutate_xml(data: bytes, rnd: random.Random, other: bytes) -> bytes:
    """An XML or HTML document with a DOCTYPE trick, an entity, a hostile node or encoding."""
    choice = rnd.random()
    if choice < 0.3:
        doctype = rnd.choice(_DOCTYPES)
        end = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
        data = data[:end] + doctype + data[end:]
        if rnd.random() < 0.7:
            return _insert_in_text(data, rnd, rnd.choice(_XML_BITS[:4]))
        return data
    if choice < 0.4 and data.startswith(b"<?xml"):
        return re.sub(
            rb'encoding=["\'][^"\']*["\']',
            b'encoding="' + rnd.choice(_ENCODING_DECLS) + b'"',
            data,
            count=1,
        )
    if choice < 0.45:
        return data.decode("utf-8", "replace").encode(rnd.choice(("utf-16", "utf-32", "utf-16-be")))
    return _insert_in_text(data, rnd, rnd.choice(_XML_BITS + TOKENS[:40]))


def _insert_in_text(data: bytes, rnd: random.Random, bit: bytes) -> bytes:
    gaps = [m.end() for m in re.finditer(rb">", data[:400_000])]
    at = rnd.choice(gaps) if gaps else rnd.randrange(len(data) + 1)
    return data[:at] + bit + data[at:]


_CSV_BITS: tuple[bytes, ...] = (
    b'"',
    b'""',
    b'"a\nb"',
    b'"a\r\nb\rc"',
    b'"' + b"x" * 140_000 + b'"',
    b"x" * 140_000,
    b",,,,,,,,,,,,,,,,,,,,",
    b"\x00",
    b'","',
    b"\n",
    b"\r",
    b";",
    b"\t",
    b"\xef\xbb\xbf",
    b"1e400",
    b"-1",
    b"nan",
    b"1700000000.5",
    b"99999999999999999999",
)


def mutate_csv(data: bytes, rnd: random.Random, other: bytes) -> bytes:
    """A CSV with a quoting trick, a huge field, a NUL, a short or long row."""
    lines = data.split(b"\n")
    i = rnd.randrange(len(lines))
    line = lines[i]
    commas = [m.start() for m in re.finditer(rb",", line)] or [0]
    at = rnd.choice(commas) + rnd.choice((0, 1))
    choice = rnd.random()
    if choice < 0.6:
        line = line[:at] + rnd.choice(_CSV_BITS) + line[at:]
    elif choice < 0.75:
        line = line[:at]  # a short row
    elif choice < 0.85:
        line = line + b"," * rnd.randrange(1, 50)
    else:  # one field replaced
        cells = line.split(b",")
        cells[rnd.randrange(len(cells))] = rnd.choice(_CSV_BITS + TOKENS[:30])
        line = b",".join(cells)
    lines[i] = line
    if rnd.random() < 0.05:
        return b"\r".join(lines)
    return b"\n".join(lines)


def mutate_bytes(data: bytes, rnd: random.Random, other: bytes) -> bytes:
    """One byte-level mutation: flip, set, insert, delete, repeat, splice or truncate."""
    buf = bytearray(data)
    n = len(buf)
    op = rnd.randrange(9)
    at = rnd.randrange(n + 1) if n else 0
    if op == 0 and n:
        buf[min(at, n - 1)] ^= 1 << rnd.randrange(8)
    elif op == 1 and n:
        buf[min(at, n - 1)] = rnd.choice(INTERESTING_BYTES)
    elif op in (2, 3):
        token = rnd.choice(TOKENS)
        repeat = rnd.choice((1, 1, 1, 2, 10, 1000))
        buf[at:at] = token * repeat
    elif op == 4 and n:
        buf[at : at + rnd.randrange(1, max(2, min(n, 4096)))] = b""
    elif op == 5 and n:
        size = rnd.randrange(1, max(2, min(n, 256)))
        buf[at:at] = buf[at : at + size] * rnd.choice((2, 10, 100))
    elif op == 6 and other:
        cut = rnd.randrange(len(other) + 1)
        return bytes(buf[:at]) + other[cut:]
    elif op == 7:
        return bytes(buf[:at])
    else:
        buf[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 16)))
    return bytes(buf)


def _kind(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "xml"
    first = head.split(b"\n", 1)[0]
    if first.count(b",") >= 3:
        return "csv"
    return "text"


_STRUCTURED: dict[str, Callable[[bytes, random.Random, bytes], bytes]] = {
    "json": mutate_json,
    "xml": mutate_xml,
    "csv": mutate_csv,
    "text": mutate_bytes,
}


def mutate(data: bytes, other: bytes, rnd: random.Random, structured: bool) -> bytes:
    """One mutation of the kind the data looks like (or byte-level), capped at MAX_INPUT."""
    if structured:
        out = _STRUCTURED[_kind(data)](data, rnd, other)
    else:
        out = mutate_bytes(data, rnd, other)
    return out[:MAX_INPUT]


# --------------------------------------------------------------------------------------------
# Running one input, and what counts as a failure
# --------------------------------------------------------------------------------------------


class Hang(BaseException):  # a BaseException: a parser's `except Exception` cannot eat it
    """The per-input time limit went off."""


@dataclass(frozen=True)
class Failure:
    """What went wrong with one input: its group (kind and place) and the detail."""

    kind: str
    where: str
    detail: str

    @property
    def group(self) -> str:
        return f"{self.kind} @ {self.where}"


_ONE_LINE_FIELDS = ("platform", "kind", "platform_id", "url", "author_handle", "author_url", "lang")
_NAME_FIELDS = ("author_name", "title")
_PRECISIONS = {"second", "minute", "hour", "day", "month", "year"}
_POSTED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def _dirty(value: str) -> bool:
    from desk.text import strip_escapes

    return strip_escapes(value) != value


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(key, f"{where}.<key>")
            yield from _strings(child, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _strings(child, f"{where}[]")


def item_problem(item: Any) -> str | None:
    """The first invariant a ParsedItem breaks, or None; see the module docstring."""
    from db.writer import _json_text

    if not isinstance(item.raw, bytes):
        return f"raw is {type(item.raw).__name__}, not bytes"
    for name in ("text", *_ONE_LINE_FIELDS, *_NAME_FIELDS):
        value = getattr(item, name)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} is {type(value).__name__}"
        if _dirty(value):
            return f"{name} holds an escape, control, bidi or surrogate character: {value[:80]!r}"
        if name != "text" and ("\n" in value or "\r" in value):
            return f"{name} has a line break: {value[:80]!r}"
    if not isinstance(item.platform, str) or not item.platform:
        return "no platform"
    if item.platform_id is not None and not item.platform_id.strip():
        return "blank platform_id"
    if item.posted is not None:
        if not _POSTED.match(str(item.posted.at)):
            return f"posted.at {item.posted.at!r} is not YYYY-MM-DDTHH:MM:SSZ"
        if item.posted.precision not in _PRECISIONS:
            return f"posted.precision {item.posted.precision!r}"
    for media in item.media:
        for where, value in _strings((media.url, media.type), "media"):
            if _dirty(value) or "\n" in value:
                return f"{where} not clean: {value[:80]!r}"
        if media.alt is not None and _dirty(media.alt):  # alt text may have line breaks
            return f"media.alt not clean: {media.alt[:80]!r}"
    for ref in item.refs:
        for where, value in _strings((ref.relation, ref.platform, ref.platform_id, ref.url), "ref"):
            if _dirty(value) or "\n" in value:
                return f"{where} not clean: {value[:80]!r}"
    for where, value in _strings(item.extra, "extra"):
        if re.search("[\ud800-\udfff]", value):
            return f"{where} holds a lone surrogate (the store cannot encode it)"
    try:
        _json_text(item.extra).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return f"extra cannot be stored: {type(exc).__name__}: {exc}"
    return None


def _top_frame(tb: Any) -> str:
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f"{os.sep}desk{os.sep}" in f.filename]
    frame = (ours or frames)[-1] if frames else None
    if frame is None:
        return "?"
    name = Path(frame.filename)
    try:
        name = name.relative_to(ROOT)
    except ValueError:
        name = Path(name.name)
    return f"{name}:{frame.lineno} {frame.name}"


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def _consume(module: ModuleType, data: bytes, failures: list[Failure]) -> None:
    from desk.ingest.base import ParsedItem, Rejected, Skipped, Source

    source = Source("fuzz-input", data=data, captured_at="2026-01-01T00:00:00.000000Z")
    for out in module.parse(source):
        if isinstance(out, ParsedItem):
            problem = item_problem(out)
            if problem is not None:
                # grouped by the field at fault: "bad item @ text: posted.at"
                where = f"{module.NAME}: {problem.split(' ', 1)[0]}"
                failures.append(Failure("bad item", where, problem))
        elif isinstance(out, Rejected | Skipped):
            if not isinstance(out.reason, str) or not out.reason:
                failures.append(Failure("bad rejection", module.NAME, repr(out)))
        else:
            failures.append(Failure("bad yield", module.NAME, type(out).__name__))


def _detect_all(data: bytes, failures: list[Failure]) -> None:
    """Every format's detect() on the sample: one that raises is a bug the registry hides."""
    from desk.ingest import registry
    from desk.ingest.base import SAMPLE_BYTES, Sample

    sample = Sample(data[:SAMPLE_BYTES], "fuzz-input")
    for module in registry.formats():
        try:
            module.detect(sample)
        except Hang:
            raise
        except BaseException as exc:
            failures.append(
                Failure(
                    f"detect {type(exc).__name__}",
                    _top_frame(exc.__traceback__),
                    f"{module.NAME}: {exc}"[:300],
                )
            )


_STORE: list[Any] = []


def _ingest(data: bytes) -> None:
    """`desk ingest` of the bytes into a scratch desk: the writer too (a field it cannot store)."""
    from db import Store
    from desk.ingest.base import Source
    from desk.ingest.pipeline import ingest_source

    if not _STORE:
        path = OUT / "ingest" / ".fuzz.desk"
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(".fuzz.desk*"):
            old.unlink()
        store = Store(path, create=True)
        store.conn.execute("PRAGMA synchronous=OFF")  # a scratch desk: no fsync per input
        _STORE.append(store)
    ingest_source(_STORE[0], Source("fuzz-input", data=data), actor="fuzz")


def run_one(target: str, data: bytes, timeout: float) -> list[Failure]:
    """Everything that went wrong with one input of one target (empty: fine)."""
    from desk.ingest import pipeline, registry

    failures: list[Failure] = []
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        if target == "ingest":
            _ingest(data)
        elif target == "detect":
            _detect_all(data, failures)
            source_mod = __import__("desk.ingest.base", fromlist=["Source"])
            source = source_mod.Source("fuzz-input", data=data)
            if data:
                try:
                    module = pipeline._detect(source)
                except registry.UnknownFormatError:
                    pipeline._why_unknown(source)
                else:
                    _consume(module, data, failures)
        else:
            module = registry.by_name(target)
            _consume(module, data, failures)
    except Hang as exc:
        failures.append(Failure("hang", _top_frame(exc.__traceback__), f"over {timeout} s"))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        failures.append(Failure(type(exc).__name__, _top_frame(exc.__traceback__), str(exc)[:300]))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return failures


# --------------------------------------------------------------------------------------------
# Recording failures
# --------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80]


@dataclass
class Recorder:
    """Failures of one target by group; the first inputs of each group saved for replay."""

    target: str
    timeout: float
    groups: dict[str, int] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    first: dict[str, bytes] = field(default_factory=dict)
    inputs: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def folder(self) -> Path:
        return OUT / self.target

    def record(self, data: bytes, failures: list[Failure]) -> None:
        self.inputs += 1
        for failure in {f.group: f for f in failures}.values():
            count = self.groups.get(failure.group, 0)
            self.groups[failure.group] = count + 1
            if count == 0:
                self.details[failure.group] = failure.detail
                self.first[failure.group] = data
            if count < SAVED_PER_GROUP:
                self.folder.mkdir(parents=True, exist_ok=True)
                name = f"{_slug(failure.group)}-{hashlib.sha256(data).hexdigest()[:10]}.bin"
                (self.folder / name).write_bytes(data)

    def summary(self) -> dict[str, Any]:
        elapsed = time.perf_counter() - self.started
        return {
            "target": self.target,
            "inputs": self.inputs,
            "seconds": round(elapsed, 1),
            "rate": round(self.inputs / elapsed, 1) if elapsed else 0.0,
            "groups": self.groups,
            "details": self.details,
        }


def minimize(target: str, data: bytes, group: str, timeout: float, budget: float = 20.0) -> bytes:
    """Delta debugging: the shortest input found in `budget` s that fails in the same group."""
    deadline = time.perf_counter() + budget

    def fails(candidate: bytes) -> bool:
        return any(f.group == group for f in run_one(target, candidate, timeout))

    chunks = 2
    while len(data) > 1 and time.perf_counter() < deadline:
        size = max(1, len(data) // chunks)
        reduced = False
        for start in range(0, len(data), size):
            if time.perf_counter() > deadline:
                break
            candidate = data[:start] + data[start + size :]
            if candidate and fails(candidate):
                data, reduced = candidate, True
                chunks = max(chunks - 1, 2)
                break
        if not reduced:
            if size == 1:
                break
            chunks = min(chunks * 2, len(data))
    return data


# --------------------------------------------------------------------------------------------
# Engines (run in a child process per target)
# --------------------------------------------------------------------------------------------


class StopFuzz(BaseException):  # a BaseException: hypothesis lets it through
    """The target's time budget is spent."""


def _limit_memory() -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class _Current:
    """The input being run, written to a file first, so a hard hang can be saved by the parent."""

    def __init__(self, target: str) -> None:
        OUT.joinpath(target).mkdir(parents=True, exist_ok=True)
        self._fd = os.open(OUT / target / ".current", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)

    def set(self, data: bytes) -> None:
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)


def _progress(recorder: Recorder, final: bool = False) -> None:
    summary = recorder.summary()
    summary["final"] = final
    print(json.dumps(summary), flush=True)


def _warm_up(target: str, seeds: Seeds) -> None:
    """Run some seeds and a legacy-encoded blob first, untimed and unrecorded.

    The first call into charset-normalizer, dateparser or feedparser loads
    their tables (over a second here): not a hang of the input that happens
    to come first.
    """
    blobs = [
        *seeds.own[:20],
        seeds.own[-1],
        "\u0434\u0430\u043d\u043d\u044b\u0435 ".encode("cp1251") * 50,
    ]
    for data in blobs:
        run_one(target, data, 60.0)


def run_hypothesis(target: str, n: int, seconds: float, seed: int, timeout: float) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    seeds = load_seeds(target)
    _warm_up(target, seeds)
    recorder = Recorder(target, timeout)
    current = _Current(target)
    deadline = time.perf_counter() + seconds
    last_report = [time.perf_counter()]

    @st.composite
    def inputs(draw: Any) -> bytes:
        pool = seeds.everything if draw(st.integers(0, 15)) == 0 else seeds.own
        # integers() favours small values and the pools are sorted by size:
        # small seeds are drawn most often, which keeps the rate up.
        data = pool[draw(st.integers(0, len(pool) - 1))]
        other = seeds.everything[draw(st.integers(0, len(seeds.everything) - 1))]
        rnd = draw(st.randoms(use_true_random=False))
        for _ in range(draw(st.integers(1, 4))):
            data = mutate(data, other, rnd, structured=draw(st.booleans()))
        return data

    @hseed(seed)
    @settings(
        max_examples=n,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(inputs())
    def one(data: bytes) -> None:
        now = time.perf_counter()
        if now > deadline or recorder.inputs >= n:
            raise StopFuzz()
        current.set(data)
        recorder.record(data, run_one(target, data, timeout))
        if now - last_report[0] > 1.0:
            last_report[0] = now
            _progress(recorder)

    with contextlib.suppress(StopFuzz):
        one()
    _progress(recorder, final=True)


def run_atheris(target: str, n: int, seconds: float, seed: int, timeout: float) -> None:
    sys.path.insert(0, str(ATHERIS_LIB))
    import atheris

    with atheris.instrument_imports(include=["desk"]):
        from desk.ingest import pipeline, registry  # noqa: F401 - instrumented for coverage

        for module in registry.formats():
            del module
    seeds = load_seeds(target)
    _warm_up(target, seeds)
    corpus = OUT / target / ".atheris-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in seeds.own:
        (corpus / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data[:MAX_INPUT])
    recorder = Recorder(target, timeout)
    current = _Current(target)
    deadline = time.perf_counter() + seconds
    last_report = [time.perf_counter()]

    def test_one(data: bytes) -> None:
        now = time.perf_counter()
        if now > deadline or recorder.inputs >= n:
            _progress(recorder, final=True)
            os._exit(0)
        current.set(data)
        recorder.record(data, run_one(target, data, timeout))
        if now - last_report[0] > 1.0:
            last_report[0] = now
            _progress(recorder)

    def custom_mutator(data: bytes, max_size: int, mutation_seed: int) -> bytes:
        rnd = random.Random(mutation_seed)
        if rnd.random() < 0.3:
            return atheris.Mutate(data, max_size)
        other = rnd.choice(seeds.everything)
        return mutate(data or rnd.choice(seeds.own), other, rnd, rnd.random() < 0.6)[:max_size]

    argv = [
        sys.argv[0],
        str(corpus),
        f"-runs={n + len(seeds.own)}",
        f"-seed={seed or 1}",
        f"-max_len={MAX_INPUT}",
        "-timeout=60",
        "-rss_limit_mb=3072",
        "-print_final_stats=0",
    ]
    atheris.Setup(argv, test_one, custom_mutator=custom_mutator)
    atheris.Fuzz()
    _progress(recorder, final=True)


def child_main(args: argparse.Namespace) -> None:
    _limit_memory()
    sys.path.insert(0, str(ROOT))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    engine = run_atheris if args.engine == "atheris" else run_hypothesis
    engine(args.child, args.n, args.seconds, args.seed, args.timeout)


# --------------------------------------------------------------------------------------------
# The parent: one child per target, the watchdog, minimization, the table
# --------------------------------------------------------------------------------------------


def _spawn(target: str, args: argparse.Namespace, n: int, seconds: float) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        target,
        "-n",
        str(n),
        "--seconds",
        str(seconds),
        "--seed",
        str(args.seed),
        "--timeout",
        str(args.timeout),
        "--engine",
        args.engine,
    ]
    # libFuzzer reports on stderr, line by line: kept in a log beside the saved inputs
    (OUT / target).mkdir(parents=True, exist_ok=True)
    with (OUT / target / ".stderr.log").open("a") as log:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)


def run_target(target: str, args: argparse.Namespace, n: int, seconds: float) -> dict[str, Any]:
    """Run one target's child to the end; restart it past a hard hang, saving that input."""
    total: dict[str, Any] = {"target": target, "inputs": 0, "seconds": 0.0, "groups": {}}
    total["details"] = {}
    left_n, left_s, restarts = n, seconds, 0
    while left_n > 0 and left_s > 1 and restarts < 5:
        child = _spawn(target, args, left_n, left_s)
        assert child.stdout is not None
        last: dict[str, Any] = {"inputs": 0, "seconds": 0.0, "groups": {}, "details": {}}
        hung = False
        while True:
            ready, _, _ = select.select([child.stdout], [], [], STALL_SECONDS + args.timeout)
            if not ready:
                hung = True
                child.kill()
                break
            line = child.stdout.readline()
            if not line:
                break
            last = json.loads(line)
            if last.get("final"):
                break
        child.wait()
        for group, count in last["groups"].items():
            total["groups"][group] = total["groups"].get(group, 0) + count
            total["details"].setdefault(group, last["details"][group])
        total["inputs"] += last["inputs"]
        total["seconds"] += last["seconds"]
        left_n -= max(1, last["inputs"])
        left_s -= last["seconds"] + (STALL_SECONDS if hung else 0)
        if not hung and not last.get("final"):
            group = f"child died (exit {child.returncode})"
            total["groups"][group] = total["groups"].get(group, 0) + 1
            total["details"][group] = "see .current"
            hung = True
        if not hung:
            break
        restarts += 1
        current = OUT / target / ".current"
        if current.exists():
            data = current.read_bytes()
            name = f"hard-hang-{hashlib.sha256(data).hexdigest()[:10]}.bin"
            (OUT / target / name).write_bytes(data)
            total["groups"].setdefault("hard hang (killed)", 0)
            total["groups"]["hard hang (killed)"] += 1
            total["details"]["hard hang (killed)"] = name
            total["inputs"] += 1
        args.seed += 1  # go on from other inputs
    total["rate"] = round(total["inputs"] / total["seconds"], 1) if total["seconds"] else 0.0
    return total


def _minimize_saved(target: str, timeout: float) -> None:
    """Minimize the first saved input of each group (in this process: no hang is expected)."""
    folder = OUT / target
    done: set[str] = set()
    for path in sorted(folder.glob("*.bin")):
        if path.name.endswith(".min.bin") or path.name.startswith("hard-hang"):
            continue
        data = path.read_bytes()
        for failure in run_one(target, data, timeout):
            if failure.group in done or failure.kind == "hang":
                continue
            done.add(failure.group)
            small = minimize(target, data, failure.group, timeout)
            (folder / f"{_slug(failure.group)}.min.bin").write_bytes(small)


def print_table(results: list[dict[str, Any]], engine: str, seed: int, timeout: float) -> None:
    print(f"\nfuzz ({engine}, seed {seed}, {timeout:g} s per input)")
    print(f"| {'target':<14} | {'inputs':>8} | {'inputs/s':>9} | failures (by type and top frame)")
    print(f"| {'-' * 14} | {'-' * 8} | {'-' * 9} | {'-' * 32}")
    for result in results:
        groups = result["groups"]
        text = "; ".join(f"{count} {group}" for group, count in sorted(groups.items())) or "0"
        print(f"| {result['target']:<14} | {result['inputs']:>8} | {result['rate']:>9} | {text}")
    for result in results:
        for group, detail in sorted(result["details"].items()):
            print(f"  {result['target']}: {group}: {detail}")


def replay(path: Path, target: str | None, timeout: float) -> int:
    """Run one saved input again; print what went wrong, with the traceback."""
    sys.path.insert(0, str(ROOT))
    target = target or path.parent.name
    data = path.read_bytes()
    failures = run_one(target, data, timeout)
    if not failures:
        print(f"{path}: {target}: no failure ({len(data)} bytes)")
        return 0
    for failure in failures:
        print(f"{path}: {target}: {failure.group}: {failure.detail}")
    # once more without the harness's net, for the full traceback
    from desk.ingest import registry
    from desk.ingest.base import Source

    if target != "detect":
        with contextlib.suppress(Exception):
            list(registry.by_name(target).parse(Source("replay", data=data)))
        try:
            list(registry.by_name(target).parse(Source("replay", data=data)))
        except Exception:
            traceback.print_exc()
    return 1


def all_targets() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from desk.ingest import registry

    return [module.NAME for module in registry.formats()] + ["detect", "ingest"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--targets", default="", help="comma-separated (default: every format, detect, ingest)"
    )
    parser.add_argument("-n", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--seconds", type=float, default=3600.0, help="time budget per target")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=2.0, help="per-input limit, s")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    parser.add_argument("--jobs", type=int, default=1, help="targets run at once")
    parser.add_argument("--measure", action="store_true", help="300 inputs per target: rates")
    parser.add_argument("--no-minimize", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--replay", type=Path, nargs="+", help="run saved inputs again")
    parser.add_argument("--format", help="with --replay: the target (default: the folder name)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args)
        return 0
    if args.replay:
        return max(replay(path, args.format, args.timeout) for path in args.replay)
    if args.engine == "atheris":
        sys.path.insert(0, str(ATHERIS_LIB))
        try:
            import atheris  # noqa: F401
        except ImportError as exc:
            print(f"atheris is not installed ({exc}); `make fuzz` puts it in {ATHERIS_LIB}")
            return 2
    targets = [t for t in args.targets.split(",") if t] or all_targets()
    n = 300 if args.measure else args.n
    results: list[dict[str, Any]] = []

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {
            pool.submit(run_target, t, argparse.Namespace(**vars(args)), n, args.seconds): t
            for t in targets
        }
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            print(
                f"{result['target']}: {result['inputs']} inputs, {result['rate']}/s, "
                f"{sum(result['groups'].values())} failures",
                flush=True,
            )
            results.append(result)
    results.sort(key=lambda r: targets.index(r["target"]))
    if not args.no_minimize and not args.measure:
        for result in results:
            if result["groups"]:
                _minimize_saved(result["target"], args.timeout)
    print_table(results, args.engine, args.seed, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 1 if any(r["groups"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
