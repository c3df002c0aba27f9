"""The desk's work on items: `tag`, `triage`, `link`, `unlink`, `note`, `verdict`, `check`.

Each command is one verb (`desk.verbs`), so whatever the TUI does to an
item can be done, scripted and tested from here.
"""

from __future__ import annotations

import os
import sys

import click

from desk import verbs
from desk.cli.common import (
    actor_name,
    bounded_id,
    desk_options,
    open_store,
    parse_ids,
    split_ids,
)
from desk.errors import BadInputError
from desk.text import safe_line
from desk.verbs.checks import is_url
from desk.verdicts import scheme_from
from desk.vocab import RELATIONS


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED)
@desk_options
def tag(args: tuple[str, ...]) -> None:
    """Tag items: desk tag ID... +add -remove !toggle"""
    ids, ops = split_ids(args)
    with open_store() as store:
        changes = verbs.tag(store, actor_name(), ids, ops)
        if not changes:
            click.echo("no change")
        for item_id, change in changes.items():
            parts = [f"+{t}" for t in change["added"]] + [f"-{t}" for t in change["removed"]]
            click.echo(f"item {item_id}: {safe_line(' '.join(parts))}")


BASE_HELP = (
    "The value you last saw; refused, naming who changed it and when, if it is not the "
    "value now (without it the value read in the same write is the base: no change is lost "
    "between the read and the write, but one made since you looked is not detected)."
)


@click.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--base", default=None, metavar="STATE", help=BASE_HELP)
@desk_options
def triage(args: tuple[str, ...], base: str | None) -> None:
    """Set triage: desk triage ID... kept|flagged|discarded|new"""
    ids, rest = split_ids(args)
    if len(rest) != 1:
        raise BadInputError("give one triage state: kept, flagged, discarded or new")
    with open_store() as store:
        seen = None if base is None else dict.fromkeys(ids, base.strip().lower())
        changes = verbs.set_triage(store, actor_name(), ids, rest[0].lower(), seen=seen)
        for item_id in ids:
            click.echo(
                f"item {item_id}: {safe_line(rest[0].lower())}"
                + ("" if item_id in changes else " (unchanged)")
            )


def _target(value: str) -> tuple[int | None, int | None]:
    """`12` is an item; `entry:3` or `e3` is a recap entry."""
    text = value.strip().lower()
    for prefix in ("entry:", "e"):
        if text.startswith(prefix) and text[len(prefix) :].isdecimal():
            digits = text[len(prefix) :]
            return None, bounded_id(int(digits), value, "entry id")
    return parse_ids([value])[0], None


@click.command()
@click.argument("src")
@click.argument("dst")
@click.option(
    "--as",
    "--relation",
    "relation",
    required=True,
    help="The relation: " + ", ".join(RELATIONS),
)
@desk_options
def link(src: str, dst: str, relation: str) -> None:
    """Link item SRC to item DST (or to recap entry `entry:N`)."""
    dst_item, dst_entry = _target(dst)
    with open_store() as store:
        result = verbs.link(
            store,
            actor_name(),
            parse_ids([src])[0],
            dst_item=dst_item,
            dst_entry=dst_entry,
            relation=relation,
        )
        for warning in result.warnings:
            click.echo(f"desk: warning: {safe_line(warning)}", err=True)
        click.echo(
            safe_line(f"linked: {src} {relation} {dst}") if result.link else "already linked"
        )


@click.command()
@click.argument("src")
@click.argument("dst")
@click.option("--as", "--relation", "relation", default=None)
@desk_options
def unlink(src: str, dst: str, relation: str | None) -> None:
    """Remove the link between SRC and DST."""
    dst_item, dst_entry = _target(dst)
    with open_store() as store:
        gone = verbs.unlink(
            store,
            actor_name(),
            parse_ids([src])[0],
            dst_item=dst_item,
            dst_entry=dst_entry,
            relation=relation,
        )
        click.echo(safe_line(f"unlinked: {gone.src_id} {gone.relation} {dst}"))


@click.command()
@click.argument("item_id")
@click.argument("text", nargs=-1)
@desk_options
def note(item_id: str, text: tuple[str, ...]) -> None:
    """Annotate an item; with no TEXT, opens $EDITOR (or reads a pipe)."""
    body = " ".join(text)
    if not body:
        if not sys.stdin.isatty():
            body = sys.stdin.read()
        else:
            edited = click.edit("\n# Write the note above. Lines starting with # are dropped.\n")
            body = "\n".join(
                line for line in (edited or "").splitlines() if not line.startswith("#")
            )
        if not body.strip():
            raise BadInputError("empty note, nothing saved")
    with open_store() as store:
        made = verbs.annotate(store, actor_name(), parse_ids([item_id])[0], body)
        click.echo(f"note {made.id} on item {made.item_id}")


@click.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--reason", default=None)
@click.option(
    "--override",
    default=None,
    help="Set verified although required steps are open; the reason is recorded.",
)
@click.option("--base", default=None, metavar="VERDICT", help=BASE_HELP)
@desk_options
def verdict(
    args: tuple[str, ...], reason: str | None, override: str | None, base: str | None
) -> None:
    """Rate items: desk verdict ID... false --reason '...'

    `verified` needs every required checklist step passed or n/a; otherwise
    it is refused with the open steps, unless --override "reason" is given.
    """
    ids, rest = split_ids(args)
    if not rest:
        raise BadInputError(
            "give a verdict: unverified, in-progress, verified, false, misleading, unverifiable"
            " or one of the desk's own (desk verdicts)"
        )
    with open_store() as store:
        scheme = scheme_from(store.verdicts())
        value = scheme.resolve(" ".join(rest))
        seen = None if base is None else dict.fromkeys(ids, scheme.resolve(base))
        verbs.set_verdict(store, actor_name(), ids, value, reason, override=override, seen=seen)
        gated = scheme.meaning(value) == "verified"
        suffix = " (override recorded)" if override is not None and gated else ""
        click.echo(f"{', '.join(map(str, ids))}: {safe_line(scheme.label(value))}{suffix}")


def split_evidence(values: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """`--evidence` values as `(URLs, file paths)`: a path that exists is a file, `http(s)://`
    a URL; anything else is refused, naming it (a mistyped path must not become text)."""
    urls: list[str] = []
    files: list[str] = []
    for value in values:
        if is_url(value):
            urls.append(value)
        elif os.path.lexists(value):
            files.append(value)
        else:
            raise BadInputError(
                f"--evidence {safe_line(value)[:200]!r}: no such file, and not an http(s):// URL"
                " (put a note in --note)"
            )
    return urls, files


@click.command()
@click.argument("item_id")
@click.argument("step")
@click.argument("status")
@click.option("--note", default=None)
@click.option(
    "--evidence",
    multiple=True,
    help="A file to keep (by sha256) or an http(s):// URL; repeatable.",
)
@desk_options
def check(
    item_id: str, step: str, status: str, note: str | None, evidence: tuple[str, ...]
) -> None:
    """Log a verification step: desk check ID provenance passed --note ... --evidence PATH|URL"""
    urls, files = split_evidence(evidence)
    with open_store() as store:
        ident = parse_ids([item_id])[0]
        event = verbs.log_check(
            store, actor_name(), ident, step, status, note=note, evidence=urls, files=files
        )
        after = event.payload["after"]["status"]
        added = len(event.payload.get("evidence", []))
        moved = " (verdict: in progress)" if "verdict" in event.payload else ""
        more = f", {added} evidence added" if added else ""
        click.echo(safe_line(f"item {ident}: {event.payload['pillar']} {after}{more}{moved}"))


COMMANDS = (tag, triage, link, unlink, note, verdict, check)
