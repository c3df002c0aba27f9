"""Items from the shell: `add`, `ls`, `show`, `search`."""

from __future__ import annotations

import sys

import click

from db import Store
from db.errors import NotFoundError
from db.models import ItemQuery, PageKey
from desk import verbs
from desk.cli.common import (
    actor_name,
    count,
    desk_options,
    json_option,
    limit_option,
    open_store,
    parse_ids,
    story_for,
    story_id,
    width,
)
from desk.cli.render import dumps, item_text, row_line
from desk.errors import BadInputError
from desk.filter_expr import fts_query, parse_filter
from desk.vocab import DEFAULT_CHECKLIST


@click.command()
@click.option("--text", required=True, help="The post or note, as typed or pasted.")
@click.option("--url", default=None)
@click.option("--author", default=None, help="Display name, or @handle.")
@click.option("--handle", default=None)
@click.option("--platform", default="manual")
@click.option("--story", default=None, help="Story slug.")
@json_option
@desk_options
def add(
    text: str,
    url: str | None,
    author: str | None,
    handle: str | None,
    platform: str,
    story: str | None,
    as_json: bool,
) -> None:
    """Add an item typed in by hand."""
    if author and author.startswith("@") and not handle:
        handle, author = author, None
    with open_store() as store:
        story_ident = story_for(store, story)
        item = verbs.add_item(
            store,
            actor_name(),
            text=text,
            url=url,
            author=author,
            handle=handle,
            platform=platform,
            story_id=story_ident,
        )
        click.echo(dumps(item) if as_json else f"item {item.id}")


@click.command(name="ls")
@click.option(
    "--filter",
    "-f",
    "expr",
    default="",
    help="tag:x triage:new platform:mastodon verdict:false from:@h since:2h words",
)
@limit_option(50)
@click.option("--after", default=None, help="Continue after this item id (keyset paging).")
@click.option(
    "--order", type=click.Choice(["posted", "arrival"]), default="posted", show_default=True
)
@click.option("--all", "show_all", is_flag=True, help="Include discarded items.")
@json_option
@desk_options
def ls(expr: str, limit: int, after: str | None, order: str, show_all: bool, as_json: bool) -> None:
    """List items, newest first."""
    count(limit, "--limit")
    with open_store() as store:
        query = parse_filter(
            expr,
            story_lookup=lambda s: story_id(store, s),
            base=ItemQuery(show_discarded=show_all),
        )
        key = _page_key(store, parse_ids([after])[0]) if after else None
        rows = store.page(query, after=key, limit=limit, order=order)
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            click.echo(row_line(row, width=width()))
        if not rows:
            click.echo("no items", err=True)


def _page_key(store: Store, ident: int) -> PageKey:
    """Where `--after ID` continues: the item's list key, as the store itself keeps it.

    Read from the item's list row rather than worked out again here, so the
    CLI cannot drift from the writer's rule for `sort_at`.
    """
    rows = store.page(ItemQuery(ids=(ident,), show_discarded=True), limit=1)
    if not rows:
        raise NotFoundError(f"no item {ident}")
    return PageKey(sort_at=rows[0].sort_at, id=rows[0].id)


@click.command()
@click.argument("item_id")
@json_option
@click.option(
    "--raw", is_flag=True, help="Write the item's raw bytes (the evidentiary copy) to stdout."
)
@desk_options
def show(item_id: str, as_json: bool, raw: bool) -> None:
    """Show one item with its links, notes and checks."""
    with open_store() as store:
        ident = parse_ids([item_id])[0]
        item = store.item(ident)
        if raw:
            if item.raw_sha256 is None:
                raise BadInputError(f"item {ident} has no raw bytes")
            sys.stdout.buffer.write(store.blob(item.raw_sha256))
            return
        links, notes = store.links_of(ident), store.notes_of(ident)
        steps = store.checklist(ident, DEFAULT_CHECKLIST)
        if as_json:
            click.echo(dumps({"item": item, "links": links, "notes": notes, "checklist": steps}))
        else:
            click.echo(item_text(item, links, notes, steps), nl=False)


@click.command()
@click.argument("query", nargs=-1, required=True)
@limit_option(50)
@json_option
@desk_options
def search(query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over text and authors, newest first."""
    count(limit, "--limit")
    fts = fts_query(" ".join(query).split())
    if not fts:
        raise BadInputError("empty search")
    with open_store() as store:
        # `search_ids` gives the matches newest posted first (the list key);
        # the rows are read back in that same order, as the TUI's `/` shows
        # them. (They were read in arrival order: on a desk ingested out of
        # order the oldest posts came first.)
        ids = store.search_ids(fts, limit=limit)
        rows = (
            store.page(ItemQuery(ids=tuple(ids), show_discarded=True), limit=limit, order="posted")
            if ids
            else []
        )
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            click.echo(row_line(row, width=width()))
        if not rows:
            click.echo("no match", err=True)


COMMANDS = (add, ls, show, search)
