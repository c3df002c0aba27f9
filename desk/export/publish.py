"""One entry point for every format: `publish(store, story, fmt, out)`.

The CLI (`desk export`), the TUI's export preview and the bench call this,
so a format is chosen, read and written the same way everywhere. Page
formats read the story once (`collect.collect`) and render it whole;
`csv` and `jsonl` stream the story's items page by page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO, get_args

from db import Store
from desk.errors import BadInputError
from desk.export import atom, html, jsonld, markdown, tabular
from desk.export.collect import Clock, chain_head, collect, find_story, iter_items, utc_now
from desk.text import safe_line

Format = Literal["md", "html", "liveblog", "claimreview", "atom", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = get_args(Format)
STREAMED: tuple[Format, ...] = ("csv", "jsonl")

SUFFIXES: dict[Format, str] = {
    "md": ".md",
    "html": ".html",
    "liveblog": ".jsonld",
    "claimreview": ".jsonld",
    "atom": ".atom",
    "csv": ".csv",
    "jsonl": ".jsonl",
}


NEW_FILE_MODE = 0o644
"""A new export is readable by others, as a page to publish is (mkstemp makes 0600)."""


@dataclass(frozen=True, slots=True)
class FileWritten:
    """What `publish_file` wrote: how many items (or quoted posts), how many bytes."""

    path: Path
    count: int
    size: int


@dataclass(frozen=True, slots=True)
class Options:
    """What a newsroom can set: who signs, where the page lives, its own HTML template."""

    publisher: str = "desk"
    page_url: str | None = None
    template: Path | None = None
    clock: Clock = utc_now


def publish(
    store: Store, story: str, fmt: Format, out: TextIO, options: Options = Options()
) -> int:
    """Write one story in one format to `out`; how many items were written."""
    options = options or Options()
    found = find_story(store, story)
    if fmt in STREAMED:
        head = chain_head(store)
        items = iter_items(store, found.id)
        if fmt == "csv":
            return tabular.write_csv(items, head, out)
        return tabular.write_jsonl(items, head, out)
    pub = collect(
        store, found, clock=options.clock, publisher=options.publisher, page_url=options.page_url
    )
    if fmt == "md":
        text = markdown.render(pub)
    elif fmt == "html":
        text = html.render(pub, options.template)
    elif fmt == "liveblog":
        text = jsonld.render_liveblog(pub)
    elif fmt == "claimreview":
        text = jsonld.render_claimreview(pub)
    else:
        text = atom.render(pub)
    out.write(text)
    return len(pub.items)


def publish_file(
    store: Store,
    story: str,
    fmt: Format,
    path: str,
    options: Options = Options(),
    *,
    desk_path: Path | None = None,
    wrap: Callable[[TextIO], TextIO] | None = None,
    before_replace: Callable[[], None] | None = None,
) -> FileWritten:
    """`publish` into the file `path`, as `desk export -o` and the TUI's preview write it.

    The export goes to a temporary file beside the target, renamed over it at
    the end: a reader never sees half a file, and a failed or cancelled write
    leaves the old file as it was. A new file is `NEW_FILE_MODE`, an old one
    keeps its mode. What stops a write (no such folder, a folder, no
    permission, the desk file itself) is a `BadInputError` of one line naming
    the path. `wrap` wraps the file `publish` writes through (the TUI's stops
    a cancelled write), `before_replace` may raise to keep the old file.
    """
    shown = safe_line(path)
    target = Path(path).expanduser()
    if target.is_dir():
        raise BadInputError(f"{shown} is a folder: name a file in it")
    folder = target.parent
    if not folder.is_dir():
        raise BadInputError(f"cannot write {shown}: there is no folder {safe_line(str(folder))}")
    if desk_path is not None and target.exists() and target.resolve() == desk_path.resolve():
        raise BadInputError(f"{shown} is the desk itself: choose another file")
    mode = target.stat().st_mode & 0o777 if target.is_file() else NEW_FILE_MODE
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise BadInputError(f"cannot write {shown}: {_reason(exc)}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            count = publish(store, story, fmt, wrap(out) if wrap else out, options)
        size = os.stat(tmp).st_size
        os.chmod(tmp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BadInputError(f"cannot write {shown}: {_reason(exc)}") from exc
        raise
    return FileWritten(target, count, size)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
