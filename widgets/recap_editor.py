"""`a`/`e` in the recap pane: write or change a recap entry; `m`: pick a section.

The editor collects what the reporter types (section, the date as people
write it, headline, confidence, a Markdown body) and returns it as an
`EntryRequest`; the screen runs the verb in a write worker once it has
closed. When the verb refuses (an empty headline, an entry a colleague
changed meanwhile) the worker posts `RecapEntryEditor.Failed` and the screen
opens the editor again with what was typed and the error on top, so nothing
typed is lost.

While the date is typed, the line under it says what the desk reads it as
(`2020-09-01..2020-11-30 · EDTF 2020-23`) or that it cannot read it (kept as
written, flagged, sorted last): the reading is the caller's `read_date`,
run in this screen's thread worker (dateparser's first use takes a while).

`E` edits the same fields in `$EDITOR` as a small text form
(`entry_text`/`parse_entry_text`): `key: value` lines, an empty line, then
the body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from desk.text import safe_line
from desk.vocab import CONFIDENCES
from widgets.fields import NextOnEnter
from widgets.keys import bindings


@dataclass(frozen=True)
class EntryRequest:
    """A new entry (`entry_id` None) or new values for an existing one."""

    section: str
    headline: str = ""
    date_text: str = ""
    confidence: str = "reported"
    body: str = ""
    entry_id: int | None = None
    base_version: int | None = None
    """The version the editor started from: a colleague's edit since is a conflict."""


FIELDS = ("section", "date", "confidence", "headline")
"""The `key: value` lines of the `$EDITOR` form, in order."""


def entry_text(request: EntryRequest) -> str:
    """The entry as the `$EDITOR` form: fields, an empty line, the body."""
    values = {
        "section": request.section,
        "date": request.date_text,
        "confidence": request.confidence,
        "headline": request.headline,
    }
    fields = "\n".join(f"{key}: {safe_line(values[key])}" for key in FIELDS)
    return f"{fields}\n\n{request.body}"


def editor_header(request: EntryRequest, sections: Sequence[str]) -> str:
    """The comment block on top of the form (the editor's caller drops it on save)."""
    what = f"Recap entry {request.entry_id}" if request.entry_id else "New recap entry"
    return (
        f"# {what}. Lines starting with '#' up here are dropped.\n"
        f"# section: one of {', '.join(safe_line(s) for s in sections)}\n"
        f"# confidence: one of {', '.join(CONFIDENCES)}\n"
        "# date: as people write it ('in the fall of 2020', 'since December'), or empty\n"
        "# The body (Markdown) follows the first empty line.\n"
    )


def parse_entry_text(text: str, base: EntryRequest) -> EntryRequest:
    """The form back as a request (fields not written keep `base`'s values).

    Raises `ValueError` naming the line for a line that is not `key: value`
    or names no field; the section and confidence are checked by the verb."""
    lines = text.split("\n")
    values: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].strip():
        key, colon, value = lines[index].partition(":")
        name = key.strip().lower()
        if not colon or name not in FIELDS:
            raise ValueError(
                f"line {index + 1}: {safe_line(lines[index])[:60]!r} is not one of "
                f"{', '.join(f + ':' for f in FIELDS)} (the body goes after an empty line)"
            )
        values[name] = value.strip()
        index += 1
    body = "\n".join(lines[index + 1 :]).strip("\n") if index < len(lines) else ""
    return replace(
        base,
        section=values.get("section", base.section),
        date_text=values.get("date", base.date_text),
        confidence=values.get("confidence", base.confidence),
        headline=values.get("headline", base.headline),
        body=body,
    )


class RecapEntryEditor(ModalScreen[EntryRequest | None]):
    """Section, date (with what it reads as), headline, confidence, body; ctrl+s saves."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("entry", "prompt")

    @dataclass
    class Failed(Message):
        """The verb refused after the editor closed: open it again with `request`, `error`."""

        request: EntryRequest
        error: str

    @dataclass
    class DateRead(Message):
        text: str
        reading: str

    DEFAULT_CSS = """
    RecapEntryEditor #entry-error { color: $error; }
    RecapEntryEditor Horizontal { height: auto; }
    RecapEntryEditor Select { width: 1fr; }
    RecapEntryEditor #entry-reading { color: $text-muted; padding: 0 1; }
    RecapEntryEditor #entry-reading.-unread { color: $warning; }
    """

    def __init__(
        self,
        request: EntryRequest,
        sections: Sequence[str],
        read_date: Callable[[str], tuple[bool, str]],
        *,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.sections = list(dict.fromkeys([*sections, request.section]))
        self.read_date = read_date
        self.error = error

    def compose(self) -> ComposeResult:
        request = self.request
        if request.entry_id is None:
            title = f"New recap entry in {safe_line(request.section)}"
        else:
            title = f"Edit recap entry {request.entry_id}"
        with Vertical(classes="prompt tall"):
            yield Label(Text(title), classes="title")
            yield Static(Text(safe_line(self.error or "")), id="entry-error")
            with Horizontal():
                yield Select(
                    [(safe_line(s), s) for s in self.sections],
                    value=request.section,
                    allow_blank=False,
                    id="entry-section",
                    disabled=request.entry_id is not None,  # a move (`m`) changes it
                )
                yield Select(
                    [(c, c) for c in CONFIDENCES],
                    value=request.confidence if request.confidence in CONFIDENCES else "reported",
                    allow_blank=False,
                    id="entry-confidence",
                )
            yield NextOnEnter(
                value=request.date_text,
                placeholder="date as written: in the fall of 2020, since December (or empty)",
                id="entry-date",
            )
            yield Static(Text(""), id="entry-reading")
            yield NextOnEnter(value=request.headline, placeholder="headline", id="entry-headline")
            yield TextArea(request.body, id="entry-body", soft_wrap=True, show_line_numbers=False)
            yield Static(
                Text("ctrl+s save   tab next field   escape cancel", "dim"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#entry-error").display = bool(self.error)
        first = "#entry-headline" if self.request.date_text or self.error else "#entry-date"
        self.query_one(first).focus()
        self._read(self.request.date_text)

    @on(Input.Changed, "#entry-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._read(event.value)

    @work(thread=True, exclusive=True, group="entry-date")
    def _read(self, text: str) -> None:
        """What the date reads as; the newest typing wins (`exclusive`)."""
        if not text.strip():
            self.post_message(self.DateRead(text, ""))
            return
        readable, line = self.read_date(text)
        self.post_message(self.DateRead(text, line if readable else f"! {line}"))

    def on_recap_entry_editor_date_read(self, message: RecapEntryEditor.DateRead) -> None:
        if message.text != self.query_one("#entry-date", Input).value:
            return  # typed on since: a newer reading is on its way
        reading = self.query_one("#entry-reading", Static)
        reading.set_class(message.reading.startswith("! "), "-unread")
        reading.update(Text(message.reading.removeprefix("! ")))

    @property
    def typed(self) -> EntryRequest:
        """What the fields hold now."""
        section = self.query_one("#entry-section", Select).value
        confidence = self.query_one("#entry-confidence", Select).value
        return replace(
            self.request,
            section=str(section),
            confidence=str(confidence),
            date_text=self.query_one("#entry-date", Input).value.strip(),
            headline=self.query_one("#entry-headline", Input).value,
            body=self.query_one("#entry-body", TextArea).text,
        )

    def action_save(self) -> None:
        self.dismiss(self.typed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SectionChooser(ModalScreen[str | None]):
    """`m`: the section to move an entry to (enter picks, escape cancels)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

    def __init__(self, headline: str, current: str, sections: Sequence[str]) -> None:
        super().__init__()
        self.headline = headline
        self.current = current
        self.sections = [s for s in sections if s != current]

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(
                Text(f"Move {safe_line(self.headline)[:50]!r} to", no_wrap=True), classes="title"
            )
            yield OptionList(
                *(
                    Option(Text(safe_line(s)), id=f"section-{i}")
                    for i, s in enumerate(self.sections)
                ),
                id="section-list",
            )
            yield Static(
                Text(f"now in {safe_line(self.current)}; enter moves, escape cancels", "dim"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#section-list").focus()

    @on(OptionList.OptionSelected, "#section-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.sections[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
