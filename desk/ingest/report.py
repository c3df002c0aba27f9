"""What one ingest gave: its counts, its rejections, the ids it stored.

Apart from the pipeline that fills it because every caller reads it: the
CLI's summary line, the TUI's notice, the benches, the tests.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias


@dataclass
class Rejection:
    """A record that did not go in, named so a person can find it."""

    source: str
    record: int | None
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        elif self.record is not None:
            where += f": record {self.record}"
        return f"{where}: {self.reason}"


if TYPE_CHECKING:
    _IdArray: TypeAlias = array[int]
else:
    _IdArray = array


class ItemIds(_IdArray):
    """The ids an ingest stored, 8 bytes each (a list of ints takes 36: 36 MB for a
    feed of a million entries); equal to a list or tuple of the same ids."""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list | tuple):
            return bool(self.tolist() == list(other))
        return bool(super().__eq__(other))

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None


@dataclass
class IngestReport:
    """What one input gave: counts for the summary, rejections for stderr."""

    source: str
    sha256: str = ""
    format: str | None = None
    new: int = 0
    duplicates: int = 0
    # Known posts that a fuller copy in this input improved (each one `item.improve` event);
    # in a dry run, those the real run would improve (`CopyPreview`, nothing written).
    improved: int = 0
    links: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    error: str | None = None
    item_ids: ItemIds = field(default_factory=lambda: ItemIds("q"))
    dry_run: bool = False
    # Records that hold no post (a stream's likes, deletes): reason -> count.
    skipped: dict[str, int] = field(default_factory=dict)

    def skipped_summary(self, most: int = 3) -> str:
        """`3 skipped (2 like events, 1 ...)`, the commonest reasons first; "" for none."""
        if not self.skipped:
            return ""
        total = sum(self.skipped.values())
        ranked = sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))
        parts = [f"{count} {reason}" for reason, count in ranked[:most]]
        if len(ranked) > most:
            parts.append(f"{len(ranked) - most} other reasons")
        return f"{total} skipped ({'; '.join(parts)})"

    @property
    def seen(self) -> int:
        return self.new + self.duplicates


def saved(report: IngestReport) -> str:
    """`N items were saved`: what an ingest cut short had committed (whole batches)."""
    return "1 item was saved" if report.new == 1 else f"{report.new} items were saved"


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C during an ingest: `report` counts the batches committed before it."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__()
        self.report = report
