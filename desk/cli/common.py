"""What every `desk` sub-command shares: the group's context, the shared options, opening the desk.

The options every command takes (`--desk`, `--actor`) and the output
options several take (`--json`, `--limit`) are defined here once, so a
command cannot drift from the others in spelling or help text.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from db import Store
from db.order import MAX_ID
from desk import verbs
from desk.errors import BadInputError
from desk.paths import resolve_desk_path
from desk.settings import load_settings
from desk.text import safe_line

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What the group options decided, shared with the sub-commands.

    `actor` is what `--as`/`--actor` said (None when neither was given);
    who that makes the user is decided once, by `actor_name`.
    """

    def __init__(self, desk: str | None, actor: str | None) -> None:
        self.desk = desk
        self.actor = actor
        self.resolved_actor: str | None = None


def desk_options(func: F) -> F:
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
        help="Act as NAME (default: $DESK_USER, then config `actor`, then the OS user).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, desk_opt: str | None, actor_opt: str | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context().find_object(Context)
        if ctx is not None:
            ctx.desk = desk_opt or ctx.desk
            ctx.actor = actor_opt if actor_opt is not None else ctx.actor
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
"""`--json`: the machine-readable form of a command's output."""


def limit_option(default: int | None, *, show_default: bool = True) -> Callable[[F], F]:
    """`--limit N` / `-n N`: how many rows a listing prints."""
    return click.option(
        "--limit",
        "-n",
        default=default,
        type=int,
        show_default=show_default and default is not None,
    )


def context() -> Context:
    ctx = click.get_current_context().find_object(Context)
    return ctx if ctx is not None else Context(None, None)


def desk_path() -> Path:
    return resolve_desk_path(context().desk)


def actor_name() -> str:
    """Who this command acts as, by the rule the TUI follows too (`desk.identity`).

    The config file is read for its `actor`, so `actor = "carol"` means the
    same at the shell as in the TUI. A bad `--as` or `$DESK_USER` is a user
    error (one line, exit 1); a bad config `actor` is ignored with a warning,
    as the TUI ignores it with a notification.
    """
    ctx = context()
    if ctx.resolved_actor is None:
        settings = load_settings(actor=ctx.actor)
        for problem in settings.problems:
            if "`actor`" in problem:
                click.echo(f"desk: warning: {safe_line(problem)}", err=True)
        ctx.resolved_actor = settings.actor
    return ctx.resolved_actor


OPENED: list[Path] = []
"""Every desk file opened by this command, so a database error can name the file."""


def upgrading(path: Path, migrations: list[str]) -> None:
    """Say so before a schema upgrade, which takes a while on a big desk."""
    click.echo(
        f"upgrading {safe_line(str(path))} ({safe_line(', '.join(migrations))});"
        " a big desk takes a minute ...",
        err=True,
    )


def open_store(create: bool = False) -> Store:
    path = desk_path()
    OPENED.append(path)
    return Store(path, create=create, on_upgrade=upgrading)


MAX_COUNT = (1 << 63) - 1
"""The largest count or sequence number SQLite can compare (a signed 64-bit integer)."""


def bounded_id(ident: int, text: str, what: str = "item id") -> int:
    """An id as typed, or a one-line error when no id can be that large.

    Ids stop below 2**31 (`db.order.MAX_ID`); a larger number would reach
    SQLite as an integer it cannot hold and end in a traceback.
    """
    if ident > MAX_ID:
        raise BadInputError(f"not an {what}: {safe_line(text)!r} is larger than any {what}")
    return ident


def parse_ids(values: tuple[str, ...] | list[str]) -> list[int]:
    """`12`, `#12`, `12,13` -> ids; anything else is a one-line error naming it."""
    out = []
    for value in values:
        for part in str(value).replace(",", " ").split():
            try:
                ident = int(part.lstrip("#"))
            except ValueError:
                raise BadInputError(f"not an item id: {part!r}") from None
            out.append(bounded_id(ident, part))
    return out


def count(value: int | None, option: str) -> int | None:
    """A `--limit` or `--since` as typed, or a one-line error when SQLite could not take it.

    A negative LIMIT means "no limit" to SQLite, and a number past 2**63
    overflows it: both are a person's typo, not a request.
    """
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise BadInputError(f"bad {option} {value}: use a whole number from 0 to {MAX_COUNT}")
    return value


def split_ids(args: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """`12 13 kept` -> ([12, 13], ["kept"]): the leading ids, then the rest."""
    ids: list[int] = []
    rest: list[str] = []
    for arg in args:
        if arg.lstrip("#").isdecimal() and not rest:
            ids.append(bounded_id(int(arg.lstrip("#")), arg))
        else:
            rest.append(arg)
    if not ids:
        raise BadInputError("give at least one item id")
    return ids, rest


def story_for(store: Store, slug: str | None) -> int | None:
    """The story a slug names, created (titled from the slug) when new."""
    if not slug:
        return None
    story = store.story_by_slug(slug)
    if story is None:
        return verbs.create_story(store, actor_name(), slug, slug.replace("-", " ").title())
    return story.id


def story_id(store: Store, slug: str) -> int | None:
    """The story a slug names, or None: a filter's `story:` never creates one."""
    story = store.story_by_slug(slug)
    return story.id if story else None


def width() -> int:
    return shutil.get_terminal_size((120, 24)).columns
