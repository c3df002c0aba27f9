"""Numbers a user types are bounded: a huge or negative one is one line on stderr, exit 1.

A 20-digit id, limit or sequence number used to reach SQLite as an integer
it cannot hold (`OverflowError`, with a traceback); a negative `-n` meant
"no limit" to SQLite. The filter's own numbers (`id:`, `since:`) are
checked by `desk.filter_expr`; here we check the CLI prints its error as
one line.
"""

from __future__ import annotations

import pytest

HUGE = "9" * 20


def _one_line_error(result, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert expected in result.err, result.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("show", HUGE), "larger than any item id"),
        (("show", HUGE, "--raw"), "larger than any item id"),
        (("ls", "--after", HUGE), "larger than any item id"),
        (("log", "--since", HUGE), f"bad --since {HUGE}"),
        (("log", "--since", "-1"), "bad --since -1"),
        (("ls", "-n", HUGE), f"bad --limit {HUGE}"),
        (("ls", "-n", "-5"), "bad --limit -5"),
        (("log", "-n", HUGE), f"bad --limit {HUGE}"),
        (("search", "-n", HUGE, "water"), f"bad --limit {HUGE}"),
        (("tag", HUGE, "+x"), "larger than any item id"),
        (("triage", HUGE, "kept"), "larger than any item id"),
        (("note", HUGE, "text"), "larger than any item id"),
        (("link", "1", HUGE, "--as", "corroborates"), "larger than any item id"),
        (("link", HUGE, "1", "--as", "corroborates"), "larger than any item id"),
        (("link", "1", f"entry:{HUGE}", "--as", "source-for"), "larger than any entry id"),
        (("check", HUGE, "provenance", "passed"), "larger than any item id"),
        (("tag", "\u00b2", "+x"), "give at least one item id"),  # isdigit() but not int()
        (("link", "1", "e\u00b2", "--as", "source-for"), "not an item id"),
        (("ls", "--filter", f"id:{HUGE}"), f"id:{HUGE}"),
        (("ls", "--filter", "since:99999999h"), "since:99999999h"),
        (("ls", "--filter", "since:999999d"), "since:999999d"),
        (("ls", "--filter", "since:5000000w"), "since:5000000w"),
    ],
)
def test_huge_numbers_are_one_line_errors(run_desk, args: tuple[str, ...], expected: str) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    assert run_desk("add", "--text", "water over the spillway").code == 0
    _one_line_error(run_desk(*args), expected)


def test_the_largest_real_numbers_still_work(run_desk) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    run_desk("add", "--text", "water over the spillway")
    _one_line_error(run_desk("show", str(2**31 - 1)), f"no item {2**31 - 1}")
    assert run_desk("ls", "-n", str(2**63 - 1)).code == 0
    assert run_desk("log", "--since", str(2**63 - 1)).out == ""
    listed = run_desk("ls", "-n", "0")
    assert listed.code == 0 and listed.out == ""
