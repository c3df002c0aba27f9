"""The copy-merge rules as a property: any order of ingesting the copies of one post
gives the same item.

Hypothesis makes a set of copies of one post (the same platform id), each
differing in what the platforms differ in: the text full, cut short in
compat mode (`…` and an `/i/web/status/` link), a rendering (an embed's),
or an edit (a later `edited_at`); the posted time missing, to the day or to
the second, with or without its zone; media with and without alt text; the
author's name, handle and URL, the title and the language there or not. The
copies go through the real pipeline (one input file per copy, into a fresh
desk) in two orders, and the items must be equal in every field that a copy
decides (not the item's id, uuid or arrival, nor which copy came first, which
are the log's business), with the same copies kept.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import Store
from db.models import Media
from desk.ingest import pipeline, registry
from desk.ingest.base import ParsedItem, Posted, Source

POST_ID = "1764391234567890123"
FULL = "Water is over the Mill Street bridge now. Stay off it, the council says."


def _text(variant: str, edit: int) -> tuple[str, dict[str, Any]]:
    if variant == "truncated":
        return FULL[:40] + f"\u2026 https://twitter.com/i/web/status/{POST_ID}", {}
    if variant == "display":
        return FULL[:60] + " pic.x.com/Vh0Fl00d1x", {"embed": "blockquote"}
    if variant == "edited":
        return f"Edit {edit}: {FULL}", {"edited_at": f"2024-03-0{edit}T12:00:00Z"}
    return FULL, {}


_POSTED = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(
            [
                ("2024-03-03T00:00:00Z", "day"),
                ("2024-03-03T19:42:00Z", "minute"),
                ("2024-03-03T19:42:40Z", "second"),
                ("2024-03-03T19:42:41Z", "second"),
            ]
        ),
        st.booleans(),
    ),
)
_MEDIA = st.lists(
    st.sampled_from(
        [
            ("https://pbs.twimg.com/media/a.jpg", "photo", None),
            ("https://pbs.twimg.com/media/a.jpg", "photo", "The bridge under water"),
            ("https://video.twimg.com/b.mp4", "video", None),
        ]
    ),
    max_size=2,
    unique_by=lambda m: m[0],
)

COPY = st.fixed_dictionaries(
    {
        "text": st.sampled_from(["full", "truncated", "display", "edited"]),
        "edit": st.integers(1, 3),
        "posted": _POSTED,
        "media": _MEDIA,
        "author_name": st.sampled_from([None, "Valley Watch", "Valley Watch \U0001f30a"]),
        "author_handle": st.sampled_from([None, "valley_watch"]),
        "author_url": st.sampled_from([None, "https://twitter.com/valley_watch"]),
        "title": st.sampled_from([None, "Mill Street"]),
        "lang": st.sampled_from([None, "en", "de"]),
        "likes": st.sampled_from([None, 3, 40]),
    }
)


def _parsed(spec: dict[str, Any]) -> ParsedItem:
    text, extra = _text(spec["text"], spec["edit"])
    if spec["likes"] is not None:
        extra["counts"] = {"like_count": spec["likes"]}
    posted = None
    if spec["posted"] is not None:
        (at, precision), tz_known = spec["posted"]
        posted = Posted(at, precision, tz_known)
    return ParsedItem(
        platform="twitter",
        text=text,
        raw=json.dumps(spec, sort_keys=True).encode("utf-8"),
        platform_id=POST_ID,
        url=f"https://twitter.com/i/web/status/{POST_ID}",
        author_name=spec["author_name"],
        author_handle=spec["author_handle"],
        author_url=spec["author_url"],
        title=spec["title"],
        lang=spec["lang"],
        posted=posted,
        media=tuple(Media(url, kind, alt) for url, kind, alt in spec["media"]),
        extra=extra,
        record=1,
    )


def _parse(source: Source) -> Iterator[ParsedItem]:
    yield _parsed(json.loads(source.read_bytes()))


COPIES_FORMAT = SimpleNamespace(NAME="copies-test", detect=lambda sample: 0, parse=_parse)
"""A format of the test's own: each input file is one generated copy, as a parser yields it."""

_DECIDED = (
    "kind, platform, platform_id, url, author_name, author_handle, author_url, text, title, "
    "lang, posted_at, posted_precision, posted_tz_known, "
    # With no posted time an item sorts by its arrival, which is the log's business.
    "CASE WHEN posted_at IS NULL THEN NULL ELSE sort_at END AS sort_at, "
    "media, extra, triage, verdict"
)
_NAMES = [c.split(" AS ")[-1].strip() for c in _DECIDED.split(",")]


def _ingest_all(specs: list[dict[str, Any]]) -> tuple[tuple[Any, ...], frozenset[str]]:
    """Ingest the copies in this order into a fresh desk; the item's decided fields."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.desk", create=True) as store:
        for n, spec in enumerate(specs):
            data = json.dumps(spec).encode("utf-8")
            report = pipeline.ingest_bytes(store, data, f"copy-{n}.json", actor="prop")
            assert report.error is None and not report.rejected, report
        rows = store.conn.execute(f"SELECT {_DECIDED} FROM items").fetchall()
        assert len(rows) == 1, "every copy of one post is one item"
        row = list(rows[0])
        extra = _NAMES.index("extra")
        row[extra] = json.dumps(json.loads(row[extra]), sort_keys=True)  # an object
        shas = frozenset(
            str(r[0]) for r in store.conn.execute("SELECT raw_sha256 FROM item_copies")
        ) or frozenset(str(r[0]) for r in store.conn.execute("SELECT raw_sha256 FROM items"))
    return tuple(row), shas


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(COPY, min_size=1, max_size=4, unique_by=lambda s: json.dumps(s, sort_keys=True)),
    data=st.data(),
)
def test_any_order_of_the_copies_gives_the_same_item(
    specs: list[dict[str, Any]], data: st.DataObject
) -> None:
    other = data.draw(st.permutations(specs), label="the other order")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(registry, "by_name", lambda name: COPIES_FORMAT)
        mp.setattr(pipeline, "_detect", lambda source: COPIES_FORMAT)
        first, first_copies = _ingest_all(specs)
        second, second_copies = _ingest_all(list(other))
    assert first == second
    assert first_copies == second_copies
    assert len(first_copies) == len(specs)


def test_the_best_of_each_field_wins_whatever_came_first() -> None:
    """One fixed set, so the property cannot pass by keeping whichever copy came first."""
    embed = {
        "text": "display",
        "edit": 1,
        "posted": [["2024-03-03T00:00:00Z", "day"], False],
        "media": [],
        "author_name": "Valley Watch",
        "author_handle": "valley_watch",
        "author_url": None,
        "title": None,
        "lang": None,
        "likes": None,
    }
    api = {
        **embed,
        "text": "full",
        "posted": [["2024-03-03T19:42:40Z", "second"], True],
        "media": [["https://pbs.twimg.com/media/a.jpg", "photo", "The bridge under water"]],
        "author_url": "https://twitter.com/valley_watch",
        "lang": "en",
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "_detect", lambda source: COPIES_FORMAT)
        for order in ([embed, api], [api, embed]):
            row, _ = _ingest_all(order)
            named = dict(zip(_NAMES, row, strict=True))
            assert named["text"] == FULL
            assert (named["posted_at"], named["posted_precision"], named["posted_tz_known"]) == (
                "2024-03-03T19:42:40Z",
                "second",
                1,
            )
            assert named["sort_at"] == "2024-03-03T19:42:40Z"
            assert named["lang"] == "en"
            assert named["author_url"] == "https://twitter.com/valley_watch"
            assert json.loads(named["media"])[0]["alt"] == "The bridge under water"
            assert "embed" not in json.loads(named["extra"])
