"""One entry point for every format: `publish(store, story, fmt, out)`.

The CLI (`desk export`), the TUI's export preview and the bench call this,
so a format is chosen, read and written the same way everywhere. Page
formats read the story once (`collect.collect`) and render it whole;
`csv` and `jsonl` stream the story's items page by page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO, get_args

from db import Store
from desk.export import atom, html, jsonld, markdown, tabular
from desk.export.collect import Clock, chain_head, collect, find_story, iter_items, utc_now

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
