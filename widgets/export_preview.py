"""The palette's "Story: export…": the story in one format, previewed, then written to a file.

One screen: the formats along the top (`ctrl+f` or left/right on the row
picks another), the preview under them, the file to write under that. The
Markdown page is shown as a page (Textual's `Markdown` widget, which builds
its blocks from the parsed document and never reads text as Rich markup);
every other format as plain text in a read-only `TextArea`, which shows
what it is given and nothing else. Either way the preview is the first part
of what the file gets (`Preview.shown` of `Preview.total` lines): the
`Markdown` widget mounts a widget a block (measured here: 0.1 s for 20
posts, 11 s for 1,000), and a table of a big story is as long as the story.

The screen never touches the store. It is given the format list and each
format's default file (`formats`), and two blocking callables it runs in its
own thread workers: `render(fmt)` for a preview and `write(fmt, path)` for
the file. It posts their answers to itself (`Rendered`, `WroteFile`) and
ends with the `Written` result, which the caller announces. A write that
fails (a folder that does not exist, no permission) leaves the screen up
with the path as typed and the error above it; escape while writing cancels
the write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown, Static, Tab, Tabs, TextArea
from textual.worker import Worker, WorkerState, get_current_worker

from desk.text import safe_line
from widgets.keys import BY_ID, bindings, key_label, keys_of


@dataclass(frozen=True)
class Preview:
    """The first part of one format's text, as the screen shows it.

    `markdown`: show `text` as a Markdown page (else as plain text).
    `shown` lines of `total` are in `text`; `total` is None when the text
    was cut before its end was read (a stream: csv, jsonl)."""

    fmt: str
    text: str
    markdown: bool
    shown: int
    total: int | None


@dataclass(frozen=True)
class Written:
    """What `write` did: the file (as the user named it), the format, its size in bytes."""

    path: str
    fmt: str
    size: int


def _tab_id(fmt: str) -> str:
    return f"fmt-{fmt}"


class ExportPreview(ModalScreen[Written | None]):
    """Formats, preview, file; ctrl+s writes, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("export")

    DEFAULT_CSS = """
    ExportPreview #export-box {
        width: 100%;
        max-width: 120;
        height: 100%;
        border: double $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    ExportPreview #export-formats { height: 2; }
    ExportPreview .export-view {
        height: 1fr;
        border: solid $foreground 40%;
        scrollbar-size-vertical: 1;
    }
    ExportPreview .export-view:focus, ExportPreview .export-view:focus-within {
        border: double $accent;
    }
    ExportPreview #export-md Markdown { margin: 0 1 0 0; padding: 0; }
    ExportPreview #export-status, ExportPreview .hint { color: $foreground 60%; height: 1; }
    ExportPreview #export-error { color: $error; height: auto; }
    ExportPreview #export-where { height: 3; }
    ExportPreview #export-where Label { padding: 1 1 0 0; }
    ExportPreview #export-path { width: 1fr; border: solid $foreground 40%; }
    ExportPreview #export-path:focus { border: double $accent; }
    """

    @dataclass
    class Rendered(Message):
        """A preview, from the render worker."""

        preview: Preview

    @dataclass
    class WroteFile(Message):
        """The file is written, from the write worker."""

        written: Written

    def __init__(
        self,
        title: str,
        formats: Mapping[str, str],
        render: Callable[[str], Preview],
        write: Callable[[str, str], Written],
        *,
        fmt: str | None = None,
    ) -> None:
        """`formats`: each format, in the order to offer them, with its default file.

        `render` and `write` block (they read the store, write a file): they
        run only in this screen's thread workers."""
        super().__init__()
        self.title_text = title
        self.formats = dict(formats)
        self.render_format = render
        self.write_format = write
        self.fmt = fmt if fmt in self.formats else next(iter(self.formats))
        self.previews: dict[str, Preview] = {}
        self.writing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = Text(safe_line(self.title_text)[:200])
            yield Tabs(
                *(Tab(fmt, id=_tab_id(fmt)) for fmt in self.formats),
                active=_tab_id(self.fmt),
                id="export-formats",
            )
            with VerticalScroll(id="export-md", classes="export-view"):
                yield Markdown(id="export-page", open_links=False)
            yield TextArea(
                id="export-text",
                classes="export-view",
                read_only=True,
                show_cursor=False,
                soft_wrap=True,
                highlight_cursor_line=False,
            )
            yield Static(Text(""), id="export-status")
            yield Static(Text(""), id="export-error")
            with Horizontal(id="export-where"):
                yield Label("Write to")
                yield Input(value=self.formats[self.fmt], id="export-path")
            yield Static(self._hint(), classes="hint")

    def _hint(self) -> Text:
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})

        def key(binding_id: str) -> str:
            return key_label(keys_of(BY_ID[binding_id], keymap))

        return Text(
            f"{key('export.write')} write   {key('export.next_format')} format"
            f"   tab move   {key('export.cancel')} cancel",
            "dim",
        )

    def on_mount(self) -> None:
        self.query_one("#export-error").display = False
        self.query_one("#export-path", Input).cursor_blink = False
        self._show(self.fmt)
        self.query_one("#export-formats").focus()

    # -- formats and previews --------------------------------------------------

    @on(Tabs.TabActivated, "#export-formats")
    def _format_chosen(self, event: Tabs.TabActivated) -> None:
        fmt = (event.tab.id or "").removeprefix("fmt-")
        if fmt in self.formats and fmt != self.fmt:
            path = self.query_one("#export-path", Input)
            if path.value == self.formats[self.fmt]:
                path.value = self.formats[fmt]  # the default follows; a typed path stays
            self.fmt = fmt
            self._show(fmt)

    def action_next_format(self, step: int = 1) -> None:
        """`ctrl+f`: the next format (after the last, the first)."""
        tabs = self.query_one("#export-formats", Tabs)
        names = list(self.formats)
        now = (tabs.active or "").removeprefix("fmt-")  # ahead of `fmt` while keys come fast
        at = names.index(now) if now in names else 0
        tabs.active = _tab_id(names[(at + step) % len(names)])

    def _show(self, fmt: str) -> None:
        """The preview of `fmt`: at once when read before, else read in the render worker."""
        preview = self.previews.get(fmt)
        if preview is not None:
            self._display(preview)
            return
        self._status(f"Reading the story as {fmt}\u2026")
        self._read_preview(fmt)

    @work(thread=True, group="render", exclusive=True, exit_on_error=False)
    def _read_preview(self, fmt: str) -> None:
        """Off the event loop: a page reads the recap and up to 2,000 kept posts."""
        preview = self.render_format(fmt)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Rendered(preview))

    def on_export_preview_rendered(self, message: Rendered) -> None:
        self.previews[message.preview.fmt] = message.preview
        if message.preview.fmt == self.fmt:
            self._display(message.preview)

    def _display(self, preview: Preview) -> None:
        page = self.query_one("#export-md", VerticalScroll)
        text = self.query_one("#export-text", TextArea)
        page.display = preview.markdown
        text.display = not preview.markdown
        if preview.markdown:
            self.query_one("#export-page", Markdown).update(preview.text)
            page.scroll_home(animate=False)
        else:
            text.load_text(preview.text)
            text.scroll_home(animate=False)
        if preview.total is None:
            what = f"first {preview.shown} lines"
        elif preview.shown < preview.total:
            what = f"first {preview.shown} of {preview.total} lines"
        else:
            what = f"all {preview.total} lines"
        if preview.markdown:
            what += ", front matter hidden"
        self._status(f"{preview.fmt}: {what}; the file gets everything")

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Text(text))

    # -- writing -----------------------------------------------------------------

    @on(Input.Submitted, "#export-path")
    def _path_entered(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        """`ctrl+s` (or enter on the path): write the file in the write worker."""
        if self.writing:
            return
        path = self.query_one("#export-path", Input).value.strip()
        if not path:
            self._error("Say where to write the file.")
            return
        self.writing = True
        self._error(None)
        self._status(f"Writing {safe_line(path)}\u2026")
        self._write(self.fmt, path)

    @work(thread=True, group="write", exclusive=True, exit_on_error=False)
    def _write(self, fmt: str, path: str) -> None:
        written = self.write_format(fmt, path)
        if not get_current_worker().is_cancelled:
            self.post_message(self.WroteFile(written))

    def on_export_preview_wrote_file(self, message: WroteFile) -> None:
        self.writing = False
        self.dismiss(message.written)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A failed preview or write says why on the screen; the screen and the path stay."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        text = safe_line(str(error)) or type(error).__name__
        if event.worker.group == "write":
            self.writing = False
            self._status("Nothing written.")
            self._error(text)
            self.query_one("#export-path", Input).focus()
        else:
            self._status(f"No preview: {text}"[:300])

    def _error(self, text: str | None) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Text(text[:300] if text else ""))
        error.display = bool(text)

    def action_cancel(self) -> None:
        """Escape: close; a write under way is cancelled (it checks between rows)."""
        self.workers.cancel_group(self, "write")
        self.dismiss(None)
