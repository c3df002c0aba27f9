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
from desk.replay import ReplayReport, replay
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
@click.option(
    "--replay",
    "do_replay",
    is_flag=True,
    help="Also rebuild the state from the event log into a scratch desk and name every row "
    "that differs from this desk (an edit behind the log, an event deleted from its end).",
)
@desk_options
def verify(heads: tuple[str, ...], do_replay: bool) -> None:
    """Check the event hash chain and every stored raw hash (captures and evidence files).

    With --head SEQ:HASH (a head recorded outside the desk: an export, a
    bundle's bag-info, a note), also check that the chain still holds it:
    this catches events deleted from the end with the head set back, and a
    chain rewritten with every hash recomputed, which the chain alone cannot.

    With --replay, also apply the log in order into a scratch desk and
    compare the state tables row by row: one line per difference.
    """
    wanted = [parse_head(text) for text in heads]
    report: ReplayReport | None = None
    with open_store() as store, snapshot(store.conn, store.lock):
        problem = store.verify()
        head_problems = [p for p in (check_head(store.conn, s, h) for s, h in wanted) if p]
        events = event_count(store.conn)
        if do_replay:
            report = replay(store.conn)
    if problem is not None:
        click.echo(
            "desk: verify failed: "
            + safe_line(f"{problem.what}: {problem.where}: {problem.detail}"),
            err=True,
        )
    for head in head_problems:
        click.echo(f"desk: verify failed: {safe_line(head.detail)}", err=True)
    if report is not None:
        for notice in report.notices():
            click.echo(f"desk: replay: {notice}", err=True)
        for diff in report.differences:
            click.echo(f"desk: verify failed: {diff.line()}", err=True)
        if report.more_differences:
            click.echo(
                f"desk: verify failed: and {report.more_differences} more differences", err=True
            )
    replay_failed = report is not None and not report.ok
    if problem is not None or head_problems or replay_failed:
        sys.exit(1)
    click.echo(f"ok: {events} events, chain and raw hashes intact")
    for seq, digest in wanted:
        click.echo(f"ok: the chain holds event {seq} with hash {digest}")
    if report is not None:
        click.echo(f"ok: replayed {report.events} events: the state matches the log")


COMMANDS = (log_cmd, undo, verify)
