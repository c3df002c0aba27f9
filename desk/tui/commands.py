"""`ctrl+p`: every desk action in the command palette, with its key.

The commands are the key table's rows marked `palette=True` (so the palette,
the help and the keys cannot disagree), each run on the owner of its context
(the list, the desk screen or the app), with the key as the user's
`[keymap]` made it; plus what has no key: keep/flag/discard directly,
recalling a saved filter, switching, making (`Story: new…`) and renaming
(`Story: rename…`) a story, clearing the filter. Saved
filters and stories come from what the screen already loaded, so opening
the palette reads nothing from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.markup import escape

from desk.text import safe_line
from desk.tui.exports import open_export
from widgets.keys import KEYS, key_label, keys_of

if TYPE_CHECKING:
    from desk.tui.main import MainScreen

Command = tuple[str, str, Callable[[], object]]


def markup_safe(text: str) -> str:
    """`text` escaped for the palette, which reads titles and help as markup.

    Textual's `escape` doubles a trailing backslash, which the palette then
    shows twice (the filter key read `key \\\\`); the `x` keeps the end from
    being the end."""
    return escape(text + "x")[:-1]


class DeskCommands(Provider):
    """Desk actions for the palette; only while the main screen is underneath."""

    def _main(self) -> MainScreen | None:
        from desk.tui.main import MainScreen  # the screen imports the app, which imports us

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _commands(self) -> Iterator[Command]:
        main = self._main()
        if main is None:
            return
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        owners: dict[str, DOMNode] = {
            "list": main.items,
            "desk": main,
            "app": self.app,
            "recap": main.query_one("#recap"),  # on the cursor's line, as its keys are
            "item": main.query_one("#detail"),
        }

        def run(action: str, target: DOMNode) -> None:
            self.app.call_later(self.app.run_action, action, target)

        for row in KEYS:
            owner = owners.get(row.context)
            if row.palette and owner is not None:
                keys = key_label(keys_of(row, keymap))
                yield (row.description, f"key {keys}", partial(run, row.action, owner))
        for state, word in (
            ("kept", "Keep"),
            ("flagged", "Flag"),
            ("discarded", "Discard"),
            ("new", "Back to new"),
        ):
            yield (
                f"Triage: {word}",
                "on the marked items or the one under the cursor",
                partial(run, f"set_triage('{state}')", main),
            )
        yield ("Filter: clear", "show every item", partial(main.apply_filter, ""))
        for name, expr in main.saved_filters:
            yield (
                f"Filter: {safe_line(name)}",
                safe_line(expr),
                partial(main.apply_filter, expr),
            )
        yield ("Story: new\u2026", "a slug and a title", main.new_story)
        if main.story is not None:
            yield (
                "Story: rename\u2026",
                f"retitle {safe_line(main.story.slug)}",
                main.rename_story,
            )
        yield ("Story: export\u2026", "preview and write the page", partial(open_export, main))
        yield ("Story: all stories", "list and count every item", partial(main.set_story, None))
        for story in main.stories:
            yield (
                f"Story: {safe_line(story.title)}",
                f"only items of {safe_line(story.slug)}",
                partial(main.set_story, story),
            )

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=markup_safe(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                # highlight() parses markup: hand it the title escaped (titles hold user text).
                yield Hit(
                    score,
                    matcher.highlight(markup_safe(title)),
                    callback,
                    text=title,
                    help=markup_safe(help_text),
                )
