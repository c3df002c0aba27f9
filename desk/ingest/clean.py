"""Turning untrusted text into the clean plain text the desk stores.

Post text is hostile until proven otherwise: it may carry terminal escape
sequences (ANSI colours, OSC 8 links, OSC 52 clipboard writes), C0/C1
control characters, bidi overrides that reorder what a reader sees, and
HTML. `clean_text` removes all of that and keeps everything a reader needs:
right-to-left scripts, emoji, line breaks. HTML goes through a real parser
(lxml), never regular expressions.
"""

from __future__ import annotations

import re
import unicodedata

import lxml.html
from lxml import etree

# Terminal escape sequences, removed whole so no "[31m" residue is left:
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings,
# two-byte ESC sequences, and the 8-bit C1 forms of CSI and OSC.
_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                    # CSI
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # OSC, ended by BEL or ST (or cut off)
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?     # DCS SOS PM APC
    | \x1b[ -/]*[0-~]                            # other ESC sequences
    | \x9b[0-?]*[ -/]*[@-~]                      # 8-bit CSI
    | \x9d[^\x07\x9c]*(?:\x07|\x9c)?             # 8-bit OSC
    """,
    re.VERBOSE,
)
# C0 controls but tab and newline, DEL, C1 controls, and the bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) that
# can make text display in an order other than the one stored. The marks
# U+200E/U+200F (LRM/RLM) are harmless and kept for right-to-left text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
# Lone surrogates: valid as JSON escapes, not as Unicode (UTF-8 cannot
# store them, and lxml silently cuts a text at the first one).
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")

_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "pre", "section", "article", "header", "footer", "figure", "figcaption", "table",
}  # fmt: skip
_DROP_TAGS = {"script", "style", "noscript", "template", "head"}
# huge_tree: libxml2 otherwise drops text nodes over 10 MB without a word.
_HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)


def strip_escapes(text: str) -> str:
    """Remove terminal escape sequences and control characters; nothing else."""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:  # skip the slow pass when clean
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: str | None) -> str:
    """Plain text safe to store and show: NFC, no escapes, no controls, tidy lines."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_escapes(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ")
    if "\n" in text:
        text = _TRAILING_SPACE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_line(text: str | None) -> str:
    """A one-line field (a name, a handle, a title): clean, and on one line."""
    return " ".join(clean_text(text).split())


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
    if "<" not in html and "&" not in html:
        return clean_text(html)
    html = _SURROGATES.sub("\ufffd", html)
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


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis, for one-line displays."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"
