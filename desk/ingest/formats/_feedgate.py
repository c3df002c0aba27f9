"""The fast feed path's gate: which documents feedparser-rs reads as feedparser does.

Each disagreement below was seen with feedparser-rs 0.7.1 and is a reason
this gate declines a document, so that feedparser reads it as before
(`_feedfast.parse` then returns None); each has a synthetic case in
tests/ingest/test_feed_paths.py.

Issue 12's list:

- references left undecoded in Atom attributes (`href="…&amp;…"`);
- a self-closing element its RSS reader reads text from (`<dc:creator/>`,
  `<title/>`, `<pubDate/>`, `<guid/>` ...) takes the NEXT element's text: an
  empty `<dc:creator/>` makes the following date the author;
- a wrongly declared encoding that feedparser recovers comes out as U+FFFD,
  and UTF-16/32 feeds are not read: only strict UTF-8 is taken;
- entries over 1 MiB dropped (the count check, and a guard on entry size);
- `parse()` with its default limits stops silently at 10,000 entries and
  raises past 100 MiB; per-entry lists stop silently at their limit; a huge
  `max_entries` is reported to abort the process. So the limits are always
  given, bounded, from the document's own count, and a list that reached its
  limit is a decline.

Found here, on feedparser's own test suite and synthetic feeds: elements
feedparser maps and feedparser-rs does not (dc:author, dc:language,
dcterms, itunes:keywords, RSS fullitem/summary/image ..., Atom 0.3, Atom
elements in RSS, Atom author uri), inline XHTML/MathML/SVG in RSS, base64
and `mode` content, repeated single-valued elements, a permalink guid with
no link, RSS authors feedparser splits by its e-mail pattern, xml:lang in
RSS, markup in the feed title (an `&` in a plain one is taken as lxml and
feedparser read it), U+0080-U+009F (feedparser reads them as
windows-1252), and escaped HTML the two sanitizers treat differently. Dates
are never its own: feedparser's date parser reads the string it found.

A document is taken only when it is strict UTF-8 (no NUL, no UTF-16/32 BOM,
no other declared encoding), well-formed XML by lxml (no recovery, no
entities resolved, no network), RSS 2.0 or Atom 1.0 by its root, with no
DOCTYPE, not bozo for feedparser-rs, and its entry count equals lxml's count
of `<item>` / Atom `<entry>` elements (a real parse, so CDATA and comments
cannot fool it). Only bytes go in: a str handed to feedparser-rs may be taken
as a URL and fetched. The gate is about a third of the fast path's cost.

Kept apart from `_feedfast.py` (the switch, the call to feedparser-rs and
the mapping of its objects to feedparser's dicts): the gate is the reasons,
and changes with each disagreement found or each version of feedparser-rs;
the mapping changes with what `feeds.py` reads. The gate runs before
parsing (`_encoding_problem`, `_survey` with `_entry_shape` on each entry as
lxml reads it) and after (`_entry_problem` on each mapped entry).
"""

from __future__ import annotations

import codecs
import io
import re
from typing import Any

from lxml import etree

from desk.text import clean_line

# ---------------------------------------------------------------- bounds

# Larger documents go to feedparser (or arrive in entry runs): feedparser-rs holds about
# 11 bytes per byte of feed while it maps (measured on the bench's RSS), feedparser about 6.
MAX_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 1_000_000  # never a huge max_entries (reported to abort the process)
ENTRY_TEXT_LIMIT = 256 * 1024  # characters of text in one entry; over it, feedparser reads it
_LIST_LIMITS = {  # feedparser-rs limit -> the entry list it caps silently (feeds.py reads these)
    "max_links_per_entry": "links",
    "max_authors": "authors",
    "max_tags": "tags",
    "max_content_blocks": "content",
    "max_enclosures": "enclosures",
}
_LIST_LIMIT = 1000  # given for each; a list that reaches it may have been cut short


def _names(prefix: str, words: str) -> frozenset[str]:
    return frozenset(prefix + word for word in words.split())


# ---------------------------------------------------------------- what the gate looks for

_ATOM = "{http://www.w3.org/2005/Atom}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"  # feedparser reads its dates, feedparser-rs not
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NS = {
    "xhtml": "http://www.w3.org/1999/xhtml",
    "mathml": "http://www.w3.org/1998/Math/MathML",
    "svg": "http://www.w3.org/2000/svg",
}
_ATOM_ENTRY, _ATOM_LINK = f"{_ATOM}entry", f"{_ATOM}link"
_ATOM_CATEGORY, _ATOM_AUTHOR = f"{_ATOM}category", f"{_ATOM}author"
_ENTRY_TAGS = ("item", _ATOM_ENTRY)
# Elements empty by design (all in their attributes); any other empty leaf
# element in a namespace feedparser-rs reads is declined (the self-closing bug).
_EMPTY_OK = _names("", "enclosure cloud") | _names(_ATOM, "link category")
_EMPTY_OK |= _names(_MEDIA, "content thumbnail player") | _names(_ITUNES, "image category")
_READ_NAMESPACES = frozenset(ns[1:-1] for ns in ("{}", _ATOM, _DC, _CONTENT, _MEDIA, _ITUNES))
# Children of an Atom entry both parsers read alike; another Atom element
# (0.3's `<issued>`, an `<image>` ...) is one feedparser maps or descends into.
_ATOM_KNOWN = _names(
    _ATOM,
    "author category content contributor id link published rights source summary title updated",
)
# RSS item children outside RSS 2.0 that feedparser has a handler for (it
# maps them onto content, dates, authors, or descends into them); other
# unknown children both parsers ignore alike
_RSS_MAPPED = _names(
    "",
    "abstract body cloud content created email expirationdate feed fullitem generator height"
    " image info issued item language modified name newlocation published rights subtitle"
    " summary tags textinput textInput updated url webmaster where width",
)
_RSS_AUTHORS = ("author", f"{_DC}creator", f"{_ITUNES}author")
_RSS_PLAIN = frozenset((*_RSS_AUTHORS, "title"))  # read alike unless `<` or `&x` is in it
_RSS_LINKS = frozenset(("link", "comments"))  # a relative one: resolved by feedparser-rs only
_ENTITY_LIKE = re.compile(r"&[#A-Za-z]")  # in decoded text: `&copy;` written as `&amp;copy;`
# elements feedparser maps onto author, language or tags, feedparser-rs not
# (dc:date: feedparser-rs drops a date string it cannot read, feedparser keeps it)
_ALIASES = frozenset((f"{_DC}author", f"{_DC}date", f"{_DC}language", f"{_ITUNES}keywords"))
# children an entry may hold several of; feedparser-rs reads a repeat of any
# other as the first, feedparser as the last
_REPEATABLE = frozenset(("category", "link", "enclosure", "author", "contributor", "creator"))
_ATOM_TEXT_TYPES = (None, "text", "html", "xhtml")  # others: base64 or XML, feedparser decodes
_ATOM_TEXTS = _names(_ATOM, "content summary title rights")
_ATOM_PEOPLE = _names(_ATOM, "author contributor")
# Descendants worth a closer look, found in C: empty leaves, feedparser's
# Atom 0.3 `mode` (base64, escaped), inline MathML / SVG (feedparser keeps
# their text, feedparser-rs drops it); for RSS also inline XHTML and
# xml:lang (feedparser reads both, feedparser-rs neither).
_ODD_COMMON = "descendant-or-self::mathml:* | descendant-or-self::svg:*"
_ODD_TESTS = {
    "rss": f"descendant-or-self::*[not(node()) or @mode or @xml:lang] | {_ODD_COMMON}"
    " | descendant-or-self::xhtml:*",
    "atom": f"descendant-or-self::*[not(node()) or @mode] | {_ODD_COMMON}",
}
# (a union of name tests, in document order like one filter: measured 3.1 us an
# entry against 5.0 for `namespace-uri()=` comparisons)
_ODD = {kind: etree.XPath(test, namespaces=_NS) for kind, test in _ODD_TESTS.items()}
# The same and the entry's `url` attributes (enclosure and media URLs: feedparser
# never resolves them) in one evaluation: strings are the attributes' values.
_ODD_AND_URLS = {
    kind: etree.XPath(f".//@url | {test}", namespaces=_NS, smart_strings=False)
    for kind, test in _ODD_TESTS.items()
}
# Escaped HTML whose sanitizing differs (each seen here): feedparser keeps
# MathML and SVG, drops the text of <applet> and <noscript> and keeps that of
# <template>, reads <xmp>, <plaintext> as markup; feedparser-rs (ammonia) the
# other way round; scripts and styles each by its own rules.
_UNSAFE_HTML = tuple(
    sorted(
        _names(
            "<",
            "script style math svg applet noscript template xmp plaintext listing noframes noembed",
        )
    )
)
_UNSAFE_SEARCH = re.compile("|".join(re.escape(tag) for tag in _UNSAFE_HTML)).search
_TEXT = etree.XPath("string(.)")  # an entry's text, references decoded (measured 5 us/entry)
_AUTHOR_LINK = etree.XPath("boolean(*[local-name()='uri' or local-name()='url'])")
_ALTERNATES = etree.XPath(
    f"count(*[namespace-uri()='{_ATOM[1:-1]}' and local-name()='link']"
    "[not(@rel) or normalize-space(@rel)='alternate'])"
)
_ABSOLUTE = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*:")  # a URI scheme: a string, not markup
_UTF8_NAMES = ("utf-8", "utf8")
_BOMS_16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_C1 = re.compile("[\x80-\x9f]")  # characters, not markup: feedparser reads them as cp1252
# a character reference to one, also inside escaped HTML (`&amp;#150;`): a
# search for a few bytes, not a reading of the markup; a hit only declines
_C1_REFERENCE = re.compile(rb"&(?:amp;)?#(?:[xX]0*[89][0-9a-fA-F];|0*(?:12[89]|1[3-5][0-9]);)")


# ---------------------------------------------------------------- gate, before parsing


def _encoding_problem(data: bytes) -> str | None:
    """Why the bytes are not plain strict UTF-8 (or too big), else None."""
    if len(data) > MAX_BYTES:
        return f"too-big: {len(data):,} bytes (over {MAX_BYTES:,})"
    if data.startswith(_BOMS_16_32) or b"\x00" in data:
        return "utf-16/32: a UTF-16/32 byte order mark or a NUL byte"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    step = 1 << 20
    try:  # in 1 MiB steps: no second copy of a large feed in memory
        for start in range(0, len(data), step):
            if _C1.search(decoder.decode(view[start : start + step])):
                return "c1-controls: U+0080..U+009F (feedparser reads them as windows-1252)"
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return f"not-utf8: {exc.reason} in the bytes"
    if _C1_REFERENCE.search(data):
        return "c1-controls: a reference to U+0080..U+009F (feedparser reads it as windows-1252)"
    return None


def _survey(data: bytes) -> tuple[int, str | None] | str:
    """lxml's count of the document's entries and the feed's plain title, or why not.

    A real XML parse (libxml2, strict, no entities resolved, no DTD, no
    network): it cannot be fooled by `<item>` inside CDATA or comments, and
    a document it refuses is not well-formed, where feedparser and
    feedparser-rs recover differently. Each entry is looked at once, when it
    ends, then dropped, so memory stays at one entry.
    """
    count = 0
    kind: str | None = None
    authorless = False  # an Atom entry without <author>: feedparser-rs gives it the feed's
    try:
        events = etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=("{*}item", "{*}entry"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            recover=False,
        )
        for _event, element in events:
            count += 1
            if kind is None:
                kind = _kind(element.getroottree().getroot())
                if kind not in ("rss", "atom"):
                    return kind
            if kind == "atom" and element.find(f"{_ATOM}author") is None:
                authorless = True
            problem = _entry_shape(element, kind) or _entry_text(element)
            if problem:
                return f"{problem} (entry {count})"
            element.clear(keep_tail=True)
            _drop_earlier_entries(element)
        root = events.root
    except etree.XMLSyntaxError as exc:
        return f"not-xml: {exc}"
    if root is None:
        return "not-xml: no root element"
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        return "doctype: the document has a DOCTYPE"
    encoding = (docinfo.encoding or "utf-8").lower()
    if encoding not in _UTF8_NAMES:
        return f"declared-encoding: {encoding}"
    kind = _kind(root)
    if kind not in ("rss", "atom"):
        return kind
    problem = _odd_element(root, kind) or (_channel_shape(root) if kind == "rss" else None)
    if problem:
        return problem
    if authorless and root.find(f"{_ATOM}author") is not None:
        return "inherited-author: feedparser-rs gives authorless entries the feed's author"
    if count > MAX_ENTRIES:
        return f"too-many: {count:,} entries (over {MAX_ENTRIES:,})"
    return count, _plain_title(root, kind)


def _plain_title(root: Any, kind: str) -> str | None:
    """The feed's title as text (references decoded), when it is plain text."""
    if kind == "rss":
        title = root.find("channel/title")
    else:
        title = root.find(f"{_ATOM}title")
        if title is not None and title.get("type") not in (None, "text"):
            return None
    if title is None or len(title):
        return None
    return str(title.text or "")


def _kind(root: Any) -> str:
    """`rss` or `atom` by the root element, else why not."""
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "rss":
        version = (root.get("version") or "").strip()
        return "rss" if version == "2.0" else f"format: RSS version {version!r}, not 2.0"
    if tag == f"{_ATOM}feed":
        return "atom"
    return f"format: root <{tag}> is not RSS 2.0 or Atom 1.0"


def _entry_shape(entry: Any, kind: str) -> str | None:
    """Why feedparser-rs would read this entry differently from feedparser, else None."""
    rss = kind == "rss"  # else atom (`_kind`)
    if entry.tag not in _ENTRY_TAGS or (not rss) != (entry.tag == _ATOM_ENTRY):
        return f"odd-entry: <{entry.tag}> in an {kind} document"
    children = list(entry)
    tags = [child.tag for child in children]
    if len(set(tags)) != len(tags):
        seen: set[Any] = set()
        for tag in tags:
            local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
            if tag in seen and local not in _REPEATABLE and not tag.startswith(_MEDIA):
                return f"repeated-element: <{tag}> twice (feedparser takes the last)"
            seen.add(tag)
    if rss and "link" not in tags:
        guid = entry.find("guid")
        if guid is not None and (guid.get("isPermaLink") or "true").strip().lower() != "false":
            return "guid-as-link: a permalink <guid> and no <link> (the parsers differ on it)"
    if not rss and tags.count(_ATOM_LINK) > 1 and _ALTERNATES(entry) > 1:
        return "several-alternates: Atom links rel=alternate (feedparser takes the last)"
    if (
        rss
        and tags.count(_RSS_AUTHORS[0]) + tags.count(_RSS_AUTHORS[1]) + tags.count(_RSS_AUTHORS[2])
        > 1
    ):
        return "several-authors: more than one RSS author element (feedparser lists them all)"
    # each child's checks in one order; the RSS and the Atom ones apart
    for child, raw_tag in zip(children, tags, strict=True):
        tag = raw_tag if isinstance(raw_tag, str) else ""
        if _markup_in_plain_text(child, tag, kind):
            return f"markup-in-text: '<' in <{tag}> (one parser keeps it as text, one as HTML)"
        if (
            (tag in _RSS_MAPPED if rss else tag.startswith(_ATOM)) and tag not in _ATOM_KNOWN
        ) or tag.startswith(_DCTERMS):
            return f"unknown-element: <{tag}> (feedparser maps or descends into it)"
        problem = _rss_child(child, tag, tags) if rss else _atom_child(child, tag)
        if problem:
            return problem
    found = _ODD_AND_URLS[kind](entry)
    for url in found:
        if isinstance(url, str) and not _ABSOLUTE.match(url):
            return f"relative-url: url={url[:60]!r} (feedparser keeps it, feedparser-rs not)"
    return _odd_in([node for node in found if not isinstance(node, str)], kind)


def _rss_child(child: Any, tag: str, tags: list[Any]) -> str | None:
    """`_entry_shape`'s checks of one child of an RSS item."""
    if tag.startswith(_ATOM):
        return f"atom-in-rss: <{tag}> in an RSS item (feedparser maps it, feedparser-rs not)"
    if tag in _ALIASES:
        return f"alias: <{tag}> (feedparser maps it, feedparser-rs does not)"
    if tag == "author" and _odd_rss_author(child.text or "", tags):
        return "author-email: RSS <author> with an e-mail (feedparser splits it its own way)"
    if tag in _RSS_AUTHORS[1:] and "@" in (child.text or ""):
        return f"author-email: <{tag}> with an e-mail (feedparser splits it its own way)"
    if len(child) and (tag.startswith((_DC, _CONTENT)) or "}" not in tag):
        return f"nested-element: <{tag}> holds elements"
    return None


def _atom_child(child: Any, tag: str) -> str | None:
    """`_entry_shape`'s checks of one child of an Atom entry."""
    if tag in _ATOM_TEXTS and child.get("type") not in _ATOM_TEXT_TYPES:
        return f"typed-content: <{tag} type={child.get('type')!r}> (feedparser decodes it)"
    if tag in _ALIASES:
        return f"alias: <{tag}> (feedparser maps it, feedparser-rs does not)"
    if tag == _ATOM_LINK and _odd_atom_link(child):
        return "link-type: an alternate Atom link that is not HTML (feedparser skips it)"
    if tag == _ATOM_CATEGORY and not child.get("term"):
        return "category-label: an Atom <category> without a term (feedparser-rs drops it)"
    if tag == _ATOM_AUTHOR and _AUTHOR_LINK(child):
        return "author-uri: Atom <author><uri> (feedparser-rs drops it)"
    return None


def _channel_shape(root: Any) -> str | None:
    """Atom elements in an RSS channel: feedparser takes an `alternate` atom:link as the
    feed's link (and maps the others); feedparser-rs reads only `self` and `hub` alike."""
    for channel in root.iterchildren("channel"):
        for child in channel.iterchildren(f"{_ATOM}*"):
            rel = (child.get("rel") or "alternate").strip()
            if child.tag != f"{_ATOM}link" or rel not in ("self", "hub"):
                return f"atom-in-rss: <{child.tag} rel={rel!r}> in the RSS channel"
    return None


def _markup_in_plain_text(child: Any, tag: str, kind: str) -> bool:
    """Plain text holding `<` or an entity-like `&x`, or a relative RSS link: feedparser
    keeps such text as it is, feedparser-rs sanitizes, decodes or resolves it."""
    if kind == "rss":
        if tag in _RSS_LINKS:
            return not _ABSOLUTE.match(child.text or "")
        return tag in _RSS_PLAIN and _looks_marked_up(child.text or "")
    if tag in _ATOM_TEXTS and child.get("type") in (None, "text"):
        return _looks_marked_up(child.text or "")
    if tag in _ATOM_PEOPLE:
        return any(_looks_marked_up(part.text or "") for part in child)
    return False


def _looks_marked_up(text: str) -> bool:
    return "<" in text or _ENTITY_LIKE.search(text) is not None


def _odd_atom_link(link: Any) -> bool:
    rel = (link.get("rel") or "alternate").strip()
    kind = (link.get("type") or "text/html").strip().lower()
    return rel == "alternate" and kind not in ("text/html", "application/xhtml+xml")


def rss_author_name(raw: str) -> str | None:
    """RSS 2.0 `<author>` is `email (Name)`; the name is what a reader wants.

    feeds.py reads this form itself on both paths; it lives here because the
    gate must know exactly which authors that is (`_odd_rss_author`).

    feedparser splits it with an e-mail pattern that cuts unusual top-level
    domains (`desk@paper.example (Lena Varo)` gave the name `ple (Lena
    Varo`), so take the last parenthesised part of the raw field ourselves,
    when the e-mail is outside it. An Atom author with a `<name>` and an
    `<email>` comes out of feedparser the other way round, `Anthony
    (noreply@blogger.com)`: that is not this form (the name is `Anthony`).
    """
    text = raw.strip()
    if text.endswith(")") and "(" in text:
        outer, inner = text[: text.rindex("(")], text[text.rindex("(") + 1 : -1].strip()
        if "@" in outer and "@" not in inner:
            return clean_line(inner) or None
    return None


def _odd_rss_author(text: str, tags: list[Any]) -> bool:
    """An RSS `<author>` feedparser reads with its e-mail pattern (`x@paper.example` gives
    `ple`); only `email (Name)` alone is read by feeds.py itself (`rss_author_name`), the
    same on both paths."""
    if "@" not in text:
        return False
    named = rss_author_name(text) is not None
    return not named or f"{_DC}creator" in tags or f"{_ITUNES}author" in tags


def _odd_element(element: Any, kind: str) -> str | None:
    return _odd_in(_ODD[kind](element), kind)


def _odd_in(found: list[Any], kind: str) -> str | None:
    """Why one of the elements `_ODD` found is read differently by the two parsers, else None."""
    for odd in found:
        tag = odd.tag if isinstance(odd.tag, str) else "?"
        if odd.get("mode") is not None:
            return f"mode: <{tag} mode=...> (Atom 0.3 base64 or escaped content)"
        namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
        if kind == "atom" and namespace == _NS["xhtml"]:
            continue  # an Atom xhtml construct: both read it
        if namespace in _NS.values():
            return f"inline-markup: <{tag}> (feedparser keeps its text)"
        if odd.get(_XML_LANG) is not None:
            return "xml-lang: xml:lang in an RSS document (feedparser reads it)"
        empty = not len(odd) and not odd.text and namespace in _READ_NAMESPACES
        if kind == "atom" and namespace == _ATOM[1:-1]:
            empty = False  # its Atom reader handles empty elements (measured); RSS's does not
        if empty and tag not in _EMPTY_OK and tag not in _ENTRY_TAGS:
            return f"empty-element: <{tag}/> (feedparser-rs reads the next element's text)"
    return None


def _entry_text(element: Any) -> str | None:
    """Why the entry's text (escaped HTML included) would be read differently, else None."""
    text = str(_TEXT(element))
    if len(text) > ENTRY_TEXT_LIMIT:
        return f"entry-too-big: {len(text):,} characters of text"
    # every tag looked for starts with `<`, and no character lower-cases to one
    if "<" in text and _UNSAFE_SEARCH(text.lower()):
        return "markup: <script>, <style>, <svg> ... in the HTML (the sanitizers differ)"
    return None


def _drop_earlier_entries(element: Any) -> None:
    """Remove the entries already counted (cleared shells), keeping the feed's own elements."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    while previous is not None and previous.tag in _ENTRY_TAGS:
        parent.remove(previous)
        previous = element.getprevious()


# ---------------------------------------------------------------- gate, after parsing


def _entry_problem(item: dict[str, Any], *, atom: bool) -> str | None:
    for key in _LIST_LIMITS.values():
        values = item.get(key) or []
        if len(values) >= _LIST_LIMIT:
            return f"list-limit: {len(values)} {key}, feedparser-rs may have cut it short"
    if atom and _has_ampersand(_attribute_values(item)):
        return "attr-reference: '&' in an attribute (left undecoded in Atom)"
    return None


def _attribute_values(item: dict[str, Any]) -> list[Any]:
    """The values of an entry that feedparser-rs read from XML attributes."""
    values: list[Any] = [item.get("link")]
    for key, fields in (
        ("links", ("href", "type", "rel")),
        ("tags", ("term", "label", "scheme")),
        ("enclosures", ("href", "type")),
        ("media_content", ("url", "medium", "type")),
        ("media_thumbnail", ("url",)),
        ("content", ("type", "language")),
        ("authors", ("href",)),
    ):
        values.extend(part.get(field) for part in item.get(key) or [] for field in fields)
    for key in ("title_detail", "summary_detail"):
        detail = item.get(key) or {}
        values.extend((detail.get("type"), detail.get("language")))
    return values


def _attribute_values_of_feed(feed: dict[str, Any]) -> list[Any]:
    return [feed.get("link"), feed.get("language")]


def _has_ampersand(values: list[Any]) -> bool:
    return any(isinstance(value, str) and "&" in value for value in values)
