"""Reading JSON: whole documents and JSON Lines, with each record's byte span and salvage.

One reader for every format that takes JSON (Twitter v1.1 and v2, Mastodon,
Bluesky; Telegram, ClaimReview and JSON Feed through `load_document`):

- `read_json` streams a source as JSON values: one document, or one value
  per line (JSON Lines), so a 1 GB JSONL never sits in memory. A bad line is
  one `Rejected` naming it and the rest goes on; a broken whole document is
  one `BrokenDocument` that keeps its text, so a reader whose records are
  self-contained can still take the complete records before the break
  (`array_prefix`, "salvage").
- Each value keeps its exact bytes and the decoded text they came from
  (`JsonValue.raw` / `.text` / `.encoding`), and `array_spans` /
  `member_start` find where each element of an array sits in that text
  (`element_bytes` cuts them out): an item's raw copy is the record's own
  bytes as they stand in the file, not a re-serialisation
  (`canonical_bytes` only when they cannot be cut out).
- Bytes are decoded by `charset.decode` (BOM, BOM-less UTF-16/32, UTF-8,
  else the one guess, with a note saying what was assumed).
- Parsing is orjson's, falling back to the stdlib where orjson refuses
  (lone surrogate escapes, NaN) so messages keep stdlib's line and column,
  and for texts holding an integer past 64 bits (orjson reads it as a float).

How a source is told to be JSON Lines: its first non-blank line is a JSON
value on its own and a second non-blank line follows. A file whose first
line is not JSON is read whole (a pretty-printed document); if that fails
on line 1 and the next line is JSON, it is JSON Lines with a broken first
line. UTF-16/32 text is always read whole (it cannot be split on b"\n").

Whole documents too large to hold (a 1M-status Mastodon timeline as one
array, a Bluesky feed response, Twitter v1.1 arrays, Telegram exports) are
walked one record at a time by `jsonwalk`, the one streaming reader: the
stdlib's scanner over chunks of text, so each record's bytes are exact and
its values are what `json.loads` of the whole gives. This module decides
which sources walk (`streams_as_array`) and how large a broken one may be
to be re-read whole for its exact message (`STREAM_FALLBACK_LIMIT`). ijson
(yajl2_c) streamed Mastodon arrays and Bluesky feeds before and was
dropped: it turned a lone `\\ud800` into "?", raised on a lone low
surrogate, refused integers past 64 bits and gave no byte offsets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from desk.ingest import charset
from desk.ingest.base import SAMPLE_BYTES, Rejected, Sample, Source


def load_document(data: bytes, *, what: str = "") -> Any | Rejected:
    """The parsed document, or a `Rejected` naming the line and the reason."""
    prefix = f"{what} " if what else ""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        return Rejected(record=None, reason=f"{prefix}not UTF-8/16/32 text: {exc}")
    except json.JSONDecodeError as exc:
        return Rejected(record=None, reason=f"invalid JSON: {exc.msg}", line=exc.lineno)
    except ValueError:  # Python refuses integers past 4300 digits (found by bench/fuzz.py)
        return Rejected(record=None, reason=f"invalid JSON: {HUGE_NUMBER}")
    except RecursionError:
        return Rejected(record=None, reason="JSON nested too deeply to read")


def loads(data: str | bytes) -> Any:
    """Parse JSON fast (orjson); anything orjson refuses goes through `json`.

    orjson refuses what stdlib accepts in a few corners (lone surrogate
    escapes, NaN), and its errors carry no line number; the fallback keeps
    stdlib's behaviour and messages exactly. Integers past 64 bits orjson
    does not refuse but reads as floats (an id of 10^30 would be lost):
    a text with such a long run of digits is read by the stdlib instead.
    """
    long_number = _LONG_NUMBER.search(data) if isinstance(data, str) else _LONG_BYTES.search(data)
    if long_number:
        return json.loads(data)  # orjson would read an integer past 64 bits as a float
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


# Twenty digits in a row: a number orjson may not hold as an int (2**64 has
# 20 digits). Such a text (rare: ids past 64 bits, or a long digit run in a
# string) goes to the stdlib, which keeps every integer exact.
_LONG_NUMBER = re.compile(r"[0-9]{20}")
_LONG_BYTES = re.compile(rb"[0-9]{20}")


def canonical_bytes(value: Any, *, default: Callable[[Any], Any] | None = None) -> bytes:
    """One spelling of a record as bytes: sorted keys, UTF-8, compact.

    Used as an item's raw copy when its record cannot be cut out of the
    input byte for byte; orjson is ~10x faster than `json.dumps` here.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=default)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=default)
        return text.encode("utf-8", errors="backslashreplace")


# The marks of text that cannot be split into lines on b"\n".
_WIDE_BOMS = tuple(mark for mark, codec in charset.BOMS if codec != "utf-8")
# Above this size a file whose first line is not JSON is still read line by
# line (a broken first line of a huge JSONL), never whole.
_WHOLE_DOC_LIMIT = 256 * 1024 * 1024
# The longest one record may be (a JSON Lines line, an element of a walked
# document): a post, even with its context copies, is kilobytes; a longer
# line is refused with its size and read past in chunks, never held whole
# (a 1 GB line peaked at 3.2 GB when it was parsed).
MAX_RECORD_BYTES = 64 * 1024 * 1024


def size_words(size: int) -> str:
    """A byte count for a message: "64 MiB", "3.5 MiB", "812 KiB", "90 bytes"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            value = size / scale
            return (
                f"{value:.0f} {unit}"
                if value == int(value) or value >= 100
                else f"{value:.1f} {unit}"
            )
    return f"{size} bytes"


@dataclass(slots=True)
class JsonValue:
    """One JSON value read from a source: a whole document or one line.

    `line` is where it starts (1-based), `raw` its exact bytes (stripped of
    surrounding whitespace), `text` the decoded text they came from and
    `encoding` the codec used, so callers can cut sub-records out exactly.
    `lines_mode` says whether the source is JSON Lines (record = line).
    """

    line: int
    value: Any
    raw: bytes
    text: str
    encoding: str
    lines_mode: bool
    note: str | None = None


@dataclass(slots=True)
class BrokenDocument:
    """A whole-document input that is not valid JSON (truncated, corrupt).

    `rejected` is the one error to report (with its line); `text` is kept so
    a reader whose records are self-contained can still take the complete
    records before the break (see `array_prefix`).
    """

    rejected: Rejected
    text: str
    encoding: str
    note: str | None = None


def decode_bytes(data: bytes) -> tuple[str, str, str | None]:
    """Text of JSON bytes (`charset.decode`): (text, codec, note); the note says
    when the bytes were not UTF-8 and what they were read as."""
    decoded = charset.decode(data, json_text=True)
    return decoded.text, decoded.encoding, decoded.note


INVALID = "invalid JSON"


# Why json.loads raised a ValueError that is no JSONDecodeError: Python's
# guard against quadratic int parsing (sys.get_int_max_str_digits()).
HUGE_NUMBER = "a number of more than 4300 digits"


def json_error(exc: Exception, invalid: str = INVALID) -> str:
    """The one-line reason a JSON text could not be read; `invalid` opens it."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{invalid}: {exc.msg} (line {exc.lineno} column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply to read"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return f"{invalid}: {HUGE_NUMBER}"
    return f"unreadable JSON: {type(exc).__name__}"


def read_json(
    source: Source, *, invalid: str = INVALID
) -> Iterator[JsonValue | Rejected | BrokenDocument]:
    """The JSON values of a source: one document, or one per line (JSON Lines).

    A file with one non-empty line is a document (one value). A file whose
    first line is a JSON value and has more lines is JSON Lines and is
    streamed: a bad line is rejected with its number and the rest goes on.
    A file whose first line is not JSON is read whole as one (pretty-printed)
    document; if that fails the one error is reported with its line and the
    read stops, unless the error is on line 1 and later lines are JSON (a
    JSONL whose first line is broken).
    """
    with source.open() as fh:
        lines = bounded_lines(fh)
        first: tuple[int, bytes | Oversize] | None = None
        skipped: list[bytes] = []
        for number, chunk in lines:
            if not _blank(chunk):
                first = (number, chunk)
                break
            assert isinstance(chunk, bytes)
            skipped.append(chunk)
        if first is None:
            return
        number, chunk = first
        if isinstance(chunk, Oversize):
            wide = chunk.head.startswith(_WIDE_BOMS) or b"\x00" in chunk.head[:4]
            second = None if wide else _next_line(lines)
            if second is None:  # one document on one long line: read whole, as ever
                fh.close()
                with source.open() as again:
                    yield from _document(again.read(), 1, invalid)
                return
            yield chunk.rejected(number)
            yield _line_value(*second, invalid)
            yield from _later_lines(lines, invalid)
            return
        if chunk.startswith(_WIDE_BOMS) or b"\x00" in chunk[:4]:
            # UTF-16/32 text cannot be split on b"\n": read it as one document.
            data = b"".join(skipped) + chunk + fh.read()
            yield from _document(data, 1, invalid)
            return
        text, codec, note = decode_bytes(chunk)
        try:
            value = loads(text)
        except (ValueError, RecursionError) as exc:
            first_error: Exception | None = exc
        else:
            first_error = None
        if first_error is None:
            second = _next_line(lines)
            raw = chunk.strip()
            yield JsonValue(number, value, raw, text.strip(), codec, second is not None, note)
            if second is not None:
                yield _line_value(*second, invalid)
                yield from _later_lines(lines, invalid)
            return
        # The first line alone is not JSON: a pretty-printed document, or a
        # JSONL whose first line is broken.
        if source.size() > _WHOLE_DOC_LIMIT:
            yield Rejected(number, json_error(first_error, invalid), line=number)
            yield from _later_lines(lines, invalid)
            return
        rest = fh.read()
    data = b"".join(skipped) + chunk + rest
    text, codec, note = decode_bytes(data)
    try:
        value = loads(text)
    except (ValueError, RecursionError) as exc:
        error_line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        if error_line == number and rest.strip():
            yield from _fallback_lines(number, first_error, rest, invalid)
            return
        yield BrokenDocument(
            Rejected(None, json_error(exc, invalid), line=error_line), text, codec, note
        )
        return
    yield JsonValue(1, value, data.strip(), text.strip(), codec, False, note)


@dataclass(frozen=True, slots=True)
class Oversize:
    """A line longer than `MAX_RECORD_BYTES`, read past without holding it:
    its size (newline excluded) and its first bytes."""

    size: int
    head: bytes

    def rejected(self, number: int) -> Rejected:
        return Rejected(
            number,
            f"line {number} is {size_words(self.size)} ({self.size:,} bytes), over the "
            f"{size_words(MAX_RECORD_BYTES)} one record may be: not read",
            line=number,
        )


# An over-long line is read past in pieces of this size.
_SKIP_PIECE = 1024 * 1024


def bounded_lines(fh: Any) -> Iterator[tuple[int, bytes | Oversize]]:
    """The lines of a binary file, numbered from 1; a line over
    `MAX_RECORD_BYTES` is read past in pieces and given as its `Oversize`.

    Lines are read in pieces of 1 MiB (one piece for nearly every line), so
    an over-long line costs at most the limit in memory, once: a single
    `readline(limit)` measured twice the limit at its peak.
    """
    limit = MAX_RECORD_BYTES
    number = 0
    while True:
        piece: bytes = fh.readline(_SKIP_PIECE)
        if not piece:
            return
        number += 1
        if piece.endswith(b"\n") or len(piece) < _SKIP_PIECE:
            yield number, piece  # the usual line: one piece
            continue
        pieces, size, head = [piece], len(piece), piece[:4]
        while piece and not piece.endswith(b"\n"):
            piece = fh.readline(_SKIP_PIECE)
            size += len(piece)
            if size > limit + 1:
                pieces.clear()
            elif piece:
                pieces.append(piece)
        content = size - 1 if piece.endswith(b"\n") else size
        if content <= limit:
            yield number, b"".join(pieces)
        else:
            yield number, Oversize(content, head)


def _blank(chunk: bytes | Oversize) -> bool:
    return isinstance(chunk, bytes) and not chunk.strip()


def _next_line(
    lines: Iterator[tuple[int, bytes | Oversize]],
) -> tuple[int, bytes | Oversize] | None:
    for number, chunk in lines:
        if not _blank(chunk):
            return number, chunk
    return None


def _later_lines(
    lines: Iterator[tuple[int, bytes | Oversize]], invalid: str
) -> Iterator[JsonValue | Rejected]:
    for number, chunk in lines:
        if not _blank(chunk):
            yield _line_value(number, chunk, invalid)


def read_documents(
    source: Source, *, invalid: str = INVALID
) -> Iterator[tuple[int | None, Any, bytes | None] | Rejected]:
    """`read_json` for readers that need no salvage: plain values and line numbers.

    Yields `(line, value, line bytes)` per JSON Lines line (so a 1 GB file
    never sits in memory) or `(None, value, None)` once for a plain JSON
    document. A broken line is one Rejected naming it; the rest goes on.
    """
    empty = True
    for result in read_json(source, invalid=invalid):
        empty = False
        if isinstance(result, Rejected):
            yield result
        elif isinstance(result, BrokenDocument):
            yield result.rejected
        elif result.lines_mode:
            yield result.line, result.value, result.raw
        else:
            yield None, result.value, None
    if empty:
        yield Rejected(record=None, reason="empty input: no JSON to read")


def _document(data: bytes, line: int, invalid: str) -> Iterator[JsonValue | BrokenDocument]:
    text, codec, note = decode_bytes(data)
    try:
        value = loads(text)
    except (ValueError, RecursionError) as exc:
        error_line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        yield BrokenDocument(
            Rejected(None, json_error(exc, invalid), line=error_line), text, codec, note
        )
        return
    yield JsonValue(line, value, data.strip(), text.strip(), codec, False, note)


def _fallback_lines(
    first_number: int, first_error: Exception, rest: bytes, invalid: str
) -> Iterator[JsonValue | Rejected]:
    """JSON Lines whose first line is broken; gives up if the next line is too."""
    pending: list[JsonValue | Rejected] = [
        Rejected(first_number, json_error(first_error, invalid), line=first_number)
    ]
    parsed_one = False
    for offset, chunk in enumerate(rest.splitlines(keepends=True), 1):
        if not chunk.strip():
            continue
        result = _line_value(first_number + offset, chunk, invalid)
        if not parsed_one:
            if isinstance(result, Rejected):
                # Two broken lines in a row at the top: not JSON Lines at all.
                yield Rejected(None, json_error(first_error, invalid), line=first_number)
                return
            parsed_one = True
            yield from pending
        yield result


def _line_value(number: int, chunk: bytes | Oversize, invalid: str) -> JsonValue | Rejected:
    if isinstance(chunk, Oversize):
        return chunk.rejected(number)
    text, codec, note = decode_bytes(chunk)
    try:
        value = loads(text)
    except (ValueError, RecursionError) as exc:
        return Rejected(number, json_error(exc, invalid), line=number)
    return JsonValue(number, value, chunk.strip(), text.strip(), codec, True, note)


def _skip_ws(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def array_spans(text: str, start: int) -> list[tuple[int, int]] | None:
    """(start, end) of each element of the JSON array at `text[start]`.

    Lets a reader keep the exact bytes of each array element as its raw
    record. Returns None when the text does not walk cleanly (the caller then
    falls back to canonical dumps).
    """
    spans, complete = array_prefix(text, start)
    return spans if complete else None


def element_bytes(value: JsonValue, count: int, start: int | None = 0) -> list[bytes] | None:
    """The own bytes of each of the `count` elements of the array at
    `value.text[start]` (0: the document is the array; `member_start` for a
    member's), as they stand in the file; None when they do not cut out
    cleanly (the caller keeps canonical dumps then)."""
    return _cut(value.text, value.encoding, count, start)


def member_element_bytes(data: bytes | JsonValue, key: str, count: int) -> list[bytes] | None:
    """`element_bytes` of the array that is top-level member `key` of a whole
    document read at once (a JSON Feed's `items`, a Mastodon search result's
    `statuses`, a Bluesky `posts` response), from its bytes or its `JsonValue`."""
    if isinstance(data, JsonValue):
        text, encoding = data.text, data.encoding
    else:
        text, encoding, _note = decode_bytes(data)
    return _cut(text, encoding, count, member_start(text, key))


UNLOCATED = (
    "the record's own bytes could not be located in the file; raw is its canonical JSON dump"
)
"""`extra["raw_note"]` of a record of a wrapped response whose bytes do not cut out."""


def _cut(text: str, encoding: str, count: int, start: int | None) -> list[bytes] | None:
    spans = array_spans(text, start) if start is not None else None
    if spans is None or len(spans) != count:
        return None
    return [text[a:b].encode(encoding, errors="replace") for a, b in spans]


def array_prefix(text: str, start: int | None) -> tuple[list[tuple[int, int]], bool]:
    """The spans of the complete elements at the start of a JSON array, and
    whether the whole array walked cleanly. A truncated timeline still gives
    the statuses before the cut."""
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    if start is None:
        return spans, False
    try:
        index = _skip_ws(text, start)
        if text[index] != "[":
            return spans, False
        index = _skip_ws(text, index + 1)
        if text[index] == "]":
            return spans, True
        while True:
            _, end = decoder.raw_decode(text, index)
            spans.append((index, end))
            index = _skip_ws(text, end)
            if text[index] == ",":
                index = _skip_ws(text, index + 1)
                continue
            return spans, text[index] == "]"
    except (ValueError, IndexError, RecursionError):
        return spans, False


def member_start(text: str, key: str) -> int | None:
    """Where the value of top-level member `key` starts in a JSON object text.

    A key given twice is the last one's value, as `json.loads` (and orjson)
    read it: the first one's bytes would be another record's evidence.
    """
    decoder = json.JSONDecoder()
    found: int | None = None
    try:
        index = _skip_ws(text, 0)
        if text[index] != "{":
            return None
        index = _skip_ws(text, index + 1)
        while text[index] != "}":
            name, index = decoder.raw_decode(text, index)
            index = _skip_ws(text, index)
            if text[index] != ":":
                return None
            index = _skip_ws(text, index + 1)
            if name == key:
                found = index
            _, index = decoder.raw_decode(text, index)
            index = _skip_ws(text, index)
            if text[index] == ",":
                index = _skip_ws(text, index + 1)
            elif text[index] != "}":
                return found
        return found
    except (ValueError, IndexError, RecursionError):
        return found


def salvage(
    broken: BrokenDocument, key: str | None = None
) -> Iterator[tuple[int, Any, bytes] | Rejected]:
    """The complete records before the break of a truncated array, then the error.

    The array is the document itself, or (with `key`) the value of that
    top-level member (`{"statuses": [...`). Yields `(record number, value,
    raw bytes)` per complete element, then one Rejected: the break's reason
    and how many records before it were read.
    """
    text = broken.text
    start = 0 if text[:1] == "[" else member_start(text, key) if key else None
    spans, _ = array_prefix(text, start)
    for index, (begin, end) in enumerate(spans):
        piece = text[begin:end]
        try:
            value = json.loads(piece)
        except (ValueError, RecursionError):
            break
        yield index + 1, value, piece.encode(broken.encoding, errors="replace")
    reason = broken.rejected.reason
    if spans:
        reason += f"; the {len(spans)} complete record(s) before it were read"
    yield Rejected(len(spans) + 1 if spans else None, reason, line=broken.rejected.line)


# A broken streamed array no larger than this is re-read whole for the exact
# line/column message and the same salvage as a plain document.
STREAM_FALLBACK_LIMIT = 64 * 1024 * 1024
# A first line up to this long is checked for JSON Lines before streaming.
_FIRST_LINE_LIMIT = 1024 * 1024


def streams_as_array(source: Source, opening: bytes = b"[") -> bool:
    """Whether the source is one whole JSON array (`opening` b"{": object) to stream.

    UTF-8 without a BOM (others read whole), its first non-blank byte
    `opening`, and not JSON Lines: its first line, when it is a complete JSON
    value no longer than 1 MiB, is not followed by another non-blank line.
    """
    with source.open() as fh:
        line = fh.readline(_FIRST_LINE_LIMIT)
        while line and not line.strip():
            line = fh.readline(_FIRST_LINE_LIMIT)
        if not line.lstrip().startswith(opening):
            return False
        if not line.endswith(b"\n"):
            return True  # one line (the whole array) or a first line past the limit
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError:
            return True  # a pretty-printed or long array: its first line is not JSON
        return all(_blank(later) for _, later in bounded_lines(fh))  # else JSON Lines of arrays


def sample_text(sample: Sample) -> str:
    """The sample's text, decoding UTF-16/32 (which `Sample.text` shows as noise)."""
    marked = charset.bom(sample.head)
    encoding = marked[0] if marked else charset.wide_json_codec(sample.head)
    if encoding is not None and encoding.startswith(("utf-16", "utf-32")):
        return sample.head.decode(encoding, errors="ignore").lstrip("\ufeff").lstrip()
    return sample.text


def sample_json(sample: Sample, text: str | None = None) -> Any:
    """The sample as JSON for detect(): the whole document if it fits in the
    sample, else its first line if that line is complete; `NOT_PARSED` when
    neither parses (a large or pretty-printed file: detect by signals then).
    `text` is the sample's text when the caller decoded it otherwise
    (UTF-16/32)."""
    text = sample.text if text is None else text
    whole = len(sample.head) < SAMPLE_BYTES
    if whole:
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            pass
    newline = text.find("\n")
    if newline == -1 and not whole:
        return NOT_PARSED
    line = text if newline == -1 else text[:newline]
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return NOT_PARSED


NOT_PARSED = object()


def is_vcr_cassette(text: str) -> bool:
    """VCR/betamax recordings hold API bodies but are not an ingest format."""
    head = text[:4096]
    return (
        ('"interactions"' in head and '"request"' in head)
        or ('"http_interactions"' in head)
        or head.startswith(("interactions:", "http_interactions:", "---\ninteractions:"))
        or "\ninteractions:\n" in head
    )


def record_bytes(value: Any, *, default: Callable[[Any], Any] | None = None) -> bytes:
    """A parsed record as the UTF-8 bytes of `json.dumps(sort_keys=True)`, never an error.

    The raw copy of a record that cannot be cut out of its file. A lone
    surrogate (a valid JSON escape, not valid Unicode) cannot be UTF-8: it
    is written back as its `\\udXXX` escape, so the copy still reads as the
    value the file held, where `.encode()` raised and lost the record, or
    the whole rest of the file.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=default)
    return text.encode("utf-8", errors="backslashreplace")
