"""The desk's vocabulary: triage states, verdicts, relations, steps, platforms.

One module of `Literal` types and tuples with their normalisers and their
one-letter forms, so that mypy catches `"flaged"` and the list, the
prompts, the filters, the verbs and the CLI cannot disagree on a word.
The store stores whatever strings the verbs give it and checks none of
them: the verbs validate here, before a transaction opens.

Imports only `desk.text` (the normalisers clean what a user typed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, TypeVar, get_args

# The checklist's words live in `desk.checklists`; re-exported for the callers that read them here.
from desk.checklists import DEFAULT_CHECKLIST as DEFAULT_CHECKLIST
from desk.checklists import PILLARS as PILLARS
from desk.checklists import STEP_STATES as STEP_STATES
from desk.checklists import StepState as StepState
from desk.checklists import normalise_state
from desk.errors import BadInputError
from desk.text import clean_line

Triage = Literal["new", "kept", "flagged", "discarded"]
Verdict = Literal["unverified", "in progress", "verified", "false", "misleading", "unverifiable"]
ItemRelation = Literal[
    "duplicate-of",
    "corroborates",
    "contradicts",
    "same-event",
    "reply-to",
    "quotes",
    "repost-of",
    "embedded-in",
    "reviews",
]
EntryRelation = Literal["source-for"]
RecapSection = Literal[
    "background", "timeline", "latest", "what we know", "what we don't know", "reactions"
]
Platform = Literal[
    "twitter",
    "mastodon",
    "bluesky",
    "telegram",
    "rss",
    "web",
    "factcheck",
    "manual",
    "facebook",
    "instagram",
]
Confidence = Literal["confirmed", "reported", "unconfirmed", "disputed"]
Precision = Literal["second", "minute", "hour", "day", "month", "year"]
ItemKind = Literal["post", "article", "feed-entry", "fact-check", "note"]

TRIAGE_STATES: tuple[Triage, ...] = get_args(Triage)
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
ITEM_RELATIONS: tuple[ItemRelation, ...] = get_args(ItemRelation)
ENTRY_RELATIONS: tuple[EntryRelation, ...] = get_args(EntryRelation)
RELATIONS: tuple[str, ...] = ITEM_RELATIONS + ENTRY_RELATIONS
RECAP_SECTIONS: tuple[RecapSection, ...] = get_args(RecapSection)
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)
PLATFORMS: tuple[Platform, ...] = get_args(Platform)
PRECISIONS: tuple[Precision, ...] = get_args(Precision)
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)


TRIAGE_LETTER: dict[Triage, str] = {"new": "N", "kept": "K", "flagged": "F", "discarded": "D"}
"""The list's triage column, and the keys of the triage chooser (`s` then `k`/`f`/`d`/`n`)."""
VERDICT_LETTER: dict[Verdict, str] = {
    "unverified": ".",
    "in progress": "~",
    "verified": "V",
    "false": "X",
    "misleading": "M",
    "unverifiable": "U",
}
"""The list's verdict column."""
PLATFORM_SHORT: dict[Platform, str] = {
    "twitter": "x",
    "mastodon": "mast",
    "bluesky": "bsky",
    "telegram": "tg",
    "rss": "rss",
    "web": "web",
    "factcheck": "fact",
    "manual": "note",
    "facebook": "fb",
    "instagram": "ig",
}
"""The list's four-cell platform column."""
PLATFORM_ALIASES: dict[str, Platform] = {"x": "twitter", "tweet": "twitter", "tweets": "twitter"}

_TAG_RE = re.compile(r"^[\w][\w.:/-]{0,63}$", re.UNICODE)
_W = TypeVar("_W", bound=str)


def _one_of(raw: str, value: str, words: tuple[_W, ...], what: str) -> _W:
    if value not in words:
        raise BadInputError(f"bad {what} {clean_line(raw)!r}: use one of {', '.join(words)}")
    return value  # narrowed to _W by the membership test


def normalise_tag(raw: str) -> str:
    """Tags are lower-case words: `Needs Translation` -> `needs-translation`."""
    tag = "-".join(clean_line(raw).lower().split())
    if not _TAG_RE.match(tag):
        raise BadInputError(
            f"bad tag {clean_line(raw)!r}: use letters, digits and - _ . : / (up to 64 characters)"
        )
    return tag


def parse_tag_ops(ops: Iterable[str]) -> list[tuple[str, str]]:
    """`+a -b !c d` -> [("+", "a"), ("-", "b"), ("!", "c"), ("+", "d")]."""
    out: list[tuple[str, str]] = []
    for token in ops:
        for part in token.split():
            op = part[0] if part[0] in "+-!" else "+"
            name = part[1:] if part[0] in "+-!" else part
            out.append((op, normalise_tag(name)))
    if not out:
        raise BadInputError("no tag given: use +add -remove !toggle")
    return out


def normalise_verdict(raw: str) -> Verdict:
    """`In-Progress`, `in_progress` and `in progress` are one verdict."""
    value = raw.strip().lower().replace("-", " ").replace("_", " ")
    return _one_of(raw, value, VERDICTS, "verdict")


def normalise_triage(raw: str) -> Triage:
    return _one_of(raw, raw.strip().lower(), TRIAGE_STATES, "triage")


def normalise_platform(raw: str) -> Platform:
    """`X`, `tweets` and `twitter` are one platform; anything else not in the list is refused."""
    value = raw.strip().lower()
    return _one_of(raw, PLATFORM_ALIASES.get(value, value), PLATFORMS, "platform")


def normalise_step_state(raw: str) -> StepState:
    """A step's state as typed (`desk.checklists.normalise_state`, the one home)."""
    return normalise_state(raw)


MAX_SECTION_CHARS = 40
"""A section's name heads a part of a page: a few words."""
MAX_SECTIONS = 24
"""Sections a recap template holds at most (the default has six)."""
_SECTION_NAME_RE = re.compile(r"^[\w '\u2019&,.:?!()/+\u2013\u2014]+$")
_SECTION_NAME_CHARS = "letters, digits, spaces and ' & , . : ? ! ( ) / + \u2013 \u2014"


def section_key(raw: str) -> str:
    """How a section is spelled in the desk: `What-We_Know ` is `what we know`.

    Escape sequences and controls are cleaned away (as in every name), case
    is folded, hyphens and underscores are spaces, runs of space are one.
    """
    return " ".join(clean_line(raw).lower().replace("-", " ").replace("_", " ").split())


def normalise_section(raw: str, sections: Sequence[str] = RECAP_SECTIONS) -> str:
    """One of the desk's sections (`Store.recap_sections()`; by default the six of the
    default template): `Timeline`, `what-we-know` and `what we know` are one section."""
    value = section_key(raw)
    if value not in sections:
        shown = clean_line(raw)
        shown = shown if len(shown) <= MAX_SECTION_CHARS else shown[:MAX_SECTION_CHARS] + "..."
        raise BadInputError(f"bad section {shown!r}: use one of {', '.join(sections)}")
    return value


def normalise_section_name(raw: str) -> str:
    """A new section's name, as `section_key` spells it; refused unless it is a few plain words.

    Letters (of any script), digits, spaces and a little punctuation, up to
    `MAX_SECTION_CHARS`: a section's name heads a part of a published page
    (Markdown, HTML), so brackets, `<`, `*`, `#` and backticks are refused
    rather than rewritten, as are zero-width and bidi characters.
    """
    name = section_key(raw)
    if not name:
        raise BadInputError("a section needs a name")
    if len(name) > MAX_SECTION_CHARS:
        raise BadInputError(
            f"the section name {name[:MAX_SECTION_CHARS] + '...'!r} is {len(name)} characters;"
            f" the limit is {MAX_SECTION_CHARS}"
        )
    if not _SECTION_NAME_RE.match(name) or not any(c.isalnum() for c in name):
        raise BadInputError(
            f"bad section name {name!r}: use {_SECTION_NAME_CHARS}"
            f" (up to {MAX_SECTION_CHARS} characters)"
        )
    return name


def section_title(name: str) -> str:
    """How a section is headed on a page: `what we know` -> `What we know`."""
    return name[:1].upper() + name[1:]


def normalise_confidence(raw: str) -> Confidence:
    """How sure the desk is of a recap entry: `Confirmed` and ` confirmed ` are one word."""
    return _one_of(raw, clean_line(raw).lower(), CONFIDENCES, "confidence")


_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_CHARS = 64


def normalise_slug(raw: str) -> str:
    """A story's slug: lower-case words joined by hyphens, up to 64 characters.

    `Orvena Dam` becomes `orvena-dam`, and escape sequences and controls are
    cleaned away as in every name (`ingest --story` has always taken a
    slug that way); anything else (accents, dots, slashes, underscores) is
    refused rather than rewritten, because a slug ends up in page addresses
    and file names where a silent change would make a second story.
    """
    slug = "-".join(clean_line(raw).lower().split())
    if not _SLUG_RE.match(slug) or len(slug) > MAX_SLUG_CHARS or slug != slug.strip("-"):
        raise BadInputError(
            f"bad story slug {clean_line(raw)[:MAX_SLUG_CHARS]!r}: use lower-case letters,"
            f" digits and hyphens (up to {MAX_SLUG_CHARS} characters)"
        )
    return slug


MAX_NAME_CHARS = 64


def normalise_actor(raw: str) -> str:
    """Who is acting, as the event log will record it: one clean line, or refused.

    A name with a line break or a control character (`bob\\nmallory` would
    forge a second line in `desk log`, an OSC sequence would drive the
    reader's terminal) is refused rather than cleaned, since a silently
    changed name is a different person in the audit trail.
    """
    name = clean_line(raw)
    if not name:
        raise BadInputError("no name given: say who you are with --as NAME or $DESK_USER")
    if name != raw.strip() or len(name) > MAX_NAME_CHARS:
        raise BadInputError(
            f"bad name {name[:MAX_NAME_CHARS]!r}: one line of printable text,"
            f" up to {MAX_NAME_CHARS} characters"
        )
    return name


CONFLICTING_RELATIONS: dict[ItemRelation, tuple[ItemRelation, ...]] = {
    "corroborates": ("contradicts",),
    "contradicts": ("corroborates",),
}
"""Relations that say opposite things about the same two items, in either direction.

Linking A to B with one while A and B already carry the other is allowed
(evidence changes, and both links stay in the log), but the verb warns.
"""
