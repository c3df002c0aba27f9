"""Working offline from the shell: `checkout`, `merge`, `export-events`, `import-events`,
`conflicts`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from db import merge_rows
from desk import verbs
from desk.cli.common import actor_name, desk_options, json_option, open_store
from desk.errors import BadInputError
from desk.text import safe_line


@click.command()
@click.option("-o", "--output", "output", required=True, type=click.Path(), help="The copy.")
@click.option("--story", default=None, help="Record the story the copy is for (still whole).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@desk_options
def checkout(output: str, story: str | None, force: bool) -> None:
    """Copy the desk for working offline (SQLite's online backup: consistent while in use)."""
    from desk.merge.desks import checkout as do_checkout

    with open_store() as store:
        made = do_checkout(store, Path(output), story=story, force=force)
    story_note = f", story {made.story}" if made.story else ""
    click.echo(
        safe_line(
            f"checked out {made.path}: desk {made.desk}, from desk {made.origin} "
            f"at event {made.seq} ({made.hash[:12]}){story_note}"
        )
    )


@click.command()
@click.argument("other", type=click.Path(dir_okay=False))
@desk_options
def merge(other: str) -> None:
    """Apply another desk's events that this desk lacks (one transaction; idempotent)."""
    from desk.merge.desks import merge_desk

    path = Path(other)
    if not path.exists():
        raise BadInputError(f"{other}: no such file")
    with open_store() as store:
        result = merge_desk(store, path, actor_name())
    _report(other, result)


def _report(source: str, result: Any) -> None:
    if result.merge_seq is None:
        click.echo(safe_line(f"{source}: nothing new ({result.skipped} events already here)"))
        return
    line = (
        f"merged {result.applied} events from {source} as event {result.merge_seq}"
        f" ({result.skipped} already here)"
    )
    if result.conflicts:
        line += f"; {result.conflicts} new conflicts (see `desk conflicts`)"
    click.echo(safe_line(line))


@click.command("export-events")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--since", type=int, default=0, help="Only events after this local seq.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@desk_options
def export_events(output: str, since: int, force: bool) -> None:
    """Write the desk's events (with the blobs they need) to a JSON-lines file."""
    from desk.merge.files import export_events as do_export

    if since < 0:
        raise BadInputError(f"bad --since {since}: use a seq from 0")
    target = Path(output)
    if target.exists() and not force:
        raise BadInputError(f"{output}: the file exists (give --force to replace it)")
    with open_store() as store:
        n, blobs = do_export(store, target, since=since)
    click.echo(safe_line(f"wrote {n} events and {blobs} blobs to {output}"))


@click.command("import-events")
@click.argument("path", type=click.Path(dir_okay=False))
@desk_options
def import_events(path: str) -> None:
    """Merge the events of a file written by `desk export-events` (checked by hash first)."""
    from desk.merge.files import import_events as do_import

    file = Path(path)
    if not file.exists():
        raise BadInputError(f"{path}: no such file")
    with open_store() as store:
        result = do_import(store, file, actor_name())
    _report(path, result)


def _value(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if len(value) == 1 or value[1] is None else f"{value[0]} ({value[1]})"
    return "nothing" if value is None else repr(value) if not isinstance(value, str) else value


@click.group(invoke_without_command=True)
@click.option("--all", "show_all", is_flag=True, help="Resolved ones too.")
@json_option
@desk_options
@click.pass_context
def conflicts(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """The merge conflict queue: values changed on both sides, waiting for an editor."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store() as store, store.lock:
        rows = merge_rows.conflicts(store.conn, closed=show_all)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "thing": c.thing,
                        "field": c.field,
                        "candidates": list(c.candidates),
                        "resolved": c.closed_seq is not None,
                        "resolution": c.resolution,
                    }
                    for c in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    if not rows:
        click.echo("no conflicts")
        return
    for c in rows:
        state = f" [{c.resolution}]" if c.closed_seq is not None else ""
        sides = " | ".join(
            f"{_value(m['value'])} ({m['actor']}, {str(m['at'])[:19].replace('T', ' ')})"
            for m in c.candidates
        )
        click.echo(safe_line(f"#{c.id} {c.thing.replace(':', ' ')} {c.field}: {sides}{state}"))


@conflicts.command("resolve")
@click.argument("conflict_id", type=int)
@click.option("--take", "take", required=True, help="mine, theirs, or the value to keep.")
@desk_options
def resolve(conflict_id: int, take: str) -> None:
    """Settle a conflict (an event: `desk undo` reopens it)."""
    with open_store() as store:
        done = verbs.resolve_conflict(store, actor_name(), conflict_id, take)
    click.echo(
        safe_line(
            f"conflict #{done.conflict.id} resolved: {done.conflict.thing.replace(':', ' ')} "
            f"{done.conflict.field} = {_value(done.value)} (event {done.event.seq})"
        )
    )


COMMANDS = (checkout, merge, export_events, import_events, conflicts)
