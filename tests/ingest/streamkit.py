"""What the live-stream and twitwi format tests share: a parse split in three.

Stream formats yield `Skipped` for records that hold no post (a like, a
delete event) besides items and rejections; `tests/ingest/helpers.split`
knows only the two, so these tests split their own output here.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from desk.ingest.base import ParsedItem, Rejected, Skipped, Source

DATA = Path(__file__).parent / "data"

Split = tuple[list[ParsedItem], list[Rejected], list[Skipped]]

# Hostile text every reader must make harmless: an SGR escape, an OSC 8
# hyperlink, a bidi override, a C0 control, and Rich markup (kept as text).
HOSTILE = "a\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202eevil\u202c \x07[bold]x[/bold]"
HOSTILE_CLEAN_PARTS = ("red", "link", "evil", "[bold]x[/bold]")


def run(module: ModuleType, data: bytes | str | Path, name: str = "input") -> Split:
    """Parse bytes, text or a file with one format; nothing but the three kinds may come out."""
    if isinstance(data, Path):
        source = Source(data.name, path=data)
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        source = Source(name, data=raw)
    items: list[ParsedItem] = []
    rejected: list[Rejected] = []
    skipped: list[Skipped] = []
    for result in module.parse(source):
        if isinstance(result, ParsedItem):
            items.append(result)
        elif isinstance(result, Rejected):
            rejected.append(result)
        else:
            assert isinstance(result, Skipped), result
            skipped.append(result)
    return items, rejected, skipped


def assert_harmless(text: str | None) -> None:
    """No escape, control or bidi character is left; the words and markup stay as text."""
    assert text is not None
    assert not any(ch in text for ch in "\x1b\x07\u202e\u202c")
    for part in HOSTILE_CLEAN_PARTS:
        assert part in text
