"""The filter language of `\\` and `desk ls --filter`.

    tag:x  -tag:x  triage:new  platform:mastodon  verdict:false
    from:@handle  since:2h  since:2026-11-01  story:slug  needs:verification  free words

Several values of one key are OR-ed (`triage:new triage:flagged`), different
keys are AND-ed, free words become a full-text query (all words must match,
`word*` matches a prefix). Parsing is separate from the store: the result is
a `db.models.ItemQuery`.

A `word:value` that looks like a key we do not know (`foo:bar`, `tags:x`) is
an error naming the keys, not text: as text it would match nothing and look
like an empty desk. URLs and other colon words stay text (`_is_url_or_word`).
Numbers are bounded before Python sees them, so `since:800000d` or a 20-digit
`id:` is a one-line error, never an OverflowError.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import datetime, timedelta

from db.clock import iso_second, now
from db.models import ItemQuery
from db.schema import SEARCH_INVISIBLE
from desk.errors import BadInputError
from desk.verdicts import BUILTIN, VerdictScheme
from desk.vocab import PLATFORM_ALIASES, PLATFORMS, TRIAGE_STATES, normalise_tag

_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
KEYS = ("tag", "-tag", "triage", "platform", "verdict", "from", "since", "story", "id", "needs")
KEY_LIST = "tag: -tag: triage: platform: verdict: from: since: story: id: needs:"
NEEDS = ("verification",)
"""What `needs:` takes: `needs:verification` is the verification queue (kept items with a
required checklist step not passed or n/a), the built-in saved filter `needs-verification`."""
"""The keys as the error for an unknown key names them."""

MAX_SINCE_DIGITS = 7
"""`since:9999999d` is 27,000 years: more digits than this is a typo, and Python's
`timedelta` and `int` would overflow or refuse before we could say so."""
MAX_ID = 2**63 - 1
"""SQLite's largest integer: a larger `id:` would raise OverflowError in the driver."""

_KEY_LIKE = re.compile(r"^[!-]?[a-z]+$")
"""What a filter key looks like: a word of ASCII letters (`tag`, `-tag`, `!tag`).

A token `word:value` whose word is not like this (`10:30`, `e.g.:`, `ü:x`) is
text to search for, as before."""
_NOT_KEYS = frozenset(
    {"http", "https", "ftp", "mailto", "tel", "urn", "did", "at", "file", "data", "geo", "magnet"}
)
"""URI schemes people paste (`mailto:x@y`, a Bluesky `did:plc:...`): searched as text."""


_INVISIBLE = dict.fromkeys(SEARCH_INVISIBLE)
"""What the search index leaves out (migration 0010), left out of the words searched too."""


def fts_query(words: list[str]) -> str | None:
    """Quote each word for FTS5 so user text is never FTS syntax (no injection)."""
    terms = []
    for word in words:
        prefix = word.endswith("*")
        core = word.translate(_INVISIBLE).rstrip("*").replace('"', '""').strip()
        if not core:
            continue
        terms.append(f'"{core}"' + ("*" if prefix else ""))
    return " ".join(terms) or None


def parse_since(value: str, *, at: datetime | None = None) -> str:
    """`2h`, `3d`, `30m`, `1w`, or a date/time -> ISO UTC lower bound."""
    match = _DURATION.match(value.strip().lower())
    if match:
        digits, unit = match.group(1).lstrip("0") or "0", match.group(2)
        too_far = BadInputError(
            f"bad since:{_shown(value)}: that is before the year 1; use a smaller number "
            "(since:3d) or a date (since:2020-01-01)"
        )
        if len(digits) > MAX_SINCE_DIGITS:
            raise too_far
        try:
            bound = (at or now()) - timedelta(**{_UNITS[unit]: int(digits)})
        except OverflowError:
            raise too_far from None
        return iso_second(bound)
    try:
        from desk.ingest.times import from_text

        posted = from_text(value)
    except Exception:
        posted = None
    if posted is None:
        raise BadInputError(f"bad since:{value}: use 30m, 2h, 3d, 1w or a date like 2026-11-01")
    return posted.at


def _shown(value: str, limit: int = 40) -> str:
    """A user's term cut short for an error line (a pasted 5,000-digit number stays readable)."""
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _is_url_or_word(token: str, key: str, value: str) -> bool:
    """Whether `key:value` is text to search for rather than a mistyped filter key.

    Decided by shape: the key must be a word of ASCII letters (so `10:30` is
    text), the value must not start with `/` (so `http://x`, `foo://x` and
    `at://did:...` are text), and the key must not be a URI scheme people
    paste without slashes (`mailto:`, `did:`, `urn:`). Anything else, like
    `foo:bar` or `tags:fire`, is a key we do not know, which is an error: it
    would otherwise match nothing and look like an empty desk.
    """
    return not _KEY_LIKE.match(key) or value.startswith("/") or key in _NOT_KEYS


def parse_filter(
    expr: str,
    *,
    story_lookup: Callable[[str], int | None] | None = None,
    base: ItemQuery | None = None,
    verdicts: VerdictScheme = BUILTIN,
) -> ItemQuery:
    """Turn a filter expression into an `ItemQuery`; `BadInputError` names the bad term.

    `verdict:` takes the desk's verdicts (`desk verdicts`) by name or label.
    """
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
    needs_verification = base.needs_verification if base else False
    for token in tokens:
        key, sep, value = token.partition(":")
        key = key.lower()
        if not sep or key not in KEYS or not value:
            if token.startswith(("-tag:", "!tag:")):
                not_tags.append(normalise_tag(token.split(":", 1)[1]))
                continue
            if sep and value and not _is_url_or_word(token, key, value):
                raise BadInputError(
                    f"unknown filter key '{_shown(key)}:' (in {_shown(token)}): use {KEY_LIST} "
                    f"or words; to search for the words, write {_shown(key)} {_shown(value)}"
                )
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
            verdict.append(verdicts.resolve(value))
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
            for part in value.split(","):
                part = part.strip()
                if not part.isdigit() or not part.isascii():
                    raise BadInputError(f"bad id:{_shown(value)}: use numbers like id:12,13")
                if len(part) > 19 or int(part) > MAX_ID:
                    raise BadInputError(
                        f"bad id:{_shown(value)}: {_shown(part)} is larger than any item id"
                    )
                ids.append(int(part))
        elif key == "needs":
            if value.lower() not in NEEDS:
                raise BadInputError(f"bad needs:{_shown(value)}: use needs:verification")
            needs_verification = True
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
        needs_verification=needs_verification,
    )
