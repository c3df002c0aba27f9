"""Display strings for the panes: cell widths, times at their precision, sparklines.

Everything shown on screen passes through `safe` or `safe_line`
(`desk/text.py`) first, even though the
store already holds cleaned text: a desk file can be written by an older
or buggy `desk`, or by hand, and a single ESC or OSC sequence that reaches
the terminal can rewrite the screen or the user's clipboard. The results
are plain strings meant for `rich.text.Text(...)` or `Segment`s, never for
markup.

Times are shown in UTC, at the precision the desk knows them, so a post
known only to the day is never displayed as if its minute were known.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len, set_cell_size

SPARK_UNICODE = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
SPARK_ASCII = "_.:-=+*#%@"


def fit(text: str, width: int) -> str:
    """Pad or cut to exactly `width` terminal cells (wide characters count double)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "~" if width > 1 else set_cell_size(text, width)
    return set_cell_size(text, width)


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    value = iso.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def short_time(iso: str | None, precision: str | None, *, year: int | None = None) -> str:
    """Eleven cells for a list row: `11-27 07:10`, `11-27 --:--`, `2026-11`, `2026`.

    With `year` (the current year, from the app's clock), a time in another
    year shows its year in place of the hour (`2023-11-27`): a 2023 post
    sits among 2026 ones in the list, and the month and day alone cannot
    tell them apart. The width stays eleven cells either way, so the columns
    of the list line up whatever the mix.
    """
    moment = _parse(iso)
    if moment is None:
        return "-" * 5 + " " + "-" * 5
    if precision == "year":
        return f"{moment.year:04d}".ljust(11)
    if precision == "month":
        return f"{moment.year:04d}-{moment:%m}".ljust(11)
    if year is not None and moment.year != year:
        return f"{moment.year:04d}-{moment:%m-%d} "
    if precision == "day":
        return f"{moment:%m-%d} --:--"
    return f"{moment:%m-%d %H:%M}"


def long_time(
    iso: str | None, precision: str | None, tz_known: bool = True, *, annotate: bool = True
) -> str:
    """A posted time as a reader needs it: only the known part, and whether the zone is known.

    `annotate` adds `[to the minute, zone unknown]`; off for times the desk itself took.
    """
    moment = _parse(iso)
    if moment is None:
        return "unknown"
    formats = {
        "year": "%Y",
        "month": "%Y-%m",
        "day": "%Y-%m-%d",
        "hour": "%Y-%m-%d %H:00",
        "minute": "%Y-%m-%d %H:%M",
    }
    text = moment.strftime(formats.get(precision or "second", "%Y-%m-%d %H:%M:%S"))
    if precision not in ("year", "month", "day"):
        text += " UTC"
    if not annotate:
        return text
    notes = [f"to the {precision}"] if precision else []
    if not tz_known and precision not in ("year", "month", "day"):
        notes.append("zone unknown")
    return text + (f" [{', '.join(notes)}]" if notes else "")


def sparkline(values: list[int], *, unicode: bool = True) -> str:
    """One character per value, scaled to the largest; ASCII when block elements may not draw."""
    ramp = SPARK_UNICODE if unicode else SPARK_ASCII
    top = max(values, default=0)
    out = []
    for value in values:
        if value <= 0 or top <= 0:
            out.append(ramp[0])  # the lowest mark is kept for "none", so one arrival shows
        else:
            out.append(ramp[max(1, round(value / top * (len(ramp) - 1)))])
    return "".join(out)
