"""`desk ingest`: files and stdin in, a progress bar and a summary out.

Rejected records go to stderr one per line (file, line or record, reason);
the summary counts new items, duplicates, links made and rejections.

The importers (lxml, feedparser, rich's progress bar) are imported when an
ingest runs, not when `desk` starts: they cost about 85 ms, which every
other command would pay for nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from db import Store
from desk.cli.common import actor_name, desk_options, json_option, open_store, story_for
from desk.text import safe_line

if TYPE_CHECKING:
    from desk.ingest.base import Source
    from desk.ingest.report import IngestReport

PROGRESS_MIN_BYTES = 2 * 1024 * 1024


def _sources(files: Iterable[str]) -> list[Source | IngestReport]:
    from desk.ingest.base import Source
    from desk.ingest.report import IngestReport

    out: list[Source | IngestReport] = []
    for name in files:
        if name == "-":
            out.append(Source("<stdin>", data=sys.stdin.buffer.read()))
            continue
        path = Path(name)
        if path.is_dir():
            out.append(IngestReport(source=name, error=f"{name}: is a directory; give files"))
        elif not path.is_file():
            out.append(IngestReport(source=name, error=f"{name}: no such file"))
        else:
            out.append(Source(name, path=path))
    return out


def summary_line(report: IngestReport) -> str:
    if report.error:
        if report.error.startswith(report.source):
            return safe_line(report.error)
        return f"{safe_line(report.source)}: {safe_line(report.error)}"
    verb = "would add" if report.dry_run else "added"
    # A dry run does not count links (they depend on what the real run stores
    # before them, pending links included): it says nothing rather than "0 links".
    links = "" if report.dry_run else f"{report.links} link{'s' if report.links != 1 else ''}, "
    line = (
        f"{safe_line(report.source)} ({report.format}): {verb} {report.new} new, "
        f"{report.duplicates} duplicate{'s' if report.duplicates != 1 else ''}, "
        f"{links}{len(report.rejected)} rejected"
    )
    if report.improved:
        line += f", {report.improved} improved"
    skipped = report.skipped_summary()
    if skipped:
        line += f", {safe_line(skipped)}"
    if report.new == 0 and report.duplicates and not report.rejected and not report.improved:
        line += " (nothing new: already in the desk)"
    return line


def run_ingest(
    store: Store,
    files: Iterable[str],
    *,
    actor: str,
    story_id: int | None,
    tags: Iterable[str],
    fmt: str | None,
    dry_run: bool,
    as_json: bool,
) -> bool:
    """Ingest every input; True when any input failed or had rejections."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    from desk.ingest.pipeline import ingest_source
    from desk.ingest.report import IngestInterrupted, IngestReport, saved

    console = Console(stderr=True)
    failed = False
    reports: list[IngestReport] = []
    for source in _sources(files):
        if isinstance(source, IngestReport):
            report = source
        else:
            show_bar = console.is_terminal and source.size() >= PROGRESS_MIN_BYTES
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TimeRemainingColumn(),
                console=console,
                disable=not show_bar,
                transient=True,
            ) as bar:
                # A file name is untrusted text, and rich reads markup in a description.
                task = bar.add_task(escape(safe_line(source.name)[-40:]), total=source.size())

                def progress(done: int, total: int, t: TaskID = task, bar: Progress = bar) -> None:
                    bar.update(t, completed=done, total=total)

                try:
                    report = ingest_source(
                        store,
                        source,
                        actor=actor,
                        fmt=fmt,
                        story_id=story_id,
                        tags=tuple(tags),
                        dry_run=dry_run,
                        progress=progress,
                    )
                except IngestInterrupted as stop:
                    done = "nothing was written (dry run)" if dry_run else saved(stop.report)
                    click.echo(
                        f"desk: interrupted: {safe_line(source.name)}: {done} before it "
                        "stopped; the same ingest again adds the rest",
                        err=True,
                    )
                    sys.exit(130)
        reports.append(report)
        for rejection in report.rejected:
            click.echo(f"rejected: {safe_line(str(rejection))}", err=True)
        if report.error or report.rejected:
            failed = True
        if not as_json:
            click.echo(summary_line(report), err=bool(report.error))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "source": r.source,
                        "format": r.format,
                        "sha256": r.sha256,
                        "new": r.new,
                        "duplicates": r.duplicates,
                        "improved": r.improved,
                        "links": None if r.dry_run else r.links,
                        "rejected": [str(x) for x in r.rejected],
                        "skipped": dict(r.skipped),
                        "error": r.error,
                        "item_ids": list(r.item_ids),
                    }
                    for r in reports
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    elif len(reports) > 1:
        total_new = sum(r.new for r in reports)
        total_dup = sum(r.duplicates for r in reports)
        total_rej = sum(len(r.rejected) for r in reports)
        errors = sum(1 for r in reports if r.error)
        total_better = sum(r.improved for r in reports)
        click.echo(
            f"total: {total_new} new, {total_dup} duplicates, "
            + (f"{total_better} improved, " if total_better else "")
            + ("" if reports[0].dry_run else f"{sum(r.links for r in reports)} links, ")
            + f"{total_rej} rejected, {errors} unreadable"
        )
    return failed


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--story", default=None, help="Story slug (created if new).")
@click.option("--tag", "tags", multiple=True, help="Tag every new item; repeatable.")
@click.option("--format", "fmt", default=None, help="Skip detection and read as this format.")
@click.option("--dry-run", is_flag=True, help="Parse and count, write nothing.")
@json_option
@desk_options
def ingest(
    files: tuple[str, ...],
    story: str | None,
    tags: tuple[str, ...],
    fmt: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Ingest files (or - for stdin): posts, feeds, exports, pages, pastes."""
    with open_store() as store:
        story_id = story_for(store, story)
        failed = run_ingest(
            store,
            files,
            actor=actor_name(),
            story_id=story_id,
            tags=tags,
            fmt=fmt,
            dry_run=dry_run,
            as_json=as_json,
        )
    if failed:
        sys.exit(1)


COMMANDS = (ingest,)
