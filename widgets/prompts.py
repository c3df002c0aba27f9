"""Small modal prompts: tag, search, filter, triage and verdict.

Each is a `ModalScreen` that returns a typed result through `dismiss`, so
the screen that pushed it gets a plain value in its callback and does the
write in a worker. None of them reads the store: whatever they offer to
choose from (existing tags, saved filters) is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from desk.text import safe_line
from desk.verdicts import BUILTIN, VerdictScheme
from desk.vocab import PLATFORMS, TRIAGE_LETTER, TRIAGE_STATES
from widgets.keys import bindings

FILTER_HELP = (
    "tag:x -tag:x triage:new platform:mastodon verdict:false from:@handle "
    "since:2h story:slug id:12,13 and free words"
)


SEARCH_HINT = "type the words to find, then enter"

FILTER_KEYS: tuple[str, ...] = (
    "tag",
    "-tag",
    "triage",
    "platform",
    "verdict",
    "from",
    "since",
    "story",
    "id",
    "needs",
)
"""The keys of the filter language, for completion. The parser's own list is
`desk.filter_expr.KEYS`; widgets may not import it (it reaches `desk.ingest`
for dates), so a test holds the two equal."""
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "triage": TRIAGE_STATES,
    "platform": PLATFORMS,
    "verdict": tuple(v.replace(" ", "-") for v in BUILTIN.names),  # one token: in-progress
}
"""Keys with a closed vocabulary: their values complete from it (a desk's own verdicts are
passed in: `verdict_words`)."""


def verdict_words(verdicts: VerdictScheme) -> tuple[str, ...]:
    """What `verdict:` completes to on this desk: every name and label, as one token each."""
    words = [w for v in verdicts.verdicts for w in (v.name, v.label)]
    return tuple(dict.fromkeys(w.replace(" ", "-") for w in words))


def complete_filter(
    value: str,
    tags: Sequence[str] = (),
    stories: Sequence[str] = (),
    verdicts: Sequence[str] | None = None,
) -> str | None:
    """The filter with its last word completed: a key (`tri` -> `triage:`), a value of a
    closed vocabulary (`triage:fl` -> `triage:flagged`), a tag or a story slug; None
    when there is nothing to add. What was typed is kept as typed, so the result
    always starts with `value` (Textual shows it as the rest of the line, in grey).
    """
    word = value.rpartition(" ")[2]
    key, colon, stem = word.partition(":")
    if not colon:
        if not word:
            return None
        choices: Sequence[str] = [k + ":" for k in FILTER_KEYS]
        stem = word
    else:
        lowered = key.lower()
        if lowered in ("tag", "-tag", "!tag"):
            choices = tags
        elif lowered == "story":
            choices = stories
        elif lowered == "verdict" and verdicts is not None:
            choices = verdicts
        else:
            choices = FILTER_VALUES.get(lowered, ())
    folded = stem.lower()
    for choice in choices:
        if choice.lower().startswith(folded) and len(choice) > len(stem):
            return value + choice[len(stem) :]
    return None


class FilterSuggester(Suggester):
    """Shows the completion of the filter's last word in grey (tab or right takes it)."""

    def __init__(
        self, tags: Sequence[str], stories: Sequence[str], verdicts: Sequence[str] | None = None
    ) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)
        self.stories = list(stories)
        self.verdicts = verdicts

    async def get_suggestion(self, value: str) -> str | None:
        return complete_filter(value, self.tags, self.stories, self.verdicts)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


class TagSuggester(Suggester):
    """Completes the word being typed (after its + - ! sign) from the desk's tags."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        sign = word[:1] if word[:1] in "+-!" else ""
        stem = word[len(sign) :].lower()
        if not stem:
            return None
        for tag in self.tags:
            if tag.startswith(stem) and tag != stem:
                return (head + " " if head else "") + sign + tag
        return None


_R = TypeVar("_R")
"""What a prompt gives back when accepted; escape gives None."""


class Prompt(ModalScreen[_R | None]):
    """Shared behaviour: escape cancels; the frame is titled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagPrompt(Prompt[str]):
    """`t`: `+add -remove !toggle`, completing from existing tags with tab or right."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("tag")

    def __init__(self, count: int, tags: Sequence[tuple[str, int]]) -> None:
        super().__init__()
        self.count = count
        self.tags = list(tags)

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(f"Tag {plural(self.count, 'item')}: +add -remove !toggle", classes="title")
            yield Input(
                placeholder="+needs-translation -casualties",
                suggester=TagSuggester([tag for tag, _ in self.tags]),
                id="tag-input",
            )
            known = "  ".join(f"{safe_line(tag)} {n}" for tag, n in self.tags[:16])
            yield Static(Text("tags: " + (known or "none yet"), "dim"), classes="hint")

    def action_complete(self) -> None:
        field = self.query_one("#tag-input", Input)
        field.action_end()
        field.action_cursor_right()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(value or None)


class SearchPrompt(Prompt[str]):
    """`/`: words to find (full text, newest first from the cursor); `n` and `N` go on."""

    def __init__(self, last: str = "") -> None:
        super().__init__()
        self.last = last

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label("Search (words; word* for a prefix)", classes="title")
            # The placeholder is a hint, not an example: "shelling airport" in grey read
            # as an earlier search still in the field.
            yield Input(value=self.last, placeholder=SEARCH_HINT, id="search-input")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


@dataclass(frozen=True)
class FilterRequest:
    """A filter to apply (empty: clear it), and a name to save it under."""

    expr: str
    save_as: str | None = None


class FilterPrompt(Prompt[FilterRequest]):
    """`\\`: a filter expression; saved filters listed to recall; a name field to save.

    Tab in the expression completes the word being typed (a key, a value of
    triage, platform or verdict, a tag of the desk, a story); with nothing to
    complete it moves to the next field, as tab does elsewhere. The desk's
    tags are passed in, or read by `read_tags` (blocking: counting them takes
    tens of milliseconds on a big desk) in the prompt's own thread worker, so
    the prompt opens at once and completes tags as soon as they are read.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("filter")

    @dataclass
    class TagsRead(Message):
        """The desk's tags, read by the prompt's worker."""

        tags: Sequence[tuple[str, int]]

    def __init__(
        self,
        current: str,
        saved: Sequence[tuple[str, str]],
        tags: Sequence[tuple[str, int]] = (),
        stories: Sequence[str] = (),
        read_tags: Callable[[], Sequence[tuple[str, int]]] | None = None,
        verdicts: VerdictScheme = BUILTIN,
    ) -> None:
        super().__init__()
        self.current = current
        self.saved = list(saved)
        self.tags = [tag for tag, _ in tags]
        self.stories = list(stories)
        self.read_tags = read_tags
        self.verdicts = verdict_words(verdicts)
        self._suggester = FilterSuggester(self.tags, self.stories, self.verdicts)

    def on_mount(self) -> None:
        if self.read_tags is not None:
            self._tags_worker(self.read_tags)

    @work(thread=True, group="filter-tags", exclusive=True, exit_on_error=False)
    def _tags_worker(self, read: Callable[[], Sequence[tuple[str, int]]]) -> None:
        self.post_message(self.TagsRead(read()))

    def on_filter_prompt_tags_read(self, message: TagsRead) -> None:
        self.tags = [tag for tag, _ in message.tags]
        self._suggester.tags = self.tags

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Tags that could not be read leave completion to keys and values; say why."""
        event.stop()
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            text = safe_line(str(event.worker.error))[:300]
            self.notify(text, title="Tags not read", severity="warning", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label("Filter (empty clears it)", classes="title")
            yield Input(
                value=self.current,
                placeholder="tag:x triage:new (tab completes)",
                suggester=self._suggester,
                id="filter-input",
            )
            yield Static(Text(FILTER_HELP, "dim"), classes="hint")
            yield Input(placeholder="save as (optional name)", id="filter-name")
            if self.saved:
                yield Label("Saved filters (enter applies):")
                yield OptionList(
                    *(
                        Option(Text(f"{safe_line(name)}: {safe_line(expr)}"), id=name)
                        for name, expr in self.saved
                    ),
                    id="filter-saved",
                )

    def action_complete(self) -> None:
        """`tab`: complete the word at the end of the expression, else the next field."""
        field = self.query_one("#filter-input", Input)
        if self.focused is field and field.cursor_position == len(field.value):
            completed = complete_filter(field.value, self.tags, self.stories, self.verdicts)
            if completed is not None:
                field.value = completed
                field.cursor_position = len(completed)
                return
        self.focus_next()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        expr = self.query_one("#filter-input", Input).value.strip()
        name = self.query_one("#filter-name", Input).value.strip()
        self.dismiss(FilterRequest(expr, name or None))

    @on(OptionList.OptionSelected, "#filter-saved")
    def recalled(self, event: OptionList.OptionSelected) -> None:
        expr = dict(self.saved).get(event.option.id or "", "")
        self.dismiss(FilterRequest(expr))


class TriageChooser(Prompt[str]):
    """`s` then `k` keep, `f` flag, `d` discard (or `n` back to new)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("triage")

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt small"):
            yield Label(f"Triage {plural(self.count, 'item')}", classes="title")
            yield Static("k keep    f flag    d discard    n new    escape cancel")

    def action_choose(self, state: str) -> None:
        assert state in TRIAGE_STATES
        self.dismiss(state)


@dataclass(frozen=True)
class VerdictRequest:
    verdict: str
    reason: str | None


class VerdictChooser(Prompt[VerdictRequest]):
    """`r`: pick a verdict by its key (or the arrows), an optional reason, enter sets.

    The list always opens on its first choice, never on the item's current
    verdict: the same keys then mean the same verdict on every item (a
    verifier once set `false` with two presses of the down arrow that meant
    something else on the item before). The current verdict is named above.
    The choices, their labels and their keys are the desk's (`desk verdicts`),
    so a verdict a desk added is picked like the built-in ones; the key
    shown before each choice is the key that picks it.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

    def __init__(
        self, count: int, current: str | None = None, verdicts: VerdictScheme = BUILTIN
    ) -> None:
        super().__init__()
        self.count = count
        self.current = current
        self.verdicts = verdicts

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(f"Verdict for {plural(self.count, 'item')}", classes="title")
            if self.current:
                now = safe_line(self.verdicts.label(self.current))
                yield Static(Text(f"now: {now}", "dim"), classes="hint")
            yield OptionList(
                *(
                    Option(Text(f"{safe_line(v.key)}  {safe_line(v.label)}"), id=f"verdict-{i}")
                    for i, v in enumerate(self.verdicts.verdicts)
                ),
                id="verdict-list",
            )
            yield Input(placeholder="reason (optional), enter to set", id="verdict-reason")

    def on_mount(self) -> None:
        options = self.query_one("#verdict-list", OptionList)
        options.highlighted = 0
        options.focus()

    def on_key(self, event: events.Key) -> None:
        """A verdict's key, while the list has the focus (in the reason it is typed)."""
        if self.focused is not self.query_one("#verdict-list", OptionList):
            return
        for verdict in self.verdicts.verdicts:
            if event.character == verdict.key:
                event.stop()
                event.prevent_default()
                self.pick(verdict.name)
                return

    def pick(self, verdict: str) -> None:
        """That choice, then the reason (enter sets it)."""
        names = self.verdicts.names
        if verdict in names:
            self.query_one("#verdict-list", OptionList).highlighted = names.index(verdict)
            self.query_one("#verdict-reason", Input).focus()

    def _finish(self) -> None:
        options = self.query_one("#verdict-list", OptionList)
        index = options.highlighted if options.highlighted is not None else 0
        reason = self.query_one("#verdict-reason", Input).value.strip()
        self.dismiss(VerdictRequest(self.verdicts.names[index], reason or None))

    @on(OptionList.OptionSelected, "#verdict-list")
    def selected(self) -> None:
        self._finish()

    @on(Input.Submitted, "#verdict-reason")
    def submitted(self) -> None:
        self._finish()


@dataclass(frozen=True)
class OverrideRequest:
    verdict: str
    reason: str | None
    override: str


class OverridePrompt(Prompt[OverrideRequest]):
    """`verified` was refused (required steps open): set it anyway, with a reason the
    event records, or escape."""

    def __init__(
        self, verdict: str, reason: str | None, missing: Sequence[str], label: str | None = None
    ) -> None:
        super().__init__()
        self.verdict = verdict
        self.label = label or verdict
        self.reason = reason
        self.missing = list(missing)

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label(Text(f"Set {safe_line(self.label)} anyway?"), classes="title")
            shown = "; ".join(safe_line(m) for m in self.missing[:8])
            more = f" (and {len(self.missing) - 8} more)" if len(self.missing) > 8 else ""
            yield Static(Text(f"Not passed or n/a: {shown}{more}"), id="override-missing")
            yield Input(placeholder="why, for the record (required)", id="override-reason")
            yield Static(Text("enter: set it, recorded with the reason   escape: leave it", "dim"))

    def on_mount(self) -> None:
        self.query_one("#override-reason", Input).focus()

    @on(Input.Submitted, "#override-reason")
    def submitted(self, event: Input.Submitted) -> None:
        why = event.value.strip()
        if not why:
            self.notify("Say why (it is recorded), or escape.", severity="warning")
            return
        self.dismiss(OverrideRequest(self.verdict, self.reason, why))


TRIAGE_LEGEND = "  ".join(f"{letter} {state}" for state, letter in TRIAGE_LETTER.items())
