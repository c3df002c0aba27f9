"""Checklist templates: the steps an item is verified by, and what its logged states add up to.

A template is an ordered list of steps, each with a short title, a line or
two of guidance and whether `verified` needs it. Two templates are built in:
`five-pillars` (the default: provenance, source, date, location,
motivation, as verification desks have worked since the Verification
Handbook and First Draft) and `berkeley-protocol` (the six phases of the
Berkeley Protocol on Digital Open Source Investigations, for desks whose
work may end up as evidence). A desk adds its own from a TOML file
(`desk.checklist_files`, which reads, checks and writes that format).

A step's state is `open` (never checked), `passed`, `failed`, `unclear` or
`n/a`. `open` and `unclear` are never the same thing: `tally` counts them
apart, so a pane says `3 passed · 1 unclear · 1 open`, never "5/5 done",
and `missing_for_verified` names every required step that is neither
`passed` nor `n/a`, so a `verified` verdict can be refused with the list.

Pure: the standard library, `desk.text` and `desk.errors` only. The store,
the verbs, the CLI and the panes all build on this module, so it must not
import any of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from desk.errors import BadInputError
from desk.text import clean_line, truncate

StepState = Literal["open", "passed", "failed", "unclear", "n/a"]
STEP_STATES: tuple[StepState, ...] = get_args(StepState)
"""Every state a step can be in; `open` means "not checked yet", nothing else."""

SUMMARY_ORDER: tuple[StepState, ...] = ("passed", "failed", "unclear", "n/a", "open")
"""How `Tally.summary` orders its counts: what was checked (passed first, in
`STEP_STATES` order), then what is still open, the part that says what is left."""

STATE_OF_LETTER: dict[str, StepState] = {
    "p": "passed",
    "f": "failed",
    "u": "unclear",
    "n": "n/a",
    "o": "open",
}
"""The checklist pane's keys (`o` reopens a step), also accepted by `normalise_state`."""
LETTER_OF_STATE: dict[StepState, str] = {state: key for key, state in STATE_OF_LETTER.items()}

DONE_FOR_VERIFIED: frozenset[StepState] = frozenset({"passed", "n/a"})
"""The states a required step must be in before an item may be `verified`."""

MAX_FILE_BYTES = 256 * 1024
"""A template is a few dozen lines; anything near this is not a template (or is an attack)."""
MAX_STEPS = 50
MAX_ID_CHARS = 32
MAX_NAME_CHARS = 48
MAX_TITLE_CHARS = 120
MAX_GUIDANCE_CHARS = 1000

_NA_SPELLINGS = frozenset({"na", "notapplicable"})
_NA_SQUASH = re.compile(r"[\s._/\\-]+")


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a template.

    `id` is what the store and `desk check ID STEP` use, so it is a short
    slug and never changes; `title` and `guidance` are for the person
    checking; `required` says whether `verified` waits for this step.
    """

    id: str
    title: str
    guidance: str
    required: bool = True


@dataclass(frozen=True, slots=True)
class Template:
    """A named, ordered list of steps; `source` says where it came from (`built-in`, a file)."""

    name: str
    title: str
    steps: tuple[Step, ...]
    source: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(step.id for step in self.steps)

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None (a logged step may come from another template)."""
        return next((step for step in self.steps if step.id == step_id), None)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """`(id, title)` pairs, the shape `Store.checklist` takes today (as `DEFAULT_CHECKLIST`)."""
        return tuple((step.id, step.title) for step in self.steps)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an item's checklist: a step, its state, and whether it is an extra.

    An extra step was logged under another template than the item's
    current one: it is kept and shown (after the template's steps), since
    work done is never dropped, but it is not counted by `tally` and
    `verified` does not wait for it.
    """

    step: Step
    state: StepState
    extra: bool = False


@dataclass(frozen=True, slots=True)
class Tally:
    """How many of a template's steps are in each state; `extra` counts logged steps outside it."""

    passed: int = 0
    failed: int = 0
    unclear: int = 0
    na: int = 0
    open: int = 0
    extra: int = 0

    def count(self, state: StepState) -> int:
        return self.na if state == "n/a" else int(getattr(self, state))

    @property
    def total(self) -> int:
        """The template's steps (extras left out)."""
        return self.passed + self.failed + self.unclear + self.na + self.open

    def summary(self) -> str:
        """`3 passed · 1 unclear · 1 open`: states with none left out, never "5/5 done"."""
        parts = [f"{self.count(s)} {s}" for s in SUMMARY_ORDER if self.count(s)]
        return " · ".join(parts) if parts else "no steps"


# The five pillars. Each guidance is a question, then how a desk usually answers it.
FIVE_PILLARS = Template(
    name="five-pillars",
    title="Five pillars",
    source="built-in",
    steps=(
        Step(
            "provenance",
            "Provenance",
            "Is this the original, or a copy, crop or re-upload?\n"
            "Find the first upload: reverse-search the image or key frames, compare resolution,"
            " crops and watermarks, and look for earlier posts of the same file.",
        ),
        Step(
            "source",
            "Source",
            "Who made it, and were they there first-hand?\n"
            "The uploader is not always the maker: check the account's history, location and"
            " past posts, and reach the person who captured it where you can.",
        ),
        Step(
            "date",
            "Date",
            "When was it made, and does that match the claim?\n"
            "The posting time is only an upper bound: check weather, shadows, events in frame"
            " and the earliest copy online; metadata helps but is easily stripped or faked.",
        ),
        Step(
            "location",
            "Location",
            "Where was it made, and does that match the claim?\n"
            "Geolocate from landmarks, signs, terrain and skyline against satellite and"
            " street-level imagery; a claimed place is a guess until the picture matches the map.",
        ),
        Step(
            "motivation",
            "Motivation",
            "Why was it made and shared?\n"
            "Witness, activist, party to the events, or someone chasing attention: motive does"
            " not settle what is true, but it says what to check twice.",
        ),
    ),
)
"""The default template: all five pillars required, as the issue and every verification desk ask."""

# The Berkeley Protocol's investigation cycle (OHCHR and UC Berkeley's Human Rights Center, 2022).
# Required are the phases that decide whether one item can stand as verified evidence:
# preliminary assessment (is it relevant, and safe and lawful to collect?), collection and
# preservation (an item that cannot be produced again, unchanged, with its chain of custody,
# is worth nothing as evidence once the post is taken down), and verification itself.
# Not required: online inquiry records how the material was found, and for an item that
# reached the desk by a feed or a colleague there is no search of ours to record; investigative
# analysis draws conclusions across many items, the story's work rather than a gate on one item.
BERKELEY_PROTOCOL = Template(
    name="berkeley-protocol",
    title="Berkeley Protocol phases",
    source="built-in",
    steps=(
        Step(
            "online-inquiry",
            "Online inquiry",
            "How was this found? Note the searches, platforms, accounts monitored, tools and"
            " dates, so another investigator could repeat the search and find it again.",
            required=False,
        ),
        Step(
            "preliminary-assessment",
            "Preliminary assessment",
            "Is it relevant to what we are investigating, and does it look reliable enough to"
            " keep? Weigh the risks of collecting it to the people shown and to ourselves.",
        ),
        Step(
            "collection",
            "Collection",
            "Capture the whole item, not a screenshot alone: the original file, the page and its"
            " context (URL, account, comments), who captured it and when, and its hash.",
        ),
        Step(
            "preservation",
            "Preservation",
            "Keep the capture unchanged and retrievable: stored by its hash, backed up, with"
            " every hand it passed through logged; work on copies, never on the only one.",
        ),
        Step(
            "verification",
            "Verification",
            "Establish authenticity and reliability: the source (who, and were they there),"
            " the file (metadata, re-uploads) and the content (geolocation, chronolocation).",
        ),
        Step(
            "investigative-analysis",
            "Investigative analysis",
            "What does it show, and what does it not? Set it against the other evidence and"
            " the questions of the investigation, and weigh the other explanations.",
            required=False,
        ),
    ),
)

BUILTINS: Mapping[str, Template] = {t.name: t for t in (FIVE_PILLARS, BERKELEY_PROTOCOL)}
"""The built-in templates by name; a desk's own may not take these names."""
DEFAULT_TEMPLATE = FIVE_PILLARS

PILLARS: tuple[str, ...] = FIVE_PILLARS.ids
"""The five pillars' step ids, in order (what `desk.vocab.PILLARS` was)."""
DEFAULT_CHECKLIST: tuple[tuple[str, str], ...] = tuple(
    (step.id, step.guidance.split("\n", 1)[0]) for step in FIVE_PILLARS.steps
)
"""The five pillars with their questions (each guidance's first line), the
`(step, question)` pairs `Store.checklist` fills unlogged steps in with."""


def shown(text: str, limit: int = 40) -> str:
    """Untrusted text quoted back in an error: cut, in quotes, anything invisible spelled out.

    `repr` writes escapes, controls, bidi overrides and lone surrogates as
    `\\x1b`, `\\u202e`...: safe on a terminal, and honest where cleaning
    would not be (a refused id `a\\x1bb` must not be quoted back as `ab`).
    """
    return repr(truncate(text, limit))


def normalise_state(text: str) -> StepState:
    """A state as typed (`Passed`, `p`, `N/A`, `na`, `n-a`, `not applicable`) -> the state.

    The pane's letters are accepted too (`p f u n`, and `o` for open).
    Anything else is refused, never guessed: a wrong state decides whether
    something is published.
    """
    value = text.strip().lower()
    if value in STATE_OF_LETTER:
        return STATE_OF_LETTER[value]
    if _NA_SQUASH.sub("", value) in _NA_SPELLINGS:
        return "n/a"
    for state in STEP_STATES:
        if value == state:
            return state
    raise BadInputError(
        f"bad step state {shown(text)}: use one of {', '.join(STEP_STATES)}"
        f" (or the letters {' '.join(LETTER_OF_STATE[s] for s in SUMMARY_ORDER)})"
    )


# --- what logged states add up to ----------------------------------------------------------


def _state_of(states: Mapping[str, str], step_id: str) -> StepState:
    """A logged state, checked: an unknown one (a hand-edited desk) is an error, never `passed`."""
    value = states.get(step_id, "open")
    for state in STEP_STATES:
        if value == state:
            return state
    raise BadInputError(
        f"step {shown(step_id)} has an unknown state {shown(value)}:"
        f" use one of {', '.join(STEP_STATES)}"
    )


def tally(states: Mapping[str, str], template: Template) -> Tally:
    """Count the template's steps by state; a step with nothing logged is `open`.

    `states` maps step ids to what was logged. Logged steps the template
    does not have (from another template) are counted in `extra` only.
    """
    counts = dict.fromkeys(STEP_STATES, 0)
    for step in template.steps:
        counts[_state_of(states, step.id)] += 1
    ids = set(template.ids)
    return Tally(
        passed=counts["passed"],
        failed=counts["failed"],
        unclear=counts["unclear"],
        na=counts["n/a"],
        open=counts["open"],
        extra=sum(1 for step_id in states if step_id not in ids),
    )


def missing_for_verified(states: Mapping[str, str], template: Template) -> list[str]:
    """What stands between the item and `verified`: `["date (unclear)", "location (open)"]`.

    Every required step of the template that is neither `passed` nor
    `n/a`, in the template's order, with its state; empty when the verdict
    may be set. Extra steps (logged under another template) do not count:
    the item's current template decides what `verified` needs.
    """
    out: list[str] = []
    for step in template.steps:
        state = _state_of(states, step.id)
        if step.required and state not in DONE_FOR_VERIFIED:
            out.append(f"{step.id} ({state})")
    return out


def checklist(states: Mapping[str, str], template: Template) -> tuple[Row, ...]:
    """An item's checklist under `template`: its steps, then any other logged steps as extras."""
    return switch(states, template, template)


def switch(states: Mapping[str, str], old: Template, new: Template) -> tuple[Row, ...]:
    """An item's checklist after switching from `old` to `new`, with no logged step lost.

    The new template's steps come first, in its order, with what was logged
    for them (by id: a step both templates have keeps its state). Then, as
    extras, every logged step the new template lacks: the old template's
    in its order, with its title and guidance, and then any logged under
    an earlier template still, in the order `states` gives, titled by id.
    Steps of the old template that were never logged are simply dropped:
    there is nothing of them to keep.
    """
    rows = [Row(step, _state_of(states, step.id)) for step in new.steps]
    placed = set(new.ids)
    for step in old.steps:
        if step.id in states and step.id not in placed:
            rows.append(Row(step, _state_of(states, step.id), extra=True))
            placed.add(step.id)
    for step_id in states:
        if step_id not in placed:
            orphan = Step(id=step_id, title=clean_line(step_id), guidance="", required=False)
            rows.append(Row(orphan, _state_of(states, step_id), extra=True))
            placed.add(step_id)
    return tuple(rows)
