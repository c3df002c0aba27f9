"""A feed document's bytes before any feed parser: its DTD subset and its entries' spans.

Two things are done to the raw bytes of an RSS or Atom file, neither of them
with a regular expression over markup:

- `strip_internal_subset`: the prolog is walked declaration by declaration
  (XML declaration, comments, processing instructions, the DOCTYPE with its
  quoted literals) and the DOCTYPE's internal subset `[ ... ]` is cut out.
  Its entity definitions are what "billion laughs" and the quadratic blowup
  are made of (feedparser re-inserts every "safe" `<!ENTITY>` it finds, so a
  100 KB entity referenced 10 000 times became a 1 GB string). Without the
  subset, the five XML entities and numeric references still work; a
  reference to an entity the subset defined is undefined, which feedparser
  reports as bozo and its loose parser keeps as the literal `&name;`. The
  DOCTYPE's name and external id stay (feedparser tells Netscape RSS 0.91
  by it); external entities are never fetched by feedparser (its SAX
  parser has `feature_external_ges` off) nor here.
- `entry_spans`: expat, which reports the byte index of every tag, walks the
  (stripped) document and gives the byte span of each top-level `<item>` /
  `<entry>` element as it stands in the file, so an entry's raw copy is its
  own bytes. expat here never loads anything: no external-entity handler is
  set, parameter-entity parsing is off, and `UseForeignDTD` makes an
  undefined entity reference (an HTML `&nbsp;` in an RSS title, or one whose
  definition was stripped) a skipped reference instead of a fatal error.
  C0 control bytes XML forbids are read as spaces by this scan (the bytes
  kept are the file's). A document expat cannot read to its end (bare `&`,
  unclosed tag) gives no
  spans: feedparser's loose parser may recover it differently, so no entry
  is paired with bytes it might not own.

An ASCII-compatible document is read by expat as ISO-8859-1 whatever it
declares: one byte per character, so every byte sequence is readable and
the indexes are byte offsets; markup characters (`<`, `>`, `&`, quotes) are
never trail bytes of Shift_JIS, Big5, GBK or UTF-8, so the structure found
is the document's. UTF-16 is read as UTF-16; UTF-32 and EBCDIC give no spans.
"""

from __future__ import annotations

import os
import pyexpat
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# namespaces in which feedparser takes an `item` / `entry` element as an entry
# (an element with no prefix counts whatever its default namespace)
_ENTRY_NAMESPACES = frozenset(
    {
        "http://www.w3.org/2005/Atom",
        "http://purl.org/atom/ns#",
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2",
        "http://blogs.law.harvard.edu/tech/rss",
    }
)
_ENTRY_NAMES = frozenset({"item", "entry"})
_SPACE = b" \t\r\n"
_CHUNK = 1 << 20
# the most a large file's prolog (and a feed's head or tail) may be when it is
# read piece by piece
PROLOG_BYTES = 4 << 20
# C0 controls XML forbids (an ANSI escape in a title is common in the wild):
# seen as spaces by the span scan only, so one such byte does not make the
# whole document unreadable to it; offsets stay the same, the bytes kept are
# the file's
_CONTROLS = bytes.maketrans(bytes([*range(0, 9), 11, 12, *range(14, 32)]), b" " * 29)


@dataclass(frozen=True)
class Stripped:
    """The document with its internal DTD subset cut out, and what was cut."""

    data: bytes
    removed: int  # bytes of internal subset removed (0: none)
    entities: int  # `<!ENTITY` declarations removed among them


# a kept entity's value, and all references to kept entities expanded together
_ENTITY_VALUE = 1024
_EXPANSION = 1 << 20
_NAME_END = b" \t\r\n\"'>%&<"


class UnreadableProlog(ValueError):
    """A DOCTYPE whose internal subset never ends, or one not in an ASCII-compatible encoding."""


def _utf16_or_32(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' / 'utf-32' when the bytes are not ASCII-compatible, else None."""
    head = data[:4]
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) or head in (
        b"<\x00\x00\x00",
        b"\x00\x00\x00<",
    ):
        return "utf-32"
    if head.startswith(b"\xff\xfe") or head[:2] == b"<\x00":
        return "utf-16-le"
    if head.startswith(b"\xfe\xff") or head[:2] == b"\x00<":
        return "utf-16-be"
    return None


def strip_internal_subset(data: bytes) -> Stripped:
    """`data` with its DOCTYPE's `[ ... ]` cut to its harmless part (module docstring).

    Kept: plain-text general entities (`<!ENTITY id "tag:example.com,">`,
    a value of at most `_ENTITY_VALUE` bytes with no `&`, `%`, `<` or `>`:
    no nesting, and one declaration feedparser's own pattern reads whole)
    while all their references together expand to at most `_EXPANSION`
    bytes. Everything else in the subset is removed: parameter and external
    entities, element and attribute declarations, comments.
    When the kept ones would expand past the bound, none is kept.

    Raises `UnreadableProlog` for a subset with no end (a truncated or
    hostile prolog) and for a UTF-16/32 document that has a DOCTYPE with a
    subset (not walked in that encoding: refused rather than passed on).
    """
    wide = _utf16_or_32(data)
    if wide:
        codec = wide if wide != "utf-32" else "utf-32-le" if data[:1] in b"\xff<" else "utf-32-be"
        look = data[:16384].decode(codec, errors="replace").lstrip("\ufeff")
        if _subset_bounds(look.encode("utf-8", errors="replace")) is not None:
            raise UnreadableProlog("internal DTD subset in a UTF-16/32 feed: refused")
        return Stripped(data, 0, 0)
    bounds = _subset_bounds(data)
    if bounds is None:
        return Stripped(data, 0, 0)
    start, end, declarations = bounds
    body = data[end:]
    kept = [(name, value) for name, value in declarations if name is not None]
    expansion = sum(body.count(b"&" + name + b";") * len(value) for name, value in kept)
    if expansion > _EXPANSION:
        kept = []
    # one declaration a line: feedparser finds them again line by line
    lines = b"".join(b'\n<!ENTITY %s "%s">' % pair for pair in kept)
    subset = b"[" + lines + b"\n]" if kept else b""

    def solid(chunk: bytes) -> int:
        return len(chunk) - sum(chunk.count(c) for c in (b" ", b"\t", b"\r", b"\n"))

    removed = solid(data[start:end]) - solid(subset)
    return Stripped(data[:start] + subset + body, removed, len(declarations) - len(kept))


# More line breaks than this before the first element are squeezed (`calm_prolog`).
_PROLOG_LINES = 64


def calm_prolog(data: bytes) -> bytes:
    """`data` with the blank lines before its first element removed, when there are many.

    feedparser finds DOCTYPE and ENTITY declarations with patterns anchored
    at every line start of the text before the first element (`^\\s*<!DOCTYPE`),
    each of which runs over all the blank lines after it: quadratic. 25 KB of
    CRLFs took feedparser 5 s, 1 MB would take hours (found by
    `bench/fuzz.py`). White space between prolog declarations means nothing
    to XML, so past `_PROLOG_LINES` line breaks the blank lines are dropped;
    a usual feed (a few prolog lines) is passed on byte for byte. The first
    element is found the way feedparser finds it (`<` then a name
    character); UTF-16/32 documents are left as they are.
    """
    if _utf16_or_32(data):
        return data
    root = _first_element(data)
    head = data[:root]
    if head.count(b"\n") <= _PROLOG_LINES:
        return data
    kept = [line for line in head.splitlines(keepends=True) if line.strip(b" \t\r\n")]
    return b"".join(kept) + data[root:]


def _first_element(data: bytes) -> int:
    """The index of the first `<` followed by a letter or `_` (a start tag), or len(data)."""
    at = data.find(b"<")
    while at != -1:
        after = data[at + 1 : at + 2]
        if after.isalpha() or after == b"_":
            return at
        at = data.find(b"<", at + 1)
    return len(data)


_Declaration = tuple[bytes | None, bytes]  # (entity name, value); name None: not kept


def _subset_bounds(data: bytes) -> tuple[int, int, list[_Declaration]] | None:
    """(start of `[`, end after `]`, entity declarations) of the prolog's internal subset."""
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    while i < n:
        while i < n and data[i] in _SPACE:
            i += 1
        if data.startswith(b"<?", i):
            i = _after(data, b"?>", i + 2)
        elif data.startswith(b"<!--", i):
            i = _after(data, b"-->", i + 4)
        elif data[i : i + 9].upper() == b"<!DOCTYPE":
            return _doctype_subset(data, i + 9)
        else:
            return None  # the root element (or junk): no DOCTYPE before it
    return None


def _after(data: bytes, end: bytes, start: int) -> int:
    found = data.find(end, start)
    if found < 0:
        return len(data)
    return found + len(end)


def _doctype_subset(data: bytes, i: int) -> tuple[int, int, list[_Declaration]] | None:
    n = len(data)
    while i < n:
        char = data[i : i + 1]
        if char in (b'"', b"'"):
            i = _after(data, char, i + 1)
        elif char == b">":
            return None  # a DOCTYPE with no internal subset
        elif char == b"[":
            return _subset_end(data, i)
        else:
            i += 1
    return None


def _subset_end(data: bytes, start: int) -> tuple[int, int, list[_Declaration]]:
    """From the `[` at `start`: the subset's end (after `]`) and its entity declarations."""
    i = start + 1
    n = len(data)
    entities: list[_Declaration] = []
    while i < n:
        if data.startswith(b"<!--", i):
            i = data.find(b"-->", i + 4)
            if i < 0:
                break
            i += 3
            continue
        if data.startswith(b"<?", i):
            i = data.find(b"?>", i + 2)
            if i < 0:
                break
            i += 2
            continue
        char = data[i : i + 1]
        if char in (b'"', b"'"):
            i = data.find(char, i + 1)
            if i < 0:
                break
            i += 1
            continue
        if data.startswith(b"<!ENTITY", i):
            entities.append(_plain_entity(data, i + 8))
        if char == b"]":
            return start, i + 1, entities
        i += 1
    raise UnreadableProlog("DOCTYPE internal subset never ends")


def _plain_entity(data: bytes, i: int) -> _Declaration:
    """`<!ENTITY name "plain text">` read from after `<!ENTITY`; (None, b"") for any other."""
    n = len(data)
    j = i
    while j < n and data[j] in _SPACE:
        j += 1
    if j == i:
        return None, b""
    k = j
    while k < n and data[k] not in _NAME_END:
        k += 1
    name = data[j:k]
    while k < n and data[k] in _SPACE:
        k += 1
    if not name or k >= n or data[k] not in b"\"'":
        return None, b""  # a parameter (`%`) or external (SYSTEM, PUBLIC) entity
    close = data.find(data[k : k + 1], k + 1)
    if close < 0:
        return None, b""
    value = data[k + 1 : close]
    rest = close + 1
    while rest < n and data[rest] in _SPACE:
        rest += 1
    plain = len(value) <= _ENTITY_VALUE and not any(c in value for c in b'&%<>"')
    if not plain or data[rest : rest + 1] != b">":
        return None, b""
    return name, value


# ---------------------------------------------------------------- entry spans


@dataclass(frozen=True)
class Spans:
    """Where each entry of a feed document lies: byte offsets, in document order."""

    starts: array[int]
    ends: array[int]
    # True when every entry has the same parent element and only white space
    # lies between them: the document may be cut into runs of entries
    regular: bool

    def __len__(self) -> int:
        return len(self.starts)


def entry_spans(data: bytes) -> Spans | None:
    """The byte span of every top-level entry element, or None when expat cannot read it all."""
    view = memoryview(data)
    return scan_spans(view[k : k + _CHUNK] for k in range(0, max(len(data), 1), _CHUNK))


def scan_spans(chunks: Iterator[bytes | memoryview]) -> Spans | None:
    """`entry_spans` of the document that is these chunks one after the other.

    Only the last two chunks are held (a tag may straddle them), so a file
    of any size is scanned in bounded memory; the offsets are 8 bytes an
    entry each (`array`).
    """
    pieces = iter(chunks)
    first = bytes(next(pieces, b""))
    wide = _utf16_or_32(first)
    if wide == "utf-32":
        return None
    encoding = None if wide else "ISO-8859-1"
    if wide and not first.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "UTF-16LE" if wide == "utf-16-le" else "UTF-16BE"
    # a UTF-8 byte order mark would be text before the root read as ISO-8859-1
    skip = 3 if encoding and first.startswith(b"\xef\xbb\xbf") else 0
    scan = _Scan(wide, skip)
    parser = pyexpat.ParserCreate(encoding, namespace_separator=" ")
    parser.namespace_prefixes = True
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.UseForeignDTD(True)
    scan.parser = parser
    parser.StartElementHandler = scan.on_start
    parser.EndElementHandler = scan.on_end
    try:
        piece: bytes | memoryview | None = first[skip:]
        while piece is not None:
            following = next(pieces, None)
            chunk = bytes(piece)
            scan.window(chunk)
            parser.Parse(chunk if wide else chunk.translate(_CONTROLS), following is None)
            piece = following
    except (pyexpat.ExpatError, ValueError, RecursionError, _Lost):
        return None
    except LookupError:  # a UTF-16 document declaring an encoding expat does not know
        return None  # (`encoding="bogus"` after a BOM; found by bench/fuzz.py)
    if len(scan.starts) != len(scan.ends):
        return None
    regular = scan.regular and len(scan.parents) <= 1 and not wide
    return Spans(scan.starts, scan.ends, regular)


class _Lost(Exception):
    """A tag's bytes are no longer in the window (a tag longer than a chunk)."""


class _Scan:
    """What expat's element events build: entry offsets, parents, the gaps between entries."""

    def __init__(self, wide: str | None, skip: int) -> None:
        self.wide = wide
        self.skip = skip
        self.step = 2 if wide else 1
        self.solidus = "/".encode(wide) if wide else b"/"
        # 4-byte offsets (8 MB less at a million entries); 8-byte past 4 GiB (`_offset`)
        self.starts: array[int] = array("I")
        self.ends: array[int] = array("I")
        self.parents: set[int] = set()
        self.regular = True
        self.stack: list[int] = []  # byte index of each open element's start tag
        self.depth = 0  # inside an entry: how deep
        self.empty_end = -1
        self.base = skip  # document offset of self.data[0]
        self.data = b""
        self.last = b""
        self.fed = skip
        self.parser: pyexpat.XMLParserType | None = None  # whose byte index the events read

    def on_start(self, name: str, _attrs: object) -> None:
        """expat's start event: inside an entry only its depth counts (about half the events)."""
        if self.depth:
            self.depth += 1
            return
        assert self.parser is not None
        self.start(name, self.parser.CurrentByteIndex)

    def on_end(self, _name: str) -> None:
        if self.depth > 1:
            self.depth -= 1
            return
        assert self.parser is not None
        self.end(self.parser.CurrentByteIndex)

    def window(self, chunk: bytes) -> None:
        """Keep the previous chunk and this one (offsets from `base`)."""
        self.base = self.fed - len(self.last)
        self.data = self.last + chunk
        self.last = chunk
        self.fed += len(chunk)

    def _bytes(self, start: int, end: int) -> bytes:
        if start < self.base:
            raise _Lost
        return self.data[start - self.base : end - self.base]

    def start(self, name: str, at: int) -> None:
        index = at + self.skip
        if self.depth:
            self.depth += 1
        elif _is_entry(name):
            self.depth = 1
            if self.ends and self.regular:
                gap = self.ends[-1]
                self.regular = gap >= self.base and not self._bytes(gap, index).strip(_SPACE)
            self._offset(index)
            self.starts.append(index)
            tag_end = self._tag_end(index)
            slash = self._bytes(tag_end - 2 * self.step, tag_end - self.step)
            self.empty_end = tag_end if slash == self.solidus else -1
            self.parents.add(self.stack[-1] if self.stack else -1)
        self.stack.append(index)

    def end(self, at: int) -> None:
        index = at + self.skip
        self.stack.pop()
        if self.depth:
            self.depth -= 1
            if self.depth == 0:
                empty = self.empty_end
                end = empty if empty >= 0 else self._tag_end(index)
                self._offset(end)
                self.ends.append(end)

    def _offset(self, at: int) -> None:
        """Widen the offset arrays to 8 bytes before the first offset past 4 GiB."""
        if at > 0xFFFFFFFF and self.starts.typecode == "I":
            self.starts, self.ends = array("q", self.starts), array("q", self.ends)

    def _tag_end(self, index: int) -> int:
        """The offset just after the tag that starts at `index` (an end tag, or an empty element).

        The tag is well formed (expat read it), so its `>` is the first one
        outside a quoted attribute value.
        """
        if index < self.base:
            raise _Lost
        data, wide, step = self.data, self.wide, self.step
        gt = ">".encode(wide) if wide else b">"
        quotes = {q.encode(wide) if wide else q.encode() for q in ('"', "'")}
        i = index - self.base + step
        quote: bytes | None = None
        n = len(data)
        while i < n:
            char = data[i : i + step]
            if quote is not None:
                if char == quote:
                    quote = None
            elif char in quotes:
                quote = char
            elif char == gt:
                return i + step + self.base
            i += step
        raise _Lost


def _is_entry(name: str) -> bool:
    """feedparser's notion: `item`/`entry` (any case) unprefixed, or in a feed namespace."""
    parts = name.split(" ")
    if len(parts) == 1:
        return parts[0].lower() in _ENTRY_NAMES
    namespace, local = parts[0], parts[1]
    if local.lower() not in _ENTRY_NAMES:
        return False
    return len(parts) == 2 or namespace in _ENTRY_NAMESPACES


# ---------------------------------------------------------------- the document, in runs


@dataclass(frozen=True)
class Run:
    """One piece of a feed for feedparser: the head, some entries, the tail.

    `spans` are the entries' offsets inside `data`; `first` is the number
    of entries before this run.
    """

    data: bytes
    first: int
    spans: tuple[tuple[int, int], ...] | None  # None: the entries could not be located
    expected: int  # entries the markup has in this run


class FeedDocument:
    """A feed's (DTD-stripped) bytes, whole in memory or read from its file piece by piece.

    A large file is never read whole when it can be cut into runs: its first
    `PROLOG_BYTES` (where the DOCTYPE must end) are held, the rest is read
    chunk by chunk to find the spans, then run by run.
    """

    def __init__(self, stripped: Stripped, file: BinaryIO | None = None, rest: int = 0) -> None:
        self.head = stripped.data
        self.removed = stripped.removed
        self.entities = stripped.entities
        self.file = file
        self.rest = rest  # file offset where the bytes after `head` begin
        self.size = len(self.head)
        if file is not None:
            self.size += os.fstat(file.fileno()).st_size - rest

    @classmethod
    def from_bytes(cls, data: bytes) -> FeedDocument:
        return cls(strip_internal_subset(data))

    @classmethod
    def from_file(cls, file: BinaryIO) -> FeedDocument:
        first = file.read(PROLOG_BYTES)
        try:
            stripped = strip_internal_subset(first)
        except UnreadableProlog as exc:
            if len(first) == PROLOG_BYTES:
                raise UnreadableProlog(f"{exc} within the first {PROLOG_BYTES >> 20} MiB") from exc
            raise
        return cls(stripped, file, len(first))

    def chunks(self) -> Iterator[bytes | memoryview]:
        view = memoryview(self.head)
        yield from (view[k : k + _CHUNK] for k in range(0, len(self.head), _CHUNK))
        if self.file is not None:
            self.file.seek(self.rest)
            while chunk := self.file.read(_CHUNK):
                yield chunk

    def read(self, start: int, end: int) -> bytes:
        """Bytes `start`..`end` of the stripped document."""
        held = len(self.head)
        inside = self.head[start:end] if start < held else b""
        if end <= held or self.file is None:
            return inside
        self.file.seek(self.rest + max(start - held, 0))
        return inside + self.file.read(end - max(start, held))

    def whole(self) -> bytes:
        return self.read(0, self.size)

    def runs(self, spans: Spans | None, per_run: int) -> Iterator[Run]:
        """The document cut into runs of `per_run` entries, or whole (see `Spans.regular`).

        Cut only where that changes nothing for feedparser: every entry under
        one parent with only white space between them, so each run has the
        same head (XML declaration, namespaces, channel or feed metadata,
        `xml:base`, `xml:lang`) and tail as the whole document, both bounded.
        """
        count = len(spans) if spans is not None else 0
        head_end = spans.starts[0] if count and spans is not None else 0
        tail_start = spans.ends[-1] if count and spans is not None else self.size
        cuttable = (
            spans is not None
            and spans.regular
            and count > per_run
            and head_end <= PROLOG_BYTES
            and self.size - tail_start <= PROLOG_BYTES
        )
        if spans is None or not cuttable:
            located = tuple(zip(spans.starts, spans.ends, strict=True)) if spans else None
            yield Run(self.whole(), 0, located, count)
            return
        head = self.read(0, head_end)
        tail = self.read(tail_start, self.size)
        for first in range(0, count, per_run):
            last = min(first + per_run, count)
            origin = spans.starts[first]
            body = self.read(origin, spans.ends[last - 1])
            shift = len(head) - origin
            located = tuple(
                (spans.starts[k] + shift, spans.ends[k] + shift) for k in range(first, last)
            )
            yield Run(head + body + tail, first, located, last - first)

    def alone(self, spans: Spans | None, entry: bytes) -> bytes:
        """A document of the head, this one entry and the tail (the former id's reading)."""
        if not spans:
            return entry
        return self.read(0, spans.starts[0]) + entry + self.read(spans.ends[-1], self.size)
