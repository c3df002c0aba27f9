"""A desk's verdicts: the six built-in ones, renamed or added to in the desk's settings.

Every item carries a verdict by its *name*, the word the events and the
item rows store. Each desk keeps its verdicts in its `verdicts` table
(`desk verdicts`, migration 0006), seeded with the six built-in names, and a
verdict there has:

- a *label*, what every screen, CLI line and export shows (`desk verdicts
  rename misleading "missing context"` changes the label only: the name
  stays, so the log, the chain and every filter written before still mean
  the same item state);
- a *letter* for the list's one-cell verdict column and a *key* that picks it
  in the verdict chooser;
- a *meaning*: one of the six built-in names, which the desk's rules read.
  A `verified`-meaning verdict needs every required step passed (the gate);
  the publish rule (`desk.sourcing`) and the ClaimReview rating (the export)
  go by the meaning, so a desk that adds `satire` like `misleading` gets
  `misleading`'s rules for it without the rules knowing the word.

A desk may add verdicts and rename any, never drop or rename a built-in
*name*: the code sets `in progress` when checking begins and reads
`unverified` as "no finding yet".

Pure: the vocabulary, the text helpers and the records `db` returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from db.models import VerdictRow
from desk.errors import BadInputError
from desk.text import clean_line
from desk.vocab import VERDICT_LETTER, VERDICTS, Verdict

MAX_VERDICTS = 20
"""A chooser of one screen: a desk may have at most this many verdicts."""
MAX_LABEL = 40
"""Characters in a verdict's name or label: it shows in one line of the list's detail."""

BUILTIN_KEYS: dict[Verdict, str] = {
    "unverified": "u",
    "in progress": "p",
    "verified": "v",
    "false": "f",
    "misleading": "m",
    "unverifiable": "n",
}
"""The chooser key of each built-in verdict on a new desk (migration 0006 seeds these)."""

_NAME_RE = re.compile(r"^[^\W\d_][\w' ]*$", re.UNICODE)
_RESERVED_LETTERS = frozenset(" ")


def verdict_key(raw: str) -> str:
    """How a verdict is compared: `In-Progress`, `in_progress` and `in progress` are one."""
    return " ".join(clean_line(raw).lower().replace("-", " ").replace("_", " ").split())


def normalise_label(raw: str, what: str = "verdict") -> str:
    """A verdict name or label as typed: one line of letters, digits, spaces and apostrophes."""
    value = verdict_key(raw)
    if not value:
        raise BadInputError(f"give the {what}: an empty one cannot be picked")
    if len(value) > MAX_LABEL:
        raise BadInputError(f"the {what} {value[:MAX_LABEL]!r}… is over {MAX_LABEL} characters")
    if not _NAME_RE.match(value):
        raise BadInputError(
            f"bad {what} {value!r}: use letters, digits, spaces and ' (starting with a letter)"
        )
    return value


def normalise_letter(raw: str, what: str) -> str:
    """One printable character (the list column's letter, or the chooser's key)."""
    value = clean_line(raw)
    if len(value) != 1 or not value.isprintable() or value in _RESERVED_LETTERS:
        raise BadInputError(f"the verdict's {what} must be one printable character, not {value!r}")
    return value


def normalise_meaning(raw: str) -> Verdict:
    """Which built-in verdict's rules an added one follows (`--like false`)."""
    value = verdict_key(raw)
    for name in VERDICTS:
        if value == name:
            return name
    raise BadInputError(
        f"bad meaning {clean_line(raw)!r}: an added verdict is like one of {', '.join(VERDICTS)}"
    )


@dataclass(frozen=True, slots=True)
class VerdictDef:
    """One verdict of a desk: its stored name, what shows, its letters, which rules it follows."""

    name: str
    label: str
    letter: str
    key: str
    meaning: Verdict

    @property
    def builtin(self) -> bool:
        return self.name in VERDICTS


@dataclass(frozen=True)
class VerdictScheme:
    """A desk's verdicts in chooser order, and the lookups every layer makes on them."""

    verdicts: tuple[VerdictDef, ...]

    @cached_property
    def _by_name(self) -> dict[str, VerdictDef]:
        return {v.name: v for v in self.verdicts}

    @cached_property
    def _by_word(self) -> dict[str, VerdictDef]:
        words: dict[str, VerdictDef] = {}
        for v in self.verdicts:  # a label shadows nothing: names are looked up first
            words.setdefault(v.label, v)
        words.update((v.name, v) for v in self.verdicts)
        return words

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.verdicts)

    def get(self, name: str) -> VerdictDef | None:
        return self._by_name.get(name)

    def label(self, name: str) -> str:
        """What shows for a stored verdict (the name itself when the desk does not know it)."""
        found = self._by_name.get(name)
        return found.label if found else name

    def letter(self, name: str) -> str:
        found = self._by_name.get(name)
        return found.letter if found else "?"

    def meaning(self, name: str) -> Verdict:
        """The rules a stored verdict follows; an unknown word is read as no finding."""
        found = self._by_name.get(name)
        return found.meaning if found else "unverified"

    def letters(self) -> dict[str, str]:
        return {v.name: v.letter for v in self.verdicts}

    def with_meaning(self, meanings: Iterable[Verdict]) -> tuple[str, ...]:
        """Every verdict name whose meaning is one of these (for filters and the rules)."""
        wanted = set(meanings)
        return tuple(v.name for v in self.verdicts if v.meaning in wanted)

    def resolve(self, raw: str) -> str:
        """The stored name of a verdict as a user typed it: its name or its label."""
        found = self._by_word.get(verdict_key(raw))
        if found is None:
            shown = ", ".join(v.label for v in self.verdicts)
            raise BadInputError(f"bad verdict {clean_line(raw)!r}: use one of {shown}")
        return found.name

    def legend(self) -> str:
        """`. unverified  ~ in progress  V verified …`: the list column's letters, for help."""
        return "  ".join(f"{v.letter} {v.label}" for v in self.verdicts)

    def clash(self, name: str, *, label: str, letter: str, key: str) -> str | None:
        """Why a verdict with these words would be ambiguous beside the others (None: it fits)."""
        for other in self.verdicts:
            if other.name == name:
                continue
            if label in (other.name, other.label):
                return f"{label!r} is already the verdict {other.label!r}"
            if letter == other.letter:
                return f"the letter {letter!r} already shows {other.label!r} in the list"
            if key == other.key:
                return f"the key {key!r} already picks {other.label!r} in the chooser"
        return None


BUILTIN = VerdictScheme(
    tuple(VerdictDef(v, v, VERDICT_LETTER[v], BUILTIN_KEYS[v], v) for v in VERDICTS)
)
"""The six verdicts of a desk nobody has changed (and of a desk older than migration 0006)."""


def scheme_from(rows: Iterable[VerdictRow]) -> VerdictScheme:
    """A scheme from the store's rows (`Store.verdicts()`); none (an older desk) gives the six."""
    defs = tuple(
        VerdictDef(
            name=row.name,
            label=row.label,
            letter=row.letter,
            key=row.key,
            meaning=_meaning(row.meaning),
        )
        for row in rows
    )
    return VerdictScheme(defs) if defs else BUILTIN


def _meaning(word: str) -> Verdict:
    for name in VERDICTS:
        if word == name:
            return name
    return "unverified"  # a row written behind the verbs: read as no finding


def first_free(candidates: str, taken: Iterable[str]) -> str | None:
    """The first of these characters not taken (a new verdict's default letter or key)."""
    used = set(taken)
    for ch in candidates:
        if ch not in used and ch.isprintable() and ch not in _RESERVED_LETTERS:
            return ch
    return None
