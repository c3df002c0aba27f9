"""Links: a typed relation from an item to another item or to a recap entry; and their undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from db import Store, Writer
from db.errors import ConflictError
from db.models import Event, Link
from desk.errors import BadInputError, UnknownItemError
from desk.verbs._common import check_items, item_target
from desk.verbs.payloads import LinkAddPayload, LinkFields, LinkRemovePayload, LinkUndone
from desk.verbs.undo import Undone, inverse_of
from desk.vocab import (
    CONFLICTING_RELATIONS,
    ENTRY_RELATIONS,
    ITEM_RELATIONS,
    ItemRelation,
    normalise_actor,
)


def _link_fields(link: Link) -> LinkFields:
    """The link as events record it (the uuid, so undo can make the very same link)."""
    return {
        "uuid": link.uuid,
        "src": link.src_id,
        "relation": link.relation,
        "dst_item": link.dst_item_id,
        "dst_entry": link.dst_entry_id,
    }


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What `link` did: the link made (None: it existed already, nothing written), and warnings.

    A warning does not stop the link (evidence changes, and the log keeps
    both), but the person linking should know: the CLI prints each one and
    the TUI shows it as a warning notification.
    """

    link: Link | None
    warnings: tuple[str, ...] = ()


def link(
    store: Store,
    actor: str,
    src: int,
    *,
    dst_item: int | None = None,
    dst_entry: int | None = None,
    relation: str,
) -> LinkResult:
    """Link an item to another item, or (`source-for`) to a recap entry.

    The relation must be one the target can take: an item relation between
    items, `source-for` to a recap entry; anything else is refused before
    any lookup, so a wrong relation is never answered with "already linked".
    Linking with a relation that says the opposite of one the two items
    already carry (`contradicts` where one `corroborates` the other) is
    accepted with a warning naming the existing link.
    """
    actor = normalise_actor(actor)
    relation = relation.strip().lower()
    if (dst_item is None) == (dst_entry is None):
        raise BadInputError("link to exactly one item or one recap entry")
    if dst_item is not None and relation not in ITEM_RELATIONS:
        raise BadInputError(
            f"bad relation {relation!r}: between items use one of {', '.join(ITEM_RELATIONS)}"
        )
    if dst_entry is not None and relation not in ENTRY_RELATIONS:
        raise BadInputError(
            f"bad relation {relation!r}: to a recap entry use {', '.join(ENTRY_RELATIONS)}"
        )
    if dst_item is not None and int(dst_item) == int(src):
        raise BadInputError(f"cannot link item {src} to itself")
    with store.transaction() as w:
        check_items(w, [src] + ([dst_item] if dst_item is not None else []))
        if dst_entry is not None and not w.entry_exists(dst_entry):
            raise UnknownItemError(f"unknown recap entry {dst_entry}")
        warnings = _conflicts(w, src, dst_item, relation) if dst_item is not None else ()
        made = w.add_link(
            src_id=src, relation=relation, dst_item_id=dst_item, dst_entry_id=dst_entry, actor=actor
        )
        if made is None:
            return LinkResult(None)
        base = w.bump_version(src) - 1
        payload: LinkAddPayload = {"link": _link_fields(made)}
        w.append_event(
            actor=actor,
            kind="link.add",
            target=item_target([src]),
            payload=payload,
            base_version=base,
        )
    return LinkResult(made, warnings)


def _conflicts(w: Writer, src: int, dst: int, relation: str) -> tuple[str, ...]:
    """`#A already corroborates #B` for each link between the two that says the opposite."""
    opposite = CONFLICTING_RELATIONS.get(cast(ItemRelation, relation), ())
    return tuple(
        f"#{existing.src_id} already {existing.relation} #{existing.dst_item_id}"
        for existing in w.links_between(src, dst)
        if existing.relation in opposite
    )


@inverse_of("link.add")
def _undo_link(w: Writer, original: Event) -> Undone:
    """Remove the link this event made (by uuid: a same-looking link made since stays)."""
    fields = cast(LinkAddPayload, original.payload)["link"]
    if not w.remove_link(fields["uuid"]):
        raise ConflictError("that link was already removed")
    w.bump_version(fields["src"])
    inverse: LinkUndone = {"link": fields}
    return Undone(inverse)


def unlink(
    store: Store,
    actor: str,
    src: int,
    *,
    dst_item: int | None = None,
    dst_entry: int | None = None,
    relation: str | None = None,
) -> Link:
    """Remove a link (the event keeps it, so undo can bring it back)."""
    actor = normalise_actor(actor)
    found = store.find_link(src, relation, dst_item, dst_entry)
    if found is None and dst_item is not None:
        found = store.find_link(dst_item, relation, src, None)
    if found is None:
        what = f"item {dst_item}" if dst_item is not None else f"entry {dst_entry}"
        raise BadInputError(f"no link between item {src} and {what}")
    with store.transaction() as w:
        if not w.remove_link(found.uuid):
            raise BadInputError("that link was just removed by someone else")
        base = w.bump_version(found.src_id) - 1
        payload: LinkRemovePayload = {"link": _link_fields(found), "created_by": found.created_by}
        w.append_event(
            actor=actor,
            kind="link.remove",
            target=item_target([found.src_id]),
            payload=payload,
            base_version=base,
        )
    return found


@inverse_of("link.remove")
def _undo_unlink(w: Writer, original: Event) -> Undone:
    """Make the removed link again, same uuid and maker (early desks did not record who)."""
    p = cast(LinkRemovePayload, original.payload)
    fields = p["link"]
    made = w.add_link(
        src_id=fields["src"],
        relation=fields["relation"],
        dst_item_id=fields["dst_item"],
        dst_entry_id=fields["dst_entry"],
        actor=p.get("created_by", original.actor),
        uuid=fields["uuid"],
    )
    if made is None:
        raise ConflictError("that link exists again already")
    w.bump_version(fields["src"])
    inverse: LinkUndone = {"link": fields}
    return Undone(inverse)
