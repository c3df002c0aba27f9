"""The event log from the shell: `log`, `undo`, `verify`."""

from __future__ import annotations

import sys

import click

from desk import verbs
from desk.cli.common import (
    actor_name,
    count,
    desk_options,
    json_option,
    limit_option,
    open_store,
)
from desk.cli.render import dumps, event_line
from desk.text import safe_line


@click.command(name="log")
@click.option(
    "--since", "since", default=0, type=int, help="Only events after this sequence number."
)
@limit_option(None)
@json_option
@desk_options
def log_cmd(since: int, limit: int | None, as_json: bool) -> None:
    """The event log: who did what, when."""
    count(since, "--since")
    count(limit, "--limit")
    with open_store() as store:
        events = store.events(since_seq=since, limit=limit)
        if as_json:
            click.echo(dumps(events))
            return
        for event in events:
            click.echo(event_line(event))


@click.command()
@desk_options
def undo() -> None:
    """Undo my last action (recorded as a new event; nothing is deleted)."""
    with open_store() as store:
        result = verbs.undo(store, actor_name())
        click.echo(f"undone: {safe_line(result.undone.kind)} (event {result.undone.seq})")
        for line in result.skipped:
            click.echo(f"left alone: {safe_line(line)}", err=True)


@click.command()
@desk_options
def verify() -> None:
    """Check the event hash chain and every stored raw hash."""
    with open_store() as store:
        problem = store.verify()
        if problem is not None:
            click.echo(
                "desk: verify failed: "
                + safe_line(f"{problem.what}: {problem.where}: {problem.detail}"),
                err=True,
            )
            sys.exit(1)
        click.echo(f"ok: {store.last_seq()} events, chain and raw hashes intact")


COMMANDS = (log_cmd, undo, verify)
