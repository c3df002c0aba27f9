"""Typed readings of loose JSON: the one home of `_str`, `_first` and their kin.

Every format reads third-party JSON (and feedparser's dicts) in which any
key may be missing, null, or of the wrong type: an id that is a number in one
export and a string in the next, a list where an object was documented, a
bool where a count was. These accessors turn such a value into the type the
caller needs or into a neutral "nothing" (`""`, `None`, `{}`, `[]`) and never
raise, so a hostile record cannot crash a parser through them and mypy sees
real types past them.

Two string readings exist on purpose, because the formats need both:
`string` (a str as it is, else `""`: text fields, where an empty text is
still a text) and `str_or_none` (a non-empty, stripped str, or an int
written as one: ids and URLs, where `""` means absent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from desk.text import clean_line, clean_text, replace_surrogates, strip_escapes


def string(value: Any) -> str:
    """The value when it is a str (untouched), else `""`."""
    return value if isinstance(value, str) else ""


def str_or_none(value: Any) -> str | None:
    """A non-empty stripped str, an int as its decimal string, else None.

    Ids arrive as strings in most exports and as numbers in some tools'
    output; a bool is never an id (`True` is an int to Python).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # An id with an escape, a control or a lone surrogate is no id: it
        # would reach the terminal and the store (which cannot encode a
        # surrogate), and two such ids must not collapse into one U+FFFD
        # (found by bench/fuzz.py). Nor is one of several lines (a Mastodon
        # `in_reply_to_id` holding a whole post became a reply reference).
        value = value.strip()
        return value if value and value.isprintable() and scrub(value) == value else None
    return None


def int_or_none(value: Any) -> int | None:
    """An int, or a str holding one (spaces allowed); bools and the rest are None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def first(value: Any) -> Any:
    """The first element of a non-empty list, else None."""
    return value[0] if isinstance(value, list) and value else None


def array(value: Any) -> list[Any]:
    """The value when it is a list, else an empty list (to iterate without a check)."""
    return value if isinstance(value, list) else []


def mapping(value: Any) -> dict[str, Any]:
    """The value when it is a dict, else an empty dict (for chained `.get`)."""
    return value if isinstance(value, dict) else {}


def first_dict(value: Any) -> dict[str, Any]:
    """A dict, or the first dict in a list (JSON-LD writes either), else `{}`."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


def dicts(value: Any) -> list[dict[str, Any]]:
    """The dicts of a list, in order (other elements dropped); `[]` for a non-list."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def dig(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...` through dicts only, or None where a step is missing."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def unique(values: Iterable[str]) -> list[str]:
    """The non-empty strings in first-seen order, each once."""
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


def mime_kind(mime: str) -> str:
    """A media type from a MIME type: image, video, audio, else file."""
    major = mime.split("/", 1)[0].lower()
    return {"image": "image", "video": "video", "audio": "audio"}.get(major, "file")


# ---------------------------------------------------------------- clean text of a value


def no_surrogates(value: str) -> str:
    """Lone surrogates (valid JSON escapes, invalid Unicode) become U+FFFD.

    lxml silently cuts a text at the first one and UTF-8 cannot store them.
    Most texts have none: ASCII and encodable text are returned at once.
    """
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return replace_surrogates(value)
    return value


def scrub(value: str) -> str:
    """Drop escape sequences, controls and lone surrogates before any parser sees them."""
    return strip_escapes(no_surrogates(value))


def text_of(value: Any) -> str:
    """Clean multi-line text of an untrusted plain-text value ("" for a non-str)."""
    return clean_text(scrub(value)) if isinstance(value, str) else ""


def line_of(value: Any) -> str:
    """Clean one-line text (names, handles, titles) of an untrusted value.

    Printable ASCII (most ids, handles, URLs, times) has nothing to clean
    but spacing: that fast path keeps 100k-status files quick.
    """
    if not isinstance(value, str):
        return ""
    if value.isascii() and value.isprintable():
        return " ".join(value.split())
    return clean_line(scrub(value))
