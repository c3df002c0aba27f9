"""The event log from the shell: `log`, `undo`, `verify`."""

from __future__ import annotations

import sys

import click

from db.integrity import check_head
from db.slices import event_count, snapshot
from desk import verbs
from desk.bundle import parse_head
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
@click.option(
    "--head",
    "heads",
    multiple=True,
    metavar="SEQ:HASH",
    help="Also check that the chain still holds this event with this hash, as an export "
    "or a bundle names the head (repeatable).",
)
@desk_options
def verify(heads: tuple[str, ...]) -> None:
    """Check the event hash chain and every stored raw hash (captures and evidence files).

    With --head SEQ:HASH (a head recorded outside the desk: an export, a
    bundle's bag-info, a note), also check that the chain still holds it:
    this catches events deleted from the end with the head set back, and a
    chain rewritten with every hash recomputed, which the chain alone cannot.
    """
    wanted = [parse_head(text) for text in heads]
    with open_store() as store, snapshot(store.conn, store.lock):
        problem = store.verify()
        head_problems = [p for p in (check_head(store.conn, s, h) for s, h in wanted) if p]
        events = event_count(store.conn)
    if problem is not None:
        click.echo(
            "desk: verify failed: "
            + safe_line(f"{problem.what}: {problem.where}: {problem.detail}"),
            err=True,
        )
    for head in head_problems:
        click.echo(f"desk: verify failed: {safe_line(head.detail)}", err=True)
    if problem is not None or head_problems:
        sys.exit(1)
    click.echo(f"ok: {events} events, chain and raw hashes intact")
    for seq, digest in wanted:
        click.echo(f"ok: the chain holds event {seq} with hash {digest}")


COMMANDS = (log_cmd, undo, verify)
