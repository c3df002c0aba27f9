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

import pyexpat
from dataclasses import dataclass

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

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    # True when every entry has the same parent element and only white space
    # lies between them: the document may be cut into runs of entries
    regular: bool

    def __len__(self) -> int:
        return len(self.starts)


def entry_spans(data: bytes) -> Spans | None:
    """The byte span of every top-level entry element, or None when expat cannot read it all."""
    wide = _utf16_or_32(data)
    if wide == "utf-32":
        return None
    encoding = None if wide else "ISO-8859-1"
    if wide and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "UTF-16LE" if wide == "utf-16-le" else "UTF-16BE"
    parser = pyexpat.ParserCreate(encoding, namespace_separator=" ")
    parser.namespace_prefixes = True
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.UseForeignDTD(True)
    starts: list[int] = []
    ends: list[int] = []
    parents: set[int] = set()
    stack: list[int] = []  # byte index of each open element's start tag
    depth_in_entry = 0
    empty_end: list[int] = []
    step = 2 if wide else 1
    solidus = "/".encode(wide) if wide else b"/"

    def start(name: str, _attrs: object) -> None:
        nonlocal depth_in_entry
        index = parser.CurrentByteIndex + skip
        if depth_in_entry:
            depth_in_entry += 1
        elif _is_entry(name):
            depth_in_entry = 1
            starts.append(index)
            tag_end = _tag_end(data, index, wide)
            slash = data[tag_end - 2 * step : tag_end - step]
            empty_end.append(tag_end if slash == solidus else -1)
            parents.add(stack[-1] if stack else -1)
        stack.append(index)

    def end(_name: str) -> None:
        nonlocal depth_in_entry
        index = parser.CurrentByteIndex + skip
        stack.pop()
        if depth_in_entry:
            depth_in_entry -= 1
            if depth_in_entry == 0:
                empty = empty_end.pop()
                ends.append(empty if empty >= 0 else _tag_end(data, index, wide))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    # a UTF-8 byte order mark would be text before the root read as ISO-8859-1
    skip = 3 if encoding and data.startswith(b"\xef\xbb\xbf") else 0
    view = memoryview(data)
    try:
        for chunk in range(skip, max(len(data), skip + 1), _CHUNK):
            piece = view[chunk : chunk + _CHUNK]
            final = chunk + _CHUNK >= len(data)
            parser.Parse(piece if wide else bytes(piece).translate(_CONTROLS), final)
    except (pyexpat.ExpatError, ValueError, RecursionError):
        return None
    if len(starts) != len(ends):
        return None
    regular = len(parents) <= 1 and all(
        not data[ends[k] : starts[k + 1]].strip(_SPACE) for k in range(len(starts) - 1)
    )
    return Spans(tuple(starts), tuple(ends), regular and not wide)


def _is_entry(name: str) -> bool:
    """feedparser's notion: `item`/`entry` (any case) unprefixed, or in a feed namespace."""
    parts = name.split(" ")
    if len(parts) == 1:
        return parts[0].lower() in _ENTRY_NAMES
    namespace, local = parts[0], parts[1]
    if local.lower() not in _ENTRY_NAMES:
        return False
    return len(parts) == 2 or namespace in _ENTRY_NAMESPACES


def _tag_end(data: bytes, index: int, wide: str | None) -> int:
    """The offset just after the tag that starts at `index` (an end tag, or an empty element).

    The tag is well formed (expat read it), so its `>` is the first one
    outside a quoted attribute value.
    """
    step = 2 if wide else 1
    gt = ">".encode(wide) if wide else b">"
    quotes = {q.encode(wide) if wide else q.encode() for q in ('"', "'")}
    i = index + step
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
            return i + step
        i += step
    return n


def cut(data: bytes, spans: Spans, first: int, last: int) -> bytes:
    """The document with only entries `first`..`last - 1`: its head, those entries, its tail."""
    head = data[: spans.starts[0]]
    tail = data[spans.ends[-1] :]
    return head + data[spans.starts[first] : spans.ends[last - 1]] + tail
