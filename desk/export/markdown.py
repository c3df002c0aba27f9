"""The story as a Markdown page: title, the recap by section, the kept posts quoted.

What it writes (CommonMark, readable as plain text too):

- YAML front matter (`---` … `---`) with the title, the story's slug, the
  export time, how many kept posts the story has and how many are quoted,
  and the desk's chain head as `desk_head_seq`, `desk_head_hash`,
  `desk_head_at`, and last `generator: "desk-md 1"`, which says the page is
  desk's own and which version of it, so `desk ingest` knows it (see
  `desk/ingest/formats/markdown_page.py`). Values are JSON scalars, which
  YAML reads as they are.
- `# Title`, then `## Quick recap` with one `### Section` per recap section
  and one list item per entry: its date as written, its headline, its body,
  its confidence and each source with its live verdict.
- `## Posts`: each kept post as a block quote, oldest first, ending with its
  byline `— Display Name (@handle) Month D, YYYY`, the date linking to the
  post, as news pages quote posts; a line after it gives the desk's verdict,
  and then the post's `desk:post` line (below).

Why each post ends with a line such as

    [desk:post:1]: # "platform=twitter id=1704123456789012345"

The page is a round trip: ingested into a fresh desk it gives back the same
posts, into the same desk it adds nothing (issue 9). The byline gives back
the author, the handle, the day and the link, but not what a desk finds a
post by: its platform and platform id (and, for a link a reader could not
copy back exactly, the URL). That line is a CommonMark link reference
definition no link uses, so every Markdown renderer shows nothing for it,
and a person reading the plain text sees what it is. Its title holds
`key=value` words, each value percent-encoded but for the characters no
Markdown rule reads in a title (`/`, `:`, `@` …), so no escape, quote or
entity rule can change it: `platform`, `id` (when the post has
one), `kind` (when not `post`), `url` (when the link does not give it back
exactly, or there is none), `author=none` (the byline names no author, only
a handle or the kind of source), `date=day|month|year` (the date is
printed without a link, at that precision, at the end of the byline) and,
for a post with neither id nor URL whose raw copy is not its text (a post
quoted in a paste, not a typed note), `sha256`: its raw copy's digest. A
desk knows such a post by its raw bytes, which the page cannot give back,
so the desk that wrote the page finds it again by this (issue 12).

A post's text is quoted exactly: the page gives back the text the desk
holds, as `desk.text.clean_text` leaves it. So besides the escapes below,
white space at the start or end of a line, which Markdown would drop, is
written as a character reference (`&#x20;`), which CommonMark reads back
as that character.

Why every piece of untrusted text is escaped: a post is quoted, never
interpreted. Every ASCII punctuation character Markdown gives a meaning to
(links, images, emphasis, code, raw HTML, entities) is backslash-escaped,
which CommonMark defines as "the literal character", and a line that would
start a list, a heading or a code block is defused; so `[x](javascript:…)`,
`![](http://tracker/)`, `` ` ``, `<script>` and `-->` stay text inside their
quote. Links are written only for http(s) URLs, in `<…>` form.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from urllib.parse import quote

from desk.export.collect import PubEntry, PubItem, Publication, PubSource
from desk.export.common import (
    byline_parts,
    display_name,
    head_fields,
    safe_url,
)
from desk.text import clean_text

GENERATOR = "desk-md 1"
"""The front matter's `generator`: desk's own page, version 1 of its post lines."""

POST_LABEL = "desk:post:"
"""The label of each post's reference definition, followed by the post's number."""

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()!|~&^])")
_LINE_START = re.compile(r"^([-+=#])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")


def escape(text: str) -> str:
    """One line of untrusted text as literal Markdown (inline: no links, no HTML, no code)."""
    out = _SPECIAL.sub(r"\\\1", " ".join(text.split("\t"))).lstrip()
    out = _LINE_START.sub(r"\\\1", out)
    return _LIST_NUMBER.sub(r"\1\\\2", out)


def link(label: str, url: str | None) -> str:
    """`[label](<url>)` for an http(s) URL; the bare escaped label otherwise."""
    target = safe_url(url)
    if target is None:
        return escape(label)
    return f"[{escape(label)}](<{target}>)"


def _references(space: str) -> str:
    return "".join(f"&#x{ord(ch):x};" for ch in space)


def exact_line(line: str) -> str:
    """One line of a post, as literal Markdown that reads back to exactly this line.

    `escape`, but white space at either end (which a Markdown reader drops)
    and tabs become character references instead of being dropped or
    changed into spaces.
    """
    core = line.strip()
    lead = line[: len(line) - len(line.lstrip())]
    trail = line[len(line.rstrip()) :] if core else ""
    body = _SPECIAL.sub(r"\\\1", core).replace("\t", "&#x9;")
    body = _LIST_NUMBER.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", body))
    return _references(lead) + body + _references(trail)


def _quote_lines(text: str) -> Iterator[str]:
    """A post's text as block-quote lines, its line breaks kept as hard breaks.

    The text is cleaned as the desk cleans it (`clean_text`: no trailing
    spaces, no run of blank lines), so a blank line is a paragraph break
    and every other line is kept, exactly.
    """
    clean = clean_text(text)
    if not clean:
        return
    for n, paragraph in enumerate(clean.split("\n\n")):
        if n:
            yield ">"
        lines = paragraph.split("\n")
        for m, line in enumerate(lines):
            yield "> " + exact_line(line) + ("\\" if m < len(lines) - 1 else "")


def _byline(item: PubItem) -> str:
    name, handle, date = byline_parts(item)
    text = "\u2014 " + escape(name)
    if handle:
        text += f" ({escape(handle)})"
    if date:
        text += " " + link(date, item.url)
    elif safe_url(item.url):
        text += " " + link("link", item.url)
    return text


def _link_gives_back(url: str) -> bool:
    """Whether the byline's `<url>` link reads back as exactly `url`.

    It does when the URL is written as it is (an http(s) URL that needs no
    percent-encoding) and holds no `&`, which a Markdown reader would take
    for the start of a character reference.
    """
    return safe_url(url) == url and "&" not in url


_TITLE_SAFE = "/:@!$'()*+,;=?#[]~"
"""Kept as they are in a post line's values: no Markdown rule reads them in a title."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE_PRECISION = {3: "day", 2: "month", 1: "year"}
"""How many words a byline date has (`September 19, 2023`, `September 2023`, `2023`)."""


def _known_by_raw_only(item: PubItem) -> bool:
    """A post the desk knows by its raw bytes alone (no id, no URL) whose raw
    copy is not its text (a typed note's is): the page must name its digest."""
    sha = item.raw_sha256
    if item.platform_id or item.url or not sha or not _SHA256.fullmatch(sha):
        return False
    return hashlib.sha256(item.text.encode("utf-8")).hexdigest() != sha


def post_line(item: PubItem, number: int) -> str:
    """The post's `desk:post` reference definition (see the module docstring)."""
    words = {"platform": item.platform}
    if item.platform_id:
        words["id"] = item.platform_id
    if item.kind != "post":
        words["kind"] = item.kind
    if item.url and not _link_gives_back(item.url):
        words["url"] = item.url
    if not item.author_name:
        words["author"] = "none"
    date = byline_parts(item)[2]
    if date and not safe_url(item.url):
        words["date"] = _DATE_PRECISION[len(date.split())]
    if _known_by_raw_only(item) and item.raw_sha256:
        words["sha256"] = item.raw_sha256
    title = " ".join(f"{key}={quote(value, safe=_TITLE_SAFE)}" for key, value in words.items())
    return f'[{POST_LABEL}{number}]: # "{title}"'


def post_block(item: PubItem, number: int = 1) -> list[str]:
    """One quoted post: the text, a blank quote line, the byline; its verdict; its post line."""
    lines = list(_quote_lines(item.text or item.title or ""))
    if lines:
        lines.append(">")
    lines.append("> " + _byline(item))
    verdict = f"*{escape(item.verdict_label)}*"
    if item.verdict_reason:
        verdict += ": " + escape(" ".join(item.verdict_reason.split()))
    return [*lines, "", verdict, "", post_line(item, number)]


def _source(source: PubSource) -> str:
    label = source.verdict_label.lower()
    return f"{link(display_name(source), source.url)} ({escape(label)})"


def entry_line(entry: PubEntry) -> list[str]:
    """A recap entry as one list item, its body as the item's following paragraphs."""
    head = f"- **{escape(entry.date_text)}:** " if entry.date_text else "- "
    head += f"**{escape(entry.headline)}**"
    lines = [head]
    for paragraph in re.split(r"\n\s*\n", entry.body):
        words = " ".join(escape(line) for line in paragraph.split("\n") if line.strip())
        if words:
            lines += ["", "  " + words]
    tail: list[str] = []
    if entry.confidence:
        tail.append(escape(entry.confidence.capitalize()))
    if entry.sources:
        tail.append("sources: " + ", ".join(_source(s) for s in entry.sources))
    else:
        tail.append("no source yet")
    lines += ["", "  *" + "; ".join(tail) + "*"]
    return lines


def front_matter(pub: Publication) -> list[str]:
    """YAML front matter; the chain head as `desk_head_seq`, `desk_head_hash`, `desk_head_at`."""
    fields: dict[str, str | int] = {
        "title": pub.story.title,
        "story": pub.story.slug,
        "exported_at": pub.exported_at,
        "kept_posts": pub.kept_total,
        "quoted_posts": len(pub.items),
    }
    head = head_fields(pub.head)
    fields["desk_head_seq"] = pub.head.seq
    fields["desk_head_hash"] = head["desk_head_hash"]
    fields["desk_head_at"] = head["desk_head_at"]
    fields["generator"] = GENERATOR
    return ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()), "---"]


def render(pub: Publication) -> str:
    """The whole page."""
    lines = [*front_matter(pub), "", f"# {escape(pub.story.title)}", ""]
    if pub.sections:
        lines += ["## Quick recap", ""]
        for section in pub.sections:
            lines += [f"### {escape(section.title)}", ""]
            for entry in section.entries:
                lines += [*entry_line(entry), ""]
    if pub.items:
        lines += ["## Posts", ""]
        if pub.kept_total > len(pub.items):
            lines += [f"*The newest {len(pub.items)} of {pub.kept_total} kept posts.*", ""]
        for number, item in enumerate(pub.items, start=1):
            lines += [*post_block(item, number), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
