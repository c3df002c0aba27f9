"""UTC times as text, in the two spellings the desk stores.

Text times sort correctly only when every row uses one spelling, so all
writers go through these helpers.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso_micro(moment: datetime | None = None) -> str:
    """`2026-11-27T07:10:00.123456Z`: event and ingest times, ordered finely."""
    moment = (moment or now()).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_second(moment: datetime | None = None) -> str:
    """`2026-11-27T07:10:00Z`: posted times and the list's sort key."""
    moment = (moment or now()).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Read back either spelling (and any ISO 8601 with an offset) as aware UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
