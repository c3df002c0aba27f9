"""What a published story is made of, read once from a `Store` into frozen records.

Every renderer (`markdown`, `html`, `jsonld`, `atom`, `tabular`) is a pure
function of what this module returns, so a format can be tested on a
hand-made `Publication` and the desk is read in one place, by one set of
rules:

- Every text field is passed through `desk.text` again (`safe` for bodies,
  `safe_line` for one-line fields) even though the verbs stored it clean: a
  desk file is shared and may have been written by an older `desk` or by
  hand, and a published page must not carry escape sequences, controls or
  bidi overrides whatever the file holds.
- The page formats (md, html, liveblog, claimreview, atom) take the story's
  kept items, newest `MAX_PAGE_ITEMS` at most (a page that quotes more posts
  than that is not a page anyone reads, and the whole publication then sits
  in memory at a known bound); `Publication.kept_total` says how many there
  were, so a renderer can say that the rest were left out.
- The streamed formats (csv, jsonl) read items through `iter_items`, by
  keyset pages of `PAGE_SIZE` rows (`Store.page`, never OFFSET), so a 1M-item
  desk exports in the memory of one page.
- The desk's event-chain head (sequence, hash, time) names the state the
  export shows, so a published page can be checked against the desk later.
  The page formats read it before and after reading the story and read again
  when a colleague wrote in between (`_SNAPSHOT_TRIES`), so the head is the
  state of everything on the page. A stream names the head it started from:
  a change written while a long csv streams may show in rows after it (the
  log says which: every event after that sequence).

Fields the recap gains in the next step (an entry's EDTF date, its
precision and creation time, the story's reference date) are on these
records already, fed where the store has them today and None otherwise, so
the renderers are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from db import Store
from db.errors import NotFoundError
from db.models import Item, ItemQuery, Link, PageKey, RecapEntry, Story
from desk.errors import BadInputError
from desk.text import safe, safe_line
from desk.verdicts import VerdictScheme, scheme_from
from desk.vocab import section_title

MAX_PAGE_ITEMS = 2000
"""Kept items a page format quotes at most (the newest ones)."""

PAGE_SIZE = 500
"""Rows per keyset page when streaming items (csv, jsonl)."""

_SNAPSHOT_TRIES = 3

VERDICT_LABELS: dict[str, str] = {
    "unverified": "Unverified",
    "in progress": "Being checked",
    "verified": "Verified",
    "false": "False",
    "misleading": "Misleading",
    "unverifiable": "Unverifiable",
}
"""How a built-in verdict the desk has not renamed reads on a page and as a ClaimReview's
`alternateName`; a renamed or added one reads as its label, capitalised."""


def page_label(scheme: VerdictScheme, name: str) -> str:
    """How a stored verdict reads on a page: the desk's label, or the page's own wording."""
    label = scheme.label(name)
    if label == name and name in VERDICT_LABELS:
        return VERDICT_LABELS[name]
    return safe_line(label[:1].upper() + label[1:])


SECTION_TITLES: dict[str, str] = {
    "background": "Background",
    "timeline": "Timeline",
    "latest": "Latest",
    "what we know": "What we know",
    "what we don't know": "What we don't know",
    "reactions": "Reactions",
}
"""How each section of the default template is headed on a page (any other section: its name
with a capital, `desk.vocab.section_title`)."""

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default export clock."""
    return datetime.now(UTC)


def iso_z(moment: datetime) -> str:
    """`2026-11-27T07:10:00Z`: the export time as every format writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last event of the desk's hash chain when the export was read (seq 0: no events)."""

    seq: int
    hash: str
    at: str | None


@dataclass(frozen=True, slots=True)
class PubLink:
    """One link of an item, seen from that item.

    `outgoing` is True for a link the item makes (`#3 corroborates #5` seen
    from #3), False for one made to it. Exactly one of `item_id` /
    `entry_id` names the other end.
    """

    relation: str
    outgoing: bool
    item_id: int | None
    entry_id: int | None
    created_at: str
    created_by: str


@dataclass(frozen=True, slots=True)
class PubNote:
    """A note on an item: the desk's working notes (csv and jsonl carry them, pages do not)."""

    author: str
    created_at: str
    text: str


@dataclass(frozen=True, slots=True)
class PubItem:
    """An item as it is published: its byline fields, its text, and where the desk stands on it."""

    id: int
    uuid: str
    kind: str
    platform: str
    platform_id: str | None
    url: str | None
    author_name: str | None
    author_handle: str | None
    author_url: str | None
    title: str | None
    text: str
    lang: str | None
    posted_at: str | None
    posted_precision: str | None
    posted_tz_known: bool
    ingested_at: str
    triage: str
    verdict: str
    verdict_reason: str | None
    verdict_label: str
    """How the verdict reads on the page (`page_label`: the desk may rename verdicts)."""
    verdict_meaning: str
    """The built-in verdict whose rules it follows (the ClaimReview rating, the publish rule)."""
    tags: tuple[str, ...]
    links: tuple[PubLink, ...]
    notes: tuple[PubNote, ...]
    raw_sha256: str | None = None
    """The sha256 of the raw copy: what the desk knows a post with no id and no URL by."""


@dataclass(frozen=True, slots=True)
class PubSource:
    """An item that sources a recap entry, with its live verdict (what the page says of it)."""

    item_id: int
    uuid: str
    url: str | None
    author_name: str | None
    author_handle: str | None
    platform: str
    triage: str
    verdict: str
    verdict_label: str
    verdict_meaning: str


@dataclass(frozen=True, slots=True)
class PubEntry:
    """One recap entry.

    `date_edtf`, `date_precision` and `created_at` come with the recap
    editor (issue 9); until the store has them they are None and every
    format leaves them out. `confidence` is one of confirmed, reported,
    unconfirmed, disputed (None when an entry has none).
    """

    id: int
    uuid: str
    section: str
    position: int
    date_text: str | None
    date_start: str | None
    date_end: str | None
    date_edtf: str | None
    date_precision: str | None
    created_at: str | None
    headline: str
    body: str
    confidence: str | None
    sources: tuple[PubSource, ...]


@dataclass(frozen=True, slots=True)
class PubSection:
    """A recap section with its entries, in the recap's order."""

    name: str
    title: str
    entries: tuple[PubEntry, ...]


@dataclass(frozen=True, slots=True)
class PubStory:
    """The story: `reference_date` is what relative recap dates are read against (None: unknown)."""

    id: int
    uuid: str
    slug: str
    title: str
    created_at: str
    reference_date: str | None


@dataclass(frozen=True, slots=True)
class Publication:
    """Everything a page format writes, read in one snapshot of the desk.

    `items` are the kept items, oldest posted first (reading order), at most
    `MAX_PAGE_ITEMS` of them (the newest); `kept_total` is how many the story
    has. `page_url` is the page's public address when the newsroom gave one
    (`--url`), used for JSON-LD ids and the feed's self link; `publisher`
    is who signs the fact-checks.
    """

    story: PubStory
    sections: tuple[PubSection, ...]
    items: tuple[PubItem, ...]
    kept_total: int
    head: ChainHead
    exported_at: str
    publisher: str
    page_url: str | None

    @property
    def entries(self) -> tuple[PubEntry, ...]:
        """Every recap entry, section by section."""
        return tuple(e for s in self.sections for e in s.entries)


# -- reading -----------------------------------------------------------------


def find_story(store: Store, slug_or_id: str) -> Story:
    """The story a slug (or a numeric id) names; a one-line error naming it otherwise."""
    wanted = slug_or_id.strip()
    story = store.story_by_slug(wanted)
    if story is None and wanted.isdigit():
        story = next((s for s in store.stories() if s.id == int(wanted)), None)
    if story is None:
        known = ", ".join(s.slug for s in store.stories()) or "none yet"
        raise BadInputError(f"no story {safe_line(wanted)!r} (stories: {safe_line(known)})")
    return story


def chain_head(store: Store) -> ChainHead:
    """The desk's last event: its sequence, hash and time."""
    seq = store.last_seq()
    if seq == 0:
        return ChainHead(0, "", None)
    events = store.events(since_seq=seq - 1, limit=1)
    if not events:  # written between the two reads: the next call sees it
        return ChainHead(0, "", None)
    event = events[0]
    return ChainHead(event.seq, safe_line(event.hash), safe_line(event.at))


def _opt_line(text: str | None) -> str | None:
    return safe_line(text) or None if text is not None else None


def pub_story(story: Story) -> PubStory:
    return PubStory(
        id=story.id,
        uuid=safe_line(story.uuid),
        slug=safe_line(story.slug),
        title=safe_line(story.title),
        created_at=safe_line(story.created_at),
        reference_date=_opt_line(story.reference_date),
    )


def _links(store: Store, item_id: int) -> Iterator[Link]:
    """Every link from and to an item, oldest first, by keyset pages over the links' indexes.

    `Store.links_of` reads with `src_id = ? OR dst_item_id = ?`, which SQLite
    answers with a scan of the whole links table: 300 us an item with 10k
    links on the desk, 33 s for a 100k-item csv. `links_page` costs about 10 us.
    """
    after = 0
    while True:
        page = store.links_page(item_id, after=after, limit=PAGE_SIZE)
        for _, link in page:
            yield link
        if len(page) < PAGE_SIZE:
            return
        after = page[-1][0]


def pub_item(store: Store, item: Item, scheme: VerdictScheme) -> PubItem:
    """An item with its links and notes, every field cleaned for publication."""
    links = tuple(
        PubLink(
            relation=safe_line(link.relation),
            outgoing=link.src_id == item.id,
            item_id=(link.dst_item_id if link.src_id == item.id else link.src_id)
            if link.dst_item_id is not None
            else None,
            entry_id=link.dst_entry_id,
            created_at=safe_line(link.created_at),
            created_by=safe_line(link.created_by),
        )
        for link in _links(store, item.id)
    )
    notes = tuple(
        PubNote(author=safe_line(n.author), created_at=safe_line(n.created_at), text=safe(n.text))
        for n in store.notes_of(item.id)
    )
    return PubItem(
        id=item.id,
        uuid=safe_line(item.uuid),
        kind=safe_line(item.kind),
        platform=safe_line(item.platform),
        platform_id=_opt_line(item.platform_id),
        url=_opt_line(item.url),
        author_name=_opt_line(item.author_name),
        author_handle=_opt_line(item.author_handle.lstrip("@") if item.author_handle else None),
        author_url=_opt_line(item.author_url),
        title=_opt_line(item.title),
        text=safe(item.text).strip(),
        lang=_opt_line(item.lang),
        posted_at=_opt_line(item.posted_at),
        posted_precision=_opt_line(item.posted_precision),
        posted_tz_known=item.posted_tz_known,
        ingested_at=safe_line(item.ingested_at),
        triage=safe_line(item.triage),
        verdict=safe_line(item.verdict),
        verdict_reason=safe(item.verdict_reason).strip() or None if item.verdict_reason else None,
        verdict_label=page_label(scheme, item.verdict),
        verdict_meaning=scheme.meaning(item.verdict),
        tags=tuple(safe_line(t) for t in item.tags),
        links=links,
        notes=notes,
        raw_sha256=_opt_line(item.raw_sha256),
    )


def _source(store: Store, item_id: int, scheme: VerdictScheme) -> PubSource | None:
    try:
        item = store.item(item_id)
    except NotFoundError:
        return None
    return PubSource(
        item_id=item.id,
        uuid=safe_line(item.uuid),
        url=_opt_line(item.url),
        author_name=_opt_line(item.author_name),
        author_handle=_opt_line(item.author_handle.lstrip("@") if item.author_handle else None),
        platform=safe_line(item.platform),
        triage=safe_line(item.triage),
        verdict=safe_line(item.verdict),
        verdict_label=page_label(scheme, item.verdict),
        verdict_meaning=scheme.meaning(item.verdict),
    )


def pub_entry(store: Store, entry: RecapEntry, scheme: VerdictScheme) -> PubEntry:
    """A recap entry with each source's live verdict (sources that vanished are left out)."""
    found = (_source(store, i, scheme) for i in entry.source_item_ids)
    sources = tuple(s for s in found if s is not None)
    return PubEntry(
        id=entry.id,
        uuid=safe_line(entry.uuid),
        section=safe_line(entry.section),
        position=entry.position,
        date_text=_opt_line(entry.date_text),
        date_start=_opt_line(entry.date_start),
        date_end=_opt_line(entry.date_end),
        date_edtf=_opt_line(entry.date_edtf),
        date_precision=_opt_line(entry.date_precision),
        created_at=_opt_line(entry.created_at),
        headline=safe_line(entry.headline),
        body=safe(entry.body).strip(),
        confidence=_opt_line(entry.confidence),
        sources=sources,
    )


def sections_of(store: Store, story_id: int, scheme: VerdictScheme) -> tuple[PubSection, ...]:
    """The recap by section, in the desk's template order (`Store.recap_sections`), then any
    other section entries are filed under, by name; sections with no entry left out."""
    entries = [pub_entry(store, e, scheme) for e in store.recap(story_id)]
    template = [safe_line(name) for name in store.recap_sections()]
    order = template + sorted({e.section for e in entries} - set(template))
    out: list[PubSection] = []
    for name in order:
        mine = tuple(e for e in entries if e.section == name)
        if mine:
            out.append(PubSection(name, SECTION_TITLES.get(name, section_title(name)), mine))
    return tuple(out)


def _rows(store: Store, query: ItemQuery, limit: int | None) -> Iterator[int]:
    """Item ids of a query, newest posted first, by keyset pages."""
    after: PageKey | None = None
    seen = 0
    while limit is None or seen < limit:
        size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - seen)
        rows = store.page(query, after=after, limit=size)
        if not rows:
            return
        for row in rows:
            yield row.id
        seen += len(rows)
        after = PageKey(rows[-1].sort_at, rows[-1].id)
        if len(rows) < size:
            return


def kept_items(
    store: Store, story_id: int, scheme: VerdictScheme, limit: int = MAX_PAGE_ITEMS
) -> tuple[PubItem, ...]:
    """The story's newest `limit` kept items, oldest posted first."""
    ids = list(_rows(store, ItemQuery(story_id=story_id, triage=("kept",)), limit))
    return tuple(pub_item(store, store.item(i), scheme) for i in reversed(ids))


def iter_items(store: Store, story_id: int) -> Iterator[PubItem]:
    """Every item of the story but the discarded ones, newest posted first, page by page.

    Discarded items are hidden on the desk, so they are not published;
    new, kept and flagged items all are, with their triage. The desk's
    verdicts are read once, at the start.
    """
    scheme = scheme_from(store.verdicts())
    for item_id in _rows(store, ItemQuery(story_id=story_id), None):
        try:
            item = store.item(item_id)
        except NotFoundError:  # pragma: no cover - items are never deleted
            continue
        yield pub_item(store, item, scheme)


def collect(
    store: Store,
    story: str | Story,
    *,
    clock: Clock = utc_now,
    publisher: str = "desk",
    page_url: str | None = None,
    max_items: int = MAX_PAGE_ITEMS,
) -> Publication:
    """One story of the desk, read for the page formats (see the module docstring)."""
    found = find_story(store, story) if isinstance(story, str) else story
    for _ in range(_SNAPSHOT_TRIES):
        head = chain_head(store)
        scheme = scheme_from(store.verdicts())
        sections = sections_of(store, found.id, scheme)
        items = kept_items(store, found.id, scheme, max_items)
        kept_total = store.counts(found.id).triage.get("kept", 0)
        if chain_head(store) == head:
            break
    return Publication(
        story=pub_story(found),
        sections=sections,
        items=items,
        kept_total=max(kept_total, len(items)),
        head=head,
        exported_at=iso_z(clock()),
        publisher=safe_line(publisher) or "desk",
        page_url=_opt_line(page_url),
    )
