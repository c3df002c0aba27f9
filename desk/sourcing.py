"""Whether a recap entry may be published: what its sources say, what its date says.

One rule, read by the recap pane, `desk recap ls` and the export: an entry is
backed when at least one of its sources (items linked `source-for`) is
neither discarded nor rated unverified, in progress, false or misleading
("in progress" is unverified with the checking begun: a checked step is not
a finding), or a verdict the desk added like one of those: the rule reads a
verdict's meaning in the desk's settings (`desk.verdicts`), never its
word, so a renamed or added verdict cannot slip past it. An entry with
no source, or with only such sources, is "not ready to publish", so nobody
publishes it by mistake. A date the desk could not read is kept as written
and flagged (it sorts last), never guessed.

Pure and stdlib-only (the vocabulary and the db's records), so every layer
may call it.
"""

from __future__ import annotations

from db.models import RecapEntry
from desk.text import safe_line
from desk.verdicts import VerdictScheme

UNPUBLISHABLE_VERDICTS: tuple[str, ...] = ("unverified", "in progress", "false", "misleading")
"""A source with one of these verdicts (or discarded) does not back an entry."""


def backs(verdict: str, triage: str, scheme: VerdictScheme) -> bool:
    """Whether a source with this verdict and triage backs the entry it sources."""
    return triage != "discarded" and scheme.meaning(verdict) not in UNPUBLISHABLE_VERDICTS


def entry_backed(entry: RecapEntry, scheme: VerdictScheme) -> bool:
    """Whether any source of the entry backs it."""
    return any(backs(s.verdict, s.triage, scheme) for s in entry.sources)


def not_ready(entry: RecapEntry, scheme: VerdictScheme) -> str | None:
    """Why publishing the entry would be a mistake, in one line; None when it is backed."""
    if not entry.sources:
        return "not ready to publish: no source"
    if not entry_backed(entry, scheme):
        return (
            "not ready to publish: every source is unverified, in progress, false, misleading"
            " or discarded"
        )
    return None


def date_problem(entry: RecapEntry) -> str | None:
    """The flag on a date the desk could not read (kept as written, sorted last)."""
    if entry.date_text and not entry.readable:
        return "unreadable date: kept as written, not placed in time (sorted last)"
    return None


def problems(entry: RecapEntry, scheme: VerdictScheme) -> list[str]:
    """Everything that stands between the entry and the page (empty: ready)."""
    return [p for p in (not_ready(entry, scheme), date_problem(entry)) if p]


def interval(entry: RecapEntry) -> str:
    """`2020-09-01..2020-11-30`, `2025-12-01..` (an open end), one day, or why there is none."""
    if not entry.date_text:
        return "no date"
    if not entry.readable:
        return "unreadable date"
    start = safe_line(entry.date_start) if entry.date_start else ""
    end = safe_line(entry.date_end) if entry.date_end else ""
    if start and start == end:
        return start
    return f"{start}..{end}"
