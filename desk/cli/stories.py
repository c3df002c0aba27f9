"""Stories and their recap from the shell: `desk story ...` and `desk recap ...`.

Each command is one verb (`desk.verbs`), as the recap pane's keys are, so
the recap can be written, scripted and tested without the TUI. Listings
print the recap in the order a page shows it, each entry's date with the
interval and EDTF it was read as, its confidence and its sources with
their live verdicts, and say plainly what would make publishing it a
mistake: no source, only unverified / false / misleading / discarded
sources, or a date the desk could not read.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from db import Store
from db.models import RecapEntry, Story
from desk import verbs
from desk.cli.common import actor_name, bounded_id, desk_options, json_option, open_store
from desk.cli.render import dumps
from desk.errors import BadInputError
from desk.export.common import UNPUBLISHABLE_VERDICTS
from desk.text import safe, safe_line, truncate
from desk.verbs.stories import find_story
from desk.vocab import CONFIDENCES, RECAP_SECTIONS, normalise_slug

SECTION_HELP = ", ".join(RECAP_SECTIONS)


def entry_id(text: str) -> int:
    """`12`, `#12`, `e12` or `entry:12` -> 12; anything else is a one-line error naming it."""
    value = text.strip().lower()
    for prefix in ("entry:", "#", "e"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    if not value.isdecimal():
        raise BadInputError(f"not a recap entry id: {safe_line(text)!r}")
    return bounded_id(int(value), text, "entry id")


def _body(value: str | None) -> str | None:
    """`--body -` reads the body from stdin (a pipe or a here-document)."""
    if value == "-":
        return sys.stdin.read()
    return value


def interval(entry: RecapEntry) -> str:
    """`2020-09-01..2020-11-30`, `2025-12-01..` (open end), or why there is none."""
    if not entry.date_text:
        return "no date"
    if not entry.readable:
        return "unreadable date"
    start = safe_line(entry.date_start) if entry.date_start else ""
    end = safe_line(entry.date_end) if entry.date_end else ""
    if start and start == end:
        return start
    return f"{start}..{end}"


def problems(entry: RecapEntry) -> list[str]:
    """What would make publishing this entry a mistake (empty: ready)."""
    out: list[str] = []
    backing = [
        s
        for s in entry.sources
        if s.triage != "discarded" and s.verdict not in UNPUBLISHABLE_VERDICTS
    ]
    if not entry.sources:
        out.append("not ready to publish: no source")
    elif not backing:
        out.append(
            "not ready to publish: every source is unverified, false, misleading or discarded"
        )
    if entry.date_text and not entry.readable:
        out.append("unreadable date: kept as written, not placed in time (sorted last)")
    return out


def entry_json(entry: RecapEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "uuid": entry.uuid,
        "section": entry.section,
        "date_text": entry.date_text,
        "date_start": entry.date_start,
        "date_end": entry.date_end,
        "date_precision": entry.date_precision,
        "date_edtf": entry.date_edtf,
        "readable": entry.readable,
        "headline": entry.headline,
        "body": entry.body,
        "confidence": entry.confidence,
        "pinned": entry.pinned,
        "position": entry.position if entry.pinned else None,
        "version": entry.version,
        "updated_by": entry.updated_by,
        "updated_at": entry.updated_at,
        "sources": entry.sources,
        "ready": not any(p.startswith("not ready") for p in problems(entry)),
        "problems": problems(entry),
    }


def entry_lines(entry: RecapEntry, width: int = 100) -> list[str]:
    """One entry as `desk recap ls` prints it: a head line, then indented details."""
    date = safe_line(entry.date_text) if entry.date_text else "-"
    when = interval(entry)
    if entry.readable and entry.date_edtf:
        when += f", EDTF {safe_line(entry.date_edtf)}"
    pin = f"  pinned at {entry.position + 1}" if entry.pinned else ""
    lines = [
        f"  e{entry.id:<5} {truncate(date, 40)}  [{when}]  {safe_line(entry.confidence)}"
        f"  v{entry.version}{pin}",
        f"         {truncate(safe_line(entry.headline), width)}",
    ]
    if entry.body:
        first = safe(entry.body).splitlines()[0] if safe(entry.body).strip() else ""
        if first:
            lines.append(f"         {truncate(safe_line(first), width)}")
    if entry.sources:
        lines.append(
            "         sources: "
            + ", ".join(
                f"#{s.item_id} {safe_line(s.verdict)}"
                + (" (discarded)" if s.triage == "discarded" else "")
                for s in entry.sources
            )
        )
    lines += [f"         ! {p}" for p in problems(entry)]
    return lines


def recap_text(store: Store, story: Story) -> list[str]:
    entries = store.recap(story.id)
    lines = [
        f"{safe_line(story.title)} ({safe_line(story.slug)}), reference date"
        f" {safe_line(story.reference_date)}, {len(entries)} entries"
    ]
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            lines += ["", safe_line(section).upper()]
        lines += entry_lines(entry)
    if not entries:
        lines.append("the recap is empty")
    return lines


def _said(entry: RecapEntry) -> str:
    """What the desk made of an entry's date, for the line after add and edit."""
    if not entry.date_text:
        return "no date"
    if not entry.readable:
        return f"date {safe_line(entry.date_text)!r} could not be read: kept as written"
    return f"{safe_line(entry.date_text)} = {interval(entry)} (EDTF {safe_line(entry.date_edtf)})"


# -- story ---------------------------------------------------------------------------------


@click.group()
def story() -> None:
    """Stories: what the desk covers, and the day their recap dates are read against."""


@story.command(name="new")
@click.argument("slug")
@click.option("--title", required=True, help="The story's title, as a page heads it.")
@click.option(
    "--date", "reference_date", default=None, help="Reference date YYYY-MM-DD (default: today)."
)
@json_option
@desk_options
def story_new(slug: str, title: str, reference_date: str | None, as_json: bool) -> None:
    """Make a story: desk story new orvena-dam --title "Orvena dam breach" """
    with open_store() as store:
        clean = normalise_slug(slug)
        if store.story_by_slug(clean) is not None:
            raise BadInputError(f"story {clean!r} exists already (desk story edit changes it)")
        made = store.story(verbs.create_story(store, actor_name(), clean, title, reference_date))
        if as_json:
            click.echo(dumps(made))
        else:
            click.echo(
                f"story {safe_line(made.slug)}: {safe_line(made.title)}"
                f" (reference date {safe_line(made.reference_date)})"
            )


@story.command(name="ls")
@json_option
@desk_options
def story_ls(as_json: bool) -> None:
    """List the desk's stories, oldest first."""
    with open_store() as store:
        stories = store.stories()
        if as_json:
            click.echo(dumps(stories))
            return
        for s in stories:
            entries = len(store.recap(s.id))
            click.echo(
                f"{truncate(safe_line(s.slug), 32):<32}  {safe_line(s.reference_date):<10}  "
                f"{store.counts(s.id).total:>6} items  {entries:>3} entries  "
                f"{truncate(safe_line(s.title), 60)}"
            )
        if not stories:
            click.echo("no stories", err=True)


@story.command(name="show")
@click.argument("slug")
@json_option
@desk_options
def story_show(slug: str, as_json: bool) -> None:
    """Show a story and its recap."""
    with open_store() as store:
        found = find_story(store, slug)
        if as_json:
            click.echo(
                dumps(
                    {
                        "story": found,
                        "items": store.counts(found.id).total,
                        "recap": [entry_json(e) for e in store.recap(found.id)],
                    }
                )
            )
            return
        click.echo(
            f"created {safe_line(found.created_at[:10])}, {store.counts(found.id).total} items"
        )
        click.echo("\n".join(recap_text(store, found)))


@story.command(name="edit")
@click.argument("slug")
@click.option("--title", default=None, help="A new title.")
@click.option(
    "--date",
    "reference_date",
    default=None,
    help="A new reference date YYYY-MM-DD (the recap's relative dates are read again).",
)
@desk_options
def story_edit(slug: str, title: str | None, reference_date: str | None) -> None:
    """Retitle a story or change its reference date."""
    with open_store() as store:
        before = find_story(store, slug)
        dated = {e.id: (e.date_start, e.date_end) for e in store.recap(before.id)}
        after = verbs.edit_story(
            store, actor_name(), slug, title=title, reference_date=reference_date
        )
        moved = [e for e in store.recap(after.id) if dated.get(e.id) != (e.date_start, e.date_end)]
        click.echo(
            f"story {safe_line(after.slug)}: {safe_line(after.title)}"
            f" (reference date {safe_line(after.reference_date)})"
        )
        for entry in moved:
            click.echo(f"  e{entry.id} re-read: {_said(entry)}")


# -- recap ---------------------------------------------------------------------------------


@click.group()
def recap() -> None:
    """A story's recap: entries by section, placed by their dates."""


@recap.command(name="add")
@click.option("--story", "story_slug", required=True, help="The story's slug.")
@click.option("--section", default="timeline", show_default=True, help=SECTION_HELP)
@click.option("--date", "date_text", default=None, help='The date as written: "since December".')
@click.option("--headline", required=True)
@click.option("--body", default=None, help="Markdown; '-' reads it from stdin.")
@click.option("--confidence", default="reported", show_default=True, help=", ".join(CONFIDENCES))
@json_option
@desk_options
def recap_add(
    story_slug: str,
    section: str,
    date_text: str | None,
    headline: str,
    body: str | None,
    confidence: str,
    as_json: bool,
) -> None:
    """Add a recap entry; its date is read against the story's reference date."""
    with open_store() as store:
        found = find_story(store, story_slug)
        made = verbs.add_recap_entry(
            store,
            actor_name(),
            found.id,
            section=section,
            headline=headline,
            body=_body(body) or "",
            date_text=date_text,
            confidence=confidence,
        )
        entry = store.recap_entry(made)
        if as_json:
            click.echo(dumps(entry_json(entry)))
        else:
            click.echo(f"entry {entry.id} in {safe_line(entry.section)}: {_said(entry)}")


@recap.command(name="edit")
@click.argument("ident")
@click.option("--date", "date_text", default=None, help="A new date as written ('' clears it).")
@click.option("--headline", default=None)
@click.option("--body", default=None, help="Markdown; '-' reads it from stdin.")
@click.option("--confidence", default=None, help=", ".join(CONFIDENCES))
@click.option(
    "--base-version",
    type=int,
    default=None,
    help="The version you edited from (refused if someone changed it since; default: current).",
)
@json_option
@desk_options
def recap_edit(
    ident: str,
    date_text: str | None,
    headline: str | None,
    body: str | None,
    confidence: str | None,
    base_version: int | None,
    as_json: bool,
) -> None:
    """Change an entry's date, headline, body or confidence."""
    fields: dict[str, str | None] = {}
    if date_text is not None:
        fields["date_text"] = date_text
    if headline is not None:
        fields["headline"] = headline
    if body is not None:
        fields["body"] = _body(body)
    if confidence is not None:
        fields["confidence"] = confidence
    if not fields:
        raise BadInputError("nothing to change: give --date, --headline, --body or --confidence")
    with open_store() as store:
        number = entry_id(ident)
        base = base_version if base_version is not None else store.recap_entry(number).version
        entry = verbs.edit_recap_entry(store, actor_name(), number, base, **fields)
        if as_json:
            click.echo(dumps(entry_json(entry)))
        else:
            click.echo(f"entry {entry.id} (version {entry.version}): {_said(entry)}")


@recap.command(name="rm")
@click.argument("ident")
@desk_options
def recap_rm(ident: str) -> None:
    """Delete an entry from the recap (`desk undo` brings it back)."""
    with open_store() as store:
        entry = verbs.delete_recap_entry(store, actor_name(), entry_id(ident))
        click.echo(f"entry {entry.id} deleted: {safe_line(entry.headline)} (desk undo restores it)")


@recap.command(name="move")
@click.argument("ident")
@click.option("--up", "direction", flag_value="up", default=None, help="One place up.")
@click.option("--down", "direction", flag_value="down", help="One place down.")
@click.option("--section", default=None, help="To the end of another section: " + SECTION_HELP)
@desk_options
def recap_move(ident: str, direction: str | None, section: str | None) -> None:
    """Move an entry by hand; it is pinned there (desk recap unpin returns it to date order)."""
    if (direction is None) == (section is None):
        raise BadInputError("give one of --up, --down or --section SECTION")
    with open_store() as store:
        entry = verbs.move_recap_entry(
            store, actor_name(), entry_id(ident), direction, to_section=section
        )
        click.echo(
            f"entry {entry.id}: {safe_line(entry.section)}, place {entry.position + 1}, pinned"
        )


@recap.command(name="unpin")
@click.argument("ident")
@desk_options
def recap_unpin(ident: str) -> None:
    """Give a hand-moved entry back to date order."""
    with open_store() as store:
        entry = verbs.unpin_recap_entry(store, actor_name(), entry_id(ident))
        click.echo(f"entry {entry.id}: back in date order in {safe_line(entry.section)}")


@recap.command(name="ls")
@click.option("--story", "story_slug", required=True, help="The story's slug.")
@json_option
@desk_options
def recap_ls(story_slug: str, as_json: bool) -> None:
    """Print the recap in order: dates with their intervals, sources, what is not ready."""
    with open_store() as store:
        found = find_story(store, story_slug)
        if as_json:
            click.echo(
                dumps({"story": found, "recap": [entry_json(e) for e in store.recap(found.id)]})
            )
            return
        click.echo("\n".join(recap_text(store, found)))


COMMANDS = (story, recap)
