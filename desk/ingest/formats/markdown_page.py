"""desk's own Markdown page (`desk export STORY --format md`), read back into its posts.

Why: issue 9 asks for a round trip. Ingested into a fresh desk the page
gives back the same posts with the same authors and days; into the desk
that wrote it, it adds nothing. The paste reader cannot: front matter,
`> ` quotes, backslash escapes and `[date](<url>)` bylines are Markdown,
and the platform and id a desk finds a post by are not in the text.

What is read (`desk/export/markdown.py` writes it): front matter whose
`generator` is `desk-md 1`, which is how the page is recognised; under
`## Posts`, each quote (the post's text, then `— Name (@handle)
[Month D, YYYY](<url>)`) and, after its verdict line, the post's line
`[desk:post:N]: # "platform=… id=…"`, a link reference definition no
renderer shows, carrying what the byline cannot give back exactly. Each
post becomes an item with the page's platform, id, URL, author, handle,
text, and the day at the byline's precision (day, month or year; no time
zone). So the desk's rule for one post being one item (platform and id,
else URL on the platform) finds the original again. An item with neither
(a note typed by hand, a quoted post from a paste) is known only by its
raw bytes: such an item's `raw` is its text (a typed note's raw bytes), and
the post line's `sha256` (the digest of the raw copy the exporting desk
holds) is handed on as `earlier_raw`, so that desk finds a pasted post
again too (issue 12: it was added twice); any other item's `raw` is its
lines cut from the page, the copy of what was read.

Not items: the recap's entries (the desk's own summary of the story, not
material that came in) and the verdict lines (the desk's finding about a
post, not part of it). They are left alone.

How: markdown-it-py (CommonMark), never regular expressions. `text_join`
is off, so an escaped `\\(` stays a token apart and is never taken for the
byline's own `(@handle)`; `inline_definitions` makes each post line a
token with its line; links are not normalised, so a URL comes back as
written. The parser undoes every escape and character reference the
exporter wrote, so the text comes back exactly; anything else in a quote
(emphasis, code, a link, HTML, typed by hand) is read as its words, never
kept as structure; then `desk.text.clean_text`, as every importer does.

Bad input is named by line (the pipeline adds the file): empty, UTF-16
(refused whole), a line not UTF-8 (named; the posts on it are left out,
the rest go in), no front matter, cut short. A post counts only once its
`desk:post` line is there; fewer posts than the front matter lists is
named as a page cut short.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from desk.ingest.base import ParsedItem, Posted, Rejected, Sample, Source
from desk.text import clean_line, clean_text, truncate
from desk.vocab import ITEM_KINDS, PLATFORMS

NAME = "desk-md"

GENERATOR = "desk-md 1"
"""The front matter's `generator` this reader knows (the exporter writes the same)."""

POST_LABEL = "desk:post:"
"""The label of each post's reference definition, before the post's number."""

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_PRECISION_WORDS = {"day": 3, "month": 2, "year": 1}
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FRONT_MATTER_LINES = 40


class _PageReader(MarkdownIt):
    """CommonMark that hands back a link's destination as the page wrote it."""

    def normalizeLink(self, url: str) -> str:
        return url


_MD = _PageReader("commonmark", {"inline_definitions": True})
_MD.use(front_matter_plugin).disable("text_join")


# --- detect ------------------------------------------------------------------


def _fields(lines: Iterable[str]) -> dict[str, Any]:
    """Front matter's `key: value` lines; each value is JSON, as the exporter writes it."""
    fields: dict[str, Any] = {}
    for line in lines:
        name, sep, value = line.rstrip("\r").partition(": ")
        if sep:
            try:
                fields[name] = json.loads(value)
            except ValueError:
                fields[name] = None
    return fields


def detect(sample: Sample) -> int:
    """100 for front matter that names desk's page as its `generator`; 0 otherwise."""
    text = sample.text
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if sample.head.startswith(bom):  # claimed here, to be refused with a clear reason
            text = sample.head[len(bom) :].decode(encoding, errors="replace").lstrip()
    lines = [line.rstrip("\r") for line in text.split("\n", _FRONT_MATTER_LINES)]
    if lines[0] != "---":
        return 0
    end = lines.index("---", 1) if "---" in lines[1:] else len(lines)
    generator = _fields(lines[1:end]).get("generator")
    return 100 if isinstance(generator, str) and generator.startswith("desk-md ") else 0


# --- decoding ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    """The page's bytes line by line, its text, and the lines that were not UTF-8 (0-based)."""

    pieces: list[bytes]
    text: str
    bad: tuple[int, ...]


def _decode(data: bytes) -> _Page:
    """UTF-8, line by line only when the whole is not, so a bad line can be named.

    `bytes.splitlines` breaks at `\\n`, `\\r\\n` and `\\r`, as markdown-it
    does, so line numbers agree with the parser's.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    pieces = data.splitlines(keepends=True)
    try:
        return _Page(pieces, data.decode("utf-8"), ())
    except UnicodeDecodeError:
        pass
    bad: list[int] = []
    text: list[str] = []
    for number, piece in enumerate(pieces):
        try:
            text.append(piece.decode("utf-8"))
        except UnicodeDecodeError:
            bad.append(number)
            text.append(piece.decode("utf-8", errors="replace"))
    return _Page(pieces, "".join(text), tuple(bad))


def _at(line: int | None, reason: str) -> Rejected:
    """A rejection of the page (not of one post) at a line (1-based)."""
    return Rejected(record=None, line=line, reason=reason)


def _not_utf8(page: _Page) -> Rejected:
    first = page.bad[0]
    piece = page.pieces[first]
    byte = ""
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError as err:
        byte = f" (byte 0x{piece[err.start]:02x})"
    more = f", nor are {len(page.bad) - 1} more lines" if len(page.bad) > 1 else ""
    return _at(
        first + 1,
        f"not UTF-8{byte}{more}: desk writes its pages in UTF-8 (saved in another "
        "encoding?); posts on those lines are left out",
    )


# --- the posts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Quote:
    """One quoted post as the parser found it: its tokens and where it starts (0-based)."""

    number: int
    line: int
    tokens: list[Token]


class _Unreadable(Exception):
    """A post the page does not give back whole; the message says why."""


def _post_words(title: str) -> dict[str, str]:
    """The `key=value` words of a post line's title, each value percent-decoded."""
    pairs = (word.partition("=") for word in title.split())
    return {key: unquote(value) for key, sep, value in pairs if sep}


def _inline_text(inline: Token) -> str:
    """A paragraph of the quote as plain text: escapes undone, any structure read as its words."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "text_special", "code_inline", "html_inline", "image"):
            parts.append(child.content)  # an image's content is its alt text
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        # link, emphasis and strong open/close tokens are markup: their words are text tokens
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Byline:
    name: str | None
    handle: str | None
    date: str | None
    href: str | None


def _byline(inline: Token, words: dict[str, str]) -> _Byline:
    """`— Name (@handle) [date](<url>)` read token by token.

    Characters the page wrote as they are (text tokens) are the byline's
    own; characters it escaped (text_special tokens) belong to the name or
    the handle. So only an unescaped `(` can open the handle.
    """
    chars: list[str] = []
    own: list[bool] = []
    label: str | None = None
    href: str | None = None
    children = list(inline.children or ())
    for index, child in enumerate(children):
        if child.type in ("text", "text_special"):
            chars.extend(child.content)
            own.extend([child.type == "text"] * len(child.content))
        elif child.type == "link_open" and label is None:
            close = next(
                (k for k in range(index, len(children)) if children[k].type == "link_close"), None
            )
            tail = children[close + 1 :] if close is not None else ()
            if close is None or any(t.type != "text" or t.content.strip() for t in tail):
                raise _Unreadable("its byline has more after the date link")
            href = str(child.attrs.get("href", ""))
            label = "".join(t.content for t in children[index + 1 : close])
            break
        else:
            raise _Unreadable(f"its byline holds {child.type}, which desk does not write there")
    text = "".join(chars)
    if not text.startswith("\u2014 ") or not all(own[:2]):
        raise _Unreadable("its byline does not start with `\u2014 `")
    text, own = text[2:], own[2:]
    date: str | None = None
    if label is not None:
        if not text.endswith(" ") or not own[-1]:
            raise _Unreadable("its byline has no space before the date link")
        text, own = text[:-1], own[:-1]
        date = None if label == "link" else label
    elif words.get("date") in _PRECISION_WORDS:
        count = _PRECISION_WORDS[words["date"]]
        parts = text.rsplit(" ", count)
        if len(parts) != count + 1:
            raise _Unreadable("its byline does not end with its date")
        date = " ".join(parts[1:])
        text, own = parts[0], own[: len(parts[0])]
    if words.get("author") == "none":  # `— @handle`, or only the kind of source
        return _Byline(None, text[1:] if text.startswith("@") else None, date, href)
    opener = next((k for k, ch in enumerate(text) if ch == "(" and own[k]), None)
    if opener is None:
        return _Byline(text, None, date, href)
    if not (opener and text[opener - 1] == " " and text[opener + 1 : opener + 2] == "@"):
        raise _Unreadable("its byline's `(@handle)` is not where desk writes it")
    if not (text.endswith(")") and own[-1]):
        raise _Unreadable("its byline's `(@handle)` is not closed")
    return _Byline(text[: opener - 1], text[opener + 2 : -1], date, href)


def posted_from(label: str) -> Posted | None:
    """`September 19, 2023`, `September 2023` or `2023`, as a byline prints a date, else None."""
    words = label.split(" ")
    precision = {count: name for name, count in _PRECISION_WORDS.items()}.get(len(words))
    if precision is None or (precision == "day" and not words[1].endswith(",")):
        return None
    try:
        day = int(words[1][:-1]) if precision == "day" else 1
        month = MONTHS.index(words[0]) + 1 if precision != "year" else 1
        moment = datetime(int(words[-1]), month, day)
    except (ValueError, OverflowError):  # a year of 20 digits (found by bench/fuzz.py)
        return None
    return Posted(f"{moment:%Y}".zfill(4) + f"{moment:-%m-%d}T00:00:00Z", precision, False)


def _item(quote: _Quote, definition: Token, page: _Page) -> ParsedItem:
    """The post a quote and its post line give back; `_Unreadable` when they do not."""
    end = definition.map[1] if definition.map else quote.line + 1
    bad = [n for n in page.bad if quote.line <= n < end]
    if bad:
        raise _Unreadable(f"line {bad[0] + 1} is not UTF-8")
    words = _post_words(str(definition.meta.get("title", "")))
    platform = clean_line(words.get("platform"))
    if platform not in PLATFORMS:
        raise _Unreadable(f"its desk:post line names no platform desk knows ({platform!r})")
    kind = clean_line(words.get("kind")) or "post"
    if kind not in ITEM_KINDS:
        raise _Unreadable(f"its desk:post line names no kind desk knows ({kind!r})")
    paragraphs: list[Token] = []
    for token in quote.tokens:
        if token.type == "inline":
            paragraphs.append(token)
        elif token.type not in ("paragraph_open", "paragraph_close"):
            raise _Unreadable(f"its quote holds {token.type}, which desk does not write there")
    if not paragraphs:
        raise _Unreadable("its quote is empty")
    byline = _byline(paragraphs[-1], words)
    text = clean_text("\n\n".join(_inline_text(p) for p in paragraphs[:-1]))
    platform_id = clean_line(words.get("id")) or None
    url = clean_line(words.get("url", byline.href)) or None
    posted = posted_from(byline.date) if byline.date else None
    sha = clean_line(words.get("sha256")) or None
    extra: dict[str, Any] = {"byline_date": byline.date} if byline.date and not posted else {}
    # An item with neither id nor URL is known by its raw bytes: a typed note's are its text.
    raw = b"".join(page.pieces[quote.line : end]) if platform_id or url else text.encode("utf-8")
    return ParsedItem(
        platform=platform,
        kind=kind,
        text=text,
        raw=raw,
        platform_id=platform_id,
        url=url,
        author_name=clean_line(byline.name) or None,
        author_handle=clean_line(byline.handle) or None,
        posted=posted,
        extra=extra,
        record=quote.number,
        earlier_raw=sha if sha and _SHA256.fullmatch(sha) and not (platform_id or url) else None,
    )


def _blockquote(tokens: list[Token], start: int) -> int:
    """The index of the `blockquote_close` that ends the top-level quote opened at `start`."""
    for index in range(start + 1, len(tokens)):
        if tokens[index].type == "blockquote_close" and tokens[index].level == 0:
            return index
    return len(tokens) - 1


def _posts(tokens: list[Token], page: _Page) -> Iterator[ParsedItem | Rejected]:
    """Each quote under `## Posts` with the post line after it, in page order."""
    in_posts = False
    pending: _Quote | None = None
    number = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0:  # inside a list, say: never a post
            pass
        elif token.type == "heading_open" and token.tag in ("h1", "h2"):
            in_posts = token.tag == "h2" and tokens[index + 1].content == "Posts"
        elif token.type == "blockquote_open" and in_posts:
            close = _blockquote(tokens, index)
            if pending is not None:
                yield _left_out(pending, "no desk:post line follows its quote (edited by hand?)")
            number += 1
            line = token.map[0] if token.map else 0
            pending = _Quote(number, line, tokens[index + 1 : close])
            index = close
        elif token.type == "definition" and str(token.meta.get("label", "")).startswith(POST_LABEL):
            at = token.map[0] + 1 if token.map else None
            if pending is None:
                yield _at(at, "a desk:post line with no quoted post before it")
            else:
                try:
                    yield _item(pending, token, page)
                except _Unreadable as why:
                    yield _left_out(pending, str(why))
                pending = None
        index += 1
    if pending is not None:
        yield _left_out(pending, "the page ends before its desk:post line: cut short?")


def _left_out(quote: _Quote, why: str) -> Rejected:
    return Rejected(
        record=quote.number, line=quote.line + 1, reason=f"post {quote.number} left out: {why}"
    )


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """The page's quoted posts, in page order; the recap is not read (see the module docstring)."""
    data = source.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield _at(
            1,
            "the page is UTF-16; desk writes its pages in UTF-8: "
            "save it as UTF-8 and ingest it again",
        )
        return
    page = _decode(data)
    if not page.text.strip():
        yield _at(1, "an empty page: no front matter, no posts")
        return
    if page.bad:
        yield _not_utf8(page)
    tokens = _MD.parse(page.text)
    if not tokens or tokens[0].type != "front_matter":
        yield _at(
            1,
            "no front matter closed by `---`: not a page desk wrote, or cut short inside it",
        )
        return
    fields = _fields(tokens[0].content.split("\n"))
    generator = fields.get("generator")
    if generator != GENERATOR:
        yield _at(
            1,
            f"front matter names generator {truncate(repr(generator), 60)}; "
            f"this desk reads {GENERATOR!r} pages",
        )
        return
    read = 0
    for out in _posts(tokens, page):
        if out.record is not None:
            read += 1
        yield out
    wanted = fields.get("quoted_posts")
    if isinstance(wanted, int) and read < wanted:
        yield _at(
            len(page.pieces),
            f"the page ends after {read} of the {wanted} posts its front matter lists: cut short?",
        )
