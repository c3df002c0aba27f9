"""Items from the shell: `add`, `ls`, `show`, `search`."""

from __future__ import annotations

import sys
from pathlib import Path

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
from desk.text import safe_line
from desk.verdicts import scheme_from
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
            verdicts=scheme_from(store.verdicts()),
        )
        key = _page_key(store, parse_ids([after])[0]) if after else None
        rows = store.page(query, after=key, limit=limit, order=order)
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            click.echo(row_line(row, width=width(), verdicts=scheme_from(store.verdicts())))
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
    "--raw",
    is_flag=True,
    help="Write the item's raw bytes (the evidentiary copy) to a pipe, or to FILE with -o.",
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="With --raw: write the bytes to FILE ('-': stdout) instead.",
)
@desk_options
def show(item_id: str, as_json: bool, raw: bool, output: str | None) -> None:
    """Show one item with its links, notes and checks."""
    if output is not None and not raw:
        raise BadInputError("-o FILE writes the raw bytes: give it with --raw")
    if raw and as_json:
        raise BadInputError("--raw writes the bytes as they came: give --raw or --json, not both")
    with open_store() as store:
        ident = parse_ids([item_id])[0]
        item = store.item(ident)
        if raw:
            if item.raw_sha256 is None:
                raise BadInputError(f"item {ident} has no raw bytes")
            if output is not None and output != "-":
                _not_the_desk(Path(output), store.path)
            _write_raw(ident, store.blob(item.raw_sha256), output)
            return
        links, notes = store.links_of(ident), store.notes_of(ident)
        steps = store.checklist(ident, DEFAULT_CHECKLIST)
        copies = store.copies_of(ident)
        if as_json:
            click.echo(
                dumps(
                    {
                        "item": item,
                        "links": links,
                        "notes": notes,
                        "checklist": steps,
                        "copies": copies,
                    }
                )
            )
        else:
            click.echo(
                item_text(item, links, notes, steps, scheme_from(store.verdicts()), copies),
                nl=False,
            )


def _not_the_desk(target: Path, desk: Path) -> None:
    """`-o` must not overwrite the desk file (or its WAL) it is reading from."""
    desk = desk.resolve()
    if target.resolve() in (desk, desk.with_name(desk.name + "-wal")):
        raise BadInputError(f"{safe_line(str(target))}: that is the desk file; choose another")


def _write_raw(ident: int, data: bytes, output: str | None) -> None:
    """The evidentiary bytes, exactly as they came, but never onto a terminal.

    Raw bytes are the one thing the desk prints without `desk.text` safety
    (a copy must be exact to be evidence), so they carry whatever escape
    sequences the post held: written to a terminal they retitle the window,
    clear the screen or write the clipboard. A pipe or a file is fine.
    """
    if output is not None and output != "-":
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise BadInputError(
                f"{safe_line(output)}: cannot write ({safe_line(exc.strerror)})"
            ) from None
        click.echo(f"item {ident}: {len(data)} raw bytes written to {safe_line(output)}", err=True)
        return
    if sys.stdout.isatty():
        raise BadInputError(
            f"item {ident}: raw bytes are not written to a terminal (they may hold escape"
            " sequences); use -o FILE or a pipe"
        )
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


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
            click.echo(row_line(row, width=width(), verdicts=scheme_from(store.verdicts())))
        if not rows:
            click.echo("no match", err=True)


COMMANDS = (add, ls, show, search)
