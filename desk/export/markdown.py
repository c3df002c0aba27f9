"""The story as a Markdown page: title, the recap by section, the kept posts quoted.

What it writes (CommonMark, readable as plain text too):

- YAML front matter (`---` … `---`) with the title, the story's slug, the
  export time, how many kept posts the story has and how many are quoted,
  and the desk's chain head as `desk_head_seq`, `desk_head_hash`,
  `desk_head_at`. Values are JSON scalars, which YAML reads as they are.
- `# Title`, then `## Quick recap` with one `### Section` per recap section
  and one list item per entry: its date as written, its headline, its body,
  its confidence and each source with its live verdict.
- `## Posts`: each kept post as a block quote, oldest first, ending with its
  byline `— Display Name (@handle) Month D, YYYY`, the date linking to the
  post, as news pages quote posts; a line after it gives the desk's verdict.

Why every piece of untrusted text is escaped: a post is quoted, never
interpreted. Every ASCII punctuation character Markdown gives a meaning to
(links, images, emphasis, code, raw HTML, entities) is backslash-escaped,
which CommonMark defines as "the literal character", and a line that would
start a list, a heading or a code block is defused; so `[x](javascript:…)`,
`![](http://tracker/)`, `` ` ``, `<script>` and `-->` stay text inside their
quote. Links are written only for http(s) URLs, in `<…>` form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from desk.export.collect import PubEntry, PubItem, Publication, PubSource
from desk.export.common import (
    VERDICT_LABELS,
    byline_parts,
    display_name,
    head_fields,
    safe_url,
)

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


def _quote_lines(text: str) -> Iterator[str]:
    """A post's text as block-quote lines, its line breaks kept as hard breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for n, paragraph in enumerate(paragraphs):
        if n:
            yield ">"
        lines = [escape(line) for line in paragraph.split("\n") if line.strip()]
        for m, line in enumerate(lines):
            yield "> " + line + ("\\" if m < len(lines) - 1 else "")


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


def post_block(item: PubItem) -> list[str]:
    """One quoted post: the text, a blank quote line, the byline; then its verdict."""
    lines = list(_quote_lines(item.text or item.title or ""))
    if lines:
        lines.append(">")
    lines.append("> " + _byline(item))
    verdict = f"*{VERDICT_LABELS.get(item.verdict, escape(item.verdict.capitalize()))}*"
    if item.verdict_reason:
        verdict += ": " + escape(" ".join(item.verdict_reason.split()))
    return [*lines, "", verdict]


def _source(source: PubSource) -> str:
    label = VERDICT_LABELS.get(source.verdict, source.verdict).lower()
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
        for item in pub.items:
            lines += [*post_block(item), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
