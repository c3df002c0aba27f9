"""The phrase grammar, and `read_date`, the way in.

`read_date` cleans and bounds the text and never raises; it tries the
languages in order, each one's tokens (`tokens`) through the grammar here.
The grammar is the outer rule: a phrase is a range ("between X and Y",
"from X to Y", "X – Y"), a date open at one end ("since X", "by X",
"before X", "after X"), or one date (`atoms.atom`). A range's ends and an
open interval's date are atoms read on their own, so dateparser, which reads
whole phrases only, is not asked about them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from desk.recap_dates import spans
from desk.recap_dates.atoms import Ctx, atom
from desk.recap_dates.model import MAX_PHRASE, FuzzyDate
from desk.recap_dates.spans import Span
from desk.recap_dates.tokens import fold, numeric_date, tokens
from desk.recap_dates.words import LANGUAGES, SOFT, TABLES, Tok
from desk.text import clean_line

__all__ = ["read_date"]


def read_date(
    text: str, reference: dt.date, *, languages: Sequence[str] | None = None
) -> FuzzyDate:
    """Read `text` against the story's `reference` date; never raises on any text.

    `languages` are tried in order (default: English, French, German, Spanish);
    a code with no grammar here raises ValueError, since that is the caller's
    mistake, not the reporter's.
    """
    langs = tuple(languages) if languages is not None else LANGUAGES
    unknown = [code for code in langs if code not in TABLES]
    if unknown:
        raise ValueError(f"no date grammar for {unknown}; known: {list(LANGUAGES)}")
    cleaned = clean_line(text if isinstance(text, str) else "")
    if isinstance(reference, dt.datetime):  # a datetime is a date too; keep only the day
        reference = reference.date()
    span: Span | None = None
    if 0 < len(cleaned) <= MAX_PHRASE:
        try:
            span = _read(cleaned, reference, langs)
        except (ValueError, OverflowError, ArithmeticError):
            span = None  # a date past the calendar's ends (year 1 or 9999): not a reading
    if span is None:
        return FuzzyDate(cleaned, None, None, None, None, False)
    return FuzzyDate(cleaned, span.start, span.end, span.precision, span.edtf, True)


def _read(text: str, ref: dt.date, langs: tuple[str, ...]) -> Span | None:
    """A numeric date, else the first language whose words and grammar read the phrase."""
    folded = fold(text)
    iso = numeric_date(folded.strip())
    if iso is not None:
        return iso
    for lang in langs:
        toks = tokens(folded, lang)
        if not toks:
            continue
        span = _phrase(toks, Ctx(ref, lang, text))
        if span is not None:
            return span
    return None


def _phrase(toks: list[Tok], ctx: Ctx) -> Span | None:
    """A whole phrase: a range, an open interval, or one atom."""
    toks = [t for t in toks if t[0] != "fill"]
    if not toks:
        return None
    soft = ctx.lang in SOFT
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
    one = atom(toks, ctx)
    if one is not None:
        return one
    ctx = replace(ctx, text="")  # dateparser reads whole phrases only, not "since"'s object
    lead, rest = toks[0][0], toks[1:]
    if lead == "ago" and ctx.lang == "de":
        lead = "before"  # "vor 2020"
    if lead == "since" or (lead == "from" and rest):
        # "since the beginning of 2021" is "since 2021".
        inner = atom(_drop_edge(rest, spans.EARLY), ctx) or atom(rest, ctx)
        return None if inner is None else spans.since(inner)
    if lead == "by":
        # "by the end of 2022" is "by 2022": its end is the end of 2022.
        inner = atom(_drop_edge(rest, spans.LATE), ctx) or atom(rest, ctx)
        return None if inner is None else spans.by(inner)
    if lead == "before":
        inner = atom(rest, ctx)
        return None if inner is None else spans.before(inner)
    if lead == "after":
        inner = atom(rest, ctx)
        return None if inner is None else spans.after(inner)
    return None


def _soften(toks: list[Tok], soft: bool) -> list[Tok]:
    """In French and Spanish, a "from" or "to" word that is not a connector is "of" or "at"."""
    if not soft:
        return toks
    return [t for t in toks if t[0] not in ("from", "to")]


def _drop_edge(toks: list[Tok], edge: int) -> list[Tok]:
    if toks and toks[0] == ("edge", edge) and len(toks) > 1:
        return toks[1:]
    return []


def _range(left: list[Tok], right: list[Tok], ctx: Ctx) -> Span | None:
    """From the start of one atom to the end of another; the first may borrow the year."""
    last = atom(right, ctx)
    if last is None or last.start is None or last.end is None:
        return None
    first = atom(left, ctx)
    if first is not None and not first.has_year and last.has_year:
        first = atom(left, ctx, year=last.start.year)
        if first is not None and first.start is not None and first.start > last.start:
            first = atom(
                left, ctx, year=last.start.year - 1
            )  # "between November and February 2021"
    if first is None or first.start is None or first.end is None or first.start > last.end:
        return None
    if first.start >= last.start and first.end >= last.end:
        return None  # "between July and May 2021": backwards
    return spans.between(first, last)
