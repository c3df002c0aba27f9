"""dateparser, kept at arm's length: the one place it is imported, set up and called.

The grammar asks dateparser for single days and relative days ("September 19,
2023", "hace dos días"), which it reads well, and checks the answer against
its own tokens. dateparser is imported on first use, not with the package:
loading its language data is slow, and the desk starts without it. There is
one parser per language and reference date, relative dates come from the
past, there are no timestamp parsers (a number is not a date), and its
exceptions are not ours: a failure is no reading.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desk.recap_dates.model import MAX_PHRASE
from desk.recap_dates.tokens import fold
from desk.recap_dates.words import NUMBER_WORDS, TABLES

if TYPE_CHECKING:  # imported for real on first use: loading dateparser's data is the slow part
    from dateparser.date import DateDataParser

_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "past",
    "RETURN_TIME_AS_PERIOD": True,
    "PARSERS": ["relative-time", "absolute-time"],
}


@lru_cache(maxsize=64)
def _dateparser(lang: str, ref: dt.date) -> DateDataParser:
    from dateparser.date import DateDataParser

    base = dt.datetime(ref.year, ref.month, ref.day, 12)
    settings = dict(_DATEPARSER_SETTINGS, RELATIVE_BASE=base)
    return DateDataParser(languages=[lang], settings=settings, try_previous_locales=False)


def point(text: str, lang: str, ref: dt.date) -> dt.date | None:
    """The day dateparser reads in `text` (also without a leading preposition), or None."""
    if not text:
        return None
    attempts = [text]
    head, _, tail = text.partition(" ")
    if tail and TABLES[lang].get(fold(head).strip(), ("", 0))[0] in ("fill", "from"):
        attempts.append(tail)  # "am 19. September 2023", "el 19 de septiembre de 2023"
    for attempt in attempts:
        try:
            data = _dateparser(lang, ref).get_date_data(attempt[:MAX_PHRASE])
        except Exception:  # dateparser's own failure on odd text is a non-reading, not a crash
            continue
        found = getattr(data, "date_obj", None)
        if isinstance(found, dt.datetime):
            return found.date()
    return None


def digits_for_words(text: str, lang: str) -> str:
    """ "hace dos días" -> "hace 2 días": dateparser reads some languages' number words only."""
    words = NUMBER_WORDS[lang]
    pattern = r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b"

    def swap(m: re.Match[str]) -> str:
        return str(words[m.group(1).casefold()])

    return re.sub(pattern, swap, text, flags=re.IGNORECASE)
