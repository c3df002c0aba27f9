"""Which copy of a post gives each of its item's fields: the copy-merge rules.

The same post reaches the desk more than once: a tweet embedded in a page
(display text, a day as the byline prints it) and later its API object
(full text, the exact second); a compat-mode v1.1 tweet cut at 140
characters (`…` and a `/i/web/status/` link) and its extended copy; a
Mastodon status and its edit (`status.update`, a later `edited_at`); a
Bluesky post and its Jetstream `update` commit. Each copy is kept
(`item_copies`, migration 0011) and the item shows the best of them.

"Best" is a total order on each field's candidate values, the same
whatever order the copies came in, so any ingest order of one set of copies
gives the same item (`tests/test_copy_merge_properties.py`):

- text: the newest revision first (Mastodon `edited_at`, a Jetstream
  `update` commit's `time_us`; a copy with neither is the original, older
  than any edit: an edit is the author's newer words), then full over
  display (an embed's or a page's rendering) over truncated (a compat
  tweet), then the longer text;
- posted time (`posted_at`, its precision and zone flag, one value): a time
  over none, finer precision (second over day), a known zone over none,
  then the later instant;
- media: more media, then more with alt text;
- author name, handle and URL, title, language: a value over none;
- `extra`: every key any copy has, each from the best copy that has it,
  except the markers of where the text or the time came from (`truncated`,
  `edited_at`, `embed` ...), which follow the copy that gave them.

Ties anywhere fall to the copy's rank: its text's key, then its raw
sha256, so no tie is left to arrival order. Fields a person set (an item
typed in by hand, an improvement undone: `item_holds`) are never changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from db.queries import COPY_COLUMNS

Fields = dict[str, Any]
"""An item's `COPY_COLUMNS` in their stored form (media and extra as JSON text)."""

PRECISION_RANK = {"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5}

DISPLAY_FORMATS = frozenset({"twitter-embed", "html", "desk-md", "text"})
"""Formats whose text is a rendering of the post (a page's, an embed's), not the post's own."""

TEXT_MARKERS = ("truncated", "edited_at", "operation", "time_us", "embed")
"""`extra` keys that say what the text is: they follow the copy whose text the item shows."""
POSTED_MARKERS = ("posted_from", "byline_date", "posted_if_daylight_saving")
"""`extra` keys that say where the posted time came from: they follow that copy."""

POSTED = ("posted_at", "posted_precision", "posted_tz_known")
SIMPLE = ("title", "lang", "author_name", "author_handle", "author_url")

_TRUNCATED_TAIL = re.compile(
    r"…\s*(?:https?://(?:mobile\.|www\.)?(?:twitter|x)\.com/i/web/status/\d+)?\s*$"
)


def _extra(fields: Mapping[str, Any]) -> dict[str, Any]:
    value = fields.get("extra")
    if isinstance(value, dict):
        return value
    try:
        decoded = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _media(fields: Mapping[str, Any]) -> list[Any]:
    try:
        decoded = json.loads(fields.get("media") or "[]")
    except (TypeError, ValueError):
        return []
    return decoded if isinstance(decoded, list) else []


def revision(fields: Mapping[str, Any]) -> str:
    """When this version of the text was written: an edit's time, "" for the original."""
    extra = _extra(fields)
    edited = extra.get("edited_at")
    if isinstance(edited, str) and edited:
        return edited
    seen = extra.get("time_us")
    if extra.get("operation") == "update" and isinstance(seen, int) and not isinstance(seen, bool):
        try:
            return datetime.fromtimestamp(seen / 1_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        except (OverflowError, OSError, ValueError):
            return ""
    return ""


def text_quality(fields: Mapping[str, Any], source_format: str | None) -> int:
    """0 truncated, 1 a rendering (embed, page, paste), 2 the post's own full text."""
    extra = _extra(fields)
    text = str(fields.get("text") or "")
    if extra.get("truncated") is True or _TRUNCATED_TAIL.search(text[-120:]):
        return 0
    if source_format in DISPLAY_FORMATS or "embed" in extra:
        return 1
    return 2


def text_key(copy: Mapping[str, Any]) -> tuple[str, int, int, str]:
    fields = copy["fields"]
    text = str(fields.get("text") or "")
    return (revision(fields), text_quality(fields, copy.get("source_format")), len(text), text)


def copy_rank(copy: Mapping[str, Any]) -> tuple[tuple[str, int, int, str], str]:
    """The tie-breaker of every field: the copy's text key, then its raw sha256."""
    return (text_key(copy), str(copy.get("raw_sha256") or ""))


def _posted_key(fields: Mapping[str, Any]) -> tuple[bool, int, bool, str]:
    at = fields.get("posted_at")
    return (
        at is not None,
        PRECISION_RANK.get(str(fields.get("posted_precision")), -1) if at else -1,
        bool(fields.get("posted_tz_known")) if at else False,
        str(at or ""),
    )


def _media_key(fields: Mapping[str, Any]) -> tuple[int, int]:
    media = _media(fields)
    with_alt = sum(1 for m in media if isinstance(m, dict) and m.get("alt"))
    return (len(media), with_alt)


def _present(value: Any) -> bool:
    return value is not None and value != ""


def best_fields(copies: Sequence[Mapping[str, Any]]) -> Fields:
    """Each of `COPY_COLUMNS` from the copy that is best for it (see the module doc).

    `copies`: `{"raw_sha256", "source_format", "fields"}` each; at least one.
    A function of the set of copies: their order does not matter.
    """
    if not copies:
        raise ValueError("no copies")
    # Each copy's rank once (it reads the copy's extra JSON), then the fields by it.
    ranked_pairs = sorted(((copy_rank(c), i, c) for i, c in enumerate(copies)), key=lambda t: t[0])
    ranked = [c for _, _, c in ranked_pairs]  # worst first: later ones win ties
    rank = [r for r, _, _ in ranked_pairs]
    text_from = ranked[-1]

    def best(key: Any) -> Mapping[str, Any]:
        return ranked[max(range(len(ranked)), key=lambda i: (key(ranked[i]["fields"]), rank[i]))]

    posted_from = best(_posted_key)
    media_from = best(_media_key)
    out: Fields = {"text": text_from["fields"].get("text") or ""}
    for name in POSTED:
        out[name] = posted_from["fields"].get(name)
    out["posted_tz_known"] = int(bool(out["posted_tz_known"]))
    out["media"] = media_from["fields"].get("media") or "[]"
    for name in SIMPLE:
        chosen = best(lambda fields, n=name: _present(fields.get(n)))
        value = chosen["fields"].get(name)
        out[name] = value if _present(value) else None
    extra: dict[str, Any] = {}
    for copy in ranked:  # better copies later: their values stand
        extra.update(_extra(copy["fields"]))
    for keys, source in ((TEXT_MARKERS, text_from), (POSTED_MARKERS, posted_from)):
        own = _extra(source["fields"])
        for key in keys:
            extra.pop(key, None)
            if key in own:
                extra[key] = own[key]
    out["extra"] = dict(sorted(extra.items()))
    return out


def changes(current: Mapping[str, Any], best: Mapping[str, Any], held: Iterable[str]) -> Fields:
    """`{column: {"from": now, "to": best}}` for what the best copies change, held ones aside.

    The posted time moves as one value (its three columns); `extra` is
    compared as an object (a copy may spell the same keys in another order)
    and written with sorted keys.
    """
    hold = set(held)
    out: Fields = {}
    # Never a value for none: with every copy counted the best has one wherever a copy
    # has; an item whose first copy has no bytes (an early desk) is not counted, and keeps
    # what it had rather than lose it.
    for name in ("text", *SIMPLE):
        if _present(current.get(name)) and not _present(best.get(name)):
            hold.add(name)
    if current.get("posted_at") is not None and best.get("posted_at") is None:
        hold.add("posted_at")
    if _media_key(current) > _media_key(best):
        hold.add("media")
    posted_held = bool(hold & set(POSTED))
    for name in COPY_COLUMNS:
        if name in hold or (name in POSTED and posted_held):
            continue
        now, then = current.get(name), best.get(name)
        if name == "extra":
            if _extra(current) == then:
                continue
            then = json.dumps(then, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        elif name == "posted_tz_known":
            if bool(now) == bool(then):
                continue
            now, then = int(bool(now)), int(bool(then))
        elif now == then:
            continue
        out[name] = {"from": now, "to": then}
    if any(name in out for name in POSTED):  # the time is one value: all three travel
        for name in POSTED:
            if name not in out:
                out[name] = {"from": current.get(name), "to": current.get(name)}
    return out


def merged_changes(
    current: Mapping[str, Any], every: Sequence[Mapping[str, Any]], held: Iterable[str]
) -> Fields:
    """What the best of `every` copy changes in an item whose fields are `current`.

    `held`: the fields a person set (`item_holds`); what a copy typed in by
    hand holds is added. The one rule of `take_copy` and of a dry run's
    count of improvements, pure: it reads and writes nothing.
    """
    hold = set(held)
    for one in every:
        hold |= typed_holds(one)
    return changes(current, best_fields(every), hold)


def typed_holds(origin: Mapping[str, Any]) -> set[str]:
    """An item typed in by hand: what the person typed (its text, author) is theirs."""
    if origin.get("source_format") != "typed":
        return set()
    fields = origin["fields"]
    return {name for name in COPY_COLUMNS if name in (*SIMPLE, "text") and _present(fields[name])}
