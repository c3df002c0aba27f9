"""The story as a standalone HTML page, from a Jinja2 template a newsroom can replace.

The default template (`templates/page.html.j2`, shipped in the package) is
the Markdown page's content as HTML5: the recap by section, each kept post
quoted (tweets as the standard `blockquote.twitter-tweet` embed markup,
which reads as a quote without Twitter's script and becomes a card with
it; other platforms as `blockquote.desk-post` with a link to the post), the
`LiveBlogPosting` and the `ClaimReview`s embedded as JSON-LD, and the
chain head in `<meta name="desk-head-seq|desk-head-hash|desk-head-at">`
(and in the JSON-LD `identifier`).

Why it is safe with hostile posts: autoescape is on for every template,
ours and a newsroom's (`--template FILE`), so every value is HTML-escaped;
links are written only for http(s) URLs; the JSON-LD has `<`, `>` and `&`
as `\\u` escapes, so no `</script>` can close its element. The default page
runs no script, loads nothing (a Content-Security-Policy of
`default-src 'none'` says so to the browser too) and works offline.

Template variables: `pub` (the `Publication`), `sections` (each with
`name`, `title`, `entries`: `anchor`, `date_text`, `headline`, `body` as
paragraphs of lines, `confidence`, `sources`: `name`, `href`, `verdict`,
and `backed`), `posts` (`anchor`, `tweet`, `platform`, `platform_label`,
`paragraphs`, `lang`, `name`, `handle`, `date`, `href`, `verdict`,
`verdict_class`, `reason`), `omitted` (whether older kept posts were left
out), `lang`, `liveblog_json`, `claimreview_json` (empty when no post has
a finding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import jinja2
from markupsafe import Markup

from desk.errors import BadInputError
from desk.export import jsonld
from desk.export.collect import PubEntry, PubItem, Publication
from desk.export.common import (
    byline_parts,
    display_name,
    entry_backed,
    safe_url,
)

PLATFORM_LABELS = {
    "twitter": "X",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "rss": "the web",
    "web": "the web",
    "factcheck": "the web",
}

_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
"""A BCP 47 tag as `lang` takes it; anything else is left out rather than escaped."""

Paragraphs = tuple[tuple[str, ...], ...]


def paragraphs(text: str) -> Paragraphs:
    """Text as paragraphs of lines (blank lines split paragraphs, line breaks stay)."""
    return tuple(
        tuple(line.strip() for line in p.split("\n") if line.strip())
        for p in re.split(r"\n\s*\n", text)
        if p.strip()
    )


@dataclass(frozen=True, slots=True)
class SourceView:
    name: str
    href: str | None
    verdict: str


@dataclass(frozen=True, slots=True)
class EntryView:
    anchor: str
    date_text: str | None
    headline: str
    body: Paragraphs
    confidence: str | None
    sources: tuple[SourceView, ...]
    backed: bool


@dataclass(frozen=True, slots=True)
class SectionView:
    name: str
    title: str
    entries: tuple[EntryView, ...]


@dataclass(frozen=True, slots=True)
class PostView:
    anchor: str
    tweet: bool
    platform: str
    platform_label: str | None
    paragraphs: Paragraphs
    lang: str | None
    name: str
    handle: str | None
    date: str | None
    href: str | None
    verdict: str
    verdict_class: str
    reason: str | None


def entry_view(entry: PubEntry) -> EntryView:
    return EntryView(
        anchor=jsonld.anchor(entry),
        date_text=entry.date_text,
        headline=entry.headline,
        body=paragraphs(entry.body),
        confidence=entry.confidence.capitalize() if entry.confidence else None,
        sources=tuple(
            SourceView(display_name(s), safe_url(s.url), s.verdict_label.lower())
            for s in entry.sources
        ),
        backed=entry_backed(entry.sources),
    )


def post_view(item: PubItem) -> PostView:
    name, handle, date = byline_parts(item)
    href = safe_url(item.url)
    return PostView(
        anchor=jsonld.anchor(item),
        tweet=item.platform == "twitter" and href is not None,
        platform=re.sub(r"[^a-z0-9-]", "", item.platform.lower()) or "post",
        platform_label=PLATFORM_LABELS.get(item.platform),
        paragraphs=paragraphs(item.text or item.title or ""),
        lang=item.lang
        if item.lang and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", item.lang)
        else None,
        name=name,
        handle=handle,
        date=date,
        href=href,
        verdict=item.verdict_label,
        verdict_class=re.sub(r"[^a-z]", "-", item.verdict_meaning.lower()),
        reason=item.verdict_reason,
    )


def default_template() -> str:
    """The shipped template's text."""
    return files("desk.export").joinpath("templates/page.html.j2").read_text(encoding="utf-8")


def environment() -> jinja2.Environment:
    """Autoescape on for every template, whatever its name; undefined names are errors."""
    return jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )


def render(pub: Publication, template: str | Path | None = None) -> str:
    """The page; `template` is a newsroom's template (its text or a path), else ours.

    A newsroom's template that does not compile or render (a typo, an
    undefined name) is a one-line error naming the file, not a traceback.
    """
    if isinstance(template, Path):
        source = template.read_text(encoding="utf-8")
    else:
        source = template if template is not None else default_template()
    name = str(template) if isinstance(template, Path) else "the template"
    try:
        compiled = environment().from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise BadInputError(f"{name}: line {exc.lineno}: {exc.message}") from None
    reviews = jsonld.claim_reviews(pub)
    try:
        return compiled.render(
            pub=pub,
            sections=tuple(
                SectionView(s.name, s.title, tuple(entry_view(e) for e in s.entries))
                for s in pub.sections
            ),
            posts=tuple(post_view(i) for i in pub.items),
            omitted=pub.kept_total > len(pub.items),
            lang="en",
            liveblog_json=Markup(jsonld.to_json(jsonld.liveblog(pub))),
            claimreview_json=Markup(jsonld.to_json(reviews)) if reviews else "",
        )
    except jinja2.TemplateError as exc:
        raise BadInputError(f"{name}: {exc.message or type(exc).__name__}") from None
