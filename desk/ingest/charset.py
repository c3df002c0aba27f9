"""Bytes to text, the one way every format does it: BOM, UTF-8, a declaration, a guess.

Exports re-saved on a desktop, pastes from old systems and misdeclared feeds
arrive in legacy code pages; they should go in readable, with a note saying
what was assumed, rather than be refused whole or stored as mojibake. The
order is always the same:

1. a byte order mark (UTF-32, UTF-8, UTF-16) says what the bytes are;
2. (JSON text only) a BOM-less UTF-16/32 document shows itself by the NUL
   bytes around its first, ASCII, character (RFC 8259 section 8.1; what
   `json.detect_encoding` reads);
3. valid UTF-8 is UTF-8;
4. a charset the bytes declare (an HTML `<meta charset>`) is taken;
5. else charset-normalizer guesses, with one tie rule (below);
6. else UTF-8 with the bad bytes replaced.

The tie rule: on short Western text several single-byte code pages read the
bytes without chaos (cp1250, mac_latin2, cp1257 all read "café", some
wrongly), and charset-normalizer drops cp1252 from its answers when another
code page decodes the bytes alike. So cp1252, by far the most common legacy
encoding of Western text, is measured on its own and wins when it reads the
bytes about as cleanly as the best single-byte answer. Cyrillic, Greek,
Hebrew or Arabic bytes do not read as cp1252 without chaos and keep their
own code page; a multi-byte (CJK) answer is kept as it is.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

# A guess reads at most this much: charset-normalizer's cost grows with the
# input, and a quarter MiB of text settles any code page.
GUESS_BYTES = 256 * 1024
# cp1252 wins when its chaos is at most this much above the best answer's.
# Measured on 60 samples of 17 languages in 25 code pages (the issue 12
# branch's report): 0.1 reads 47 right where 0.06 read 43 and the four
# rules this one replaced 34 to 43; French «» in cp1252 cost 0.09.
CP1252_TIE = 0.1
# A multi-byte answer (CJK code pages) is never overridden: Korean EUC-KR
# bytes read as cp1252 "without chaos" too.
_MULTIBYTE = ("euc", "gb", "big5", "shift_jis", "cp932", "cp949", "cp950", "hz", "iso2022", "johab")
_CONTROLS = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
# UTF-32 first: its little-endian BOM starts with UTF-16's.
BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text of some bytes, the codec it was read with, and what was assumed.

    `note` is None when the bytes said what they are (a BOM, valid UTF-8, a
    declared charset); otherwise it says, for the item's `extra`, that they
    were not UTF-8 and what they were read as.
    """

    text: str
    encoding: str
    note: str | None = None


def bom(data: bytes) -> tuple[str, int] | None:
    """The codec a byte order mark names and the mark's length, or None."""
    for mark, codec in BOMS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def wide_json_codec(head: bytes) -> str | None:
    """UTF-16/32 of a BOM-less JSON text, from the NULs around its first character."""
    if len(head) < 2 or b"\x00" not in head[:4]:
        return None
    if head[:3] == b"\x00\x00\x00":
        return "utf-32-be"
    if len(head) >= 4 and head[1:4] == b"\x00\x00\x00":
        return "utf-32-le"
    if head[0] == 0:
        return "utf-16-be"
    if head[1] == 0:
        return "utf-16-le"
    return None


def _codec(name: str | None) -> str | None:
    """The Python codec for a charset name, or None when there is none."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None


def guess_encoding(data: bytes) -> str | None:
    """The legacy code page of bytes that are not UTF-8 (the tie rule above), or None.

    None also when the guess is ASCII or UTF-8 (nothing better than UTF-8
    with replacements) or charset-normalizer finds nothing at all.
    """
    # Control characters are ASCII in every code page a guess can give, so
    # they say nothing about which one it is; left in, one escape sequence
    # (hostile or a coloured log) reads as chaos and defeats the guess.
    head = data[:GUESS_BYTES].translate(None, _CONTROLS)
    try:
        best = from_bytes(head).best()
        if best is None or best.encoding is None:
            return None
        encoding = best.encoding
        if encoding in ("ascii", "utf_8"):
            return None
        if encoding != "cp1252" and not encoding.startswith(_MULTIBYTE):
            western = from_bytes(head, cp_isolation=["cp1252"]).best()
            if western is not None and western.chaos <= best.chaos + CP1252_TIE:
                encoding = "cp1252"
    except (ValueError, LookupError, TypeError):  # a guess is optional; never fail over it
        return None
    return encoding


def guess(data: bytes) -> tuple[str, str] | None:
    """`(text, encoding)` of bytes that are not UTF-8 by the one guess, or None."""
    encoding = guess_encoding(data)
    if encoding is None:
        return None
    return data.decode(encoding, errors="replace"), encoding


def decode(data: bytes, *, declared: str | None = None, json_text: bool = False) -> Decoded:
    """The text of `data` by the steps in the module docstring; never raises.

    `declared` is a charset the bytes name for themselves (HTML `<meta>`);
    `json_text` allows step 2 for JSON, whose first character is ASCII.
    """
    marked = bom(data)
    if marked is not None:
        codec, length = marked
        return Decoded(data[length:].decode(codec, errors="replace"), codec)
    wide = wide_json_codec(data) if json_text else None
    if wide is not None:
        try:
            return Decoded(data.decode(wide), wide)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    named = _codec(declared)
    if named is not None and named != "utf-8":
        return Decoded(data.decode(named, errors="replace"), named)
    guessed = guess(data)
    if guessed is not None:
        text, encoding = guessed
        return Decoded(text, encoding, f"not UTF-8; decoded as {encoding} (guessed)")
    return Decoded(data.decode("utf-8", errors="replace"), "utf-8", "not UTF-8; bad bytes replaced")


def binary(data: bytes) -> bool:
    """True for bytes that are not text: NULs in a row, many NULs, or many control bytes.

    A stray NUL in a paste or a saved page (copied from a terminal, left by
    an editor) is one control character, which the text cleaner drops: no
    reason to refuse the file. Images, archives and BOM-less UTF-16/32 carry
    NULs in runs or every few bytes, and control bytes (not tab, newlines,
    form feed or the ESC of a colour code) in one byte of twenty or more.
    (A UTF-16/32 text with its BOM is decoded before this is asked.)
    """
    nuls = data.count(b"\x00")
    if nuls and (b"\x00\x00" in data or (nuls > 4 and nuls * 100 > len(data))):
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(data)


_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27))
