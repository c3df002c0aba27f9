"""UTC times as text, in the two spellings the desk stores.

Text times sort correctly only when every row uses one spelling, so all
writers go through these helpers. The year is always four digits: strftime's
`%Y` writes `931` for the year 931 on glibc, which would sort after `2026`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso_micro(moment: datetime | None = None) -> str:
    """`2026-11-27T07:10:00.123456Z`: event and ingest times, ordered finely."""
    moment = (moment or now()).astimezone(UTC)
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S.%fZ")


def iso_second(moment: datetime | None = None) -> str:
    """`2026-11-27T07:10:00Z`: posted times and the list's sort key."""
    moment = (moment or now()).astimezone(UTC)
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%SZ")
