"""Stored times sort as text, so every year is written with four digits."""

from __future__ import annotations

from datetime import UTC, datetime

from db.clock import iso_micro, iso_second


def test_years_below_1000_are_padded_and_sort_before_modern_ones() -> None:
    old = datetime(931, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    new = datetime(2026, 11, 27, 7, 10, tzinfo=UTC)
    assert iso_second(old) == "0931-05-06T07:08:09Z"
    assert iso_micro(old) == "0931-05-06T07:08:09.123456Z"
    assert iso_second(old) < iso_second(new)
    assert iso_second(new) == "2026-11-27T07:10:00Z"
    assert iso_micro(new) == "2026-11-27T07:10:00.000000Z"
