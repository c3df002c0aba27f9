"""What the desk says after a write: one line each, from what the verb returned.

Kept apart from the workers so that the wording can be read (and tested)
in one place; every line is plain text, shown with `markup=False`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desk import verbs
from widgets.prompts import plural

if TYPE_CHECKING:  # the ingest pipeline (lxml and all) is imported only when an item is added
    from desk.ingest.report import IngestReport


def tagged(ops: str, count: int, changes: dict[int, Any]) -> str:
    """`t`: what changed, or that nothing did."""
    if not changes:
        return f"Tags already so on {plural(count, 'item')}; nothing changed."
    return f"{ops} on {plural(len(changes), 'item')}."


def triaged(count: int, state: str) -> str:
    return f"{plural(count, 'item')} {state}."


def rated(count: int, verdict: str) -> str:
    return f"{plural(count, 'item')} rated {verdict}."


def undone(result: verbs.UndoResult) -> str:
    """`u`: which event was undone, and what was left alone (a colleague's later change)."""
    text = f"Undid {result.undone.kind} (event {result.undone.seq})."
    if result.skipped:
        text += " Left alone: " + "; ".join(result.skipped)
    return text


def linked(source: int, relation: str, made: int, kind: str, asked: int) -> str | None:
    """`l`: how many links were made; None when nothing was asked."""
    what = "recap entry" if kind == "entry" else "item"
    if made:
        return f"#{source} {relation} {plural(made, what)}."
    if asked:
        return "Already linked; nothing changed."
    return None


def ingested(report: IngestReport) -> str:
    """`i`: an ingest report in one line (new, duplicates, links, rejected records)."""
    text = f"{report.source}: {report.new} new, {report.duplicates} already here"
    if report.improved:
        text += f", {report.improved} improved"
    if report.links:
        text += f", {report.links} links"
    if report.rejected:
        text += f", {len(report.rejected)} rejected (first: {report.rejected[0]})"
    if report.skipped:
        text += f", {report.skipped_summary(most=1)}"
    return text
