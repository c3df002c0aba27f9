"""Fuzzy recap dates: what each phrase means, written from the phrase, checked against the reader.

Every row says what a reader of the phrase understands on the reference date
(the conventions are in `desk/recap_dates/__init__.py`: northern meteorological
seasons, early/mid/late as thirds, weeks Monday to Sunday, a month or day
without a year is the latest one begun by the reference). Every EDTF string
is checked with the `edtf` package's own parser, and where the interval is
closed its bounds must be the package's bounds too.
"""

from __future__ import annotations

import datetime as dt
import time

import edtf
import pytest

from desk.recap_dates import MAX_PHRASE, FuzzyDate, Precision, read_date, sort_key

D = dt.date
WED = D(2023, 3, 1)  # a Wednesday
FRI = D(2023, 3, 3)  # a Friday
SEP = D(2023, 9, 20)  # after April, after mid-March
OCT = D(2023, 10, 1)
JUN = D(2023, 6, 10)

WEEK_BEFORE_WED = (D(2023, 2, 20), D(2023, 2, 26), "2023-02-20/2023-02-26")

# phrase, reference, start, end, EDTF
TABLE: list[tuple[str, dt.date, dt.date | None, dt.date | None, str]] = [
    # English: the issue's own examples
    ("since December", WED, D(2022, 12, 1), None, "2022-12/.."),
    ("in April this year", SEP, D(2023, 4, 1), D(2023, 4, 30), "2023-04"),
    ("last week", WED, *WEEK_BEFORE_WED),
    ("two days ago", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("on Friday", WED, D(2023, 2, 24), D(2023, 2, 24), "2023-02-24"),
    ("on Friday", FRI, D(2023, 3, 3), D(2023, 3, 3), "2023-03-03"),
    ("last Friday", FRI, D(2023, 2, 24), D(2023, 2, 24), "2023-02-24"),
    ("mid-March", JUN, D(2023, 3, 11), D(2023, 3, 20), "2023-03-11/2023-03-20"),
    ("early 2021", WED, D(2021, 1, 1), D(2021, 4, 30), "2021-01/2021-04"),
    ("late 2019", WED, D(2019, 9, 1), D(2019, 12, 31), "2019-09/2019-12"),
    ("the fall of 2020", WED, D(2020, 9, 1), D(2020, 11, 30), "2020-23"),
    ("autumn 2020", WED, D(2020, 9, 1), D(2020, 11, 30), "2020-23"),
    ("September 19, 2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    ("by the end of 2022", WED, None, D(2022, 12, 31), "../2022"),
    ("between May and July 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("the 1990s", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("yesterday", WED, D(2023, 2, 28), D(2023, 2, 28), "2023-02-28"),
    ("in 2019", WED, D(2019, 1, 1), D(2019, 12, 31), "2019"),
    ("March 2024", WED, D(2024, 3, 1), D(2024, 3, 31), "2024-03"),
    ("2021-01-05", WED, D(2021, 1, 5), D(2021, 1, 5), "2021-01-05"),
    # English: more seasons, decades, open and closed ranges, relative units
    ("in the summer of 2021", WED, D(2021, 6, 1), D(2021, 8, 31), "2021-22"),
    ("spring 2022", WED, D(2022, 3, 1), D(2022, 5, 31), "2022-21"),
    ("winter 2020-21", WED, D(2020, 12, 1), D(2021, 2, 28), "2020-24"),
    ("last summer", WED, D(2022, 6, 1), D(2022, 8, 31), "2022-22"),
    ("the 90s", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("the 2010s", WED, D(2010, 1, 1), D(2019, 12, 31), "201X"),
    ("the early 1990s", WED, D(1990, 1, 1), D(1993, 12, 31), "1990/1993"),
    ("the late 2010s", WED, D(2017, 1, 1), D(2019, 12, 31), "2017/2019"),
    ("since last week", WED, D(2023, 2, 20), None, "2023-02-20/.."),
    ("since 2019", WED, D(2019, 1, 1), None, "2019/.."),
    ("since September 19, 2023", OCT, D(2023, 9, 19), None, "2023-09-19/.."),
    ("since autumn 2020", WED, D(2020, 9, 1), None, "2020-23/.."),
    ("before 2020", WED, None, D(2019, 12, 31), "../2019-12-31"),
    ("until March 2022", WED, None, D(2022, 3, 31), "../2022-03"),
    ("from 2019 to 2021", WED, D(2019, 1, 1), D(2021, 12, 31), "2019/2021"),
    ("2019 – 2021", WED, D(2019, 1, 1), D(2021, 12, 31), "2019/2021"),
    (
        "between November 2020 and February 2021",
        WED,
        D(2020, 11, 1),
        D(2021, 2, 28),
        "2020-11/2021-02",
    ),
    ("between November and February 2021", WED, D(2020, 11, 1), D(2021, 2, 28), "2020-11/2021-02"),
    ("Q1 2021", WED, D(2021, 1, 1), D(2021, 3, 31), "2021-01/2021-03"),
    ("the first quarter of 2021", WED, D(2021, 1, 1), D(2021, 3, 31), "2021-01/2021-03"),
    ("three months ago", WED, D(2022, 12, 1), D(2022, 12, 31), "2022-12"),
    ("last month", WED, D(2023, 2, 1), D(2023, 2, 28), "2023-02"),
    ("last year", WED, D(2022, 1, 1), D(2022, 12, 31), "2022"),
    ("this year", WED, D(2023, 1, 1), D(2023, 12, 31), "2023"),
    ("early this year", SEP, D(2023, 1, 1), D(2023, 4, 30), "2023-01/2023-04"),
    ("a week ago", WED, *WEEK_BEFORE_WED),
    ("the day before yesterday", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("Sept. 19", WED, D(2022, 9, 19), D(2022, 9, 19), "2022-09-19"),
    ("March 5", WED, D(2022, 3, 5), D(2022, 3, 5), "2022-03-05"),
    ("Tuesday, September 19, 2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    ("19/09/2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    # French
    ("depuis décembre", WED, D(2022, 12, 1), None, "2022-12/.."),
    ("il y a deux jours", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("il y a trois mois", WED, D(2022, 12, 1), D(2022, 12, 31), "2022-12"),
    ("l'automne 2020", WED, D(2020, 9, 1), D(2020, 11, 30), "2020-23"),
    ("au printemps 2022", WED, D(2022, 3, 1), D(2022, 5, 31), "2022-21"),
    ("à la mi-mars", JUN, D(2023, 3, 11), D(2023, 3, 20), "2023-03-11/2023-03-20"),
    ("début 2021", WED, D(2021, 1, 1), D(2021, 4, 30), "2021-01/2021-04"),
    ("fin 2019", WED, D(2019, 9, 1), D(2019, 12, 31), "2019-09/2019-12"),
    ("entre mai et juillet 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("de mai à juillet 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("le 19 septembre 2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    ("en avril de cette année", SEP, D(2023, 4, 1), D(2023, 4, 30), "2023-04"),
    ("la semaine dernière", WED, *WEEK_BEFORE_WED),
    ("vendredi", WED, D(2023, 2, 24), D(2023, 2, 24), "2023-02-24"),
    ("hier", WED, D(2023, 2, 28), D(2023, 2, 28), "2023-02-28"),
    ("avant-hier", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("les années 1990", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("les années 90", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("d'ici la fin de 2022", WED, None, D(2022, 12, 31), "../2022"),
    ("l'année dernière", WED, D(2022, 1, 1), D(2022, 12, 31), "2022"),
    # German
    ("im Herbst 2020", WED, D(2020, 9, 1), D(2020, 11, 30), "2020-23"),
    ("im Frühjahr 2022", WED, D(2022, 3, 1), D(2022, 5, 31), "2022-21"),
    ("seit Dezember", WED, D(2022, 12, 1), None, "2022-12/.."),
    ("vor zwei Tagen", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("Mitte März", JUN, D(2023, 3, 11), D(2023, 3, 20), "2023-03-11/2023-03-20"),
    ("Anfang 2021", WED, D(2021, 1, 1), D(2021, 4, 30), "2021-01/2021-04"),
    ("Ende 2019", WED, D(2019, 9, 1), D(2019, 12, 31), "2019-09/2019-12"),
    ("zwischen Mai und Juli 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("von Mai bis Juli 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("am 19. September 2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    ("im April dieses Jahres", SEP, D(2023, 4, 1), D(2023, 4, 30), "2023-04"),
    ("letzte Woche", WED, *WEEK_BEFORE_WED),
    ("am Freitag", WED, D(2023, 2, 24), D(2023, 2, 24), "2023-02-24"),
    ("gestern", WED, D(2023, 2, 28), D(2023, 2, 28), "2023-02-28"),
    ("die 1990er Jahre", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("in den 90ern", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("bis Ende 2022", WED, None, D(2022, 12, 31), "../2022"),
    ("vor 2020", WED, None, D(2019, 12, 31), "../2019-12-31"),
    ("letzten Sommer", WED, D(2022, 6, 1), D(2022, 8, 31), "2022-22"),
    ("05.12.2021", WED, D(2021, 12, 5), D(2021, 12, 5), "2021-12-05"),
    # Spanish
    ("en abril de este año", SEP, D(2023, 4, 1), D(2023, 4, 30), "2023-04"),
    ("hace dos días", WED, D(2023, 2, 27), D(2023, 2, 27), "2023-02-27"),
    ("hace tres semanas", WED, D(2023, 2, 6), D(2023, 2, 12), "2023-02-06/2023-02-12"),
    ("desde diciembre", WED, D(2022, 12, 1), None, "2022-12/.."),
    ("el otoño de 2020", WED, D(2020, 9, 1), D(2020, 11, 30), "2020-23"),
    ("a mediados de marzo", JUN, D(2023, 3, 11), D(2023, 3, 20), "2023-03-11/2023-03-20"),
    ("a principios de 2021", WED, D(2021, 1, 1), D(2021, 4, 30), "2021-01/2021-04"),
    ("a finales de 2019", WED, D(2019, 9, 1), D(2019, 12, 31), "2019-09/2019-12"),
    ("entre mayo y julio de 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("de mayo a julio de 2021", WED, D(2021, 5, 1), D(2021, 7, 31), "2021-05/2021-07"),
    ("el 19 de septiembre de 2023", OCT, D(2023, 9, 19), D(2023, 9, 19), "2023-09-19"),
    ("la semana pasada", WED, *WEEK_BEFORE_WED),
    ("el viernes", WED, D(2023, 2, 24), D(2023, 2, 24), "2023-02-24"),
    ("ayer", WED, D(2023, 2, 28), D(2023, 2, 28), "2023-02-28"),
    ("los años 90", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("la década de 1990", WED, D(1990, 1, 1), D(1999, 12, 31), "199X"),
    ("para finales de 2022", WED, None, D(2022, 12, 31), "../2022"),
    ("el verano pasado", WED, D(2022, 6, 1), D(2022, 8, 31), "2022-22"),
    ("el primer trimestre de 2021", WED, D(2021, 1, 1), D(2021, 3, 31), "2021-01/2021-03"),
]

# Phrases that must be kept as text and not read: vague, impossible, ambiguous or not a date.
REFUSED = [
    "soon",
    "a while back",
    "the other day",
    "recently",
    "in a few days",
    "Q5 2021",
    "February 30, 2021",
    "2021-13-01",
    "winter 2021",  # the winter ending early in 2021, or the one starting late in it?
    "the 2000s",  # a decade or a century?
    "05/06/2021",  # 5 June or May 6?
    "Friday, September 19, 2023",  # it was a Tuesday
    "Friday the 13th",
    "this Friday",  # the one past or the one coming?
    "the 13th",
    "between July 2021 and May 2021",
    "bientôt",
    "neulich",
    "hace poco",
    "",
    "   ",
]


def _day_of(struct: object) -> dt.date | None:
    """An edtf bound as a date, or None for an open (infinite) one."""
    if isinstance(struct, time.struct_time):
        return D(struct.tm_year, struct.tm_mon, struct.tm_mday)
    return None


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 60
    languages = {"en": 0, "fr": 0, "de": 0, "es": 0}
    for phrase, *_ in TABLE:
        for code in languages:
            if read_date(phrase, WED, languages=[code]).readable:
                languages[code] += 1
                break
    assert all(count >= 10 for count in languages.values()), languages


@pytest.mark.parametrize(("phrase", "ref", "start", "end", "edtf_text"), TABLE)
def test_phrase_means(
    phrase: str, ref: dt.date, start: dt.date | None, end: dt.date | None, edtf_text: str
) -> None:
    got = read_date(phrase, ref)
    assert got.readable, phrase
    assert (got.start, got.end, got.edtf) == (start, end, edtf_text)
    assert got.text == phrase
    assert got.precision is not None
    parsed = edtf.parse_edtf(edtf_text)  # raises on anything that is not EDTF
    lower, upper = _day_of(parsed.lower_strict()), _day_of(parsed.upper_strict())
    assert lower == start
    # The edtf package gives a winter (code 24) December only; ours runs to February.
    if not edtf_text.endswith("-24"):
        assert upper == end


@pytest.mark.parametrize("phrase", REFUSED)
def test_refused_not_guessed(phrase: str) -> None:
    got = read_date(phrase, WED)
    assert got == FuzzyDate(phrase.strip(), None, None, None, None, False)


def test_precision_names_the_unit() -> None:
    assert read_date("the fall of 2020", WED).precision is Precision.SEASON
    assert read_date("since December", WED).precision is Precision.MONTH
    assert read_date("the 1990s", WED).precision is Precision.DECADE
    assert read_date("early 2021", WED).precision is Precision.PART_OF_YEAR
    assert read_date("mid-March", WED).precision is Precision.PART_OF_MONTH
    assert read_date("last week", WED).precision is Precision.WEEK
    assert read_date("two days ago", WED).precision is Precision.DAY
    assert read_date("by the end of 2022", WED).precision is Precision.YEAR


def test_month_without_year_is_the_latest_begun() -> None:
    # On 1 March, "in March" is this March (it has begun); "mid-March" is last year's.
    assert read_date("in March", WED).start == D(2023, 3, 1)
    assert read_date("mid-March", WED).start == D(2022, 3, 11)
    assert read_date("since December", D(2023, 12, 15)).start == D(2023, 12, 1)


def test_languages_restrict_the_reading() -> None:
    assert not read_date("im Herbst 2020", WED, languages=["en"]).readable
    assert read_date("im Herbst 2020", WED, languages=["de"]).edtf == "2020-23"
    with pytest.raises(ValueError):
        read_date("2020", WED, languages=["xx"])


def test_sort_order_by_interval() -> None:
    ref = D(2023, 9, 20)
    phrases = [
        "September 19, 2023",
        "soon",
        "in April this year",
        "December 2022",
        "fall 2020",
        "by the end of 2019",
        "September 2020",
        "since 2020",
    ]
    ordered = sorted((read_date(p, ref) for p in phrases), key=sort_key)
    assert [d.text for d in ordered] == [
        "by the end of 2019",  # open start: before every dated start
        "since 2020",
        "September 2020",  # same start as the fall, narrower
        "fall 2020",
        "December 2022",
        "in April this year",
        "September 19, 2023",
        "soon",  # unreadable last
    ]


# --- hostile input -----------------------------------------------------------------------------


def test_escapes_and_bidi_are_cleaned_then_read() -> None:
    got = read_date("\x1b[31mDecember 2022\x1b[0m", WED)
    assert (got.text, got.edtf) == ("December 2022", "2022-12")
    got = read_date("\u202eDecember\u202c 2022\x07", WED)
    assert (got.text, got.edtf) == ("December 2022", "2022-12")
    got = read_date("\x1b]52;c;ZXZpbA==\x07since December", WED)
    assert "\x1b" not in got.text and got.edtf == "2022-12/.."


def test_markup_stays_text_and_is_not_read() -> None:
    got = read_date("[bold]December[/bold]", WED)
    assert not got.readable and got.text == "[bold]December[/bold]"
    assert not read_date("[link=http://e]2020[/link]", WED).readable


def test_huge_and_absurd_input_is_refused_quickly() -> None:
    started = time.perf_counter()
    huge = read_date("December 2022 " * 80_000, WED)  # about 1 MB
    assert not huge.readable
    assert not read_date("x" * (MAX_PHRASE + 1), WED).readable
    for absurd in (
        "99999999",
        "December 99999999",
        "the 99999990s",
        "in 0999",
        "9999999999 days ago",
    ):
        assert not read_date(absurd, WED).readable, absurd
    assert not read_date("\ud800December", WED).readable
    assert time.perf_counter() - started < 5


def test_calendar_edges_do_not_raise() -> None:
    assert not read_date("tomorrow", dt.date.max).readable
    assert not read_date("last week", dt.date.min).readable
    assert read_date("winter 9998-99", WED).end == D(9999, 2, 28)  # the last one there is
    assert not read_date("winter 9999-00", WED).readable
    assert read_date("yesterday", dt.datetime(2023, 3, 1, 23, 59)).start == D(2023, 2, 28)


def test_calls_are_quick_once_warm() -> None:
    phrases = [row[0] for row in TABLE] + REFUSED
    for phrase in phrases:  # warm: dateparser loads each language's data once
        read_date(phrase, WED)
    started = time.perf_counter()
    for phrase in phrases * 5:
        read_date(phrase, WED)
    per_call = (time.perf_counter() - started) / (len(phrases) * 5)
    assert per_call < 0.01, per_call


# --- properties --------------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = sorted(
    {w for row in TABLE for w in row[0].replace(",", " ").split()}
    | {"since", "by", "between", "and", "to", "–", "early", "mid", "late", "last", "next", "ago"}
    | {"0", "1", "31", "32", "99", "1000", "9998", "9999", "2020-21", "Q4", "'00s", "1990er"}
)


def _check(got: FuzzyDate) -> None:
    assert isinstance(got, FuzzyDate)
    if not got.readable:
        assert (got.start, got.end, got.precision, got.edtf) == (None, None, None, None)
        return
    assert got.edtf is not None and got.precision is not None
    assert got.start is not None or got.end is not None
    if got.start is not None and got.end is not None:
        assert got.start <= got.end
    edtf.parse_edtf(got.edtf)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), ref=st.dates())
def test_any_text_returns(text: str, ref: dt.date) -> None:
    _check(read_date(text, ref))


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6),
    ref=st.dates(min_value=D(1000, 1, 1), max_value=D(9998, 12, 31)),
)
def test_any_date_words_return(words: list[str], ref: dt.date) -> None:
    _check(read_date(" ".join(words), ref))
