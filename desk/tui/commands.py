"""`ctrl+p`: every desk action in the command palette, with its key.

The commands are the main screen's own bindings (so the palette and the
keys cannot disagree), plus what has no key: keep/flag/discard directly,
recalling a saved filter, switching story, clearing the filter. Saved
filters and stories come from what the screen already loaded, so opening
the palette reads nothing from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from desk.text import safe_line
from widgets.item_list import ItemList

Command = tuple[str, str, Callable[[], object]]


class DeskCommands(Provider):
    """Desk actions for the palette; only while the main screen is underneath."""

    def _main(self):  # type: ignore[no-untyped-def]
        from desk.tui.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _commands(self) -> Iterator[Command]:
        from desk.tui.help import key_label
        from desk.tui.main import MainScreen

        main = self._main()
        if main is None:
            return
        keymap = getattr(self.app, "keymap", {})

        def run(action: str, target: object) -> None:
            self.app.call_later(self.app.run_action, action, target)

        for owner, bindings in (("list", ItemList.BINDINGS), ("screen", MainScreen.BINDINGS)):
            target = main.items if owner == "list" else main
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.id in ("desk.back",):
                    continue
                keys = key_label(keymap.get(binding.id or "", binding.key))
                yield (binding.description, f"key {keys}", partial(run, binding.action, target))
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
        yield ("Story: all stories", "list and count every item", partial(main.set_story, None))
        for story in main.stories:
            yield (
                f"Story: {safe_line(story.title)}",
                f"only items of {safe_line(story.slug)}",
                partial(main.set_story, story),
            )

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                # highlight() parses markup: hand it the title escaped (titles hold user text).
                yield Hit(
                    score,
                    matcher.highlight(escape(title)),
                    callback,
                    text=title,
                    help=escape(help_text),
                )
