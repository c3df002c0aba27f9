"""The filter language of `\\` and `desk ls --filter`.

    tag:x  -tag:x  triage:new  platform:mastodon  verdict:false
    from:@handle  since:2h  since:2026-11-01  story:slug  free words

Several values of one key are OR-ed (`triage:new triage:flagged`), different
keys are AND-ed, free words become a full-text query (all words must match,
`word*` matches a prefix). Parsing is separate from the store: the result is
a `db.models.ItemQuery`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import datetime, timedelta

from db.clock import iso_second, now
from db.models import ItemQuery
from desk.errors import BadInputError
from desk.vocab import PLATFORM_ALIASES, PLATFORMS, TRIAGE_STATES, normalise_tag, normalise_verdict

_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
KEYS = ("tag", "-tag", "triage", "platform", "verdict", "from", "since", "story", "id")


def fts_query(words: list[str]) -> str | None:
    """Quote each word for FTS5 so user text is never FTS syntax (no injection)."""
    terms = []
    for word in words:
        prefix = word.endswith("*")
        core = word.rstrip("*").replace('"', '""').strip()
        if not core:
            continue
        terms.append(f'"{core}"' + ("*" if prefix else ""))
    return " ".join(terms) or None


def parse_since(value: str, *, at: datetime | None = None) -> str:
    """`2h`, `3d`, `30m`, `1w`, or a date/time -> ISO UTC lower bound."""
    match = _DURATION.match(value.strip().lower())
    if match:
        delta = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        return iso_second((at or now()) - delta)
    try:
        from desk.ingest.times import from_text

        posted = from_text(value)
    except Exception:
        posted = None
    if posted is None:
        raise BadInputError(f"bad since:{value}: use 30m, 2h, 3d, 1w or a date like 2026-11-01")
    return posted.at


def parse_filter(
    expr: str,
    *,
    story_lookup: Callable[[str], int | None] | None = None,
    base: ItemQuery | None = None,
) -> ItemQuery:
    """Turn a filter expression into an `ItemQuery`; `BadInputError` names the bad term."""
    try:
        tokens = shlex.split(expr)
    except ValueError as exc:
        raise BadInputError(f"bad filter: {exc}") from None
    tags: list[str] = []
    not_tags: list[str] = []
    triage: list[str] = []
    verdict: list[str] = []
    platform: list[str] = []
    handle: list[str] = []
    ids: list[int] = []
    words: list[str] = []
    since: str | None = None
    story_id = base.story_id if base else None
    show_discarded = base.show_discarded if base else False
    for token in tokens:
        key, sep, value = token.partition(":")
        key = key.lower()
        if not sep or key not in KEYS or not value:
            if token.startswith(("-tag:", "!tag:")):
                not_tags.append(normalise_tag(token.split(":", 1)[1]))
                continue
            words.append(token)
            continue
        if key == "tag":
            tags.append(normalise_tag(value))
        elif key == "-tag":
            not_tags.append(normalise_tag(value))
        elif key == "triage":
            value = value.lower()
            if value not in TRIAGE_STATES:
                raise BadInputError(f"bad triage:{value}: use one of {', '.join(TRIAGE_STATES)}")
            triage.append(value)
            if value == "discarded":
                show_discarded = True
        elif key == "verdict":
            verdict.append(normalise_verdict(value))
        elif key == "platform":
            value = value.lower()
            value = PLATFORM_ALIASES.get(value, value)
            if value not in PLATFORMS:
                raise BadInputError(f"bad platform:{value}: use one of {', '.join(PLATFORMS)}")
            platform.append(value)
        elif key == "from":
            handle.append(value.lstrip("@"))
        elif key == "since":
            since = parse_since(value)
        elif key == "id":
            try:
                ids.extend(int(part) for part in value.split(","))
            except ValueError:
                raise BadInputError(f"bad id:{value}: use numbers like id:12,13") from None
        elif key == "story":
            if story_lookup is None:
                raise BadInputError("story: filters need an open desk")
            found = story_lookup(value)
            if found is None:
                raise BadInputError(f"unknown story {value!r}")
            story_id = found
    return ItemQuery(
        text=fts_query(words),
        tags=tuple(tags),
        not_tags=tuple(not_tags),
        triage=tuple(triage),
        verdict=tuple(verdict),
        platform=tuple(platform),
        handle=tuple(handle),
        since=since,
        story_id=story_id,
        show_discarded=show_discarded,
        ids=tuple(ids),
    )
