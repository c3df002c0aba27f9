"""What the recap pane's keys do: the editor, the verbs, the jumps to and from items.

The pane (`widgets.recap.RecapPane`) writes nothing; each of its keys posts
`RecapPane.Requested` with the line under the cursor, and the screen hands
it here. Every verb runs in a write worker (`writes`), and the refresh that
follows any write, this user's or a colleague's, lays the recap out again
with each source's live verdict. Refusals come back as one line; a refused
save reopens the editor with what was typed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from db.models import RecapEntry
from desk import verbs
from desk.recap_dates import read_date
from desk.text import safe_line
from desk.tui import editor, writes
from desk.tui.messages import EntryConflicted
from widgets.conflict_choice import ConflictChoice
from widgets.note_editor import NoteEditor
from widgets.recap import RecapLine, RecapPane
from widgets.recap_editor import (
    EntryRequest,
    RecapEntryEditor,
    SectionChooser,
    editor_header,
    entry_text,
    parse_entry_text,
)

if TYPE_CHECKING:
    from desk.tui.main import MainScreen


def date_reader(reference: str) -> Callable[[str], tuple[bool, str]]:
    """What the editor's date line says: the interval and EDTF a phrase reads as, or why not."""
    day = dt.date.fromisoformat(reference)

    def describe(text: str) -> tuple[bool, str]:
        reading = read_date(text, day)
        if not reading.readable:
            return False, "the desk cannot read this date: kept as written, flagged, sorted last"
        start = reading.start.isoformat() if reading.start else ""
        end = reading.end.isoformat() if reading.end else ""
        span = start if start and start == end else f"{start}..{end}"
        return True, f"reads as {span} ({reading.precision}), EDTF {reading.edtf}"

    return describe


class RecapKeys:
    """The recap pane's keys, run against the main screen's store, story and list."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.jumped_from: int | None = None
        """The entry `enter` last jumped to a source from: the item pane's `enter` goes back."""

    @property
    def pane(self) -> RecapPane:
        return self.screen.query_one(RecapPane)

    def handle(self, message: RecapPane.Requested) -> None:
        if self.screen.story is None:
            self.screen.notify(
                "No story yet: make one with Story: new… (ctrl+p).", severity="warning"
            )
            return
        line = message.line
        if message.action == "add":
            self.add(line.section if line else self._default_section())
            return
        entry = line.entry if line else None
        if entry is None:
            if message.action in ("attach", "jump"):
                self.screen.notify(
                    "The cursor is on a section: put it on an entry (j/k).", severity="warning"
                )
            else:
                self.screen.notify(
                    "The cursor is on a section: put it on an entry (j/k), or a adds one here.",
                    severity="warning",
                )
            return
        run: dict[str, Callable[[], None]] = {
            "edit": partial(self.edit, entry),
            "edit_external": partial(self.edit_external, entry),
            "delete": partial(self.delete, entry),
            "move": partial(self.move, entry, message.argument or "up"),
            "unpin": partial(self.unpin, entry),
            "section": partial(self.choose_section, entry),
            "attach": partial(self.attach, entry),
            "note": partial(self.note, entry),
            "jump": partial(self.jump, line),
        }
        run[message.action]()

    # -- the editor ------------------------------------------------------------------

    def _default_section(self) -> str:
        sections = self.screen.sections
        return "timeline" if "timeline" in sections else (sections[0] if sections else "timeline")

    def _editor(self, request: EntryRequest, error: str | None = None) -> None:
        story = self.screen.story
        assert story is not None
        reader = date_reader(story.reference_date or story.created_at[:10])
        section_was = self._section_of(request.entry_id)
        self.screen.app.push_screen(
            RecapEntryEditor(request, self.screen.sections, reader, error=error),
            partial(self._saved, section_was),
        )

    def _section_of(self, entry_id: int | None) -> str | None:
        entry = next((e for e in self.screen.entries if e.id == entry_id), None)
        return entry.section if entry else None

    def _saved(self, section_was: str | None, request: EntryRequest | None) -> None:
        story = self.screen.story
        if request is None or story is None:
            return
        job = writes.recap_entry(
            self.screen.store, self.screen.actor, request, story.id, section_was
        )
        self.screen.run_write(job)

    def failed(self, message: RecapEntryEditor.Failed) -> None:
        """The verb refused the save: the editor again, with what was typed and why."""
        self._editor(message.request, message.error)

    def conflicted(self, message: EntryConflicted) -> None:
        """A colleague edited the entry while I did: keep theirs, use mine, or (escape)
        the editor again with what I typed and why."""

        def chosen(choice: str | None) -> None:
            if choice is None:
                self._editor(message.request, message.error)
                return
            job = writes.after_entry_conflict(self.screen.store, self.screen.actor, message, choice)
            if job is not None:
                self.screen.run_write(job)
            else:
                who = message.theirs.updated_by or "someone"
                self.screen.notify(
                    f"Kept {who}'s recap entry {message.theirs.id}; my edit was not saved.",
                    markup=False,
                )

        question = writes.entry_question(message)
        self.screen.app.push_screen(ConflictChoice(question), chosen)

    def saved(self, entry_id: int) -> None:
        self.pane.select_entry(entry_id)

    def add(self, section: str) -> None:
        self._editor(EntryRequest(section=section))

    @staticmethod
    def request_of(entry: RecapEntry) -> EntryRequest:
        return EntryRequest(
            section=entry.section,
            headline=entry.headline,
            date_text=entry.date_text or "",
            confidence=entry.confidence,
            body=entry.body,
            entry_id=entry.id,
            base_version=entry.version,
        )

    def edit(self, entry: RecapEntry) -> None:
        self._editor(self.request_of(entry))

    def edit_external(self, entry: RecapEntry) -> None:
        """`E`: the entry as a small form in `$EDITOR`; the in-app editor where that cannot run."""
        command = editor.editor_command(self.screen.editor, os.environ)
        request = self.request_of(entry)
        if not command:
            self._editor(request, "No $EDITOR set: edit the entry here.")
            return
        header = editor_header(request, self.screen.sections)
        result = editor.edit_note(self.screen.app, command, header, entry_text(request))
        if result.fallback:
            self._editor(request, result.fallback)
        elif result.problem:
            self.screen.notify(result.problem, severity="warning", markup=False)
        elif not result.text:
            self.screen.notify("Empty entry: nothing saved (d deletes an entry).", markup=False)
        else:
            try:
                typed = parse_entry_text(result.text, request)
            except ValueError as exc:  # keep what was written: all of it into the body
                self._editor(replace(request, body=result.text), str(exc))
                return
            self._saved(entry.section, typed)

    # -- the verbs -------------------------------------------------------------------

    def delete(self, entry: RecapEntry) -> None:
        self.screen.write(
            f"Deleted recap entry {entry.id} ({safe_line(entry.headline)[:40]}); u brings it back.",
            verbs.delete_recap_entry,
            entry.id,
            entry.version,
        )

    def move(self, entry: RecapEntry, direction: str) -> None:
        self.pane.select_entry(entry.id)
        self.screen.write(
            f"Moved entry {entry.id} {direction}: pinned there (p gives it back to date order).",
            verbs.move_recap_entry,
            entry.id,
            direction,
        )

    def unpin(self, entry: RecapEntry) -> None:
        if not entry.pinned:
            self.screen.notify(f"Entry {entry.id} is not pinned: it sits by its date.")
            return
        self.pane.select_entry(entry.id)
        self.screen.write(
            f"Entry {entry.id} is back in date order.", verbs.unpin_recap_entry, entry.id
        )

    def choose_section(self, entry: RecapEntry) -> None:
        def chosen(section: str | None) -> None:
            if section:
                self.pane.select_entry(entry.id)
                self.screen.write(
                    f"Moved entry {entry.id} to {section}.",
                    partial(verbs.move_recap_entry, to_section=section),
                    entry.id,
                )

        chooser = SectionChooser(entry.headline, entry.section, self.screen.sections)
        self.screen.app.push_screen(chooser, chosen)

    def attach(self, entry: RecapEntry) -> None:
        """`l`: the marked items (or, with none marked, the open item) become its sources."""
        ids = list(self.screen.items.marks) if self.screen.items.marks else []
        if not ids and self.screen.open_view is not None:
            ids = [self.screen.open_view.item.id]
        if not ids:
            self.screen.notify(
                "Mark items in the list (v) or open one, then l here.", severity="warning"
            )
            return
        job = writes.attach_sources(self.screen.store, self.screen.actor, sorted(ids), entry.id)
        self.screen.run_write(job)

    def note(self, entry: RecapEntry) -> None:
        title = f"Note on recap entry {entry.id}: {safe_line(entry.headline)[:50]}"

        def written(text: str | None) -> None:
            if text:
                screen = self.screen
                job = writes.verb(
                    screen.store,
                    screen.actor,
                    f"Note added to recap entry {entry.id}.",
                    partial(verbs.annotate, entry_id=entry.id),
                    None,
                    text,
                )
                screen.write_note(job, title, text, written)

        self.screen.app.push_screen(NoteEditor(title), written)

    # -- between the recap and the items ---------------------------------------------

    def jump(self, line: RecapLine | None) -> None:
        """`enter`: open the source's item (on an entry: its first source) in the item pane."""
        if line is None or line.entry is None:
            return
        source = line.source or (line.entry.sources[0] if line.entry.sources else None)
        if source is None:
            self.screen.notify(
                f"Entry {line.entry.id} has no source yet: l attaches the marked items.",
                severity="warning",
            )
            return
        self.jumped_from = line.entry.id
        self.screen.open_item(source.item_id)

    def back(self, item_id: int | None) -> None:
        """The item pane's `enter`: back to the entry this item sources (the one jumped
        from, if it is one of them)."""
        if item_id is None:
            return
        sourced = [e for e in self.screen.entries if item_id in e.source_item_ids]
        if not sourced:
            self.screen.notify(f"#{item_id} sources no recap entry (l in the recap attaches it).")
            return
        entry = next((e for e in sourced if e.id == self.jumped_from), sourced[0])
        self.pane.select_entry(entry.id)
        self.screen.action_focus_pane("recap")
