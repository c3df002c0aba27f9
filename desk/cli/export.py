"""`desk export STORY --format FORMAT [-o FILE]`: the story published in one format.

Formats (see `desk/export/`): `md` (Markdown page), `html` (standalone page
with JSON-LD; `--template FILE` for the newsroom's own Jinja2 template),
`liveblog` (schema.org LiveBlogPosting JSON-LD), `claimreview` (schema.org
ClaimReview JSON-LD), `atom` (Atom feed), `csv` and `jsonl` (every item of
the story but the discarded ones, streamed).

Without `-o` the export goes to stdout: every field is already text-safe
(`desk.text` strips escapes from each one), so a page printed to a
terminal cannot drive it. With `-o FILE` it is written (`publish_file`) to a temporary file
beside FILE and renamed over it at the end, so a reader never sees half a
page and a failed export leaves the old file; the desk file itself is
refused as a target.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import cast

import click

from desk.cli.common import desk_options, desk_path, open_store
from desk.errors import BadInputError
from desk.export.publish import FORMATS, STREAMED, Format, Options, publish, publish_file
from desk.text import safe_line


@click.command(name="export")
@click.argument("story")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="What to write.",
)
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False), default=None, help="Write to FILE."
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="html: a Jinja2 template of your own (autoescape stays on).",
)
@click.option("--url", "page_url", default=None, help="The page's public address (JSON-LD, Atom).")
@click.option(
    "--publisher",
    default=None,
    help="Who signs the page and its fact-checks (default: $DESK_PUBLISHER, else 'desk').",
)
@desk_options
def export(
    story: str,
    fmt: str,
    output: str | None,
    template: str | None,
    page_url: str | None,
    publisher: str | None,
) -> None:
    """Publish STORY (a slug) as a page, a feed, JSON-LD or a table."""
    if template is not None and fmt != "html":
        raise BadInputError("--template is for --format html")
    options = Options(
        publisher=publisher or os.environ.get("DESK_PUBLISHER") or "desk",
        page_url=page_url,
        template=Path(template) if template else None,
    )
    chosen = cast(Format, fmt)
    with open_store() as store:
        if output is None:
            publish(store, story, chosen, sys.stdout, options)
            sys.stdout.flush()
            return
        n = publish_file(store, story, chosen, output, options, desk_path=desk_path()).count
    what = "items" if chosen in STREAMED else "posts quoted"
    click.echo(f"wrote {safe_line(output)} ({fmt}, {n} {what})", err=True)


COMMANDS = [export]
