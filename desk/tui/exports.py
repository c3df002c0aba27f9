"""The palette's "Story: export…": the export preview's reads and its file.

`open_export(main)` opens `widgets.export_preview.ExportPreview` on the
desk's current story with two blocking callables, which the screen runs in
its own thread workers (the `Store` is shared by threads under its lock, as
`loads.py` uses it):

- `preview`: the first part of a format, through `desk.export.publish`, the
  function `desk export` calls. A page format (md, html, liveblog,
  claimreview, atom) is rendered whole, which the export bounds (the recap
  and the newest 2,000 kept posts), and its first lines are shown;
  `PAGE_LINES` of the Markdown page, cut at a block's end, since the
  `Markdown` widget mounts a widget a block. A stream (csv, jsonl) is read
  only until `STREAM_LINES` lines are out: the writer stops `publish` there,
  so a million-item story previews in the time of one keyset page.
- `write_file`: the whole export, rendered again at the moment of writing
  (so the file is what `desk export -o FILE` would write then), into a
  temporary file beside the target that is renamed over it at the end, as
  the CLI does: a reader never sees half a file and a failed or cancelled
  write leaves the old file. What stops a write (no such folder, no
  permission, the desk file itself) is said in one line that names the
  path; the screen shows it and keeps the path as typed.

The export time is the screen's clock (the app's), so a test's fixed clock
makes the file byte-equal to `desk export` run with the same clock.
"""

from __future__ import annotations

import io
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from textual.worker import NoActiveWorker, get_current_worker

from db import Store
from desk.errors import BadInputError
from desk.export.publish import (
    FORMATS,
    STREAMED,
    SUFFIXES,
    Format,
    Options,
    publish,
    publish_file,
)
from desk.text import safe_line
from widgets.export_preview import ExportPreview, Preview, Written

if TYPE_CHECKING:
    from desk.tui.main import MainScreen

PAGE_LINES = 150
"""Lines of the Markdown page the preview shows: the recap and some 20 posts (0.1 s to mount)."""
TEXT_LINES = 400
"""Lines of html, JSON-LD and Atom the preview shows (a TextArea draws only what is on screen)."""
STREAM_LINES = 50
"""Lines of csv and jsonl the preview reads before it stops the stream."""
DEFAULTS = Options()
"""What `desk export` uses when given no option (its clock: the time of the call)."""


class _Enough(Exception):
    """The preview has the lines it shows (or its worker was cancelled): stop the stream."""


class WriteCancelled(BadInputError):
    """Escape while writing: the temporary file is removed, the target is untouched."""


def _cancelled() -> bool:
    """Whether the worker running this was cancelled (never, outside a worker)."""
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


class _Head(io.StringIO):
    """Keeps the first `limit` lines written to it, then stops the writer with `_Enough`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lines = 0

    def write(self, text: str, /) -> int:
        if _cancelled():
            raise _Enough
        room = self.limit - self.lines
        count = text.count("\n")
        if count < room:
            self.lines += count
            return super().write(text)
        end = -1
        for _ in range(room):
            end = text.index("\n", end + 1)
        super().write(text[: end + 1])
        self.lines = self.limit
        raise _Enough


class _Guarded(io.TextIOBase):
    """A file that `publish` writes through, which stops when the write is cancelled."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out

    def write(self, text: str, /) -> int:
        if _cancelled():
            raise WriteCancelled("export cancelled: nothing written")
        return self.out.write(text)


def _format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise BadInputError(f"no export format {safe_line(fmt)!r} ({', '.join(FORMATS)})")
    return fmt


def default_path(slug: str, fmt: str) -> str:
    """`./harbor-fire.md`: where a format is written unless the user says otherwise."""
    name = safe_line(slug).replace("/", "-").replace("\\", "-") or "story"
    return f"./{name}{SUFFIXES[_format(fmt)]}"


def _page_head(lines: list[str], limit: int) -> list[str]:
    """The first lines of a Markdown page, ending where a block ends (a blank line)."""
    if len(lines) <= limit:
        return lines
    for end in range(limit, 0, -1):
        if not lines[end - 1].strip():
            return lines[:end]
    return lines[:limit]


def _without_front_matter(text: str) -> str:
    """The page from its title down: the `Markdown` widget would show the YAML front
    matter as a paragraph underlined into a heading by its closing `---`, and it
    would fill an 80x24 preview before the title. The status line says it is there."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :].lstrip("\n")
    return text


def preview(store: Store, slug: str, fmt: str, options: Options = DEFAULTS) -> Preview:
    """The first part of `slug` in `fmt`, as the export preview shows it (blocking)."""
    chosen = _format(fmt)
    if chosen in STREAMED:
        head = _Head(STREAM_LINES)
        try:
            publish(store, slug, chosen, head, options)
        except _Enough:
            return Preview(fmt, head.getvalue(), False, head.lines, None)
        return Preview(fmt, head.getvalue(), False, head.lines, head.lines)
    out = io.StringIO()
    publish(store, slug, chosen, out, options)
    lines = out.getvalue().splitlines(keepends=True)
    if chosen == "md":
        shown = _page_head(lines, PAGE_LINES)
        return Preview(fmt, _without_front_matter("".join(shown)), True, len(shown), len(lines))
    shown = lines[:TEXT_LINES]
    return Preview(fmt, "".join(shown), False, len(shown), len(lines))


def write_file(
    store: Store,
    slug: str,
    fmt: str,
    path: str,
    options: Options = DEFAULTS,
    *,
    desk_path: Path | None = None,
) -> Written:
    """The whole export of `slug` in `fmt` written to `path` (blocking), as `desk export -o`
    (`desk.export.publish.publish_file`), stopped when the worker is cancelled.

    Raises `BadInputError` with one line naming the path when it cannot be
    written; nothing is left behind then, and an old file there is kept."""

    def check() -> None:
        if _cancelled():
            raise WriteCancelled("export cancelled: nothing written")

    done = publish_file(
        store,
        slug,
        _format(fmt),
        path,
        options,
        desk_path=desk_path,
        wrap=lambda out: cast(TextIO, _Guarded(out)),
        before_replace=check,
    )
    return Written(path, fmt, done.size)


def open_export(main: MainScreen) -> None:
    """The palette's "Story: export…": the preview of the desk's story; says so if none."""
    story = main.story
    if story is None:
        main.notify("No story to export: make one with Story: new\u2026", severity="warning")
        return
    env = getattr(main.app, "env", os.environ)
    options = Options(publisher=env.get("DESK_PUBLISHER") or "desk", clock=main.clock)
    slug = story.slug
    screen = ExportPreview(
        f"Export {story.title}",
        {fmt: default_path(slug, fmt) for fmt in FORMATS},
        partial(preview, main.store, slug, options=options),
        partial(write_file, main.store, slug, options=options, desk_path=main.desk_path),
    )

    def written(result: Written | None) -> None:
        if result is not None:
            main.notify(f"Wrote {safe_line(result.path)} ({result.size:,} bytes)", markup=False)

    main.app.push_screen(screen, written)
