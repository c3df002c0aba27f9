"""Stories: what the desk is covering; one desk file may hold several.

A story has a slug (its name in commands and page addresses), a title and
a reference date: the day its recap's relative dates ("since December",
"two days ago", "on Friday") are read against. By default that is the day
the story was created, which is what a reporter writing "since December"
that day meant.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event, Story
from desk.errors import BadInputError
from desk.text import clean_line
from desk.verbs.payloads import StoryAddPayload, StoryEditPayload, StoryEditUndone, StoryFields
from desk.verbs.recap import MAX_HEADLINE_CHARS, reread_story_dates
from desk.verbs.undo import Undone, inverse_of, not_undoable
from desk.vocab import normalise_actor, normalise_slug

not_undoable("story.add", "a story is not taken back: others may be filing into it")


def parse_reference_date(value: str | dt.date) -> str:
    """A reference date as `YYYY-MM-DD`, or a one-line error naming what was typed.

    Only the ISO day is taken: a fuzzy phrase here would need a reference
    date of its own, and `05/06/2026` means two different days.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = clean_line(value)
    try:
        if len(text) != 10:
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadInputError(f"bad date {text[:40]!r}: give the day as YYYY-MM-DD") from None
    if not 1000 <= day.year <= 9998:
        raise BadInputError(f"bad date {text!r}: the year must have four digits")
    return day.isoformat()


def _title(title: str) -> str:
    clean = clean_line(title)
    if not clean:
        raise BadInputError("a story needs a title")
    if len(clean) > MAX_HEADLINE_CHARS:
        raise BadInputError(
            f"the title is {len(clean)} characters; the limit is {MAX_HEADLINE_CHARS}"
        )
    return clean


def create_story(
    store: Store,
    actor: str,
    slug: str,
    title: str,
    reference_date: str | dt.date | None = None,
) -> int:
    """The story with this slug, created (one event) if the desk has none yet.

    An existing slug returns that story unchanged (ingest `--story` relies
    on it); `desk story new` refuses an existing slug itself. The reference
    date defaults to today (UTC), the day the story is created, and is
    written into the event only when given, so a default story's event is
    the one earlier desks wrote.
    """
    actor = normalise_actor(actor)
    slug_clean = normalise_slug(slug)
    title_clean = _title(title)
    reference = parse_reference_date(reference_date) if reference_date is not None else None
    existing = store.story_by_slug(slug_clean)
    if existing is not None:
        return existing.id
    with store.transaction() as w:
        story_id = w.create_story(slug_clean, title_clean, reference)
        payload: StoryAddPayload = {"slug": slug_clean, "title": title_clean}
        if reference is not None:
            payload["reference_date"] = reference
        w.append_event(actor=actor, kind="story.add", target=f"story:{story_id}", payload=payload)
    return story_id


def find_story(store: Store, slug: str) -> Story:
    """The story a slug names; a one-line error listing the known ones otherwise."""
    story = store.story_by_slug(clean_line(slug).lower())
    if story is None:
        known = ", ".join(s.slug for s in store.stories()) or "none yet"
        raise BadInputError(f"no story {clean_line(slug)[:64]!r} (stories: {known})")
    return story


def edit_story(
    store: Store,
    actor: str,
    slug: str,
    *,
    title: str | None = None,
    reference_date: str | dt.date | None = None,
) -> Story:
    """Retitle a story or change its reference date; one event, undoable.

    Changing the reference date re-reads every dated entry of the story
    (deleted ones too, so an undone delete comes back read the same way)
    against the new day: "since December" read on 2023-03-01 is December
    2022, on 2024-03-01 December 2023. Entries whose reading changed get a
    new version, so a colleague's edit from before the change is refused
    as stale rather than saved over a date it no longer means. The event
    lists them (`reread`); their readings are not stored in it, since
    reading is deterministic and a replay reads them the same way.
    """
    actor = normalise_actor(actor)
    if title is None and reference_date is None:
        raise BadInputError("nothing to change: give a new title or reference date")
    new_title = _title(title) if title is not None else None
    new_reference = parse_reference_date(reference_date) if reference_date is not None else None
    story = find_story(store, slug)
    with store.transaction() as w:
        _, old_title, old_reference = w.story_fields(story.id)
        after: StoryFields = {
            "title": new_title if new_title is not None else old_title,
            "reference_date": new_reference if new_reference is not None else old_reference,
        }
        before: StoryFields = {"title": old_title, "reference_date": old_reference}
        if after == before:
            return store.story(story.id)
        w.update_story(story.id, title=after["title"], reference_date=after["reference_date"])
        reread: list[int] = []
        if after["reference_date"] != old_reference:
            reread = reread_story_dates(w, story.id, after["reference_date"], actor)
        payload: StoryEditPayload = {
            "story": story.id,
            "slug": story.slug,
            "from": before,
            "to": after,
            "reread": reread,
        }
        w.append_event(actor=actor, kind="story.edit", target=f"story:{story.id}", payload=payload)
    return store.story(story.id)


@inverse_of("story.edit")
def _undo_edit(w: Writer, original: Event) -> Undone:
    """Put back each field still at the value this edit set; re-read the dates if needed.

    A field a colleague has changed since is left alone and reported.
    """
    p = cast(StoryEditPayload, original.payload)
    _, title, reference = w.story_fields(p["story"])
    restored: StoryFields = {"title": title, "reference_date": reference}
    skipped: list[str] = []
    for key in ("title", "reference_date"):
        if p["to"][key] == p["from"][key]:
            continue
        current = restored[key]
        if current != p["to"][key]:
            skipped.append(
                f"the story's {key.replace('_', ' ')} is now {current!r} (changed since)"
            )
        else:
            restored[key] = p["from"][key]
    if restored == {"title": title, "reference_date": reference}:
        raise ConflictError("; ".join(skipped) or "nothing left to undo")
    w.update_story(p["story"], title=restored["title"], reference_date=restored["reference_date"])
    reread: list[int] = []
    if restored["reference_date"] != reference:
        reread = reread_story_dates(w, p["story"], restored["reference_date"], original.actor)
    inverse: StoryEditUndone = {"story": p["story"], "restored": restored, "reread": reread}
    return Undone(inverse, skipped)
