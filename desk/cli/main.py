"""The `desk` command: every verb from the shell, and the TUI with no sub-command.

The commands live by group (`items`, `work`, `history`, `desks`,
`ingest`); this module holds the group, its options and the entry point.

User mistakes (unknown item, bad relation, a file that is not a desk, a
desk from a newer `desk`) print one line on stderr and exit 1; click's own
usage errors exit 2. No traceback is shown for anything a user can cause.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from desk.cli import (
    bundle,
    desks,
    export,
    history,
    ingest,
    items,
    offline,
    stories,
    verdicts,
    verification,
    work,
)
from desk.cli.common import OPENED, Context, desk_path
from desk.errors import USER_ERRORS
from desk.text import safe_line


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--desk",
    type=click.Path(dir_okay=False),
    default=None,
    help="Desk file (default: $DESK_FILE, else the per-user desk).",
)
@click.option("--as", "--actor", "actor", default=None, help="Act as NAME in the event log.")
@click.version_option(package_name="desk")
@click.pass_context
def cli(ctx: click.Context, desk: str | None, actor: str | None) -> None:
    """desk: a terminal newsroom desk over one shared SQLite file.

    With no command, opens the desk in the terminal UI.
    """
    ctx.obj = Context(desk, actor)
    if ctx.invoked_subcommand is None:
        desks.run_tui(desk_path(), actor, create=False)


for _group in (
    desks,
    items,
    work,
    history,
    ingest,
    export,
    stories,
    bundle,
    verification,
    verdicts,
    offline,
):
    for _command in _group.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn user errors into one line on stderr."""
    try:
        cli.main(args=argv, prog_name="desk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("desk: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except USER_ERRORS as exc:
        click.echo(f"desk: {safe_line(str(exc))}", err=True)
        sys.exit(1)
    except OverflowError as exc:
        # The commands bound every number a user types; this is the net for
        # one that slips past them, which SQLite cannot hold.
        click.echo(f"desk: a number given is too large ({safe_line(str(exc))})", err=True)
        sys.exit(1)
    except sqlite3.DatabaseError as exc:
        where = f"{OPENED[-1]}: " if OPENED else ""
        click.echo(f"desk: {safe_line(where)}database error: {safe_line(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("desk: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
