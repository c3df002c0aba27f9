"""Checklist templates: a desk's own (from a TOML file), and which one a story or an item
follows; and the undo of each.

Switching an item's template loses nothing: its logged steps stay in the
desk and show after the new template's steps as extras (see
`desk.checklists.switch`); only what `verified` waits for changes, so the
queue flag of every item concerned is recomputed in the same transaction.
"""

from __future__ import annotations

import os
from typing import cast

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event
from desk.checklist_files import dump_template, load_template
from desk.checklists import BUILTINS, Template, missing_for_verified
from desk.errors import BadInputError
from desk.text import clean_line
from desk.verbs._checklist import template_named, update_done
from desk.verbs._common import check_items, item_target
from desk.verbs.payloads import (
    ItemTemplatePayload,
    StoryTemplatePayload,
    TemplateAddPayload,
    TemplateAddUndone,
    TemplateUseUndone,
)
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import normalise_actor, normalise_slug


def _name(raw: str) -> str:
    name = clean_line(raw).strip().lower()
    if not name:
        raise BadInputError("no template named: see desk template ls")
    return name


def add_template(store: Store, actor: str, path: str | os.PathLike[str]) -> Template:
    """Add a desk's own template from a TOML file (`desk.checklist_files.parse_template`); its name
    must be new: neither a built-in's nor one the desk has."""
    actor = normalise_actor(actor)
    template = load_template(path)
    text = dump_template(template)
    with store.transaction() as w:
        if w.template_toml(template.name) is not None:
            raise BadInputError(
                f"{template.source}: the desk already has a template {template.name!r}:"
                " choose another name"
            )
        w.add_template(template.name, text, actor)
        payload: TemplateAddPayload = {
            "name": template.name,
            "title": template.title,
            "steps": len(template.steps),
            "toml": text,
        }
        w.append_event(
            actor=actor, kind="template.add", target=f"template:{template.name}", payload=payload
        )
    return template


@inverse_of("template.add")
def _undo_add(w: Writer, original: Event) -> Undone:
    """Remove the template again, unless a story or an item has picked it since."""
    name = cast(TemplateAddPayload, original.payload)["name"]
    stories, items = w.template_users(name)
    if stories or items:
        raise ConflictError(
            f"template {name!r} is in use ({stories} stories, {items} items): switch them to"
            " another template first"
        )
    w.delete_template(name)
    inverse: TemplateAddUndone = {"name": name}
    return Undone(inverse)


def set_item_template(store: Store, actor: str, item_id: int, name: str) -> Template:
    """Switch an item's checklist to another template; its logged steps are all kept."""
    actor = normalise_actor(actor)
    wanted = _name(name)
    with store.transaction() as w:
        check_items(w, [item_id])
        template = template_named(w, wanted)
        own, story = w.item_templates(item_id)
        if own == template.name:
            return template
        base = w.bump_version(item_id) - 1
        w.set_item_template(item_id, template.name)
        update_done(w, item_id, template)
        payload: ItemTemplatePayload = {
            "item": item_id,
            "from": own,
            "to": template.name,
            "base": own or story or BUILTINS_DEFAULT,
        }
        w.append_event(
            actor=actor,
            kind="item.template",
            target=item_target([item_id]),
            payload=payload,
            base_version=base,
        )
    return template


BUILTINS_DEFAULT = next(iter(BUILTINS))
"""The default template's name (`five-pillars`)."""


@inverse_of("item.template")
def _undo_item(w: Writer, original: Event) -> Undone:
    p = cast(ItemTemplatePayload, original.payload)
    item_id = int(p["item"])
    w.set_item_template(item_id, p["from"])
    w.bump_version(item_id)
    update_done(w, item_id)
    inverse: TemplateUseUndone = {"target": f"item:{item_id}", "restored": p["from"]}
    return Undone(inverse)


def _story_done(w: Writer, story_id: int) -> None:
    """Recompute the queue flag of every item that follows the story's template."""
    logged, bare = w.story_items_following(story_id)
    template = template_named(w, w.story_template(story_id))
    for item_id in logged:
        update_done(w, item_id, template)
    if bare:
        w.set_checks_done_bare(story_id, not missing_for_verified({}, template))


def set_story_template(store: Store, actor: str, slug: str, name: str) -> Template:
    """Pick the template a story's items follow (an item switched on its own keeps its own)."""
    actor = normalise_actor(actor)
    wanted = _name(name)
    key = normalise_slug(slug)
    story = store.story_by_slug(key)
    if story is None:
        raise BadInputError(f"no story {key!r}: see desk stories")
    with store.transaction() as w:
        template = template_named(w, wanted)
        before = w.story_template(story.id)
        if before == template.name:
            return template
        w.set_story_template(story.id, template.name)
        _story_done(w, story.id)
        payload: StoryTemplatePayload = {
            "story": story.id,
            "slug": key,
            "from": before,
            "to": template.name,
        }
        w.append_event(
            actor=actor, kind="story.template", target=f"story:{story.id}", payload=payload
        )
    return template


@inverse_of("story.template")
def _undo_story(w: Writer, original: Event) -> Undone:
    p = cast(StoryTemplatePayload, original.payload)
    w.set_story_template(int(p["story"]), p["from"])
    _story_done(w, int(p["story"]))
    inverse: TemplateUseUndone = {"target": f"story:{p['story']}", "restored": p["from"]}
    return Undone(inverse)
