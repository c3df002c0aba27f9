"""The `desk` command: every verb from the shell, and the TUI with no sub-command.

User mistakes (unknown item, bad relation, a file that is not a desk, a
desk from a newer `desk`) print one line on stderr and exit 1; click's own
usage errors exit 2. No traceback is shown for anything a user can cause.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from db import Store
from db.models import ItemQuery, PageKey
from desk import verbs
from desk.cli.render import dumps, event_line, item_text, row_line, safe
from desk.errors import USER_ERRORS, BadInputError
from desk.filter_expr import fts_query, parse_filter
from desk.identity import current_actor
from desk.paths import resolve_desk_path
from desk.vocab import DEFAULT_CHECKLIST, RELATIONS, normalise_verdict

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What the group options decided, shared with the sub-commands."""

    def __init__(self, desk: str | None, actor: str | None) -> None:
        self.desk = desk
        self.actor = actor


def _desk_options(func: F) -> F:
    """`--desk PATH` and `--actor NAME` on every sub-command as well as the group."""

    @click.option(
        "--desk",
        "desk_opt",
        type=click.Path(dir_okay=False),
        default=None,
        help="Desk file (default: $DESK_FILE, else the per-user desk).",
    )
    @click.option(
        "--actor",
        "actor_opt",
        default=None,
        help="Act as NAME (default: $DESK_USER or the OS user).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, desk_opt: str | None, actor_opt: str | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context().find_object(Context)
        if ctx is not None:
            ctx.desk = desk_opt or ctx.desk
            ctx.actor = actor_opt or ctx.actor
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _ctx() -> Context:
    ctx = click.get_current_context().find_object(Context)
    return ctx if ctx is not None else Context(None, None)


def _path() -> Path:
    return resolve_desk_path(_ctx().desk)


def _actor() -> str:
    return current_actor(_ctx().actor)


_OPENED: list[Path] = []


def _upgrading(path: Path, migrations: list[str]) -> None:
    """Say so before a schema upgrade, which takes a while on a big desk."""
    click.echo(
        f"upgrading {path} ({', '.join(migrations)}); a big desk takes a minute ...",
        err=True,
    )


def _open(create: bool = False) -> Store:
    path = _path()
    _OPENED.append(path)
    return Store(path, create=create, on_upgrade=_upgrading)


def _ids(values: tuple[str, ...] | list[str]) -> list[int]:
    out = []
    for value in values:
        for part in str(value).replace(",", " ").split():
            try:
                out.append(int(part.lstrip("#")))
            except ValueError:
                raise BadInputError(f"not an item id: {part!r}") from None
    return out


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
        _run_tui(_path(), _actor(), create=False)


def _run_tui(path: Path, actor: str, *, create: bool) -> None:
    from desk.settings import load_settings
    from desk.tui.app import make_app

    settings = load_settings(actor=actor)
    # Fail early, with one line, on a bad file; upgrade before the screen opens.
    Store(path, create=create, on_upgrade=_upgrading).close()
    make_app(path, settings).run()


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@_desk_options
def init(path: str | None) -> None:
    """Create a desk file (or bring an existing one up to date)."""
    target = Path(path) if path else _path()
    existed = target.exists()
    Store(target, create=True, on_upgrade=_upgrading).close()
    click.echo(f"{'desk up to date' if existed else 'new desk'}: {target}")


@cli.command()
@click.option("--text", required=True, help="The post or note, as typed or pasted.")
@click.option("--url", default=None)
@click.option("--author", default=None, help="Display name, or @handle.")
@click.option("--handle", default=None)
@click.option("--platform", default="manual")
@click.option("--story", default=None, help="Story slug.")
@click.option("--json", "as_json", is_flag=True)
@_desk_options
def add(
    text: str,
    url: str | None,
    author: str | None,
    handle: str | None,
    platform: str,
    story: str | None,
    as_json: bool,
) -> None:
    """Add an item typed in by hand."""
    if author and author.startswith("@") and not handle:
        handle, author = author, None
    with _open() as store:
        story_id = _story(store, story)
        item = verbs.add_item(
            store,
            _actor(),
            text=text,
            url=url,
            author=author,
            handle=handle,
            platform=platform,
            story_id=story_id,
        )
        click.echo(dumps(item) if as_json else f"item {item.id}")


def _story(store: Store, slug: str | None) -> int | None:
    if not slug:
        return None
    story = store.story_by_slug(slug)
    if story is None:
        return verbs.create_story(store, _actor(), slug, slug.replace("-", " ").title())
    return story.id


@cli.command(name="ls")
@click.option(
    "--filter",
    "-f",
    "expr",
    default="",
    help="tag:x triage:new platform:mastodon verdict:false from:@h since:2h words",
)
@click.option("--limit", "-n", default=50, show_default=True)
@click.option("--after", default=None, help="Continue after this item id (keyset paging).")
@click.option(
    "--order", type=click.Choice(["posted", "arrival"]), default="posted", show_default=True
)
@click.option("--all", "show_all", is_flag=True, help="Include discarded items.")
@click.option("--json", "as_json", is_flag=True)
@_desk_options
def ls(expr: str, limit: int, after: str | None, order: str, show_all: bool, as_json: bool) -> None:
    """List items, newest first."""
    with _open() as store:
        query = parse_filter(
            expr,
            story_lookup=lambda s: _story_id(store, s),
            base=ItemQuery(show_discarded=show_all),
        )
        key = None
        if after:
            anchor = store.item(_ids([after])[0])
            key = PageKey(sort_at=anchor.posted_at or anchor.ingested_at[:19] + "Z", id=anchor.id)
        rows = store.page(query, after=key, limit=limit, order=order)
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            click.echo(row_line(row, width=_width()))
        if not rows:
            click.echo("no items", err=True)


def _story_id(store: Store, slug: str) -> int | None:
    story = store.story_by_slug(slug)
    return story.id if story else None


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


@cli.command()
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--raw", is_flag=True, help="Write the item's raw bytes (the evidentiary copy) to stdout."
)
@_desk_options
def show(item_id: str, as_json: bool, raw: bool) -> None:
    """Show one item with its links, notes and checks."""
    with _open() as store:
        ident = _ids([item_id])[0]
        item = store.item(ident)
        if raw:
            if item.raw_sha256 is None:
                raise BadInputError(f"item {ident} has no raw bytes")
            sys.stdout.buffer.write(store.blob(item.raw_sha256))
            return
        links, notes = store.links_of(ident), store.notes_of(ident)
        steps = store.checklist(ident, DEFAULT_CHECKLIST)
        if as_json:
            click.echo(dumps({"item": item, "links": links, "notes": notes, "checklist": steps}))
        else:
            click.echo(item_text(item, links, notes, steps), nl=False)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", "-n", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@_desk_options
def search(query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over text and authors, newest first."""
    fts = fts_query(" ".join(query).split())
    if not fts:
        raise BadInputError("empty search")
    with _open() as store:
        ids = store.search_ids(fts, limit=limit)
        rows = (
            store.page(ItemQuery(ids=tuple(ids), show_discarded=True), limit=limit, order="arrival")
            if ids
            else []
        )
        if as_json:
            click.echo(dumps(rows))
            return
        for row in rows:
            click.echo(row_line(row, width=_width()))
        if not rows:
            click.echo("no match", err=True)


def _split_ids(args: tuple[str, ...]) -> tuple[list[int], list[str]]:
    ids: list[int] = []
    rest: list[str] = []
    for arg in args:
        if arg.lstrip("#").isdigit() and not rest:
            ids.append(int(arg.lstrip("#")))
        else:
            rest.append(arg)
    if not ids:
        raise BadInputError("give at least one item id")
    return ids, rest


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, type=click.UNPROCESSED)
@_desk_options
def tag(args: tuple[str, ...]) -> None:
    """Tag items: desk tag ID... +add -remove !toggle"""
    ids, ops = _split_ids(args)
    with _open() as store:
        changes = verbs.tag(store, _actor(), ids, ops)
        if not changes:
            click.echo("no change")
        for item_id, change in changes.items():
            parts = [f"+{t}" for t in change["added"]] + [f"-{t}" for t in change["removed"]]
            click.echo(f"item {item_id}: {' '.join(parts)}")


@cli.command()
@click.argument("args", nargs=-1, required=True)
@_desk_options
def triage(args: tuple[str, ...]) -> None:
    """Set triage: desk triage ID... kept|flagged|discarded|new"""
    ids, rest = _split_ids(args)
    if len(rest) != 1:
        raise BadInputError("give one triage state: kept, flagged, discarded or new")
    with _open() as store:
        changes = verbs.set_triage(store, _actor(), ids, rest[0].lower())
        for item_id in ids:
            click.echo(
                f"item {item_id}: {rest[0].lower()}"
                + ("" if item_id in changes else " (unchanged)")
            )


def _target(value: str) -> tuple[int | None, int | None]:
    """`12` is an item; `entry:3` or `e3` is a recap entry."""
    text = value.strip().lower()
    for prefix in ("entry:", "e"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return None, int(text[len(prefix) :])
    return _ids([value])[0], None


@cli.command()
@click.argument("src")
@click.argument("dst")
@click.option(
    "--as",
    "--relation",
    "relation",
    required=True,
    help="The relation: " + ", ".join(RELATIONS),
)
@_desk_options
def link(src: str, dst: str, relation: str) -> None:
    """Link item SRC to item DST (or to recap entry `entry:N`)."""
    dst_item, dst_entry = _target(dst)
    if dst_entry is not None and relation == "corroborates":
        relation = "source-for"
    with _open() as store:
        made = verbs.link(
            store,
            _actor(),
            _ids([src])[0],
            dst_item=dst_item,
            dst_entry=dst_entry,
            relation=relation,
        )
        click.echo(f"linked: {src} {relation} {dst}" if made else "already linked")


@cli.command()
@click.argument("src")
@click.argument("dst")
@click.option("--as", "--relation", "relation", default=None)
@_desk_options
def unlink(src: str, dst: str, relation: str | None) -> None:
    """Remove the link between SRC and DST."""
    dst_item, dst_entry = _target(dst)
    with _open() as store:
        gone = verbs.unlink(
            store,
            _actor(),
            _ids([src])[0],
            dst_item=dst_item,
            dst_entry=dst_entry,
            relation=relation,
        )
        click.echo(f"unlinked: {gone.src_id} {gone.relation} {dst}")


@cli.command()
@click.argument("item_id")
@click.argument("text", nargs=-1)
@_desk_options
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
    with _open() as store:
        made = verbs.annotate(store, _actor(), _ids([item_id])[0], body)
        click.echo(f"note {made.id} on item {made.item_id}")


@cli.command()
@click.argument("args", nargs=-1, required=True)
@click.option("--reason", default=None)
@_desk_options
def verdict(args: tuple[str, ...], reason: str | None) -> None:
    """Rate items: desk verdict ID... false --reason '...'"""
    ids, rest = _split_ids(args)
    if not rest:
        raise BadInputError(
            "give a verdict: unverified, in-progress, verified, false, misleading, unverifiable"
        )
    with _open() as store:
        value = normalise_verdict(" ".join(rest))
        verbs.set_verdict(store, _actor(), ids, value, reason)
        click.echo(f"{', '.join(map(str, ids))}: {value}")


@cli.command()
@click.argument("item_id")
@click.argument("pillar")
@click.argument("status")
@click.option("--note", default=None)
@click.option("--evidence", multiple=True, help="A URL or sha256 of a kept file; repeatable.")
@_desk_options
def check(
    item_id: str, pillar: str, status: str, note: str | None, evidence: tuple[str, ...]
) -> None:
    """Log a verification step: desk check ID provenance passed --note ..."""
    with _open() as store:
        verbs.log_check(
            store, _actor(), _ids([item_id])[0], pillar, status, note=note, evidence=evidence
        )
        click.echo(f"item {item_id}: {pillar} {status}")


@cli.command(name="log")
@click.option(
    "--since", "since", default=0, type=int, help="Only events after this sequence number."
)
@click.option("--limit", "-n", default=None, type=int)
@click.option("--json", "as_json", is_flag=True)
@_desk_options
def log_cmd(since: int, limit: int | None, as_json: bool) -> None:
    """The event log: who did what, when."""
    with _open() as store:
        events = store.events(since_seq=since, limit=limit)
        if as_json:
            click.echo(dumps(events))
            return
        for event in events:
            click.echo(event_line(event))


@cli.command()
@_desk_options
def undo() -> None:
    """Undo my last action (recorded as a new event; nothing is deleted)."""
    with _open() as store:
        result = verbs.undo(store, _actor())
        click.echo(f"undone: {result.undone.kind} (event {result.undone.seq})")
        for line in result.skipped:
            click.echo(f"left alone: {line}", err=True)


@cli.command()
@_desk_options
def verify() -> None:
    """Check the event hash chain and every stored raw hash."""
    with _open() as store:
        problem = store.verify()
        if problem is not None:
            click.echo(
                f"desk: verify failed: {problem.what}: {problem.where}: {problem.detail}", err=True
            )
            sys.exit(1)
        click.echo(f"ok: {store.last_seq()} events, chain and raw hashes intact")


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--story", default=None, help="Story slug (created if new).")
@click.option("--tag", "tags", multiple=True, help="Tag every new item; repeatable.")
@click.option("--format", "fmt", default=None, help="Skip detection and read as this format.")
@click.option("--dry-run", is_flag=True, help="Parse and count, write nothing.")
@click.option("--json", "as_json", is_flag=True)
@_desk_options
def ingest(
    files: tuple[str, ...],
    story: str | None,
    tags: tuple[str, ...],
    fmt: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Ingest files (or - for stdin): posts, feeds, exports, pages, pastes."""
    from desk.cli.ingest import run_ingest

    with _open() as store:
        story_id = _story(store, story)
        failed = run_ingest(
            store,
            files,
            actor=_actor(),
            story_id=story_id,
            tags=tags,
            fmt=fmt,
            dry_run=dry_run,
            as_json=as_json,
        )
    if failed:
        sys.exit(1)


@cli.command()
@click.option(
    "--path", "path", type=click.Path(dir_okay=False), default=None, help="Where to build it."
)
@click.option("--open", "open_app", is_flag=True, help="Open the TUI on it once built.")
@_desk_options
def demo(path: str | None, open_app: bool) -> None:
    """(Re)build the demo desk from the sample data shipped with desk; print its path."""
    from desk.demo.build import build_demo
    from desk.paths import demo_desk_path

    target = Path(path) if path else demo_desk_path()
    summary = build_demo(target)
    click.echo(str(target))
    click.echo(summary, err=True)
    if open_app:
        _run_tui(target, _actor(), create=False)


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
        click.echo(f"desk: {safe(str(exc))}", err=True)
        sys.exit(1)
    except sqlite3.DatabaseError as exc:
        where = f"{_OPENED[-1]}: " if _OPENED else ""
        click.echo(f"desk: {where}database error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("desk: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
