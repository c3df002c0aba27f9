"""`l`: link the item under the cursor to marked items, an item, or a recap entry.

Three steps in one modal: say what to link to (the marked items and the
story's recap entries are offered at once; typing an id or some words asks
for more), pick it from the list, then pick the relation from the list of
relations that fit (`source-for` for a recap entry, the item relations
otherwise).

The picker never touches the store: it is given a `lookup` callable (what
to offer for some typed text) and runs it in its own thread worker, which
ends by posting `Found` to the picker. No relay through the app or screen.

The keys do what the picker shows: from the input, `down`/`up` move the
highlight in the results at once (so a quick down down enter picks the third
result, not the second), and each relation is listed with the letter that
picks it. Arrows and enter pressed while the results of what was typed are
still being read count on those results, not on the list they replace.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from desk.text import safe_line
from desk.vocab import ENTRY_RELATIONS, ITEM_RELATIONS
from widgets.keys import RELATION_KEYS, bindings

RELATION_HELP: dict[str, str] = {
    "duplicate-of": "the same material",
    "corroborates": "supports what the other says",
    "contradicts": "says the opposite",
    "same-event": "about the same event",
    "reply-to": "answers the other",
    "quotes": "quotes the other",
    "repost-of": "reposts the other",
    "embedded-in": "is embedded in the other",
    "reviews": "a fact-check of the other",
    "source-for": "sources a recap entry",
}


@dataclass(frozen=True)
class Candidate:
    """Something to link to: some marked items, one item, or a recap entry."""

    kind: Literal["items", "entry"]
    ids: tuple[int, ...]
    label: str


@dataclass(frozen=True)
class LinkRequest:
    """The picker's answer: link the source to each target with this relation."""

    source: int
    kind: Literal["items", "entry"]
    targets: tuple[int, ...]
    relation: str


class LinkPicker(ModalScreen[LinkRequest | None]):
    """Target, then relation; escape goes back a step, then cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("link")

    @dataclass
    class Found(Message):
        """What `lookup` found for the typed text (posted by the picker's worker)."""

        text: str
        candidates: Sequence[Candidate]

    def __init__(
        self,
        source: int,
        source_label: str,
        initial: Sequence[Candidate],
        lookup: Callable[[str], Sequence[Candidate]] | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.source_label = source_label
        self.lookup = lookup
        """Blocking (it reads the store): run only in `_look_up`'s thread worker."""
        self.initial = list(initial)
        self.candidates: list[Candidate] = list(initial)
        self.chosen: Candidate | None = None
        self._timer: Timer | None = None
        self._waiting: str | None = None
        """Text whose results are on their way (typed, not yet answered)."""
        self._moves = 0
        """Arrows pressed in the input while `_waiting`: where to light the results."""
        self._choose_on_arrival = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt tall"):
            yield Label(
                Text(f"Link #{self.source} {safe_line(self.source_label)}"[:200]), classes="title"
            )
            yield Input(placeholder="to: an item id, or words to search", id="link-query")
            yield Static(
                Text("down/up: move in the results   enter: choose   escape: back", "dim"),
                classes="hint",
            )
            yield OptionList(id="link-targets")
            yield Label("Relation:", id="link-relation-label")
            yield OptionList(id="link-relations")

    def on_mount(self) -> None:
        self.show_candidates(self.initial)
        self.query_one("#link-relations").display = False
        self.query_one("#link-relation-label").display = False

    def show_candidates(self, candidates: Sequence[Candidate], *, highlight: int = 0) -> None:
        """A lookup's answer (or the start list), with the row at `highlight` lit."""
        self.candidates = list(candidates)
        targets = self.query_one("#link-targets", OptionList)
        targets.clear_options()
        if not self.candidates:
            targets.add_option(Option(Text("nothing found", "dim"), disabled=True))
            return
        for number, candidate in enumerate(self.candidates):
            targets.add_option(Option(Text(safe_line(candidate.label)), id=str(number)))
        targets.highlighted = min(highlight, len(self.candidates) - 1)

    @on(Input.Changed, "#link-query")
    def typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.value.strip()
        self._choose_on_arrival = False
        self._moves = 0
        if not text or self.lookup is None:
            self._waiting = None
            self.show_candidates(self.initial)
            return
        self._waiting = text
        self._timer = self.set_timer(0.2, lambda: self._look_up(text))

    @work(thread=True, group="lookup", exclusive=True, exit_on_error=False)
    def _look_up(self, text: str) -> None:
        """Off the event loop: a search over a big desk takes milliseconds to seconds."""
        if self.lookup is None:
            return
        found = self.lookup(text)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(text, found))

    @on(Worker.StateChanged)
    def _lookup_failed(self, event: Worker.StateChanged) -> None:
        """A lookup that failed (the desk locked, a bad query) says so; the picker stays."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self._waiting = None
            self._choose_on_arrival = False
            text = safe_line(str(event.worker.error))[:300]
            self.notify(text, title="Error", severity="error", markup=False)

    def on_link_picker_found(self, message: Found) -> None:
        """The results of what is typed now. Arrows and enter pressed while they were
        on their way count on them: the rows moved past keep their place, and an enter
        picks from these results, not from the list they replace."""
        if message.text != self.query_one("#link-query", Input).value.strip():
            return
        targets = self.query_one("#link-targets", OptionList)
        self._waiting = None
        self.show_candidates(message.candidates, highlight=self._moves)
        if self._moves:
            targets.focus()
        self._moves = 0
        if self._choose_on_arrival:
            self._choose_on_arrival = False
            if targets.highlighted is not None and self.candidates:
                self._choose(targets.highlighted)

    @on(Input.Submitted, "#link-query")
    def to_list(self) -> None:
        if self._waiting is not None:
            self._choose_on_arrival = True  # enter before the results came: pick from them
            return
        self.query_one("#link-targets", OptionList).focus()

    def action_results(self, step: int) -> None:
        """`down`/`up` in the input (the lists take their own arrows): move the highlight
        in the results now, and go there, so the next arrow or enter works on them."""
        relations = self.query_one("#link-relations", OptionList)
        if self._waiting is not None and not relations.display:
            # The results of what was typed are on their way: count the moves on them,
            # not on the list they will replace.
            self._moves = max(0, self._moves + step)
            return
        options = relations if relations.display else self.query_one("#link-targets", OptionList)
        options.focus()
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_relation(self, relation: str) -> None:
        """A relation's letter: pick it, when the relation list is up and offers it."""
        if self.chosen is None or relation not in self._relations():
            return
        self.dismiss(LinkRequest(self.source, self.chosen.kind, self.chosen.ids, relation))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters pick relations only once the relation list shows (and only its own)."""
        if action == "relation":
            return (
                self.chosen is not None
                and bool(parameters)
                and parameters[0] in (self._relations())
            )
        return True

    def _relations(self) -> tuple[str, ...]:
        if self.chosen is None:
            return ()
        return tuple(ENTRY_RELATIONS if self.chosen.kind == "entry" else ITEM_RELATIONS)

    @on(OptionList.OptionSelected, "#link-targets")
    def target_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        if self._waiting is not None:
            self._choose_on_arrival = True  # enter before the results came: pick from them
            return
        self._choose(int(event.option.id))

    def _choose(self, index: int) -> None:
        """The target at `index` of the results: now ask for the relation."""
        self.chosen = self.candidates[index]
        options = self.query_one("#link-relations", OptionList)
        options.clear_options()
        for relation in self._relations():
            key = RELATION_KEYS.get(relation, " ")
            options.add_option(
                Option(f"{key}  {relation:<13} {RELATION_HELP.get(relation, '')}", id=relation)
            )
        options.highlighted = 0
        label = self.query_one("#link-relation-label", Label)
        label.update(
            Text(f"Relation (its letter, or enter) to {safe_line(self.chosen.label)}"[:200])
        )
        label.display = True
        options.display = True
        options.focus()

    @on(OptionList.OptionSelected, "#link-relations")
    def relation_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.chosen is None or event.option.id is None:
            return
        self.dismiss(LinkRequest(self.source, self.chosen.kind, self.chosen.ids, event.option.id))

    def action_back(self) -> None:
        relations = self.query_one("#link-relations", OptionList)
        if relations.display:
            relations.display = False
            self.query_one("#link-relation-label").display = False
            self.chosen = None
            self.query_one("#link-targets", OptionList).focus()
        else:
            self.dismiss(None)
