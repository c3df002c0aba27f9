"""Desk files from the shell: `init` and `demo`, and opening the TUI on a desk."""

from __future__ import annotations

from pathlib import Path

import click

from db import Store
from desk.cli.common import context, desk_options, desk_path, upgrading
from desk.settings import load_settings
from desk.text import safe, safe_line


def run_tui(path: Path, actor: str | None, *, create: bool) -> None:
    """Open the terminal UI on `path`, after the file check and any upgrade.

    `actor` is what `--as` said (None: not given); `load_settings` applies
    the rest of the rule (`$DESK_USER`, config `actor`, the OS user), so the
    header and every event the TUI writes name the same person as the CLI.
    """
    from desk.tui.app import make_app

    settings = load_settings(actor=actor)
    # Fail early, with one line, on a bad file; upgrade before the screen opens.
    Store(path, create=create, on_upgrade=upgrading).close()
    make_app(path, settings).run()


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@desk_options
def init(path: str | None) -> None:
    """Create a desk file (or bring an existing one up to date)."""
    target = Path(path) if path else desk_path()
    existed = target.exists()
    Store(target, create=True, on_upgrade=upgrading).close()
    click.echo(f"{'desk up to date' if existed else 'new desk'}: {safe_line(str(target))}")


@click.command()
@click.option(
    "--path", "path", type=click.Path(dir_okay=False), default=None, help="Where to build it."
)
@click.option("--open", "open_app", is_flag=True, help="Open the TUI on it once built.")
@desk_options
def demo(path: str | None, open_app: bool) -> None:
    """(Re)build the demo desk from the sample data shipped with desk; print its path."""
    from desk.demo.build import build_demo
    from desk.paths import demo_desk_path

    target = Path(path) if path else demo_desk_path()
    summary = build_demo(target)
    click.echo(safe_line(str(target)))
    click.echo(safe(summary), err=True)
    if open_app:
        run_tui(target, context().actor, create=False)


COMMANDS = (init, demo)
