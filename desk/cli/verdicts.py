"""`desk verdicts`: the desk's verdicts in its settings; list, add, rename, remove.

The verdicts are the desk's, not one user's: every reporter and verifier on
the desk file sees the same words, letters and keys, and a change is an
event (`desk undo` reverses it; a merge or a replay applies it).
"""

from __future__ import annotations

from typing import Any

import click

from db import Store
from desk import verbs
from desk.cli.common import actor_name, desk_options, json_option, open_store
from desk.cli.render import dumps
from desk.text import safe_line
from desk.verdicts import VerdictDef, scheme_from
from desk.vocab import VERDICTS


def verdicts_json(store: Store) -> list[dict[str, Any]]:
    counts = store.counts().verdict
    return [
        {
            "name": v.name,
            "label": v.label,
            "letter": v.letter,
            "key": v.key,
            "like": v.meaning,
            "builtin": v.builtin,
            "items": counts.get(v.name, 0),
        }
        for v in scheme_from(store.verdicts()).verdicts
    ]


def verdicts_lines(store: Store) -> list[str]:
    lines = [f"letter key  {'label':<25} {'name (like)':<34} items"]
    for row in verdicts_json(store):
        like = row["name"] if row["builtin"] else f"{row['name']} (like {row['like']})"
        lines.append(
            f"  {safe_line(row['letter']):<4} {safe_line(row['key']):<4} "
            f"{safe_line(row['label']):<25} {safe_line(like):<34} {row['items']:>5}"
        )
    return lines


def _said(verdict: VerdictDef) -> str:
    return (
        f"{safe_line(verdict.label)!r}: letter {safe_line(verdict.letter)} in the list,"
        f" key {safe_line(verdict.key)} in the chooser (r)"
    )


@click.group(name="verdicts", invoke_without_command=True)
@json_option
@desk_options
@click.pass_context
def verdicts(ctx: click.Context, as_json: bool) -> None:
    """The desk's verdicts: labels, list letters, chooser keys, and which rules each follows.

    With no sub-command, lists them with how many items carry each.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store() as store:
        click.echo(dumps(verdicts_json(store)) if as_json else "\n".join(verdicts_lines(store)))


@verdicts.command(name="ls")
@json_option
@desk_options
def verdicts_ls(as_json: bool) -> None:
    """List the desk's verdicts (the same as `desk verdicts`)."""
    with open_store() as store:
        click.echo(dumps(verdicts_json(store)) if as_json else "\n".join(verdicts_lines(store)))


@verdicts.command(name="add")
@click.argument("name")
@click.option(
    "--like",
    required=True,
    help=f"The built-in verdict whose rules it follows: {', '.join(VERDICTS)}.",
)
@click.option("--label", default=None, help="What shows (default: the name).")
@click.option("--letter", default=None, help="Its one-character column in the list.")
@click.option("--key", default=None, help="The key that picks it in the chooser (r).")
@desk_options
def verdicts_add(
    name: str, like: str, label: str | None, letter: str | None, key: str | None
) -> None:
    """Add a verdict: `desk verdicts add satire --like misleading`.

    Its meaning decides what the desk does with it: a verdict like
    `verified` needs the checklist passed; one like `false` or `misleading`
    does not back a recap entry; the export rates it as its meaning.
    """
    with open_store() as store:
        added = verbs.add_verdict(
            store, actor_name(), name, like, label=label, letter=letter, key=key
        )
        click.echo(f"verdict added, like {added.meaning}: {_said(added)}")


@verdicts.command(name="rename")
@click.argument("verdict")
@click.argument("label", required=False)
@click.option("--letter", default=None, help="A new one-character column in the list.")
@click.option("--key", default=None, help="A new key in the chooser (r).")
@desk_options
def verdicts_rename(verdict: str, label: str | None, letter: str | None, key: str | None) -> None:
    """Give VERDICT a new LABEL (and/or --letter, --key); its stored name stays.

    `desk verdicts rename misleading "missing context"`: every screen and
    export says "missing context"; the log, filters written before and the
    rules go on as for `misleading`.
    """
    with open_store() as store:
        done = verbs.rename_verdict(store, actor_name(), verdict, label, letter=letter, key=key)
        click.echo(f"verdict {safe_line(done.name)!r} is now {_said(done)}")


@verdicts.command(name="remove")
@click.argument("verdict")
@desk_options
def verdicts_remove(verdict: str) -> None:
    """Drop a verdict the desk added, once no item carries it (the six built-in ones stay)."""
    with open_store() as store:
        done = verbs.remove_verdict(store, actor_name(), verdict)
        click.echo(f"verdict {safe_line(done.label)!r} removed (desk undo brings it back)")


COMMANDS = (verdicts,)
