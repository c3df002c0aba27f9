"""How a feed entry is known: its canonical link, its id, the keys it had before.

One rule for the two shapes of feed entry (`feeds`: RSS and Atom entries
through feedparser; `_feedjson`: JSON Feed items), so an entry keeps one
identity whichever shape carried it and whichever parser read it.
"""

from __future__ import annotations

import re

from desk.ingest.urls import canonical_url, feed_link_spellings, strip_tracking

PLATFORM = "rss"
KIND = "feed-entry"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def link(raw: str) -> str | None:
    """The entry's link in the one canonical spelling (`urls.canonical_url`), fragment kept.

    https, lower-case host, no tracking pairs, as every format spells a URL.
    The fragment stays: in a feed it names the post on a page of several
    (Scripting News links every post as `day.html#a123`), and without it
    two posts would share one URL and the second would be taken for a copy
    of the first. A link that is not http(s) (`tag:`, a bare path) is kept
    as given with only its tracking pairs cut (it is an id, never a URL).
    """
    return canonical_url(raw, fragment=True) or strip_tracking(raw)


def earlier_keys(
    entry_id: str, raw_link: str, link: str | None, feed_key: str | None
) -> tuple[tuple[str | None, str | None], ...]:
    """The (platform id, url) this entry had in earlier desks, where they differ from now.

    Before issue 12 the link kept its scheme, host case and fragment and lost
    only a shorter list of tracking pairs (`urls.former_spelling`); in
    between it lost the whole list (`urls.strip_tracking`). An entry stored
    under either is found under it: its id when the link is its id, its URL.
    """
    now = (platform_id(entry_id, link, feed_key), link)
    # the id is the link only without an entry id, or with a bare one and no feed key
    by_link = not entry_id or not (feed_key or _URI.match(entry_id))
    keys: list[tuple[str | None, str | None]] = []
    for spelled in feed_link_spellings(raw_link):
        if spelled is None:
            continue
        url = spelled if spelled.startswith(("http://", "https://")) else None
        key = (platform_id(entry_id, spelled, feed_key) if by_link else now[0], url)
        if key[0] == now[0]:
            key = (None, url)  # the id finds it by itself; only the URL is other
        if key in ((None, None), (None, now[1]), now) or key in keys:
            continue
        keys.append(key)
    return tuple(keys)


def platform_id(entry_id: str, link: str | None, feed_key: str | None) -> str | None:
    """The entry's id when it is a URI (globally unique), else made unique by the feed."""
    if entry_id:
        if _URI.match(entry_id):
            return entry_id
        if feed_key:
            return f"{feed_key}#{entry_id}"
        return link or entry_id  # a bare id alone would collide across feeds
    return link or None
