"""HTML to clean plain text, for the importers.

HTML goes through a real parser (lxml), never regular expressions; what
comes out passes `desk.text.clean_text`, the one text-safety rule of the
desk. This lives under `desk/ingest/` because only the importers need lxml.
"""

from __future__ import annotations

import re

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
