"""HTML to clean plain text, for the importers.

HTML goes through a real parser (lxml), never regular expressions; what
comes out passes `desk.text.clean_text`, the one text-safety rule of the
desk. This lives under `desk/ingest/` because only the importers need lxml.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from desk.ingest.values import no_surrogates, scrub
from desk.text import clean_text, replace_surrogates, strip_escapes

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "pre", "section", "article", "header", "footer", "figure", "figcaption", "table",
}  # fmt: skip
_DROP_TAGS = {"script", "style", "noscript", "template", "head"}
# huge_tree: libxml2 otherwise drops text nodes over 10 MB without a word.
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)
# Text with no markup whose only references are these (a feed title such as
# `UI Automation &amp; screenshots`): decoded here, as lxml decodes them,
# without building a tree (about 10 us a call). The code points allowed are
# the ones libxml2 passes through unchanged; any other reference, any C0
# control (a NUL cuts lxml's text) or a carriage return goes to lxml.
_SIMPLE_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}
_PLAIN_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")
# The same parse with lxml's plain elements (no lxml.html element classes),
# for `_walked_text`; lxml.html's own parser is only this plus those classes.
_PLAIN_HTML_PARSER = etree.HTMLParser(huge_tree=True)
# What lxml refuses in a string assigned to a tree (a ValueError), which
# `html_to_text`'s edits of the tree would meet (tested code point by code point).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# lxml.html's own test of whether a fragment is a whole page (it then does
# not wrap it in <html><body>): a look at its first characters, not a parse.
_WHOLE_PAGE = re.compile(r"^\s*<(?:html|!doctype)", re.I)


def html_to_text(html: str | bytes | None) -> str:
    """Text of an HTML fragment or page, with paragraphs and line breaks kept.

    Parsed by lxml; entities are decoded by the parser, scripts and styles
    dropped, `<br>` becomes a newline and block elements a blank line.
    """
    if html is None:
        return ""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        return ""
    if "<" not in html:
        if "&" not in html:
            return clean_text(html)
        plain = _decode_plain(html)
        if plain is not None:
            return clean_text(plain)
    html = replace_surrogates(html)
    walked = _walked_text(html)
    return walked if walked is not None else _tree_text(html)


def _tree_text(html: str) -> str:
    """`html_to_text` by lxml.html's fragment, edited in place: the reference, for every case."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_HTML_PARSER)
    except (etree.ParserError, ValueError, AssertionError):  # lxml asserts on <html> sans body
        return clean_text(html)
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        tag = element.tag.lower()
        if tag in _DROP_TAGS:
            if element.getparent() is not None:
                element.drop_tree()  # keeps the text that follows it
            continue
        # lxml refuses control characters (decoded from &#27; and the like)
        # in a string assigned back to the tree: strip them first.
        if tag == "br":
            element.tail = "\n" + strip_escapes(element.tail or "")
        elif tag in _BLOCK_TAGS:
            element.tail = "\n\n" + strip_escapes(element.tail or "")
            if tag == "li":
                element.text = "- " + strip_escapes(element.text or "")
    return clean_text(root.text_content())


def _walked_text(html: str) -> str | None:
    """`html_to_text`'s result for the common fragment, read in one walk; None: not this one.

    The tree walk below `html_to_text` builds lxml.html's fragment (a parse
    wrapped in `<html><body>`, its elements moved into a new `<div>`), edits
    it (a newline after each `<br>`, a blank line after each block, `- `
    before each list item, scripts and styles dropped) and reads its text.
    For a fragment with nothing to drop, this gives the same text from the
    same parse without building or editing anything: the parse with plain
    elements, then the text nodes in document order with those edits made
    on the strings. About 6 us where the tree walk took 16 (a feed entry's
    HTML description, measured). Anything else (a whole page, an element
    to drop, a character lxml would refuse in an edit, an odd parse) is
    None, and the tree walk decides as before.
    """
    if _WHOLE_PAGE.match(html):
        return None
    try:
        doc = etree.fromstring(f"<html><body>{html}</body></html>", _PLAIN_HTML_PARSER)
    except Exception:  # whatever it is, the tree walk meets it again and handles it
        return None
    if doc is None or doc.tag != "html":
        return None
    tags = [child.tag for child in doc]
    if tags.count("body") != 1 or any(isinstance(t, str) and t.startswith("{") for t in tags):
        return None  # lxml.html's asserts, and its namespace-stripping of tag names
    body = doc[tags.index("body")]
    # lxml.html keeps the text before the first element only when it is not blank
    parts = [body.text] if body.text and body.text.strip() else []
    # each open element: its children still to read, and itself (its tail comes after them)
    stack: list[tuple[Any, Any, str]] = [(iter(body), None, "")]
    while stack:
        children, _, _ = stack[-1]
        for child in children:
            tag = child.tag
            if not isinstance(tag, str):  # a comment or processing instruction: only its tail
                if child.tail:
                    parts.append(child.tail)
                continue
            name = tag.lower()
            if name in _DROP_TAGS:
                return None
            if name == "li":
                parts.append("- " + strip_escapes(child.text or ""))
            elif child.text:
                parts.append(child.text)
            if len(child):
                stack.append((iter(child), child, name))
                break
            _add_tail(parts, child, name)
        else:
            _, element, name = stack.pop()
            if element is not None:
                _add_tail(parts, element, name)
    text = "".join(parts)
    if _REFUSED.search(text):
        return None
    return clean_text(text)


def _add_tail(parts: list[str], element: Any, name: str) -> None:
    """An element's tail as `html_to_text` edits it (its edits strip controls first)."""
    tail = element.tail
    if name == "br":
        parts.append("\n" + strip_escapes(tail) if tail else "\n")
    elif name in _BLOCK_TAGS:
        parts.append("\n\n" + strip_escapes(tail) if tail else "\n\n")
    elif tail:
        parts.append(tail)


def _decode_plain(text: str) -> str | None:
    """Text with no markup and only simple references, decoded; None: lxml must read it."""
    if _PLAIN_UNSAFE.search(text):
        return None
    parts: list[str] = []
    last = 0
    for match in _SIMPLE_REFERENCE.finditer(text):
        if "&" in text[last : match.start()]:
            return None  # an `&` that is not one of them
        name, decimal, hexadecimal = match.groups()
        if name:
            char = _NAMED[name]
        else:
            code = int(decimal) if decimal else int(hexadecimal, 16)
            if not _passed_through(code):
                return None
            char = chr(code)
        parts.append(text[last : match.start()])
        parts.append(char)
        last = match.end()
    if "&" in text[last:]:
        return None
    parts.append(text[last:])
    return "".join(parts)


def _passed_through(code: int) -> bool:
    """A code point libxml2's HTML parser gives for its reference unchanged."""
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFDCF
        or 0xFDF0 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def html_of(value: object) -> str:
    """Clean text of an HTML fragment, surviving what trips `html_to_text`.

    For HTML fields of API JSON (a Mastodon status's `content`): character
    references such as `&#27;` decode to control characters inside
    lxml, which then refuses them when the tree is edited; we scrub the
    parsed text nodes and try again, and as a last resort keep the plain
    text content.
    """
    if not isinstance(value, str):
        return ""
    html = no_surrogates(value)  # escapes in the text are removed whole by html_to_text
    try:
        return html_to_text(html)
    except ValueError:
        pass
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(html)
    for element in root.iter():
        if element.text:
            element.text = scrub(element.text)
        if element.tail:
            element.tail = scrub(element.tail)
    try:
        return html_to_text(lxml.html.tostring(root, encoding="unicode"))
    except ValueError:
        return clean_text(scrub(root.text_content()))
