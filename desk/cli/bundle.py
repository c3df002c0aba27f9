"""`desk bundle ITEM|STORY -o DIR` and `desk bundle --check DIR`: chain-of-custody bags.

See `desk.bundle` for what a bag holds. Making one only reads the desk;
checking one does not open a desk at all. Every line printed passes
`desk.text.safe_line`, since a bag (its bag-info, its file names) may come
from anyone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from desk.bundle import INFO_AT, INFO_BY, INFO_HEAD, INFO_HEAD_AT, check_bundle, make_bundle
from desk.cli.common import actor_name, desk_options, open_store
from desk.errors import BadInputError
from desk.text import safe_line


@click.command(name="bundle")
@click.argument("target", required=False, metavar="[ITEM|STORY]")
@click.option(
    "-o",
    "--output",
    "output",
    default=None,
    help="Write the bag to DIR (new or empty).",
    metavar="DIR",
)
@click.option(
    "--check",
    "check",
    default=None,
    help="Validate the bag in DIR and re-check its event slice.",
    metavar="DIR",
)
@desk_options
def bundle(target: str | None, output: str | None, check: str | None) -> None:
    """Pack an item (42 or #42) or a story (its slug) as a BagIt bag, or check one.

    The bag holds the raw captures, a JSON record of each item (fields, tags,
    links, verdict, notes, checklist), the events of the log that concern
    them, sha256 manifests, and bag-info naming the desk, its chain head,
    who made it and when.
    """
    if check is not None:
        if target is not None or output is not None:
            raise BadInputError("--check DIR takes no ITEM|STORY and no -o")
        _check(Path(check))
        return
    if target is None or output is None:
        raise BadInputError("give ITEM|STORY and -o DIR (or --check DIR)")
    actor = actor_name()
    with open_store() as store:
        summary = make_bundle(store, target, Path(output), actor=actor)
    for warning in summary.warnings:
        click.echo(f"desk: warning: {safe_line(warning)}", err=True)
    head = f"{summary.head.seq}:{safe_line(summary.head.hash)}"
    click.echo(
        f"wrote {safe_line(str(summary.path))}: {safe_line(summary.label)}, "
        f"{summary.items} items, {summary.raw} raw captures, {summary.events} events; "
        f"chain head {head}"
    )


def _check(path: Path) -> None:
    report = check_bundle(path)
    where = safe_line(str(path))
    if not report.ok:
        for problem in report.problems:
            click.echo(f"desk: bundle check failed: {safe_line(problem)}", err=True)
        sys.exit(1)
    info = report.info
    head = safe_line(info.get(INFO_HEAD, ""))
    click.echo(
        f"ok: {where}: the bag is valid ({report.files} payload files, every sha256 "
        f"recomputed) and its {report.events} events' hashes recompute"
    )
    click.echo(
        f"made by {safe_line(info.get(INFO_BY, '?'))} at {safe_line(info.get(INFO_AT, '?'))}"
        f" from a desk whose chain head was {head} ({safe_line(info.get(INFO_HEAD_AT, '?'))})"
    )
    click.echo(f"to check the desk still holds it: desk verify --head {head}")


COMMANDS = (bundle,)
