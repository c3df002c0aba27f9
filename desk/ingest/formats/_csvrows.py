"""CSV rows streamed with their exact bytes, shared by the CSV export formats.

A row's raw record is the bytes of all the physical lines it spans (a quoted
field may hold newlines), and its `start` the line it starts on: the file is
read one physical line at a time and fed to the csv module (never a regex),
so a 1 GB export never sits in memory. The csv field size limit is raised so
a 10 MB field is one field. Bytes are read as UTF-8 (a BOM is fine); a line
that is not UTF-8 is read with the encoding charset-normalizer guesses from a
sample of the file, and the row says so in `note`; UTF-16/32 files with a BOM
(Excel "Unicode text") are decoded incrementally.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from desk.ingest import charset
from desk.ingest.base import SAMPLE_BYTES, Rejected, Source

_FIELD_LIMIT = 64 * 1024 * 1024
DELIMITERS = (",", ";", "\t")


def header_of(text: str) -> list[str] | None:
    """The first line of a text as CSV header cells (its commonest delimiter), or None."""
    line_end = text.find("\n")
    first = text if line_end == -1 else text[:line_end]
    if not first.strip() or first.lstrip()[:1] in ("{", "[", "<"):
        return None
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        return None
    try:
        return next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None


@dataclass(slots=True)
class Row:
    start: int  # 1-based line the row starts on
    fields: list[str]
    raw: bytes
    note: str | None


class _LineFeed:
    """Physical lines for csv.reader, remembering the bytes of the current row.

    csv.reader pulls exactly the lines one row needs, so the lines pulled
    since the last row are that row's raw bytes.
    """

    def __init__(self, fh: BinaryIO, fallback: str | None, codec: str | None) -> None:
        self.fh = fh
        self.fallback = fallback
        self.codec = codec  # a BOM-declared UTF-16/32 codec: decode incrementally
        self.decoder = codecs.getincrementaldecoder(codec)(errors="replace") if codec else None
        self.number = 0
        self.pending: list[bytes] = []
        self.note: str | None = None
        self.first = True

    def __iter__(self) -> Iterator[str]:
        if self.decoder is not None:
            yield from self._wide()
            return
        for chunk in self.fh:
            self.number += 1
            self.pending.append(chunk)
            if self.first:
                self.first = False
                if chunk.startswith(codecs.BOM_UTF8):
                    chunk = chunk[3:]
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError:
                encoding = self.fallback or "cp1252"
                text = chunk.decode(encoding, errors="replace")
                self.note = f"not UTF-8; decoded as {encoding} (guessed)"
            yield text.replace("\x00", "")

    def _wide(self) -> Iterator[str]:
        """UTF-16/32 text (Excel "Unicode text"): decode first, then split lines."""
        assert self.decoder is not None and self.codec is not None
        buffer = ""
        while True:
            block = self.fh.read(1 << 16)
            buffer += self.decoder.decode(block, final=not block)
            if buffer.startswith("\ufeff"):
                buffer = buffer[1:]
            *lines, buffer = buffer.split("\n")
            for line in lines:
                self.number += 1
                self.pending.append((line + "\n").encode(self.codec))
                yield line + "\n"
            if not block:
                if buffer:
                    self.number += 1
                    self.pending.append(buffer.encode(self.codec))
                    yield buffer
                return

    def take(self) -> tuple[int, bytes, str | None]:
        """The start line, raw bytes and encoding note of the row just read."""
        start = self.number - len(self.pending) + 1
        raw = b"".join(self.pending)
        note = self.note
        self.pending = []
        self.note = None
        return start, raw, note


def _raise_field_limit() -> None:
    limit = _FIELD_LIMIT
    while limit > 1024:
        try:
            if csv.field_size_limit() < limit:
                csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def wide_codec(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _fallback_encoding(head: bytes) -> str | None:
    """The encoding of a non-UTF-8 sample, guessed once per file."""
    try:
        head.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the sample's end
            return None
    return charset.guess_encoding(head)


def rows(source: Source) -> Iterator[Row | Rejected]:
    """Rows of the file, the header row first, each with its raw bytes; blank rows skipped."""
    _raise_field_limit()
    with source.open() as fh:
        head = fh.read(SAMPLE_BYTES)
    codec = wide_codec(head)
    fallback = None if codec else _fallback_encoding(head)
    sample_text = head.decode(codec or fallback or "utf-8", errors="replace").lstrip("\ufeff")
    header = header_of(sample_text)
    counts = {d: (sample_text.split("\n", 1)[0]).count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d]) if header else ","
    with source.open() as fh:
        feed = _LineFeed(fh, fallback, codec)
        reader = csv.reader(iter(feed), delimiter=delimiter, strict=False)
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start, _, _ = feed.take()
                yield Rejected(start, f"unreadable CSV row ({exc})", line=start)
                continue
            start, raw, note = feed.take()
            if not fields or all(not f.strip() for f in fields):
                continue
            yield Row(start, fields, raw, note)


def header_row(lines: Iterator[Row | Rejected]) -> tuple[list[Rejected], list[str] | None]:
    """The first row read as a header (cells stripped), and what was refused before it.

    Takes rows from `lines` up to and including the header, so the caller
    goes on with the data rows; None when the file has no row at all.
    """
    refused: list[Rejected] = []
    for first in lines:
        if isinstance(first, Rejected):
            refused.append(first)
            continue
        return refused, [h.strip() for h in first.fields]
    return refused, None
