"""From text to tokens: fold a phrase, cut it into words, and turn each word into a token.

This is where a phrase stops being text. Folding makes the spellings one
(case, accents, apostrophes, elisions, hyphens); each word then has to be in
the language's table (`words.TABLES`) or be digits of a known shape (a year,
a day number, an ISO or dotted day, "2020-21", "the 1990s", "Q3"); one word
that is neither and the language does not read the phrase, which is how the
reader never guesses. Numeric days whose order is ambiguous ("05/06/2021")
are refused here, before any grammar sees them.
"""

from __future__ import annotations

import re
import unicodedata

from desk.recap_dates import spans
from desk.recap_dates.model import Precision
from desk.recap_dates.spans import Span
from desk.recap_dates.words import DECADE_WORDS_EN, JOINS, TABLES, Tok

_ELISION = re.compile(r"\b(d|l|qu|jusqu|aujourd)'")
_EDGE_PUNCT = '.,;:!?()"«»“”„'
_NUM = re.compile(r"(\d{1,4})(?:st|nd|rd|th|er|re|e|eme|o|a|º|ª|\.)?")
_DECADE_EN = re.compile(r"'?(\d{2}|\d{3}0)'?s")
_DECADE_DE = re.compile(r"(\d{2}|\d{3}0)(?:er|ern)")
_YEAR_PAIR = re.compile(r"(\d{4})[-/](\d{2}|\d{4})")
_QUARTER = re.compile(r"[qt]([0-9])")


def fold(text: str) -> str:
    """Lower case, accents off, one kind of apostrophe, elisions and hyphens apart."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("—", "–")
    text = text.replace("–", " – ")
    text = _ELISION.sub(r"\1' ", text)
    # "mid-March", "mi-mars", "mid-2021": a hyphen after a letter separates two words.
    return re.sub(r"(?<=[a-z])-(?=\w)", " ", text)


def tokens(folded: str, lang: str) -> list[Tok] | None:
    """The phrase as tokens in `lang`, or None if any word is not a date word there."""
    for pattern, joined in JOINS[lang]:
        folded = re.sub(pattern, joined, folded)
    table = TABLES[lang]
    out: list[Tok] = []
    for raw in folded.split():
        word = raw.strip(_EDGE_PUNCT)
        if not word:
            continue
        if word == "–":
            out.append(("dash", 0))
            continue
        if word not in table:
            word = word.rstrip(".")  # "Sept.", "19." (the German ordinal day)
        if word in table:
            out.append(table[word])
        elif (m := _NUM.fullmatch(word)) is not None:
            digits = m.group(1)
            if len(digits) == 4:
                out.append(("year", int(digits)))
            elif len(digits) <= 2:
                out.append(("num", int(digits)))
            else:
                return None
        elif (iso := numeric_date(word)) is not None and iso.start is not None:
            if iso.precision is Precision.DAY:  # "since 2021-01-05"
                out.append(("isoday", iso.start.toordinal()))
            else:
                out.append(("isomonth", iso.start.year * 12 + iso.start.month - 1))
        elif (m := _YEAR_PAIR.fullmatch(word)) is not None:
            first, second = int(m.group(1)), m.group(2)
            last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
            if last != first + 1:
                return None
            out.append(("yearpair", first))
        elif lang == "en" and (m := _DECADE_EN.fullmatch(word)) is not None:
            out.append(("decade", _decade_value(m.group(1))))
        elif lang == "en" and word in DECADE_WORDS_EN:
            out.append(("decade", DECADE_WORDS_EN[word] - 100))  # two digits: resolved later
        elif lang == "de" and (m := _DECADE_DE.fullmatch(word)) is not None:
            out.append(("decade", _decade_value(m.group(1))))
        elif (m := _QUARTER.fullmatch(word)) is not None:
            out.append(("quarter", int(m.group(1))))
        else:
            return None
    return out


def _decade_value(digits: str) -> int:
    """A decade's first year (four digits) or -(100 - two digits) when the century is left out.

    "The 2000s" (or "the 00s") is refused: a decade or a century, nobody can tell.
    """
    value = int(digits)
    if len(digits) == 2:
        return value - 100 if value % 10 == 0 and value != 0 else -1000
    return value if value % 100 != 0 else -1000


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def numeric_date(word: str) -> Span | None:
    """ISO days and months, and numeric days when only one reading is possible.

    Day.month.year with dots is the European order and has no rival. With
    slashes, 05/06/2021 is 5 June in Europe and May 6 in the US: refused;
    19/09/2023 can only be one day.
    """
    if (m := _ISO_DAY.fullmatch(word)) is not None:
        return spans.valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _ISO_MONTH.fullmatch(word)) is not None and 1 <= int(m.group(2)) <= 12:
        return spans.month(int(m.group(1)), int(m.group(2)))
    if (m := _DOTTED.fullmatch(word)) is not None:
        return spans.valid_day(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if (m := _SLASHED.fullmatch(word)) is not None:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        readings = {
            (year, month, day) for month, day in ((a, b), (b, a)) if spans.valid(year, month, day)
        }
        if len(readings) == 1:
            return spans.valid_day(*readings.pop())
        return None
    return None
