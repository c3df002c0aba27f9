"""Fuzzy dates for the recap: read a date the way a reporter writes it.

A recap entry carries a date as people write it ("since December", "in the
fall of 2020", "im Herbst 2020", "hace dos días") and the desk needs what it
means: an interval of days (start and end, inclusive, either end open), its
precision, and its Library of Congress EDTF form, all resolved against the
story's reference date. `read_date` does that and nothing else: it is pure
(standard library, `dateparser`, no store, no UI), so the verbs, the CLI, the
TUI and the export can all call it, and it can be tested as a table.

How it reads. The phrase is cleaned (`desk.text.clean_line`), folded (case,
accents, elisions) and cut into words; each word must be known to the small
vocabulary of one language (English, French, German, Spanish), otherwise that
language does not read it. The known words become language-neutral tokens
(a month, a season, "since", "early", a year, ...) and one grammar over those
tokens builds the interval: seasons, early/mid/late, decades, quarters,
months without a day meaning the whole month, since/by/before/after,
between/from-to. Single days and relative days ("September 19, 2023",
"19 de septiembre de 2023", "two days ago", "vor zwei Tagen") are read
through `dateparser`, which is good at exactly that; the grammar checks its
answer against the tokens (day, month, year and weekday must agree) so a
reading dateparser makes up ("Friday the 13th" as a Monday) is refused, and
reads the day itself where dateparser has no reading for a phrase whose every
word the grammar knows.

Never guess. A phrase with one unknown word ("soon", "a while back", "the
other day"), an impossible day ("February 30, 2021"), a quarter that does not
exist ("Q5 2021"), an ambiguous numeric date ("05/06/2021"), an ambiguous
"the 2000s" (a decade or a century?) or a bare "winter 2021" (the winter
that ends early in 2021, or the one that starts late in it?) is kept as text
with `readable=False` and no interval. Hostile text (escape sequences, Rich
markup, bidi overrides, a megabyte of it) never raises: it is cleaned, cut
off at `MAX_PHRASE` characters before any parsing, and refused if longer.

Conventions, chosen once here so every reading is the same:

- Seasons are meteorological and northern-hemisphere: spring is March to
  May, summer June to August, autumn September to November, winter December
  to the following February. A desk covering the southern hemisphere would
  need a setting; the EDTF season codes (level 1: 21 spring, 22 summer, 23
  autumn, 24 winter) name the season, not the months, so they stay right.
  `winter 2020-21` is EDTF `2020-24` and runs 2020-12-01 to 2021-02-28.
- Early, mid and late split a month into days 1-10, 11-20 and 21 to the end;
  a year into January-April, May-August and September-December; a decade
  into its years 0-3, 4-6 and 7-9. "The beginning/end of X" are early/late.
- A week is Monday to Sunday.
- A month, season, weekday or part of either written without a year is the
  latest one that has started on or before the reference date ("since
  December" read on 2023-03-01 is December 2022; "on Friday" is the latest
  Friday on or before the reference); with "last" it is the latest one that
  has ended before the reference, with "next" the first that starts after.
- EDTF stays at levels 0 and 1, which every EDTF reader knows: a week, a part
  of a month, year or decade and a quarter are written as intervals
  (`2021-01/2021-04` for early 2021), a decade as `199X`, open ends as `..`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from desk.text import clean_line

if TYPE_CHECKING:  # imported for real on first use: loading dateparser's data is the slow part
    from dateparser.date import DateDataParser

__all__ = ["LANGUAGES", "MAX_PHRASE", "FuzzyDate", "Precision", "read_date", "sort_key"]

#: Longest phrase read. A date as a reporter writes it is a few words; anything longer is
#: not one, and bounding it keeps every call quick whatever is pasted in.
MAX_PHRASE = 200
#: The languages with a grammar here (and the order they are tried in by default).
LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es")
# Four-digit years only, and not the last one: a winter or "after" may step one year past.
_MIN_YEAR, _MAX_YEAR = 1000, 9998


class Precision(StrEnum):
    """How wide the unit of the phrase is (an open interval has its bound's precision)."""

    DAY = "day"
    WEEK = "week"
    PART_OF_MONTH = "part-of-month"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    PART_OF_YEAR = "part-of-year"
    YEAR = "year"
    PART_OF_DECADE = "part-of-decade"
    DECADE = "decade"


_PRECISION_ORDER = list(Precision)


@dataclass(frozen=True)
class FuzzyDate:
    """A date as written, and the interval it means (inclusive; None is an open end).

    `readable` is False when the phrase could not be read: then `start`, `end`,
    `precision` and `edtf` are all None, and the text is all there is.
    """

    text: str
    start: dt.date | None
    end: dt.date | None
    precision: Precision | None
    edtf: str | None
    readable: bool


def sort_key(d: FuzzyDate) -> tuple[int, int, int, str]:
    """Order timeline entries by interval: by start, ties by width (narrower first).

    An interval open at the start sorts before every dated start; one open at
    the end is as wide as can be. Unreadable dates go last, by their text.
    """
    if not d.readable:
        return (1, 0, 0, d.text)
    start = d.start.toordinal() if d.start is not None else 0
    if d.start is None or d.end is None:
        width = dt.date.max.toordinal()
    else:
        width = d.end.toordinal() - d.start.toordinal()
    return (0, start, width, d.text)


def read_date(
    text: str, reference: dt.date, *, languages: Sequence[str] | None = None
) -> FuzzyDate:
    """Read `text` against the story's `reference` date; never raises on any text.

    `languages` are tried in order (default: English, French, German, Spanish);
    a code with no grammar here raises ValueError, since that is the caller's
    mistake, not the reporter's.
    """
    langs = tuple(languages) if languages is not None else LANGUAGES
    unknown = [code for code in langs if code not in _TABLES]
    if unknown:
        raise ValueError(f"no date grammar for {unknown}; known: {list(LANGUAGES)}")
    cleaned = clean_line(text if isinstance(text, str) else "")
    if isinstance(reference, dt.datetime):  # a datetime is a date too; keep only the day
        reference = reference.date()
    span: _Span | None = None
    if 0 < len(cleaned) <= MAX_PHRASE:
        try:
            span = _read(cleaned, reference, langs)
        except (ValueError, OverflowError, ArithmeticError):
            span = None  # a date past the calendar's ends (year 1 or 9999): not a reading
    if span is None:
        return FuzzyDate(cleaned, None, None, None, None, False)
    return FuzzyDate(cleaned, span.start, span.end, span.precision, span.edtf, True)


# ---------------------------------------------------------------------------------------------
# Spans: an interval with its EDTF, and how to write it as one end of a wider interval.


@dataclass(frozen=True)
class _Span:
    start: dt.date | None
    end: dt.date | None
    precision: Precision
    edtf: str
    lower: str  # this span's EDTF as the start of an interval
    upper: str  # ... and as its end
    has_year: bool = True  # False: the year came from the reference, not from the text


def _simple(start: dt.date, end: dt.date, precision: Precision, edtf: str) -> _Span:
    return _Span(start, end, precision, edtf, edtf, edtf)


def _ranged(start: dt.date, end: dt.date, precision: Precision, lower: str, upper: str) -> _Span:
    return _Span(start, end, precision, f"{lower}/{upper}", lower, upper)


def _check_year(year: int) -> int:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year {year} out of range")
    return year


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _day(day: dt.date) -> _Span:
    _check_year(day.year)
    return _simple(day, day, Precision.DAY, day.isoformat())


def _week(day: dt.date) -> _Span:
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    _check_year(monday.year)
    _check_year(sunday.year)
    return _ranged(monday, sunday, Precision.WEEK, monday.isoformat(), sunday.isoformat())


def _month(year: int, month: int) -> _Span:
    _check_year(year)
    return _simple(
        dt.date(year, month, 1), _month_end(year, month), Precision.MONTH, _ym(year, month)
    )


def _year(year: int) -> _Span:
    _check_year(year)
    return _simple(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR, f"{year:04d}")


# Meteorological seasons, northern hemisphere: (first month, EDTF level 1 code).
_SEASONS = {21: 3, 22: 6, 23: 9, 24: 12}


def _season(year: int, code: int) -> _Span:
    _check_year(year)
    first = _SEASONS[code]
    start = dt.date(year, first, 1)
    last_year, last_month = (year + 1, 2) if code == 24 else (year, first + 2)
    return _simple(start, _month_end(last_year, last_month), Precision.SEASON, f"{year:04d}-{code}")


def _quarter(year: int, quarter: int) -> _Span:
    _check_year(year)
    first, last = 3 * quarter - 2, 3 * quarter
    return _ranged(
        dt.date(year, first, 1),
        _month_end(year, last),
        Precision.QUARTER,
        _ym(year, first),
        _ym(year, last),
    )


def _decade(first_year: int) -> _Span:
    _check_year(first_year)
    return _Span(
        dt.date(first_year, 1, 1),
        dt.date(first_year + 9, 12, 31),
        Precision.DECADE,
        f"{first_year // 10:03d}X",
        f"{first_year:04d}",
        f"{first_year + 9:04d}",
    )


_EARLY, _MID, _LATE = 1, 2, 3


def _part(span: _Span, edge: int) -> _Span | None:
    """Early, mid or late part of a month, a year or a decade (None for other spans)."""
    assert span.start is not None and span.end is not None
    year, month = span.start.year, span.start.month
    if span.precision is Precision.MONTH:
        first, last = {_EARLY: (1, 10), _MID: (11, 20), _LATE: (21, span.end.day)}[edge]
        start, end = dt.date(year, month, first), dt.date(year, month, last)
        return _ranged(start, end, Precision.PART_OF_MONTH, start.isoformat(), end.isoformat())
    if span.precision is Precision.YEAR:
        first, last = {_EARLY: (1, 4), _MID: (5, 8), _LATE: (9, 12)}[edge]
        return _ranged(
            dt.date(year, first, 1),
            _month_end(year, last),
            Precision.PART_OF_YEAR,
            _ym(year, first),
            _ym(year, last),
        )
    if span.precision is Precision.DECADE:
        first, last = {_EARLY: (0, 3), _MID: (4, 6), _LATE: (7, 9)}[edge]
        return _ranged(
            dt.date(year + first, 1, 1),
            dt.date(year + last, 12, 31),
            Precision.PART_OF_DECADE,
            f"{year + first:04d}",
            f"{year + last:04d}",
        )
    return None


def _coarsest(*precisions: Precision) -> Precision:
    return max(precisions, key=_PRECISION_ORDER.index)


# ---------------------------------------------------------------------------------------------
# The vocabulary: per language, each known word and the token it stands for.
#
# Tokens: ("month", 1-12) ("weekday", 0-6) ("season", 21-24) ("edge", 1-3) ("rel", -1/0/1)
# ("unit", 1 day, 7 week, 30 month, 365 year) ("num", n) ("ago", 0) ("deictic", days)
# ("since"|"by"|"before"|"after"|"between"|"from"|"to"|"and", 0) ("quarter_w", 0)
# ("decade_w", 0) ("fill", 0); digits become ("year", y) or ("num", n) in the tokenizer.

_Tok = tuple[str, int]

_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "fr": "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "de": "januar februar marz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_MONTH_ABBREVIATIONS = {
    "en": {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "sept": 9, "oct": 10, "nov": 11, "dec": 12},
    "fr": {"janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "oct": 10, "nov": 11, "dec": 12},
    "de": {"jan": 1, "feb": 2, "mrz": 3, "maerz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12, "janner": 1},
    "es": {"ene": 1, "feb": 2, "abr": 4, "jun": 6, "jul": 7, "ago": 8, "sep": 9, "sept": 9,
           "setiembre": 9, "oct": 10, "nov": 11, "dic": 12},
}  # fmt: skip
_WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "es": "lunes martes miercoles jueves viernes sabado domingo",
}
_NUMBERS = {
    "en": "one two three four five six seven eight nine ten eleven twelve",
    "fr": "un deux trois quatre cinq six sept huit neuf dix onze douze",
    "de": "eins zwei drei vier funf sechs sieben acht neun zehn elf zwolf",
    "es": "uno dos tres cuatro cinco seis siete ocho nueve diez once doce",
}
# The words for the rest, as "token:word word ...". Unit values are days, to tell them apart.
_WORDS = {
    "en": """
        season/21:spring season/22:summer season/23:autumn fall season/24:winter
        edge/1:early beginning start edge/2:mid middle edge/3:late end
        rel/-1:last rel/0:this rel/1:next
        unit/1:day days unit/7:week weeks unit/30:month months unit/365:year years
        num/1:a an ago:ago deictic/-1:yesterday deictic/0:today deictic/1:tomorrow
        deictic/-2:daybeforeyesterday
        since:since by:by until till before:before after:after between:between from:from
        to:to through and:and quarter_w:quarter decade_w:decade
        num/1:first num/2:second num/3:third num/4:fourth
        fill:the of in on at during
        """,
    "fr": """
        season/21:printemps season/22:ete season/23:automne season/24:hiver
        edge/1:debut edge/2:mi milieu edge/3:fin
        rel/-1:dernier derniere passe passee rel/0:ce cet cette rel/1:prochain prochaine
        unit/1:jour jours unit/7:semaine semaines unit/30:mois unit/365:an ans annee
        num/1:une premier 1er num/2:deuxieme second seconde num/3:troisieme num/4:quatrieme
        ago:ilya deictic/-1:hier deictic/0:aujourdhui deictic/1:demain deictic/-2:avanthier
        since:depuis apartirde by:dici jusqua before:avant after:apres between:entre
        from:de du d' to:a au and:et quarter_w:trimestre decade_w:annees
        fill:le la les l' des en aux dans courant
        """,
    "de": """
        season/21:fruhling fruhjahr season/22:sommer season/23:herbst season/24:winter
        edge/1:anfang beginn edge/2:mitte edge/3:ende
        rel/-1:letzten letzte letztes letzter vergangenen vergangene vergangenes vorigen
        rel/-1:vorige voriges rel/0:dieses diesen diesem dieser diese
        rel/1:nachsten nachste nachstes kommenden kommende
        unit/1:tag tage tagen unit/7:woche wochen unit/30:monat monate monaten monats
        unit/365:jahr jahre jahren jahres
        num/1:ein eine einem einer einen ersten erste num/2:zweiten zweite
        num/3:dritten dritte num/4:vierten vierte
        ago:vor deictic/-1:gestern deictic/0:heute deictic/1:morgen deictic/-2:vorgestern
        since:seit by:bis before:vor after:nach between:zwischen from:von ab to:bis
        and:und quarter_w:quartal
        fill:im am in der die das den dem des um zum zur
        """,
    "es": """
        season/21:primavera season/22:verano season/23:otono season/24:invierno
        edge/1:principios comienzos inicios principio comienzo inicio
        edge/2:mediados edge/3:finales fines fin
        rel/-1:pasado pasada rel/0:este esta rel/1:proximo proxima queviene
        unit/1:dia dias unit/7:semana semanas unit/30:mes meses unit/365:ano anos
        num/1:un una primer primero num/2:segundo num/3:tercer tercero num/4:cuarto
        ago:hace deictic/-1:ayer deictic/0:hoy deictic/1:manana deictic/-2:anteayer
        since:desde apartirde by:hasta para before:antes after:despues between:entre
        from:de del desde to:a al hasta and:y quarter_w:trimestre decade_w:decada
        fill:el la los las en durante
        """,
}
# Words that mean two things, told apart by position in `_phrase`: fr/es "de" is "from"
# before a "to" and "of" elsewhere; fr/es "a" is "to" after a "from" and "at" elsewhere; de
# "vor" is "ago" before a number and a unit and "before" elsewhere; de "bis" and es "hasta"
# are "by" first in a phrase and "to" after a "from"; es "desde" is "since", or "from" with a "to".
_SOFT = ("fr", "es")  # the languages whose "from" and "to" words are also "of" and "at"
# Phrases of several words that are one token, joined before the words are split.
_JOINS = {
    "en": [(r"\b(the )?day before yesterday\b", "daybeforeyesterday")],
    "fr": [
        (r"\bil y a\b", "ilya"),
        (r"\bavant[- ]hier\b", "avanthier"),
        (r"\baujourd' ?hui\b", "aujourdhui"),
        (r"\ba partir d[e']", "apartirde"),
        (r"\bd' ?ici\b", "dici"),
        (r"\bjusqu' ?(a|au|en)\b", "jusqua"),
        (r"\bau cours d[e']", "courant"),
    ],
    "de": [],
    "es": [
        (r"\bantes de ayer\b", "anteayer"),
        (r"\bque viene\b", "queviene"),
        (r"\ba partir de\b", "apartirde"),
    ],
}


def _build(lang: str) -> dict[str, _Tok]:
    table: dict[str, _Tok] = {}
    for i, word in enumerate(_MONTHS[lang].split()):
        table[word] = ("month", i + 1)
    for word, month in _MONTH_ABBREVIATIONS[lang].items():
        table[word] = ("month", month)
    for i, word in enumerate(_WEEKDAYS[lang].split()):
        table[word] = ("weekday", i)
    for i, word in enumerate(_NUMBERS[lang].split()):
        table.setdefault(word, ("num", i + 1))
    kind, value = "fill", 0
    for item in _WORDS[lang].split():
        if ":" in item:
            head, item = item.split(":", 1)
            kind, _, number = head.partition("/")
            value = int(number) if number else 0
        table.setdefault(item, (kind, value))
    return table


_TABLES = {lang: _build(lang) for lang in LANGUAGES}

# Number words a language writes where dateparser wants digits ("hace dos días").
_NUMBER_WORDS = {
    lang: {w: i + 1 for i, w in enumerate(_NUMBERS[lang].split())} for lang in LANGUAGES
}
_NUMBER_WORDS["de"].update({"fünf": 5, "zwölf": 12, "ein": 1, "eine": 1, "einem": 1, "einer": 1})
_NUMBER_WORDS["fr"]["une"] = 1
_NUMBER_WORDS["es"].update({"un": 1, "una": 1})
_NUMBER_WORDS["en"].update({"a": 1, "an": 1})


# ---------------------------------------------------------------------------------------------
# From text to tokens.

_ELISION = re.compile(r"\b(d|l|qu|jusqu|aujourd)'")
_EDGE_PUNCT = '.,;:!?()"«»“”„'
_NUM = re.compile(r"(\d{1,4})(?:st|nd|rd|th|er|re|e|eme|o|a|º|ª|\.)?")
_DECADE_EN = re.compile(r"'?(\d{2}|\d{3}0)'?s")
_DECADE_DE = re.compile(r"(\d{2}|\d{3}0)(?:er|ern)")
_YEAR_PAIR = re.compile(r"(\d{4})[-/](\d{2}|\d{4})")
_QUARTER = re.compile(r"[qt]([0-9])")
_DECADE_WORDS_EN = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}


def _fold(text: str) -> str:
    """Lower case, accents off, one kind of apostrophe, elisions and hyphens apart."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("—", "–")
    text = text.replace("–", " – ")
    text = _ELISION.sub(r"\1' ", text)
    # "mid-March", "mi-mars", "mid-2021": a hyphen after a letter separates two words.
    return re.sub(r"(?<=[a-z])-(?=\w)", " ", text)


def _tokens(folded: str, lang: str) -> list[_Tok] | None:
    """The phrase as tokens in `lang`, or None if any word is not a date word there."""
    for pattern, joined in _JOINS[lang]:
        folded = re.sub(pattern, joined, folded)
    table = _TABLES[lang]
    out: list[_Tok] = []
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
        elif (iso := _iso(word)) is not None and iso.start is not None:
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
        elif lang == "en" and word in _DECADE_WORDS_EN:
            out.append(("decade", _DECADE_WORDS_EN[word] - 100))  # two digits: resolved later
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


# ---------------------------------------------------------------------------------------------
# The grammar.


@dataclass(frozen=True)
class _Ctx:
    ref: dt.date
    lang: str
    text: str  # the cleaned phrase, for dateparser; "" when the atom is only part of it


def _read(text: str, ref: dt.date, langs: tuple[str, ...]) -> _Span | None:
    folded = _fold(text)
    iso = _iso(folded.strip())
    if iso is not None:
        return iso
    for lang in langs:
        toks = _tokens(folded, lang)
        if not toks:
            continue
        span = _phrase(toks, _Ctx(ref, lang, text))
        if span is not None:
            return span
    return None


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _iso(word: str) -> _Span | None:
    """ISO days and months, and numeric days when only one reading is possible.

    Day.month.year with dots is the European order and has no rival. With
    slashes, 05/06/2021 is 5 June in Europe and May 6 in the US: refused;
    19/09/2023 can only be one day.
    """
    if (m := _ISO_DAY.fullmatch(word)) is not None:
        return _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if (m := _ISO_MONTH.fullmatch(word)) is not None and 1 <= int(m.group(2)) <= 12:
        return _month(int(m.group(1)), int(m.group(2)))
    if (m := _DOTTED.fullmatch(word)) is not None:
        return _valid_day(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if (m := _SLASHED.fullmatch(word)) is not None:
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        readings = {
            (year, month, day) for month, day in ((a, b), (b, a)) if _valid(year, month, day)
        }
        if len(readings) == 1:
            return _valid_day(*readings.pop())
        return None
    return None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return _MIN_YEAR <= year <= _MAX_YEAR


def _valid_day(year: int, month: int, day: int) -> _Span | None:
    return _day(dt.date(year, month, day)) if _valid(year, month, day) else None


def _phrase(toks: list[_Tok], ctx: _Ctx) -> _Span | None:
    """A whole phrase: a range, an open interval, or one atom."""
    toks = [t for t in toks if t[0] != "fill"]
    if not toks:
        return None
    soft = ctx.lang in _SOFT
    lead = toks[0][0]
    # Ranges: "between X and Y"; "from X to Y", "desde X hasta Y", "von X bis Y"; "X – Y",
    # and in English and German "X to Y".
    part = replace(ctx, text="")  # dateparser reads whole phrases only, not a range's ends
    if lead == "between":
        for i in range(2, len(toks)):
            if toks[i][0] == "and":
                return _range(_soften(toks[1:i], soft), _soften(toks[i + 1 :], soft), part)
        return None
    if lead in ("from", "since"):
        for i in range(2, len(toks)):
            if toks[i][0] in ("to", "by", "dash"):
                return _range(_soften(toks[1:i], soft), _soften(toks[i + 1 :], soft), part)
    for i in range(1, len(toks)):
        if toks[i][0] == "dash" or (toks[i][0] == "to" and not soft):
            return _range(_soften(toks[:i], soft), _soften(toks[i + 1 :], soft), part)
    toks = _soften(toks, soft)
    if not toks:
        return None
    atom = _atom(toks, ctx)
    if atom is not None:
        return atom
    ctx = replace(ctx, text="")  # dateparser reads whole phrases only, not "since"'s object
    lead, rest = toks[0][0], toks[1:]
    if lead == "ago" and ctx.lang == "de":
        lead = "before"  # "vor 2020"
    if lead == "since" or (lead == "from" and rest):
        # "since the beginning of 2021" is "since 2021".
        inner = _atom(_drop_edge(rest, _EARLY), ctx) or _atom(rest, ctx)
        if inner is None or inner.start is None:
            return None
        return _Span(inner.start, None, inner.precision, f"{inner.lower}/..", inner.lower, "..")
    if lead == "by":
        # "by the end of 2022" is "by 2022": its end is the end of 2022.
        inner = _atom(_drop_edge(rest, _LATE), ctx) or _atom(rest, ctx)
        if inner is None or inner.end is None:
            return None
        return _Span(None, inner.end, inner.precision, f"../{inner.upper}", "..", inner.upper)
    if lead == "before":
        inner = _atom(rest, ctx)
        if inner is None or inner.start is None:
            return None
        end = inner.start - dt.timedelta(days=1)
        return _Span(None, end, inner.precision, f"../{end.isoformat()}", "..", end.isoformat())
    if lead == "after":
        inner = _atom(rest, ctx)
        if inner is None or inner.end is None:
            return None
        start = inner.end + dt.timedelta(days=1)
        edtf = f"{start.isoformat()}/.."
        return _Span(start, None, inner.precision, edtf, start.isoformat(), "..")
    return None


def _soften(toks: list[_Tok], soft: bool) -> list[_Tok]:
    """In French and Spanish, a "from" or "to" word that is not a connector is "of" or "at"."""
    if not soft:
        return toks
    return [t for t in toks if t[0] not in ("from", "to")]


def _drop_edge(toks: list[_Tok], edge: int) -> list[_Tok]:
    if toks and toks[0] == ("edge", edge) and len(toks) > 1:
        return toks[1:]
    return []


def _range(left: list[_Tok], right: list[_Tok], ctx: _Ctx) -> _Span | None:
    """From the start of one atom to the end of another; the first may borrow the year."""
    last = _atom(right, ctx)
    if last is None or last.start is None or last.end is None:
        return None
    first = _atom(left, ctx)
    if first is not None and not first.has_year and last.has_year:
        first = _atom(left, ctx, year=last.start.year)
        if first is not None and first.start is not None and first.start > last.start:
            first = _atom(
                left, ctx, year=last.start.year - 1
            )  # "between November and February 2021"
    if first is None or first.start is None or first.end is None or first.start > last.end:
        return None
    if first.start >= last.start and first.end >= last.end:
        return None  # "between July and May 2021": backwards
    precision = _coarsest(first.precision, last.precision)
    return _ranged(first.start, last.end, precision, first.lower, last.upper)


def _atom(toks: list[_Tok], ctx: _Ctx, *, year: int | None = None) -> _Span | None:
    """One date, with no since/by/between: a day, week, month, season, year, decade ..."""
    toks = [t for t in toks if t[0] != "fill"]
    if not toks:
        return None
    # A trailing or leading year: "2021", "this year", "l'année dernière", "del año pasado".
    explicit: int | None = year
    body: list[_Tok] = []
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", 0)
        if kind == "year" and explicit is None:
            explicit = value
        elif kind == "rel" and nxt == ("unit", 365) and explicit is None and _has_head(toks):
            explicit = ctx.ref.year + value
            i += 1
        elif (
            (kind, value) == ("unit", 365)
            and nxt[0] == "rel"
            and explicit is None
            and _has_head(toks)
        ):
            explicit = ctx.ref.year + nxt[1]
            i += 1
        else:
            body.append((kind, value))
        i += 1
    if explicit is not None:
        _check_year(explicit)
    has_year = explicit is not None and year is None
    edge = 0
    if body and body[0][0] == "edge":
        edge = body.pop(0)[1]
    rel: int | None = None
    rels = [v for k, v in body if k == "rel"]
    if len(rels) > 1:
        return None
    if rels:
        rel = rels[0]
        body = [t for t in body if t[0] != "rel"]
    kinds = [k for k, _ in body]

    def finish(span: _Span | None) -> _Span | None:
        if span is None:
            return None
        if not has_year:
            return _Span(span.start, span.end, span.precision, span.edtf, span.lower, span.upper,
                         has_year=False)  # fmt: skip
        return span

    if not body:  # a year alone, or a part of it
        if explicit is None or rel is not None:
            return None
        span = _year(explicit)
        return finish(_part(span, edge) if edge else span)
    if kinds == ["unit"] and body[0][1] == 365 and rel is None:
        if edge and explicit is None:  # "the beginning of the year", "fin de l'année": this one
            return _part(_year(ctx.ref.year), edge)
        if explicit is not None and year is None and explicit % 10 == 0:
            return _decade_atom([("decade", explicit)], edge, ctx.ref)  # "los años 1990"
        return None
    if kinds in (["isoday"], ["isomonth"]) and explicit is None and rel is None and not edge:
        if kinds == ["isoday"]:
            return _day(dt.date.fromordinal(body[0][1]))
        return _month(body[0][1] // 12, body[0][1] % 12 + 1)
    if kinds == ["isomonth"] and edge and explicit is None and rel is None:
        return _part(_month(body[0][1] // 12, body[0][1] % 12 + 1), edge)
    if kinds == ["month"]:
        month = body[0][1]
        return finish(_recurring(lambda y: _month(y, month), explicit, rel, edge, ctx.ref))
    if kinds == ["season"] or kinds == ["season", "yearpair"]:
        code = body[0][1]
        if edge:
            return None
        if kinds == ["season", "yearpair"]:
            if code != 24 or explicit is not None or rel is not None:
                return None
            return _season(body[1][1], 24)
        if code == 24 and has_year:
            return None  # "winter 2021": the one ending in 2021 or the one starting? Refuse.
        return finish(_recurring(lambda y: _season(y, code), explicit, rel, 0, ctx.ref))
    if kinds == ["quarter"] or kinds == ["num", "quarter_w"] or kinds == ["quarter_w", "num"]:
        quarter = body[0][1] if kinds[0] != "quarter_w" else body[1][1]
        if not 1 <= quarter <= 4 or edge:
            return None
        return finish(_recurring(lambda y: _quarter(y, quarter), explicit, rel, 0, ctx.ref))
    if edge == 0 and explicit is None and rel is None and kinds == ["deictic"]:
        return _day(ctx.ref + dt.timedelta(days=body[0][1]))
    if edge == 0 and explicit is None and kinds == ["weekday"]:
        return _weekday(body[0][1], rel, ctx.ref)
    if edge == 0 and explicit is None and rel is not None and kinds == ["unit"]:
        return _this_unit(body[0][1], rel, ctx.ref)
    if (
        edge == 0
        and explicit is None
        and rel is None
        and kinds
        in (
            ["ago", "num", "unit"],
            ["num", "unit", "ago"],
        )
    ):
        count, unit = (body[0][1], body[1][1]) if kinds[0] == "num" else (body[1][1], body[2][1])
        return _ago(count, unit, ctx)
    if rel is None and "month" in kinds and "num" in kinds:
        return finish(_day_of_month(body, explicit, edge, ctx, borrowed=year is not None))
    if rel is None and explicit is None and _decade_head(kinds):
        return _decade_atom(body, edge, ctx.ref)
    if rel is None and kinds == ["decade_w"] and explicit is not None and year is None:
        # "les années 1990", "la década de 1990": the year is the decade's first.
        if explicit % 10 != 0 or explicit % 100 == 0:
            return None
        span = _decade(explicit)
        return _part(span, edge) if edge else span
    return None


def _has_head(toks: list[_Tok]) -> bool:
    """Is there something the "this year"/"last year" qualifies ("April this year")?"""
    return any(k in ("month", "season", "quarter", "quarter_w", "edge") for k, _ in toks)


def _decade_head(kinds: list[str]) -> bool:
    """ "the 1990s", "die 1990er Jahre", "les années 90", "los años 90"."""
    return kinds in (
        ["decade"],
        ["decade", "unit"],
        ["decade_w", "num"],
        ["decade_w", "num", "unit"],
        ["unit", "num"],
    )


def _decade_atom(body: list[_Tok], edge: int, ref: dt.date) -> _Span | None:
    kinds = [k for k, _ in body]
    if kinds[-1] == "unit" and body[-1][1] != 365:
        return None  # "1990er Jahre": only "years" may follow a decade
    if kinds[0] == "unit" and body[0][1] != 365:
        return None
    value = body[0][1] if kinds[0] == "decade" else body[1][1]
    if kinds[0] != "decade":
        if value % 10 != 0 or value == 0:
            return None
        value -= 100
    if value == -1000:
        return None
    if value < 0:  # two digits: the latest such decade that has started by the reference
        two = value + 100
        first = ref.year // 100 * 100 + two
        if first > ref.year:
            first -= 100
        value = first
    span = _decade(value)
    return _part(span, edge) if edge else span


def _recurring(
    make: Callable[[int], _Span], year: int | None, rel: int | None, edge: int, ref: dt.date
) -> _Span | None:
    """A month, season or quarter: in the year given, or the occurrence nearest the reference."""

    def at(y: int) -> _Span | None:
        span = make(y)
        return _part(span, edge) if edge else span

    if year is not None:
        if rel is not None:
            return None
        return at(year)
    candidates = [s for s in (at(y) for y in range(ref.year - 2, ref.year + 3)) if s is not None]
    candidates = [s for s in candidates if s.start is not None and s.end is not None]
    if rel is None:
        started = [s for s in candidates if s.start is not None and s.start <= ref]
        return started[-1] if started else None
    if rel == -1:
        ended = [s for s in candidates if s.end is not None and s.end < ref]
        return ended[-1] if ended else None
    if rel == 1:
        coming = [s for s in candidates if s.start is not None and s.start > ref]
        return coming[0] if coming else None
    # "this": the one under way, else the one of this year.
    for s in candidates:
        if s.start is not None and s.end is not None and s.start <= ref <= s.end:
            return s
    same_year = [s for s in candidates if s.start is not None and s.start.year == ref.year]
    return same_year[0] if same_year else None


def _weekday(weekday: int, rel: int | None, ref: dt.date) -> _Span | None:
    """ "on Friday": the latest Friday on or before the reference; "last Friday": before it."""
    back = (ref.weekday() - weekday) % 7
    if rel is None:
        return _day(ref - dt.timedelta(days=back))
    if rel == -1:
        return _day(ref - dt.timedelta(days=back or 7))
    if rel == 1:
        return _day(ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7))
    return None  # "this Friday": the one past or the one coming? Refuse.


def _this_unit(unit: int, rel: int, ref: dt.date) -> _Span | None:
    """Last/this/next week, month or year."""
    if unit == 7:
        return _week(ref + dt.timedelta(days=7 * rel))
    if unit == 30:
        months = ref.year * 12 + ref.month - 1 + rel
        return _month(months // 12, months % 12 + 1)
    if unit == 365:
        return _year(ref.year + rel)
    return None  # "last day", "this day"


def _ago(count: int, unit: int, ctx: _Ctx) -> _Span | None:
    """ "Two days ago", "il y a deux jours", "vor zwei Tagen", "hace dos días".

    The reading is the unit's interval that many units back: a day, the
    Monday-to-Sunday week ("two weeks ago"), the calendar month, the year.
    dateparser reads the phrase too (number words turned to digits first, as
    it reads "hace 2 días" but not "hace dos días"); its day must fall in that
    interval, else the phrase is refused. When dateparser has no reading, the
    grammar's, whose every word is known, stands.
    """
    if count < 1:
        return None
    ref = ctx.ref
    if unit == 1:
        mine = _day(ref - dt.timedelta(days=count))
    elif unit == 7:
        mine = _week(ref - dt.timedelta(days=7 * count))
    elif unit == 30:
        months = ref.year * 12 + ref.month - 1 - count
        mine = _month(months // 12, months % 12 + 1)
    else:
        mine = _year(ref.year - count)
    point = _dateparser_point(_digits_for_words(ctx.text, ctx.lang), ctx)
    if point is None:
        return mine
    assert mine.start is not None and mine.end is not None
    return mine if mine.start <= point <= mine.end else None


def _day_of_month(
    body: list[_Tok], year: int | None, edge: int, ctx: _Ctx, *, borrowed: bool
) -> _Span | None:
    """ "September 19, 2023", "19 septembre 2023", "am 19. September", "el 19 de septiembre".

    dateparser reads it; its day must be the one the words name (day, month,
    the year if written, the weekday if written), else the phrase is refused.
    """
    if edge:
        return None
    weekdays = [v for k, v in body if k == "weekday"]
    body = [t for t in body if t[0] != "weekday"]
    if len(weekdays) > 1 or [k for k, _ in body] not in (["month", "num"], ["num", "month"]):
        return None
    month = next(v for k, v in body if k == "month")
    day = next(v for k, v in body if k == "num")
    if year is not None:
        if not _valid(year, month, day):
            return None
        mine: dt.date | None = dt.date(year, month, day)
    else:  # the latest such day on or before the reference
        mine = None
        for y in range(ctx.ref.year, ctx.ref.year - 9, -1):
            if _valid(y, month, day) and dt.date(y, month, day) <= ctx.ref:
                mine = dt.date(y, month, day)
                break
    if mine is None:
        return None
    if weekdays and mine.weekday() != weekdays[0]:
        return None  # "Friday, September 19, 2023" when it was a Tuesday: which is it?
    if not borrowed:
        point = _dateparser_point(ctx.text, ctx)
        if point is not None and point != mine:
            return None
    span = _day(mine)
    if year is None:
        return _Span(span.start, span.end, span.precision, span.edtf, span.lower, span.upper,
                     has_year=False)  # fmt: skip
    return span


def _digits_for_words(text: str, lang: str) -> str:
    """ "hace dos días" -> "hace 2 días": dateparser reads some languages' number words only."""
    words = _NUMBER_WORDS[lang]
    pattern = r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b"

    def swap(m: re.Match[str]) -> str:
        return str(words[m.group(1).casefold()])

    return re.sub(pattern, swap, text, flags=re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# dateparser, kept at arm's length: constructed lazily (its first use loads the language data,
# the slow part), one parser per language and reference date, relative dates from the past,
# no timestamp parsers (a number is not a date), and its exceptions are not ours.

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


def _dateparser_point(text: str, ctx: _Ctx) -> dt.date | None:
    """The day dateparser reads in `text` (also without a leading preposition), or None."""
    if not text:
        return None
    attempts = [text]
    head, _, tail = text.partition(" ")
    if tail and _TABLES[ctx.lang].get(_fold(head).strip(), ("", 0))[0] in ("fill", "from"):
        attempts.append(tail)  # "am 19. September 2023", "el 19 de septiembre de 2023"
    for attempt in attempts:
        try:
            data = _dateparser(ctx.lang, ctx.ref).get_date_data(attempt[:MAX_PHRASE])
        except Exception:  # dateparser's own failure on odd text is a non-reading, not a crash
            continue
        found = getattr(data, "date_obj", None)
        if isinstance(found, dt.datetime):
            return found.date()
    return None
