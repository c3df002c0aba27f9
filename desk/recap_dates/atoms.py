"""One date, with no since/by/between around it: a day, a week, a month, a season, a decade ...

The grammar's inner rule. It takes the tokens of one date ("early March",
"the summer of 2021", "last Friday", "two days ago", "die 1990er Jahre") and
picks the span they mean, resolving what the words leave out against the
reference date: the year of a month or season written without one, the
century of "the nineties", which Friday "on Friday" is. Days and relative
days are checked against dateparser's reading (`dateparser_bridge`). Every
shape it does not know, or knows to be ambiguous ("winter 2021", "this
Friday"), is None: no reading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from desk.recap_dates import dateparser_bridge, spans
from desk.recap_dates.spans import Span
from desk.recap_dates.words import Tok


@dataclass(frozen=True)
class Ctx:
    """What a reading is resolved against: the reference date, the language, the phrase."""

    ref: dt.date
    lang: str
    text: str  # the cleaned phrase, for dateparser; "" when the atom is only part of it


def atom(toks: list[Tok], ctx: Ctx, *, year: int | None = None) -> Span | None:
    """One date, with no since/by/between: a day, week, month, season, year, decade ..."""
    toks = [t for t in toks if t[0] != "fill"]
    if not toks:
        return None
    # A trailing or leading year: "2021", "this year", "l'année dernière", "del año pasado".
    explicit: int | None = year
    body: list[Tok] = []
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
        spans.check_year(explicit)
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

    def finish(span: Span | None) -> Span | None:
        if span is None:
            return None
        if not has_year:
            return replace(span, has_year=False)
        return span

    if not body:  # a year alone, or a part of it
        if explicit is None or rel is not None:
            return None
        span = spans.year(explicit)
        return finish(spans.part(span, edge) if edge else span)
    if kinds == ["unit"] and body[0][1] == 365 and rel is None:
        if edge and explicit is None:  # "the beginning of the year", "fin de l'année": this one
            return spans.part(spans.year(ctx.ref.year), edge)
        if explicit is not None and year is None and explicit % 10 == 0:
            return _decade_atom([("decade", explicit)], edge, ctx.ref)  # "los años 1990"
        return None
    if kinds in (["isoday"], ["isomonth"]) and explicit is None and rel is None and not edge:
        if kinds == ["isoday"]:
            return spans.day(dt.date.fromordinal(body[0][1]))
        return spans.month(body[0][1] // 12, body[0][1] % 12 + 1)
    if kinds == ["isomonth"] and edge and explicit is None and rel is None:
        return spans.part(spans.month(body[0][1] // 12, body[0][1] % 12 + 1), edge)
    if kinds == ["month"]:
        month = body[0][1]
        return finish(_recurring(lambda y: spans.month(y, month), explicit, rel, edge, ctx.ref))
    if kinds == ["season"] or kinds == ["season", "yearpair"]:
        code = body[0][1]
        if edge:
            return None
        if kinds == ["season", "yearpair"]:
            if code != 24 or explicit is not None or rel is not None:
                return None
            return spans.season(body[1][1], 24)
        if code == 24 and has_year:
            return None  # "winter 2021": the one ending in 2021 or the one starting? Refuse.
        return finish(_recurring(lambda y: spans.season(y, code), explicit, rel, 0, ctx.ref))
    if kinds == ["quarter"] or kinds == ["num", "quarter_w"] or kinds == ["quarter_w", "num"]:
        quarter = body[0][1] if kinds[0] != "quarter_w" else body[1][1]
        if not 1 <= quarter <= 4 or edge:
            return None
        return finish(_recurring(lambda y: spans.quarter(y, quarter), explicit, rel, 0, ctx.ref))
    if edge == 0 and explicit is None and rel is None and kinds == ["deictic"]:
        return spans.day(ctx.ref + dt.timedelta(days=body[0][1]))
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
        span = spans.decade(explicit)
        return spans.part(span, edge) if edge else span
    return None


def _has_head(toks: list[Tok]) -> bool:
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


def _decade_atom(body: list[Tok], edge: int, ref: dt.date) -> Span | None:
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
    span = spans.decade(value)
    return spans.part(span, edge) if edge else span


def _recurring(
    make: Callable[[int], Span], year: int | None, rel: int | None, edge: int, ref: dt.date
) -> Span | None:
    """A month, season or quarter: in the year given, or the occurrence nearest the reference."""

    def at(y: int) -> Span | None:
        span = make(y)
        return spans.part(span, edge) if edge else span

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


def _weekday(weekday: int, rel: int | None, ref: dt.date) -> Span | None:
    """ "on Friday": the latest Friday on or before the reference; "last Friday": before it."""
    back = (ref.weekday() - weekday) % 7
    if rel is None:
        return spans.day(ref - dt.timedelta(days=back))
    if rel == -1:
        return spans.day(ref - dt.timedelta(days=back or 7))
    if rel == 1:
        return spans.day(ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7))
    return None  # "this Friday": the one past or the one coming? Refuse.


def _this_unit(unit: int, rel: int, ref: dt.date) -> Span | None:
    """Last/this/next week, month or year."""
    if unit == 7:
        return spans.week(ref + dt.timedelta(days=7 * rel))
    if unit == 30:
        months = ref.year * 12 + ref.month - 1 + rel
        return spans.month(months // 12, months % 12 + 1)
    if unit == 365:
        return spans.year(ref.year + rel)
    return None  # "last day", "this day"


def _ago(count: int, unit: int, ctx: Ctx) -> Span | None:
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
        mine = spans.day(ref - dt.timedelta(days=count))
    elif unit == 7:
        mine = spans.week(ref - dt.timedelta(days=7 * count))
    elif unit == 30:
        months = ref.year * 12 + ref.month - 1 - count
        mine = spans.month(months // 12, months % 12 + 1)
    else:
        mine = spans.year(ref.year - count)
    with_digits = dateparser_bridge.digits_for_words(ctx.text, ctx.lang)
    point = dateparser_bridge.point(with_digits, ctx.lang, ctx.ref)
    if point is None:
        return mine
    assert mine.start is not None and mine.end is not None
    return mine if mine.start <= point <= mine.end else None


def _day_of_month(
    body: list[Tok], year: int | None, edge: int, ctx: Ctx, *, borrowed: bool
) -> Span | None:
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
        if not spans.valid(year, month, day):
            return None
        mine: dt.date | None = dt.date(year, month, day)
    else:  # the latest such day on or before the reference
        mine = None
        for y in range(ctx.ref.year, ctx.ref.year - 9, -1):
            if spans.valid(y, month, day) and dt.date(y, month, day) <= ctx.ref:
                mine = dt.date(y, month, day)
                break
    if mine is None:
        return None
    if weekdays and mine.weekday() != weekdays[0]:
        return None  # "Friday, September 19, 2023" when it was a Tuesday: which is it?
    if not borrowed:
        point = dateparser_bridge.point(ctx.text, ctx.lang, ctx.ref)
        if point is not None and point != mine:
            return None
    span = spans.day(mine)
    if year is None:
        return replace(span, has_year=False)
    return span
