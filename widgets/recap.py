"""Pane 3: the story's recap, worked from the keyboard.

A cursor runs over the recap's lines: each section of the desk's template
(empty ones too, so `a` can add to them), each entry, and each entry's
sources. An entry shows its date as written with the interval it means (or
a flag when the desk could not read it), its headline, confidence, whether
it was moved by hand (pinned) and, in words so it reads without colour,
when it is not ready to publish (no source, or none that backs it: see
`desk.sourcing`). Each source line shows the item's live verdict; entries
the open item sources are marked `*`.

The pane writes nothing: its keys post `Requested` with the entry, section
and source under the cursor, and the screen runs the verb in a worker. The
cursor stays on the same entry (or source) across the refreshes a write,
or a colleague's, brings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from db.models import RecapEntry, RecapSource, Story
from desk.identity import who
from desk.sourcing import backs, interval, not_ready
from desk.text import safe, safe_line, truncate
from desk.verdicts import BUILTIN, VerdictScheme
from widgets.keys import bindings

BODY_LINES = 3
"""Lines of an entry's body shown under its headline (the editor shows it all)."""
NOTE_LINES = 2
"""An entry's latest notes shown under it, a line each (`desk recap show` has them all)."""


@dataclass(frozen=True, slots=True)
class RecapLine:
    """What one line of the pane is: a section heading, an entry, or one of its sources."""

    section: str
    entry: RecapEntry | None = None
    source: RecapSource | None = None

    @property
    def key(self) -> str:
        """Stable across refreshes: the cursor finds its line again by this."""
        if self.entry is None:
            return f"section:{self.section}"
        if self.source is None:
            return f"entry:{self.entry.id}"
        return f"source:{self.entry.id}:{self.source.item_id}"


def recap_lines(sections: Sequence[str], entries: Sequence[RecapEntry]) -> list[RecapLine]:
    """The pane's lines in order: the template's sections (others after), entries, sources."""
    by_section: dict[str, list[RecapEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    names = list(dict.fromkeys([*sections, *by_section]))
    lines: list[RecapLine] = []
    for name in names:
        lines.append(RecapLine(name))
        for entry in by_section.get(name, ()):
            lines.append(RecapLine(name, entry))
            lines.extend(RecapLine(name, entry, source) for source in entry.sources)
    return lines


def _section_prompt(name: str, count: int) -> Text:
    out = Text()  # styles on the parts: a Text's own style would underline the count too
    out.append(safe_line(name).upper(), "bold underline")
    out.append(f"  {count} entr{'y' if count == 1 else 'ies'}" if count else "  empty", "dim")
    return out


def _entry_prompt(entry: RecapEntry, open_item: int | None, verdicts: VerdictScheme) -> Text:
    """`date: headline`, then `confidence · interval · EDTF · entry N · pinned`, the flags,
    the body's first lines: the headline line stays short, so it rarely wraps."""
    sourced = open_item is not None and open_item in entry.source_item_ids
    out = Text()  # styles on the parts: a Text's own style would embolden the whole entry
    out.append("* " if sourced else "  ", "bold")
    if entry.date_text:
        out.append(safe_line(entry.date_text), "italic")
        out.append(": ")
    out.append(safe_line(entry.headline), "bold")
    facts = [safe_line(entry.confidence)]
    if entry.date_text and entry.readable:
        facts.append(interval(entry))
        if entry.date_edtf:
            facts.append(f"EDTF {safe_line(entry.date_edtf)}")
    facts.append(f"entry {entry.id}")
    if entry.pinned:
        facts.append("pinned")
    out.append("\n    " + " · ".join(facts), "dim")
    if entry.date_text and not entry.readable:
        out.append("\n    ! date not read: kept as written, sorted last", "bold")
    problem = not_ready(entry, verdicts)
    if problem:
        out.append(f"\n    ! {problem.upper()[:1]}{problem[1:]}", "bold")
    if entry.body:
        lines = safe(entry.body).strip("\n").splitlines()
        for line in lines[:BODY_LINES]:
            out.append(f"\n    {line}")
        if len(lines) > BODY_LINES:
            out.append(f"\n    ({len(lines) - BODY_LINES} more lines: e shows them)", "dim")
    for note in entry.notes[-NOTE_LINES:]:
        out.append(f"\n    note by {who(note.author, note.os_user)}: ", "dim")
        out.append(truncate(safe_line(note.text), 200), "italic")
    if len(entry.notes) > NOTE_LINES:
        out.append(f"\n    ({len(entry.notes) - NOTE_LINES} earlier notes)", "dim")
    return out


def _source_prompt(source: RecapSource, open_item: int | None, verdicts: VerdictScheme) -> Text:
    mark = "* " if source.item_id == open_item else "  "
    out = Text()
    out.append(f"{mark}    src #{source.item_id} ", "dim")
    good = backs(source.verdict, source.triage, verdicts)
    out.append(safe_line(verdicts.label(source.verdict)), "green" if good else "bold red")
    if source.triage == "discarded":
        out.append(" discarded", "bold red")
    who = f"@{source.author_handle}" if source.author_handle else source.author_name or ""
    if who:
        out.append(f" {safe_line(who)}")
    out.append(f" ({safe_line(source.platform)})", "dim")
    return out


class RecapPane(OptionList, can_focus=True, inherit_bindings=False):
    """Pane 3: the recap of the current story, a line per section, entry and source."""

    BINDING_GROUP_TITLE = "Recap"
    BINDINGS: ClassVar[list[BindingType]] = bindings("recap")

    @dataclass
    class Requested(Message):
        """A recap key: the screen runs it (`action` is the key table's action name)."""

        action: str
        line: RecapLine | None
        argument: str | None = None

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.story: Story | None = None
        self.entries: tuple[RecapEntry, ...] = ()
        self.sections: tuple[str, ...] = ()
        self.verdicts: VerdictScheme = BUILTIN
        self.open_item: int | None = None
        self.lines: list[RecapLine] = []
        self._select: str | None = None
        self._prompts: list[Text] = []

    def on_mount(self) -> None:
        self._set([Text("Loading the recap...", "dim")], [])

    def _set(self, prompts: list[Text], keys: Sequence[str | None]) -> None:
        """The lines: the first `len(prompts) - len(keys)` are titles (the cursor skips them)."""
        self._prompts = prompts
        titles = len(prompts) - len(keys)
        self.set_options(
            Option(prompt, id=None if i < titles else keys[i - titles], disabled=i < titles)
            for i, prompt in enumerate(prompts)
        )

    def show(
        self,
        story: Story | None,
        entries: Sequence[RecapEntry],
        open_item: int | None = None,
        sections: Sequence[str] = (),
        verdicts: VerdictScheme | None = None,
    ) -> None:
        """Lay the recap out again, the cursor staying on its line (or the one asked for).

        `verdicts`: the desk's verdicts (labels, and what backs an entry); None keeps the last.
        """
        current = self.current.key if self.current else None
        index_before = self.highlighted
        self.story, self.entries, self.open_item = story, tuple(entries), open_item
        self.sections = tuple(sections)
        self.verdicts = verdicts or self.verdicts
        if story is None:
            self.lines = []
            self._set([Text("No story on this desk yet.", "dim")], [])
            return
        self.lines = recap_lines(self.sections, self.entries)
        title = Text()
        title.append(safe_line(story.title), "bold")
        count = len(self.entries)
        title.append(
            f"\nstory {safe_line(story.slug)}, {count} entr{'y' if count == 1 else 'ies'}", "dim"
        )
        if not self.entries:
            title.append("\nThe recap is empty: a adds an entry to the section here.", "dim")
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.section] = counts.get(entry.section, 0) + 1
        prompts = [title]
        for line in self.lines:
            if line.entry is None:
                prompts.append(_section_prompt(line.section, counts.get(line.section, 0)))
            elif line.source is None:
                prompts.append(_entry_prompt(line.entry, open_item, self.verdicts))
            else:
                prompts.append(_source_prompt(line.source, open_item, self.verdicts))
        self._set(prompts, [line.key for line in self.lines])
        keys = [line.key for line in self.lines]
        wanted = current
        if self._select in keys:  # kept until it shows: an older read may come in first
            wanted, self._select = self._select, None
        if wanted in keys:
            self.highlighted = keys.index(wanted) + 1
        elif index_before is not None and self.lines:
            self.highlighted = max(1, min(index_before, len(self.lines)))
        elif self.lines:
            self.highlighted = 1

    def select_entry(self, entry_id: int) -> None:
        """Put the cursor on an entry now if it shows, or when it next shows (just added)."""
        key = f"entry:{entry_id}"
        keys = [line.key for line in self.lines]
        if key in keys:
            self.highlighted = keys.index(key) + 1
        else:
            self._select = key

    def mark_item(self, open_item: int | None) -> None:
        """Re-mark the entries the open item sources, without refetching."""
        if open_item != self.open_item:
            self.show(self.story, self.entries, open_item, self.sections)

    @property
    def current(self) -> RecapLine | None:
        """The line under the cursor (None on the title or an empty recap)."""
        index = self.highlighted
        if index is None or not 1 <= index <= len(self.lines):
            return None
        return self.lines[index - 1]

    @property
    def text(self) -> str:
        """The pane as plain text (tests, and what a screen reader would get)."""
        return "\n".join(prompt.plain for prompt in self._prompts)

    def _request(self, action: str, argument: str | None = None) -> None:
        self.post_message(self.Requested(action, self.current, argument))

    def action_add_entry(self) -> None:
        self._request("add")

    def action_edit_entry(self) -> None:
        self._request("edit")

    def action_edit_entry_external(self) -> None:
        self._request("edit_external")

    def action_delete_entry(self) -> None:
        self._request("delete")

    def action_move_entry(self, direction: str) -> None:
        self._request("move", direction)

    def action_unpin_entry(self) -> None:
        self._request("unpin")

    def action_move_section(self) -> None:
        self._request("section")

    def action_attach_sources(self) -> None:
        self._request("attach")

    def action_note_entry(self) -> None:
        self._request("note")

    def action_jump(self) -> None:
        self._request("jump")

    def action_select(self) -> None:
        """A click puts the cursor on a line and no more: `enter` (`recap.jump`) jumps."""
