"""The list of formats, and choosing one by content.

Adding a format is one new module in `formats/` and one line here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from desk.ingest.base import Sample

# Order breaks ties between equal detect() scores: specific before generic.
FORMAT_MODULES: tuple[str, ...] = (
    "desk.ingest.formats.twitter_v2",
    "desk.ingest.formats.twitter_v1",
    "desk.ingest.formats.mastodon",
    "desk.ingest.formats.bluesky",
    "desk.ingest.formats.jetstream",
    "desk.ingest.formats.telegram",
    "desk.ingest.formats.claimreview",
    "desk.ingest.formats.twitter_embed",
    "desk.ingest.formats.csv_posts",
    "desk.ingest.formats.twitwi_csv",
    "desk.ingest.formats.feeds",
    "desk.ingest.formats.html_page",
    "desk.ingest.formats.markdown_page",
    "desk.ingest.formats.paste",
)


class UnknownFormatError(Exception):
    """No format recognised the input."""


def formats() -> list[ModuleType]:
    return [importlib.import_module(name) for name in FORMAT_MODULES]


def by_name(name: str) -> ModuleType:
    for module in formats():
        if name == module.NAME:
            return module
    known = ", ".join(m.NAME for m in formats())
    raise UnknownFormatError(f"unknown format {name!r} (known: {known})")


def detect(sample: Sample) -> ModuleType:
    """The format most sure of the sample; raises naming every format tried."""
    best: tuple[int, ModuleType] | None = None
    for module in formats():
        try:
            score = int(module.detect(sample))
        except Exception:  # a detector must never take the ingest down
            score = 0
        if score > 0 and (best is None or score > best[0]):
            best = (score, module)
    if best is None:
        tried = ", ".join(m.NAME for m in formats())
        raise UnknownFormatError(f"{sample.name}: not a format desk knows (tried: {tried})")
    return best[1]
