"""Blocking reads that assemble what a pane shows; run only in thread workers.

The widgets take plain view objects; these functions make them from several
store reads (an item with its links described in words, the candidates of
the link picker, the hourly arrivals of the sparkline). Keeping them out of
the screen class keeps the screen about keys and flow, and lets the bench
and tests call them directly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from db import Store
from db.clock import iso_second
from db.errors import NotFoundError
from db.models import ItemQuery, ItemRow, RecapEntry
from desk.filter_expr import fts_query
from desk.text import safe_line
from desk.verdicts import scheme_from
from widgets.item_detail import LINK_PAGE, ItemView, LinkPage, LinkView
from widgets.link_picker import Candidate

HOURS = 24
DETAIL_MAX_CHARS = 20_000
"""The detail pane shows this much of an item's text: wrapping megabytes on
the event loop would freeze the screen. `desk show ID` prints all of it."""
_ID = re.compile(r"^#?(\d{1,12})$")


def first_line(store: Store, item_id: int) -> str:
    """`#12 @handle: first line` for links and pickers; `#12 (gone)` if it vanished."""
    rows = store.page(ItemQuery(ids=(item_id,), show_discarded=True), limit=1)
    if not rows:
        return f"#{item_id} (not in this desk)"
    row = rows[0]
    who = f"@{row.author_handle}" if row.author_handle else (row.author_name or row.platform)
    return f"#{row.id} {safe_line(who)}: {safe_line(row.first_line)}"


def entry_label(entry: RecapEntry) -> str:
    date = f"{entry.date_text}: " if entry.date_text else ""
    return f"recap {entry.section} (entry {entry.id}): {date}{entry.headline}"


def link_page(store: Store, item_id: int, after: int = 0, limit: int = LINK_PAGE) -> LinkPage:
    """A page of an item's links with each other end put into words (the item pane's `m`).

    One keyset page of links and one read of the rows they point to: measured on
    an item with 5,283 links, 0.5 ms for the links and a few ms in all, at any depth.
    """
    page = store.links_page(item_id, after=after, limit=limit + 1)
    more = len(page) > limit
    page = page[:limit]
    others = {
        (link.dst_item_id if link.src_id == item_id else link.src_id) or 0
        for _, link in page
        if link.dst_entry_id is None
    }
    rows = store.page(ItemQuery(ids=tuple(others), show_discarded=True), limit=len(others) or 1)
    lines = {row.id: _row_line(row) for row in rows} if others else {}
    links = []
    for _, link in page:
        outgoing = link.src_id == item_id
        if link.dst_entry_id is not None:
            try:
                other = entry_label(store.recap_entry(link.dst_entry_id))
            except NotFoundError:
                other = f"recap entry {link.dst_entry_id} (gone)"
        else:
            other_id = int((link.dst_item_id if outgoing else link.src_id) or 0)
            other = lines.get(other_id, f"#{other_id} (not in this desk)")
        links.append(LinkView(link.relation, outgoing, other, link.created_by))
    return LinkPage(tuple(links), page[-1][0] if more and page else None)


def _row_line(row: ItemRow) -> str:
    who = f"@{row.author_handle}" if row.author_handle else (row.author_name or row.platform)
    return f"#{row.id} {safe_line(who)}: {safe_line(row.first_line)}"


def item_view(store: Store, item_id: int) -> ItemView:
    """The item with its notes, the counts of its links and their first page in words.

    Not every link: an item with thousands kept the app busy 2.6 s and took
    its memory from 56 to 150 MB. The pane reads on with the view's `more`.
    """
    item = store.item(item_id)
    counts = store.link_counts(item_id)
    first = link_page(store, item_id) if counts else LinkPage((), None)
    if len(item.text) > DETAIL_MAX_CHARS:
        shown = item.text[:DETAIL_MAX_CHARS]
        notice = (
            f"\n\n[... {len(item.text):,} characters; the first {DETAIL_MAX_CHARS:,} shown. "
            f"All of it: desk show {item.id}]"
        )
        item = replace(item, text=shown + notice)
    return ItemView(
        item=item,
        links=first.links,
        notes=tuple(store.notes_of(item_id)),
        link_counts=tuple(counts) if first.after is not None else (),
        links_after=first.after,
        more=partial(link_page, store, item_id),
        verdict_label=scheme_from(store.verdicts()).label(item.verdict),
        copies=tuple(store.copies_of(item_id)),
    )


def hourly_arrivals(store: Store, now: datetime, story_id: int | None) -> list[int]:
    """Arrivals in each of the last 24 hours, oldest first (zeros where none came)."""
    start = (now - timedelta(hours=HOURS - 1)).replace(minute=0, second=0, microsecond=0)
    counts = dict(store.arrivals_per_hour(iso_second(start), story_id))
    out = []
    for n in range(HOURS):
        hour = start + timedelta(hours=n)
        out.append(counts.get(hour.strftime("%Y-%m-%dT%H"), 0))
    return out


def link_candidates(
    store: Store,
    text: str,
    *,
    source: int,
    marked: Sequence[int],
    entries: Sequence[RecapEntry],
    limit: int = 30,
) -> list[Candidate]:
    """What the link picker offers for `text`: an id, search hits, matching recap entries.

    With no text: the marked items (as one choice) and every recap entry.
    """
    out: list[Candidate] = []
    query = text.strip()
    if not query:
        targets = tuple(i for i in marked if i != source)
        if targets:
            label = (
                first_line(store, targets[0])
                if len(targets) == 1
                else f"the {len(targets)} marked items"
            )
            out.append(Candidate("items", targets, f"marked: {label}"))
        out.extend(Candidate("entry", (e.id,), entry_label(e)) for e in entries)
        return out
    match = _ID.match(query)
    if match:
        item_id = int(match.group(1))
        if item_id != source and store.item_exists(item_id):
            out.append(Candidate("items", (item_id,), first_line(store, item_id)))
    words = query.lower().split()
    out.extend(
        Candidate("entry", (e.id,), entry_label(e))
        for e in entries
        if all(w in entry_label(e).lower() for w in words)
    )
    fts = fts_query(query.split()) if not match else None
    if fts:
        for item_id in store.search_ids(fts, limit=limit):
            if item_id != source:
                out.append(Candidate("items", (item_id,), first_line(store, item_id)))
    return out
