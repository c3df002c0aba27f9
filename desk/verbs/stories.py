"""Stories: what the desk is covering; one desk file may hold several."""

from __future__ import annotations

from db import Store
from desk.errors import BadInputError
from desk.text import clean_line
from desk.verbs.payloads import StoryAddPayload
from desk.verbs.undo import not_undoable
from desk.vocab import normalise_actor, normalise_tag

not_undoable("story.add", "a story is not taken back: others may be filing into it")


def create_story(store: Store, actor: str, slug: str, title: str) -> int:
    """The story with this slug, created (one event) if the desk has none yet."""
    actor = normalise_actor(actor)
    slug_clean = normalise_tag(slug)
    title_clean = clean_line(title)
    if not title_clean:
        raise BadInputError("a story needs a title")
    existing = store.story_by_slug(slug_clean)
    if existing is not None:
        return existing.id
    with store.transaction() as w:
        story_id = w.create_story(slug_clean, title_clean)
        payload: StoryAddPayload = {"slug": slug_clean, "title": title_clean}
        w.append_event(actor=actor, kind="story.add", target=f"story:{story_id}", payload=payload)
    return story_id
