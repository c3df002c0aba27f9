"""What the checklist verbs share: which template an item follows, and its queue flag.

An item follows its own template (`desk checklist ID --template NAME`),
else its story's (`desk template use NAME --story SLUG`), else the
default (`desk.checklists.DEFAULT_TEMPLATE`). Whether every required step
is done is kept in `items.checks_done`, which the queue and its count
read: every verb that changes a step or a template calls `update_done`
in its transaction.
"""

from __future__ import annotations

from db import Writer
from desk.checklist_files import resolve
from desk.checklists import Template, missing_for_verified


def template_named(w: Writer, name: str | None) -> Template:
    """A built-in or one of the desk's, read inside the transaction (refused if unknown)."""
    return resolve(name, w.template_toml(name) if name else None)


def item_template(w: Writer, item_id: int) -> Template:
    own, story = w.item_templates(item_id)
    return template_named(w, own or story)


def missing(w: Writer, item_id: int, template: Template | None = None) -> list[str]:
    """The required steps not passed or n/a: `["date (unclear)", "location (open)"]`."""
    chosen = template or item_template(w, item_id)
    return missing_for_verified(w.step_states(item_id), chosen)


def update_done(w: Writer, item_id: int, template: Template | None = None) -> bool:
    """Set the item's queue flag from its steps; whether it is done."""
    done = not missing(w, item_id, template)
    w.set_checks_done(item_id, done)
    return done
