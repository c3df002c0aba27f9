"""A whole JSON document walked one value at a time, each value with its exact bytes.

The one streaming reader of whole-document JSON: Twitter v1.1 arrays,
Telegram exports, Mastodon timelines saved as one array, Bluesky feed
responses. ijson (yajl2_c) streamed the last two before and was dropped:
it turned a lone high surrogate escape (`\\ud800`) into "?" and raised on
a lone low one (losing the rest of the file), refused integers past 64 bits
(with `use_float=True`, which reads decimals as `json.loads` does), and gave
no byte offsets, so a raw copy could only be a re-serialisation; desk's
rule for every format is lone surrogates kept (U+FFFD in the text), big
ids exact, and the raw copy the record's own bytes.

`Walk` reads a document as text in chunks and hands the reader the
document's structure on demand (`members` of an object, `elements` of an
array, or a whole `value`), so the reader descends only where its records
are (`statuses`, `messages`, `chats.list`, `feed`) and holds one record at
a time; `walk_elements` is that descent for a reader whose records are the
document's array or one top-level member's (Mastodon, Bluesky).

A value is parsed by the stdlib's C scanner (`json.JSONDecoder.raw_decode`),
so it is exactly what `json.loads` of the whole document gives there (lone
surrogates kept, integers of any size, NaN), and its bytes are the text it
was decoded from, encoded back: exact for UTF-8, as exact as the whole-file
reader's for a legacy code page. A value cut by the end of a chunk is read
again with more text (the read doubles, so a 10 MB field costs about two
reads of it); one longer than `jsondocs.MAX_RECORD_BYTES` (characters) is
refused.

The encoding is decided as `charset.decode` decides for the whole file,
without holding it: a BOM says it; else one pass checks that the bytes are
UTF-8; else the one guess on the first bytes (what `charset.guess` reads).
BOM-less UTF-16/32 is left to the whole-document readers.

Errors are `WalkError`: the reason as `json_error` words it for a whole
document, with the line and column in the file.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO, Any

from desk.ingest import charset, jsondocs
from desk.ingest.base import Source

# Text read at a time (characters, about the bytes of UTF-8).
CHUNK = 256 * 1024
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()
_FIRST_BYTES = charset.GUESS_BYTES


class WalkError(Exception):
    """The document does not read on from here: why, and where (1-based line, column)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line} column {column})")
        self.message = message
        self.line = line
        self.column = column


def stream_encoding(source: Source) -> tuple[str, str | None] | None:
    """The codec to walk `source` with and the note saying what was assumed,
    or None for UTF-16/32 (read whole). Same answer as `charset.decode`."""
    with source.open() as fh:
        head = fh.read(_FIRST_BYTES)
        marked = charset.bom(head)
        if marked is not None:
            return ("utf-8-sig", None) if marked[0] == "utf-8" else None
        if charset.wide_json_codec(head) is not None:
            return None
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            decoder.decode(head)
            while chunk := fh.read(4 * CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8", None
        except UnicodeDecodeError:
            pass
    guessed = charset.guess_encoding(head)
    if guessed is not None:
        return guessed, f"not UTF-8; decoded as {guessed} (guessed)"
    return "utf-8", "not UTF-8; bad bytes replaced"


def _escape_or_replace(error: UnicodeError) -> tuple[str, int]:
    """Bytes a codec cannot read: each byte from 0x80 as a lone surrogate (`surrogateescape`,
    so a record's bytes encode back to the file's), any other as U+FFFD (a guessed UTF-16
    cut short on an odd byte: `surrogateescape` raises on bytes under 0x80; bench/fuzz.py)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + b) if b >= 0x80 else "\ufffd" for b in bad), error.end


_ESCAPE = "desk-walk-escape"
codecs.register_error(_ESCAPE, _escape_or_replace)


class Walk:
    """A forward walk over one JSON document (see the module docstring).

    The reader calls `peek`, then one of `value`, `skip`, `members`,
    `elements`; every member or element handed out must be consumed the same
    way before the next. `end` checks that nothing but space follows.
    """

    def __init__(self, fh: IO[bytes], encoding: str) -> None:
        self._fh = fh
        self.encoding = "utf-8" if encoding == "utf-8-sig" else encoding
        # A byte the codec cannot read (a BOM file, or one no guess fitted, with bad bytes
        # further on; found by bench/fuzz.py: strict decoding raised out of parse) becomes
        # a lone surrogate: in a value it is cleaned like any (U+FFFD), and a record's bytes
        # encode back to exactly the file's.
        self._decode = codecs.getincrementaldecoder(encoding)(_ESCAPE)
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._dropped = 0  # characters before _buf
        self._lines = 0  # newlines before _buf
        self._line_start = 0  # offset (characters) of the line _buf's first character is on

    # ------------------------------------------------------------ text

    def _more(self, at_least: int = 0) -> bool:
        """Read on (at least `at_least` characters' worth); False at the end."""
        if self._eof:
            return False
        if self._pos > CHUNK and self._pos * 2 > len(self._buf):
            self._drop()
        data = self._fh.read(max(at_least, CHUNK))
        text = self._decode.decode(data, final=not data)
        if not data:
            self._eof = True
        self._buf += text
        return bool(text) or not self._eof

    def _drop(self) -> None:
        gone = self._buf[: self._pos]
        newlines = gone.count("\n")
        if newlines:
            self._lines += newlines
            self._line_start = self._dropped + gone.rindex("\n") + 1
        self._dropped += self._pos
        self._buf = self._buf[self._pos :]
        self._pos = 0

    def where(self, index: int | None = None) -> tuple[int, int]:
        """(line, column) of `_buf[index]` (default: the current position)."""
        index = self._pos if index is None else index
        before = self._buf[:index]
        newlines = before.count("\n")
        start = self._dropped + before.rindex("\n") + 1 if newlines else self._line_start
        return self._lines + newlines + 1, self._dropped + index - start + 1

    def fail(self, message: str, index: int | None = None) -> WalkError:
        line, column = self.where(index)
        return WalkError(message, line, column)

    def peek(self) -> str:
        """The next character that is not space ("" at the end)."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return ""

    def _expect(self, chars: str, what: str) -> str:
        found = self.peek()
        if not found or found not in chars:
            raise self.fail(what)
        self._pos += 1
        return found

    # ------------------------------------------------------------ values

    def value(self) -> tuple[Any, bytes]:
        """The next whole value and its bytes as they stand in the file."""
        self.peek()
        start = self._pos
        while True:
            try:
                found, end = _DECODER.raw_decode(self._buf, start)
            except json.JSONDecodeError as exc:
                if self._eof or not _cut_short(exc, len(self._buf)):
                    raise self.fail(exc.msg, exc.pos) from None
                end = -1
            except RecursionError:
                raise self.fail("JSON nested too deeply to read", start) from None
            except ValueError:  # int() refusing over 4300 digits (not a JSONDecodeError)
                raise self.fail(jsondocs.HUGE_NUMBER, start) from None
            if end != -1 and (self._eof or not _may_go_on(found, self._buf, end)):
                self._pos = end
                return found, self._buf[start:end].encode(self.encoding, "surrogateescape")
            # cut by the chunk's end (a number may go on): read on, then again
            limit = jsondocs.MAX_RECORD_BYTES
            if len(self._buf) - start > limit:
                raise self.fail(f"a record over {jsondocs.size_words(limit)}", start)
            self._pos = start
            self._more(len(self._buf) - start)
            start = self._pos

    def skip(self) -> None:
        """Read past the next value; an array or object one member at a time,
        so skipping a chat's million messages holds one message at once."""
        found = self.peek()
        if found == "[":
            for _ in self.elements():
                self.value()
        elif found == "{":
            for _ in self.members():
                self.value()
        else:
            self.value()

    def members(self) -> Iterator[str]:
        """The member names of the object here, one at a time; the caller
        reads each member's value before asking for the next name."""
        self._expect("{", "Expecting value")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.fail("Expecting property name enclosed in double quotes")
            name, _ = self.value()
            self._expect(":", "Expecting ':' delimiter")
            yield str(name)
            if self._expect(",}", "Expecting ',' delimiter") == "}":
                return

    def elements(self) -> Iterator[int]:
        """The 1-based index of each element of the array here; the caller
        reads each element before asking for the next."""
        self._expect("[", "Expecting value")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            index += 1
            self.peek()
            yield index
            if self._expect(",]", "Expecting ',' delimiter") == "]":
                return

    def end(self) -> None:
        """Nothing but space may follow the document."""
        if self.peek():
            raise self.fail("Extra data")


_NUMBER_CHARS = frozenset("0123456789.eE+-")


def _may_go_on(found: Any, buf: str, end: int) -> bool:
    """Whether a value read up to the buffer's end may go on in the next chunk:
    anything ending there, or a number followed only by number characters
    (`1.` or `-2e` cut from `1.5` or `-2e3`: the scanner stops before them)."""
    if end >= len(buf):
        return True
    if isinstance(found, (int, float)) and not isinstance(found, bool):
        return all(ch in _NUMBER_CHARS for ch in buf[end:])
    return False


def _cut_short(exc: json.JSONDecodeError, length: int) -> bool:
    """Whether the scanner stopped because the text ran out (not bad JSON)."""
    return exc.pos >= length - 12 or exc.msg.startswith("Unterminated string")


def elements_at(walk: Walk, key: str | None = None) -> Iterator[tuple[int, Any, bytes]]:
    """The elements of the document's array (`key` None) or of the array that
    is the value of its top-level member `key` (the first such member), each
    as (1-based index, value, its bytes in the file).

    The rest of the document is walked past and checked to its end. Nothing
    is yielded when the document holds no such array. Raises `WalkError`
    where the document breaks, after the elements before it.
    """
    if key is None:
        if walk.peek() == "[":
            for index in walk.elements():
                value, raw = walk.value()
                yield index, value, raw
        else:
            walk.skip()
    elif walk.peek() != "{":
        walk.skip()
    else:
        found = False
        for name in walk.members():
            if name == key and walk.peek() == "[" and not found:
                found = True
                for index in walk.elements():
                    value, raw = walk.value()
                    yield index, value, raw
            else:
                walk.skip()
    walk.end()


def walk_elements(
    source: Source, encoding: str, key: str | None = None
) -> Iterator[tuple[int, Any, bytes]]:
    """`elements_at` over `source` opened afresh and decoded with `encoding`
    (from `stream_encoding`, decided once for a reader that walks twice)."""
    with source.open() as fh:
        yield from elements_at(Walk(fh, encoding), key)


def open_walk(source: Source) -> tuple[Walk, str | None, IO[bytes]] | None:
    """A walk over the source, the encoding note, and the file to close; None
    for text the walk leaves to the whole-document readers (UTF-16/32)."""
    found = stream_encoding(source)
    if found is None:
        return None
    encoding, note = found
    fh = source.open()
    return Walk(fh, encoding), note, fh
