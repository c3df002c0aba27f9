"""Desk files from the shell: `init` and `demo`, and opening the TUI on a desk."""

from __future__ import annotations

import os
from pathlib import Path

import click

from db import Store
from desk import sharing
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
@click.option(
    "--group",
    "group",
    default=None,
    metavar="NAME",
    help="Set the desk, its -wal and -shm and its folder up so every member of this Unix "
    "group can write it (group owner, g+rw, setgid folder).",
)
@desk_options
def init(path: str | None, group: str | None) -> None:
    """Create a desk file (or bring an existing one up to date)."""
    target = Path(path) if path else desk_path()
    existed = target.exists()
    if group is None:
        Store(target, create=True, on_upgrade=upgrading).close()
        click.echo(f"{'desk up to date' if existed else 'new desk'}: {safe_line(str(target))}")
        return
    gid = sharing.prepare_folder(target, group)  # refuses, touching nothing, where it cannot work
    if not existed:
        # Made here, group-writable whatever the umask, before SQLite opens it: SQLite
        # gives the -wal and -shm it creates the desk file's mode.
        mode = sharing.new_file_mode()
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
        os.fchmod(fd, mode)
        os.close(fd)
    Store(target, create=True, on_upgrade=upgrading).close()
    sharing.share_files(target, group, gid)
    click.echo(f"{'desk up to date' if existed else 'new desk'}: {safe_line(str(target))}")
    click.echo(
        f"shared with group {safe_line(group)}: {safe_line(str(target.absolute().parent))} "
        "(setgid, g+rwx) and the desk file (g+rw); members write it as themselves"
    )


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
