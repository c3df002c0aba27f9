"""Counts by triage and verdict, and a sparkline of arrivals per hour.

The counts come from counters the store keeps up to date (a `count(*)`
over a big desk would cost tens of milliseconds on every refresh). The
sparkline uses block elements unless the terminal may lack them, then an
ASCII ramp.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widget import Widget

from db.models import Counts
from desk.text import safe_line
from desk.verdicts import BUILTIN, VerdictScheme
from desk.vocab import TRIAGE_LETTER, Triage, Verdict
from widgets.text import sparkline

TRIAGE_SHORT: tuple[tuple[Triage, str], ...] = (
    ("new", "new"),
    ("kept", "kept"),
    ("flagged", "flagged"),
    ("discarded", "discarded"),
)
VERDICT_ORDER: tuple[Verdict, ...] = (
    "verified",
    "false",
    "misleading",
    "in progress",
    "unverifiable",
)
"""The built-in verdicts counted, findings first; a desk's own verdicts follow, in its order.
`unverified` is every item not yet rated: the total says it."""
WIDE_STATS = 110
"""Below this width the counts use the list's one-letter codes (`N238 K45 F15 D20`)."""


class StatsBar(Widget):
    """One line: `412 items  new 380 kept 20 ... | verified 3 false 1 | to verify 12 | 24h ..`."""

    DEFAULT_CSS = """
    StatsBar { height: 1; }
    """

    def __init__(self, *, unicode: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: Counts | None = None
        self.hours: tuple[int, ...] = ()
        self.queue: int | None = None
        self.verdicts: VerdictScheme = BUILTIN
        self.unicode = unicode

    def show(
        self,
        counts: Counts,
        hours: Sequence[int],
        queue: int | None = None,
        verdicts: VerdictScheme | None = None,
    ) -> None:
        """`queue`: how many kept items still need verifying (`Q` lists them); `verdicts`:
        the desk's (labels and letters), None keeps the last."""
        self.counts, self.hours, self.queue = counts, tuple(hours), queue
        self.verdicts = verdicts or self.verdicts
        self.refresh()

    def _verdict_order(self) -> list[str]:
        names = self.verdicts.names
        own = [n for n in names if n not in VERDICT_ORDER and n != "unverified"]
        return [n for n in VERDICT_ORDER if n in names] + own

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        counts = self.counts
        if counts is None:
            out.append("counting...", "dim")
            return out
        wide = self.size.width >= WIDE_STATS
        out.append(f"{counts.total} items ", "bold")
        for key, label in TRIAGE_SHORT:
            out.append(f" {label} " if wide else f" {TRIAGE_LETTER[key]}", "dim")
            out.append(str(counts.triage.get(key, 0)))
        rated = [(v, counts.verdict.get(v, 0)) for v in self._verdict_order()]
        rated = [(v, n) for v, n in rated if n]
        if rated:
            out.append(" |", "dim")
            for verdict, n in rated:
                label = safe_line(self.verdicts.label(verdict))
                letter = safe_line(self.verdicts.letter(verdict))
                out.append(f" {label} " if wide else f" {letter}", "dim")
                out.append(str(n))
        if self.queue:
            out.append(" | to verify " if wide else " | verify ", "dim")
            out.append(str(self.queue), "bold")
        if self.hours:
            out.append(f" | {len(self.hours)}h ", "dim")
            out.append(sparkline(list(self.hours), unicode=self.unicode), "bold")
        return out

    @property
    def text(self) -> str:
        return self.render().plain
