"""The pure parts of the widgets: time and text formatting, completion, the sparkline."""

from __future__ import annotations

from rich.cells import cell_len

from desk.text import safe, safe_line
from widgets.prompts import TagSuggester
from widgets.text import fit, long_time, short_time, sparkline


def test_short_time_keeps_the_known_precision() -> None:
    assert short_time("2026-11-27T07:10:59Z", "second") == "11-27 07:10"
    assert short_time("2026-11-27T00:00:00Z", "day") == "11-27 --:--"
    assert short_time("2026-11-01T00:00:00Z", "month") == "2026-11    "
    assert short_time("2026-01-01T00:00:00Z", "year") == "2026       "
    assert short_time(None, None) == "----- -----"
    assert short_time("not a time", "second") == "----- -----"


def test_long_time_says_what_is_not_known() -> None:
    assert long_time("2026-11-27T07:10:00Z", "minute", True) == (
        "2026-11-27 07:10 UTC [to the minute]"
    )
    assert long_time("2026-11-27T07:10:00Z", "second", False) == (
        "2026-11-27 07:10:00 UTC [to the second, zone unknown]"
    )
    assert long_time("2026-11-27T00:00:00Z", "day", False) == "2026-11-27 [to the day]"
    assert long_time("2026-11-27T07:10:00.123456Z", "second", annotate=False) == (
        "2026-11-27 07:10:00 UTC"
    )


def test_fit_counts_wide_characters() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc~"
    cut = fit("日本語テキスト", 6)
    assert cell_len(cut) == 6 and cut.endswith("~") and cut.startswith("日本")


def test_safe_strips_escapes_controls_and_bidi() -> None:
    hostile = "a\x1b[31mb\x1b]52;c;eA==\x07c\u202ed\x07e\tf"
    assert safe(hostile) == "abcde    f"
    assert safe_line("one\ntwo\r\nthree") == "one two three"


def test_sparkline_shows_one_arrival_and_degrades_to_ascii() -> None:
    line = sparkline([0, 1, 100])
    assert len(line) == 3 and line[0] != line[1] != line[2]
    ascii_line = sparkline([0, 5, 10], unicode=False)
    assert ascii_line.isascii() and ascii_line[0] == "_" and ascii_line[2] == "@"
    assert sparkline([], unicode=False) == ""


async def test_tag_suggester_completes_the_last_word() -> None:
    suggester = TagSuggester(["casualties", "needs-translation", "fire"])
    assert await suggester.get_suggestion("+urgent -cas") == "+urgent -casualties"
    assert await suggester.get_suggestion("!ne") == "!needs-translation"
    assert await suggester.get_suggestion("fi") == "fire"
    assert await suggester.get_suggestion("+fire ") is None
    assert await suggester.get_suggestion("+zzz") is None
