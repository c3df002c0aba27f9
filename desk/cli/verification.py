"""`desk template`, `desk checklist`, `desk evidence`, `desk queue`: the verifier's commands.

`desk check` and `desk verdict` (in `work.py`) log a step and set the
verdict; these read and manage what they work on: the templates a desk
knows, an item's checklist with its evidence and history, the evidence
files kept by hash, and the queue of kept items with required steps open.
Every text that reaches the terminal goes through `desk.text.safe_line` /
`safe`; evidence bytes are written to a file, never to a terminal.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from db.errors import NotFoundError
from desk import verbs
from desk.checklist_view import ChecklistView, read_checklist, template_named, template_names
from desk.cli.common import actor_name, desk_options, json_option, open_store, parse_ids
from desk.cli.render import dumps
from desk.errors import BadInputError
from desk.identity import who
from desk.text import safe, safe_line, truncate

_SHA = re.compile(r"^[0-9a-f]{64}$")


@click.group()
def template() -> None:
    """Checklist templates: desk template ls | add FILE | use NAME --story SLUG."""


@template.command(name="ls")
@json_option
@desk_options
def template_ls(as_json: bool) -> None:
    """The templates this desk knows: the built-ins, then the desk's own."""
    with open_store() as store:
        rows = []
        for name in template_names(store):
            found = template_named(store, name)
            rows.append(
                {
                    "name": found.name,
                    "title": found.title,
                    "source": found.source if found.source == "built-in" else "desk",
                    "steps": [
                        {"id": s.id, "title": s.title, "required": s.required} for s in found.steps
                    ],
                }
            )
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            steps = row["steps"]
            assert isinstance(steps, list)
            required = [s["id"] for s in steps if s["required"]]
            optional = [s["id"] for s in steps if not s["required"]]
            click.echo(
                safe_line(
                    f"{row['name']}  ({row['source']}) {row['title']}: {len(steps)} steps,"
                    f" {len(required)} required"
                )
            )
            click.echo("    " + safe_line(f"required: {', '.join(required) or '-'}"))
            if optional:
                click.echo("    " + safe_line(f"optional: {', '.join(optional)}"))


@template.command(name="add")
@click.argument("file", type=click.Path(dir_okay=True))
@desk_options
def template_add(file: str) -> None:
    """Add a template from a TOML file (see desk/data/checklists/example.toml)."""
    with open_store() as store:
        added = verbs.add_template(store, actor_name(), file)
        required = sum(1 for s in added.steps if s.required)
        click.echo(
            safe_line(
                f"template {added.name}: {added.title} ({len(added.steps)} steps,"
                f" {required} required)"
            )
        )


@template.command(name="use")
@click.argument("name")
@click.option("--story", "slug", required=True, help="The story whose items follow it.")
@desk_options
def template_use(name: str, slug: str) -> None:
    """Make a story's items follow a template (an item switched on its own keeps its own)."""
    with open_store() as store:
        chosen = verbs.set_story_template(store, actor_name(), slug, name)
        click.echo(safe_line(f"story {slug}: template {chosen.name}"))


def _when(at: str | None) -> str:
    return (at or "")[:19].replace("T", " ")


def checklist_text(view: ChecklistView) -> list[str]:
    """`desk checklist ID`: every step, its state, note, evidence and history, then the tally."""
    lines = [
        safe_line(f"item {view.item_id}: {view.template_title} ({view.template})"),
        safe_line(view.summary),
    ]
    if view.missing_for_verified:
        lines.append(safe_line(f"verified needs: {', '.join(view.missing_for_verified)}"))
    else:
        lines.append("verified: every required step passed or n/a")
    for step in view.steps:
        flags = "" if step.required else (" (extra)" if step.extra else " (optional)")
        lines.append("")
        lines.append(safe_line(f"[{step.state}] {step.id}: {step.title}{flags}"))
        if step.updated_by:
            lines.append("    " + safe_line(f"by {step.updated_by} at {_when(step.updated_at)}"))
        if step.note:
            for line in safe(step.note).splitlines():
                lines.append(f"    note: {line}")
        for ev in step.evidence:
            if ev.kind == "file":
                lines.append(
                    "    "
                    + safe_line(
                        f"file: {ev.value} ({ev.media_type}, {ev.size} bytes)"
                        f" sha256 {ev.sha256}, {ev.added_by} at {_when(ev.added_at)}"
                    )
                )
            else:
                lines.append(
                    "    "
                    + safe_line(f"{ev.kind}: {ev.value}  ({ev.added_by} at {_when(ev.added_at)})")
                )
        for change in step.history:
            extra = f", +{change.evidence_added} evidence" if change.evidence_added else ""
            note = f": {change.note}" if change.note else ""
            lines.append(
                "    "
                + safe_line(
                    f"{_when(change.at)} {who(change.actor, change.os_user)}: "
                    f"{change.before} -> {change.after}{extra}{note}"
                )
            )
    return lines


@click.command()
@click.argument("item_id")
@click.option("--template", "name", default=None, help="Switch the item to this template first.")
@json_option
@desk_options
def checklist(item_id: str, name: str | None, as_json: bool) -> None:
    """An item's checklist: steps, states, notes, evidence, history and the tally."""
    with open_store() as store:
        ident = parse_ids([item_id])[0]
        if not store.item_exists(ident):
            raise BadInputError(f"unknown item {ident}")
        if name is not None:
            verbs.set_item_template(store, actor_name(), ident, name)
        view = read_checklist(store, ident)
        if as_json:
            click.echo(dumps(view))
            return
        click.echo("\n".join(checklist_text(view)))


@click.group()
def evidence() -> None:
    """Evidence files kept by sha256: desk evidence add ID STEP PATH | get SHA -o FILE."""


@evidence.command(name="add")
@click.argument("item_id")
@click.argument("step")
@click.argument("path", type=click.Path(dir_okay=True))
@desk_options
def evidence_add(item_id: str, step: str, path: str) -> None:
    """Keep a file (screenshot, video, archived page) as evidence for a step."""
    with open_store() as store:
        ident = parse_ids([item_id])[0]
        kept = verbs.add_evidence(store, actor_name(), ident, step, path)
        click.echo(
            safe_line(
                f"item {ident} {step}: {kept.value} kept ({kept.size} bytes,"
                f" {kept.media_type}) sha256 {kept.sha256}"
            )
        )


@evidence.command(name="get")
@click.argument("sha")
@click.option("-o", "--output", required=True, help="The file to write ('-': stdout, not a tty).")
@desk_options
def evidence_get(sha: str, output: str) -> None:
    """Write an evidence file's bytes, exactly as kept, to FILE (never to a terminal)."""
    digest = sha.strip().lower()
    if not _SHA.match(digest):
        raise BadInputError(f"bad sha256 {safe_line(sha)[:70]!r}: give the 64 hex digits")
    with open_store() as store:
        if not store.evidence_by_sha(digest):
            raise BadInputError(f"no evidence file with sha256 {digest}")
        if store.blob_size(digest) is None:
            raise NotFoundError(f"evidence {digest}: its bytes are missing (run desk verify)")
        if output == "-":
            if sys.stdout.isatty():
                raise BadInputError(
                    "evidence bytes are not written to a terminal; use -o FILE or a pipe"
                )
            for chunk in store.blob_chunks(digest):
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            return
        target = Path(output)
        desk = store.path.resolve()
        if target.resolve() in (desk, desk.with_name(desk.name + "-wal")):
            raise BadInputError(f"{safe_line(output)}: that is the desk file; choose another")
        if target.is_dir():
            raise BadInputError(f"{safe_line(output)}: a directory; give a file name")
        written = 0
        try:
            with open(target, "wb") as fh:
                for chunk in store.blob_chunks(digest):
                    fh.write(chunk)
                    written += len(chunk)
        except OSError as exc:
            raise BadInputError(
                f"{safe_line(output)}: cannot write ({safe_line(exc.strerror or str(exc))})"
            ) from None
        click.echo(f"{written} bytes written to {safe_line(output)}", err=True)


@click.command()
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@json_option
@desk_options
def queue(limit: int, as_json: bool) -> None:
    """Needs verification: kept items with required steps open, oldest first."""
    with open_store() as store:
        rows = store.queue(limit=limit)
        total = store.queue_count()
        if as_json:
            click.echo(dumps({"count": total, "items": rows}))
            return
        click.echo(f"{total} items need verification (oldest first)")
        for row in rows:
            view = read_checklist(store, row.id)
            click.echo(
                safe_line(
                    f"{row.id:>7}  {row.sort_at[:16].replace('T', ' ')}  {row.verdict:<12}"
                    f"  {view.summary}  |  {truncate(row.line, 60)}"
                )
            )


COMMANDS = (template, checklist, evidence, queue)
