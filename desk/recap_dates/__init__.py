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

Where it lives. One reading runs through the modules in this order:
`grammar` (`read_date`, and the outer rule: ranges and open intervals),
`tokens` (folding, words to tokens, numeric dates) with `words` (each
language's vocabulary), `atoms` (one date, resolved against the reference),
`dateparser_bridge` (the only door to dateparser, opened on first use) and
`spans` (each unit's days and its EDTF, written by the conventions above);
`model` holds the types callers see.
"""

from __future__ import annotations

from desk.recap_dates.grammar import read_date
from desk.recap_dates.model import MAX_PHRASE, FuzzyDate, Precision, sort_key
from desk.recap_dates.words import LANGUAGES

__all__ = ["LANGUAGES", "MAX_PHRASE", "FuzzyDate", "Precision", "read_date", "sort_key"]
