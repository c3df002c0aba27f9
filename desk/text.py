"""Text safety for every layer: what untrusted text must lose before it is stored or shown.

Post text is hostile until proven otherwise: it may carry terminal escape
sequences (ANSI colours, OSC 8 links, OSC 52 clipboard writes), C0/C1
control characters, bidi overrides that reorder what a reader sees, and
lone surrogates. `clean_text` removes all of that and keeps everything a
reader needs: right-to-left scripts, emoji, line breaks. `safe` and
`safe_line` are the display-side guard: everything printed or painted
passes them again, because a desk file is shared and may have been written
by an older or buggy `desk`, or by hand.

Standard library only, so the store, the verbs, the importers, the CLI and
the widgets can all import it (the import-linter contracts in
`pyproject.toml` keep it so). HTML to text lives with the importers
(`desk/ingest/clean.py`), since it needs lxml.
"""

from __future__ import annotations

import re
import unicodedata

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
# Any character `strip_escapes` removes or replaces: every escape sequence
# starts with one of its controls (ESC, 8-bit CSI or OSC), so text with none
# of these is returned as it is, after one search instead of two substitutions.
_STRIPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ud800-\udfff]"
)
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_escapes(text: str) -> str:
    """Remove terminal escape sequences and control characters; nothing else."""
    if _STRIPPED.search(text) is None:
        return text
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:  # skip the slow pass when clean
        text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return replace_surrogates(text)


def replace_surrogates(text: str) -> str:
    """Lone surrogates become U+FFFD: valid as JSON escapes, not as Unicode."""
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: str | None) -> str:
    """Plain text safe to store and show: NFC, no escapes, no controls, tidy lines."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        # the common case (a URL, an id, a name): printable ASCII has no escape,
        # control, line break, surrogate or no-break space, and NFC leaves it as is
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = strip_escapes(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00a0", " ")
    if "\n" in text:
        # Per line, not the regex `[ \t]+\n`: that one is quadratic in a long
        # run of spaces with no newline after it (64k spaces took 1.7 s;
        # found by bench/fuzz.py).
        text = "\n".join([line.rstrip(" \t") for line in text.split("\n")])
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_line(text: str | None) -> str:
    """A one-line field (a name, a handle, a title): clean, and on one line."""
    return " ".join(clean_text(text).split())


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis, for one-line displays."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "\u2026"


def safe(text: str | None) -> str:
    """Untrusted text for display: no escape sequences, controls or bidi overrides.

    Line breaks are kept (as `\\n`) and tabs become four spaces, so a pane
    can wrap it; use `safe_line` for anything shown on one line.
    """
    if not text:
        return ""
    return strip_escapes(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\t", "    ")


def safe_line(text: str | None) -> str:
    """`safe`, and on one line: for list rows, names, headers and CLI columns."""
    return " ".join(safe(text).split())
