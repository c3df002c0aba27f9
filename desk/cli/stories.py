"""Stories and their recap from the shell: `desk story ...` and `desk recap ...`.

Each command is one verb (`desk.verbs`), as the recap pane's keys are, so
the recap can be written, scripted and tested without the TUI. Listings
print the recap in the order a page shows it, each entry's date with the
interval and EDTF it was read as, its confidence and its sources with
their live verdicts, and say plainly what would make publishing it a
mistake: no source, only unverified / false / misleading / discarded
sources, or a date the desk could not read. Every section of the desk's
template is listed, empty ones too (`desk recap sections` edits the
template), and `desk recap show` prints one entry whole, with its notes.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from db import Store
from db.models import Note, RecapEntry, Story
from desk import verbs
from desk.cli.common import actor_name, bounded_id, desk_options, json_option, open_store
from desk.cli.render import dumps
from desk.errors import BadInputError
from desk.sourcing import interval, problems
from desk.text import safe, safe_line, truncate
from desk.verbs.stories import find_story
from desk.verdicts import VerdictScheme, scheme_from
from desk.vocab import CONFIDENCES, normalise_slug, section_title

SECTION_HELP = "one of the desk's sections (desk recap sections lists them)"


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


def note_json(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "uuid": note.uuid,
        "author": note.author,
        "created_at": note.created_at,
        "text": note.text,
    }


def note_lines(note: Note, indent: str = "         ") -> list[str]:
    """A note as `desk recap show` prints it: who and when, then its text, indented."""
    head = f"{indent}{safe_line(note.created_at[:16].replace('T', ' '))} {safe_line(note.author)}:"
    text = [line.rstrip() for line in safe(note.text).splitlines()] or [""]
    return [f"{head} {text[0]}", *(f"{indent}  {line}" for line in text[1:])]


def entry_json(entry: RecapEntry, scheme: VerdictScheme) -> dict[str, Any]:
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
        "notes": [note_json(n) for n in entry.notes],
        "ready": not any(p.startswith("not ready") for p in problems(entry, scheme)),
        "problems": problems(entry, scheme),
    }


def entry_lines(entry: RecapEntry, scheme: VerdictScheme, width: int = 100) -> list[str]:
    """One entry as `desk recap ls` prints it: a head line, then indented details."""
    date = safe_line(entry.date_text) if entry.date_text else "-"
    when = interval(entry)
    if entry.readable and entry.date_edtf:
        when += f", EDTF {safe_line(entry.date_edtf)}"
    pin = f"  pinned at {entry.position + 1}" if entry.pinned else ""
    count = len(entry.notes)
    notes = f"  {count} note{'' if count == 1 else 's'}" if count else ""
    lines = [
        f"  e{entry.id:<5} {truncate(date, 40)}  [{when}]  {safe_line(entry.confidence)}"
        f"  v{entry.version}{pin}{notes}",
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
                f"#{s.item_id} {safe_line(scheme.label(s.verdict))}"
                + (" (discarded)" if s.triage == "discarded" else "")
                for s in entry.sources
            )
        )
    lines += [f"         ! {p}" for p in problems(entry, scheme)]
    return lines


def recap_text(store: Store, story: Story) -> list[str]:
    """The recap by section: every section of the desk's template (empty ones say so), in its
    order, then any other section entries are filed under."""
    entries = store.recap(story.id)
    lines = [
        f"{safe_line(story.title)} ({safe_line(story.slug)}), reference date"
        f" {safe_line(story.reference_date)}, {len(entries)} entries"
    ]
    template = store.recap_sections()
    names = list(template) + [
        s for s in dict.fromkeys(e.section for e in entries) if s not in template
    ]
    scheme = scheme_from(store.verdicts())
    for name in names:
        mine = [e for e in entries if e.section == name]
        lines += ["", safe_line(name).upper()]
        if not mine:
            lines.append("  (empty)")
        for entry in mine:
            lines += entry_lines(entry, scheme)
    if not entries:
        lines += ["", "the recap is empty"]
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
                        "recap": [
                            entry_json(e, scheme_from(store.verdicts()))
                            for e in store.recap(found.id)
                        ],
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
@click.option("--template", default=None, help="The checklist template its items follow.")
@desk_options
def story_edit(
    slug: str, title: str | None, reference_date: str | None, template: str | None
) -> None:
    """Retitle a story, change its reference date or pick its checklist template."""
    with open_store() as store:
        if template is not None:
            chosen = verbs.set_story_template(store, actor_name(), slug, template)
            click.echo(safe_line(f"story {slug}: template {chosen.name}"))
            if title is None and reference_date is None:
                return
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
@click.option(
    "--section", default="timeline", show_default=True, help=SECTION_HELP.capitalize() + "."
)
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
            click.echo(dumps(entry_json(entry, scheme_from(store.verdicts()))))
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
            click.echo(dumps(entry_json(entry, scheme_from(store.verdicts()))))
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
@click.option("--section", default=None, help=f"To the end of another section, {SECTION_HELP}.")
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
                dumps(
                    {
                        "story": found,
                        "recap": [
                            entry_json(e, scheme_from(store.verdicts()))
                            for e in store.recap(found.id)
                        ],
                    }
                )
            )
            return
        click.echo("\n".join(recap_text(store, found)))


def show_lines(store: Store, entry: RecapEntry) -> list[str]:
    """`desk recap show`: one entry in full, every field made safe."""
    story_of = store.story(entry.story_id)
    scheme = scheme_from(store.verdicts())
    when = "no date"
    if entry.date_text:
        when = f"{safe_line(entry.date_text)} = {interval(entry)}"
        if entry.readable:
            when += (
                f" (EDTF {safe_line(entry.date_edtf)}, precision {safe_line(entry.date_precision)})"
            )
    pin = f", pinned at {entry.position + 1}" if entry.pinned else ""
    lines = [
        f"entry {entry.id} in {safe_line(entry.section)} of {safe_line(story_of.slug)}"
        f" (version {entry.version}{pin})",
        f"  headline:   {safe_line(entry.headline)}",
        f"  date:       {when}",
        f"  confidence: {safe_line(entry.confidence)}",
        f"  changed:    {safe_line((entry.updated_at or entry.created_at)[:16].replace('T', ' '))}"
        + (f" by {safe_line(entry.updated_by)}" if entry.updated_by else ""),
    ]
    if entry.deleted_at:
        lines.append(
            f"  deleted:    {safe_line(entry.deleted_at[:16].replace('T', ' '))} (desk undo)"
        )
    if entry.body:
        lines.append("  body:")
        lines += [f"    {line.rstrip()}" for line in safe(entry.body).splitlines()]
    lines.append(f"  sources:    {len(entry.sources) or 'none'}")
    for s in entry.sources:
        who = safe_line(f"@{s.author_handle.lstrip('@')}" if s.author_handle else s.author_name)
        lines.append(
            f"    #{s.item_id} {safe_line(scheme.label(s.verdict))}"
            + (" (discarded)" if s.triage == "discarded" else "")
            + f"  {safe_line(s.platform)}"
            + (f" {truncate(who, 40)}" if who else "")
            + (f"  {truncate(safe_line(s.url), 80)}" if s.url else "")
        )
    lines.append(f"  notes:      {len(entry.notes) or 'none'}")
    for note in entry.notes:
        lines += note_lines(note, "    ")
    lines += [f"  ! {p}" for p in problems(entry, scheme)]
    return lines


@recap.command(name="show")
@click.argument("ident")
@json_option
@desk_options
def recap_show(ident: str, as_json: bool) -> None:
    """Show one entry: date and its reading, confidence, sources with verdicts, notes."""
    with open_store() as store:
        entry = store.recap_entry(entry_id(ident))
        if as_json:
            data = entry_json(entry, scheme_from(store.verdicts()))
            data["story"] = store.story(entry.story_id).slug
            data["deleted_at"] = entry.deleted_at
            click.echo(dumps(data))
            return
        click.echo("\n".join(show_lines(store, entry)))


@recap.command(name="note")
@click.argument("ident")
@click.argument("text")
@json_option
@desk_options
def recap_note(ident: str, text: str, as_json: bool) -> None:
    """Add a note to an entry ('-' reads the text from stdin); `desk undo` retracts it."""
    with open_store() as store:
        number = entry_id(ident)
        note = verbs.annotate(store, actor_name(), None, _body(text) or "", entry_id=number)
        if as_json:
            click.echo(dumps(note_json(note)))
        else:
            count = len(store.entry_notes(number))
            click.echo(
                f"note on entry {number} ({count} note{'' if count == 1 else 's'} now):"
                f" {truncate(safe_line(note.text), 80)}"
            )


# -- the desk's sections -------------------------------------------------------------------


def sections_json(store: Store) -> list[dict[str, Any]]:
    counts = store.recap_section_counts()
    return [
        {
            "position": i + 1,
            "name": name,
            "title": section_title(name),
            "entries": counts.get(name, 0),
        }
        for i, name in enumerate(store.recap_sections())
    ]


def sections_lines(store: Store) -> list[str]:
    lines = []
    for row in sections_json(store):
        n = row["entries"]
        lines.append(
            f"{row['position']:>3}  {safe_line(row['name']):<40}  {n:>4} live entr"
            + ("y" if n == 1 else "ies")
        )
    return lines


@recap.group(name="sections", invoke_without_command=True)
@json_option
@desk_options
@click.pass_context
def recap_sections(ctx: click.Context, as_json: bool) -> None:
    """The desk's recap template: its sections in order (every story's recap uses them).

    With no sub-command, lists them with how many live entries each holds.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store() as store:
        if as_json:
            click.echo(dumps(sections_json(store)))
        else:
            click.echo("\n".join(sections_lines(store)))


@recap_sections.command(name="set")
@click.argument("names", nargs=-1, required=True)
@json_option
@desk_options
def recap_sections_set(names: tuple[str, ...], as_json: bool) -> None:
    """Make NAMES the sections, in that order (a section with entries cannot be dropped)."""
    with open_store() as store:
        before = store.recap_sections()
        after = verbs.set_recap_sections(store, actor_name(), list(names))
        if as_json:
            click.echo(dumps(sections_json(store)))
            return
        if after == before:
            click.echo("the sections are unchanged", err=True)
        click.echo("\n".join(sections_lines(store)))


@recap_sections.command(name="rename")
@click.argument("old")
@click.argument("new")
@json_option
@desk_options
def recap_sections_rename(old: str, new: str, as_json: bool) -> None:
    """Rename section OLD to NEW in place; its entries, in every story, go with it."""
    with open_store() as store:
        done = verbs.rename_recap_section(store, actor_name(), old, new)
        if as_json:
            click.echo(dumps({"sections": sections_json(store), "entries": done.entries}))
            return
        n = len(done.entries)
        click.echo(
            f"section renamed; {n} entr{'y' if n == 1 else 'ies'} filed under the new name"
            " (desk undo renames it back)"
        )
        click.echo("\n".join(sections_lines(store)))


COMMANDS = (story, recap)
