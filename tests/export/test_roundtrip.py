"""Issue 9's round trip: export `md`, ingest it into a fresh desk and into the same desk, compare.

"Ingesting this page into the same desk adds nothing; into a fresh desk it
gives back the same posts with the same authors and days." The desk is the
fixed export desk (conftest.py) plus posts that try every way to turn their
text or byline into structure, and bylines of every shape the page writes
(no name, no link, a link that is not http, a month or a year for a date).

What "the same" means is what the page shows: every field as the export
reads it (`collect`, which already drops escapes a hand-edited desk may
hold), the day at the precision the byline prints. Then the importer's own
bad input: empty, cut short at every line, in the wrong encoding.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import NewItem, Store
from desk import verbs
from desk.export import markdown
from desk.export.collect import ChainHead, PubItem, Publication, PubStory, collect
from desk.ingest import registry
from desk.ingest.base import ParsedItem, Rejected, Sample, Source
from desk.ingest.formats import markdown_page
from desk.ingest.pipeline import ingest_bytes
from desk.ingest.report import IngestReport
from desk.text import clean_text
from tests.clirun import run_cli
from tests.export.conftest import EXPORTED, Desk, build, export_text, tweet

TRICKS = (
    '[desk:post:1]: # "platform=manual kind=note author=none"\n\n'
    "\u2014 Fake Person (@fake) [May 1, 2020](<https://evil.example/>)\n\n"
    "    indented like code\n"
    "\u2003led by an em space, ended by an ideographic one\u3000\n"
    "&amp; &#x41; &copy; \\ back\\slash at the end\\\n"
    "> not a quote\n"
    "<!-- a comment --> <div>html</div>\n"
    "```\nnot a fence\n```\n"
    "***\n"
    "| a | b |\n"
    "~~strike~~ __bold__ *em* <https://auto.example/> www.example.com\n"
    "[ref]: https://evil.example/\n"
    "\u202eRTL override\u202c \u2067isolate\u2069 \x1b[31mred\x1b[0m "
    "\x1b]52;c;ZXZpbA==\x07 \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07\n"
    "[bold]rich[/bold] [link=https://evil.example/]x[/link] \u05e9\u05dc\u05d5\u05dd"
)
"""A post trying every way out of its quote: a fake post line and byline, Markdown, HTML,
escapes, entities, white space at both ends of a line, Rich markup, bidi overrides."""

TRICK_NAME = "Eve [x](javascript:alert(1)) (@notme) `tick` \\"


@dataclass(frozen=True)
class RoundDesk:
    """The fixed desk with more posts, kept in story `orvena`."""

    path: Path
    kept: int


def more_posts(store: Store, story: int) -> list[int]:
    """The posts added to the fixed desk, each keeping one more shape of byline."""
    report = ingest_bytes(
        store,
        json.dumps(
            [
                tweet(
                    "1705000000000000001",
                    "Fri Sep 22 11:00:00 +0000 2023",
                    "eve_h",
                    TRICK_NAME,
                    TRICKS,
                )
            ]
        ).encode(),
        "tricks.json",
        actor="ed",
        story_id=story,
    )
    assert report.error is None and not report.rejected, report
    ids = list(report.item_ids)
    # A handle and no name, a link with `&` (not given back by the link: on the post line).
    ids.append(
        verbs.add_item(
            store, "ed", text="Ferry terminal closed.", platform="mastodon", handle="bob@port.example",
            url="https://port.example/@bob/222?lang=en&ref=desk", story_id=story,
        ).id
    )  # fmt: skip
    # A link that is not http: no link on the page, the URL on the post line.
    ids.append(
        verbs.add_item(
            store, "ed", text="Seen on a forum.", platform="web", author="Rita (R.) Reporter",
            url="javascript:alert(1)", story_id=story,
        ).id
    )  # fmt: skip
    # Dates known to the month or the year, printed without a link, names that end like a date.
    with store.transaction() as w:
        for pid, name, at, precision in (
            ("chan/77", "Class of 2023", "2023-10-01T00:00:00Z", "month"),
            ("chan/78", "Harbour May", "2024-01-01T00:00:00Z", "year"),
        ):
            item_id, created = w.insert_item(
                NewItem(
                    platform="telegram", text=f"Channel post {pid}", platform_id=pid,
                    author_name=name, posted_at=at, posted_precision=precision,
                    raw=pid.encode(), story_id=story,
                )
            )  # fmt: skip
            assert created
            ids.append(item_id)
    verbs.set_triage(store, "ed", ids, "kept")
    return ids


@pytest.fixture
def round_desk(tmp_path: Path, frozen: None) -> RoundDesk:
    built: Desk = build(tmp_path / "round.desk")
    with Store(built.path) as store:
        more_posts(store, built.story_id)
        kept = collect(store, "orvena", clock=lambda: EXPORTED).kept_total
    return RoundDesk(built.path, kept)


@pytest.fixture
def page(round_desk: RoundDesk, tmp_path: Path) -> Path:
    path = tmp_path / "orvena.md"
    path.write_bytes(export_text(round_desk.path, "md").encode("utf-8"))
    return path


def published(path: Path) -> tuple[PubItem, ...]:
    with Store(path) as store:
        return collect(store, "orvena", clock=lambda: EXPORTED).items


def day(posted_at: str | None, precision: str | None) -> tuple[str, str] | None:
    """A posted time as a byline prints it: cut to the day, month or year, and that precision."""
    if posted_at is None:
        return None
    shown = precision if precision in ("month", "year") else "day"
    return posted_at[: {"day": 10, "month": 7, "year": 4}[shown]], shown


def fields(item: Any) -> dict[str, object]:
    """What must come back of an item (parsed, published or stored): ids, author, URL, day, text."""
    if isinstance(item, ParsedItem):
        when = day(item.posted.at, item.posted.precision) if item.posted else None
    else:
        when = day(item.posted_at, item.posted_precision)
    return {
        "platform": item.platform,
        "platform_id": item.platform_id,
        "kind": item.kind,
        "author_name": item.author_name,
        "author_handle": item.author_handle,
        "url": item.url,
        "day": when,
        "text": clean_text(item.text),
    }


def ingest_page(desk: Path, page: Path) -> IngestReport:
    with Store(desk, create=not desk.exists()) as store:
        return ingest_bytes(store, page.read_bytes(), str(page), actor="ed")


def items_of(desk: Path, ids: list[int]) -> list[dict[str, object]]:
    with Store(desk) as store:
        return [fields(store.item(item_id)) for item_id in ids]


# -- the round trip ------------------------------------------------------------


def test_into_a_fresh_desk_the_same_posts(
    round_desk: RoundDesk, page: Path, tmp_path: Path
) -> None:
    expected = [fields(item) for item in published(round_desk.path)]
    assert len(expected) == round_desk.kept == 9
    fresh = tmp_path / "fresh.desk"
    report = ingest_page(fresh, page)
    assert (report.error, report.rejected, report.format) == (None, [], "desk-md")
    assert report.new == len(expected)
    assert items_of(fresh, report.item_ids) == expected
    # Every shape of byline was there, and the tricks came back as text.
    by_text = {e["text"]: e for e in expected}
    tricks = next(e for t, e in by_text.items() if str(t).startswith("[desk:post:1]"))
    assert (tricks["author_name"], tricks["author_handle"]) == (TRICK_NAME, "eve_h")
    assert "\u2003led by an em space" in str(tricks["text"])
    assert by_text["Ferry terminal closed."]["author_name"] is None
    assert by_text["Seen on a forum."]["url"] == "javascript:alert(1)"
    assert by_text["Channel post chan/77"]["day"] == ("2023-10", "month")
    assert by_text["Channel post chan/78"]["day"] == ("2024", "year")
    # Ingesting the page again into that desk adds nothing either.
    again = ingest_page(fresh, page)
    assert (again.new, again.duplicates, again.rejected) == (0, len(expected), [])


def test_into_the_same_desk_nothing_added(round_desk: RoundDesk, page: Path) -> None:
    report = ingest_page(round_desk.path, page)
    assert (report.error, report.rejected) == (None, [])
    assert (report.new, report.duplicates, report.item_ids) == (0, round_desk.kept, [])


def test_the_fixed_page_through_the_cli(fixed_desk: Desk, tmp_path: Path) -> None:
    """As a user would: `desk export` to a file, `desk ingest` it here and into a new desk."""
    page = tmp_path / "orvena.md"
    ran = run_cli(fixed_desk.path, "export", "orvena", "-f", "md", "-o", str(page))
    assert ran.code == 0, ran.err
    ran = run_cli(fixed_desk.path, "ingest", str(page))
    assert ran.code == 0, ran.err
    assert "(desk-md): added 0 new, 4 duplicates" in ran.err + ran.out
    assert "nothing new: already in the desk" in ran.err + ran.out
    fresh = tmp_path / "fresh" / "new.desk"
    fresh.parent.mkdir()
    Store(fresh, create=True).close()
    ran = run_cli(fresh, "ingest", "--story", "orvena", str(page), "--json")
    assert ran.code == 0, ran.err
    (report,) = json.loads(ran.out)
    assert (report["format"], report["new"], report["rejected"]) == ("desk-md", 4, [])
    expected = [fields(item) for item in published(fixed_desk.path)]
    assert items_of(fresh, report["item_ids"]) == expected


def test_the_recap_is_not_ingested(page: Path) -> None:
    items, rejected = parse_page(page.read_bytes())
    assert rejected == []
    texts = " ".join(i.text for i in items)
    assert "Inspectors flagged cracks" not in texts and "Repairs planned" not in texts


def test_post_lines_do_not_show_on_the_rendered_page(page: Path) -> None:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(page.read_text(encoding="utf-8").split("---\n", 2)[2])
    assert html.count("<blockquote>") == 9
    # Only the post whose text tries to be a post line shows one, as its text in its quote.
    assert html.count("desk:post") == html.count("platform=") == 1 and "id=1704" not in html


def test_the_page_is_recognised_by_content() -> None:
    golden = (Path(__file__).parent / "golden" / "orvena.md").read_bytes()
    assert registry.detect(Sample(golden, "no-extension")).NAME == "desk-md"
    assert markdown_page.detect(Sample(b"---\ntitle: x\n---\n\n# x\n", "x.md")) == 0
    assert markdown_page.detect(Sample(b"# Notes\n\n> a quote\n", "x.md")) == 0


# -- the text comes back exactly ---------------------------------------------


def pub_item(text: str, **changes: object) -> PubItem:
    values: dict[str, object] = dict(
        id=1, uuid="u", kind="post", platform="twitter", platform_id="1", url=None,
        author_name="A", author_handle="a", author_url=None, title=None, text=text, lang=None,
        posted_at="2023-09-19T14:03:00Z", posted_precision="second", posted_tz_known=True,
        ingested_at="2026-11-27T07:00:00.000000Z", triage="kept", verdict="unverified",
        verdict_reason=None, verdict_label="Unverified", verdict_meaning="unverified",
        tags=(), links=(), notes=(),
    )  # fmt: skip
    values.update(changes)
    return PubItem(**values)  # type: ignore[arg-type]


def page_of(*items: PubItem) -> bytes:
    story = PubStory(1, "s", "s", "S", "2026-11-27T07:00:00Z", None)
    pub = Publication(story, (), items, len(items), ChainHead(0, "", None), "x", "desk", None)
    return markdown.render(pub).encode("utf-8")


def parse_page(data: bytes) -> tuple[list[ParsedItem], list[Rejected]]:
    out = list(markdown_page.parse(Source("page.md", data=data)))
    return [o for o in out if isinstance(o, ParsedItem)], [
        o for o in out if isinstance(o, Rejected)
    ]


TEXT = st.lists(
    st.sampled_from(
        [
            *"ab \t\n\\`*_{}[]<>()#+-=.!|~&^;:'\"@/0123456789",
            *("\u2003", "\u3000", "\u00a0", "\u2028", "\u2014", "\u05e9", "&amp;", "&#x41;"),
            *("1. ", "> ", "- ", "\u2014 ", " (@", ")", "[desk:post:1]: # ", "\n\n", "    "),
        ]
    ),
    max_size=40,
).map("".join)
"""Texts made of what Markdown reads as structure, white space of every kind, and bylines."""


@settings(max_examples=300, deadline=None)
@given(text=TEXT, name=TEXT, handle=TEXT)
def test_any_text_and_byline_come_back_exactly(text: str, name: str, handle: str) -> None:
    item = pub_item(
        text,
        author_name=" ".join(name.split()) or None,
        author_handle=" ".join(handle.split()) or None,
    )
    (got,), rejected = parse_page(page_of(item))
    assert rejected == []
    assert got.text == clean_text(text)
    assert (got.author_name, got.author_handle) == (item.author_name, item.author_handle)


@pytest.mark.parametrize(
    ("posted_at", "precision", "url"),
    [
        (None, None, None),
        (None, None, "https://x.example/1"),
        ("2023-09-19T14:03:00Z", "second", None),
        ("2023-09-01T00:00:00Z", "month", None),
        ("2023-01-01T00:00:00Z", "year", "https://x.example/a&b"),
        ("2023-09-19", "day", "https://x.example/a b"),
    ],
)
def test_every_byline_shape(posted_at: str | None, precision: str | None, url: str | None) -> None:
    for name, handle in (("May 2023", "h"), ("May 2023", None), (None, "h"), (None, None)):
        item = pub_item(
            "t",
            posted_at=posted_at,
            posted_precision=precision,
            url=url,
            author_name=name,
            author_handle=handle,
        )
        (got,), rejected = parse_page(page_of(item))
        assert rejected == []
        assert fields(got) == fields(item), (name, handle)


# -- bad input ---------------------------------------------------------------


def test_an_empty_page(tmp_path: Path) -> None:
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_bytes(store, b"", "empty.md", actor="ed", fmt="desk-md")
        assert report.error == "empty.md: empty file, nothing to ingest"
        report = ingest_bytes(store, b" \n\n", "blank.md", actor="ed", fmt="desk-md")
    assert [str(r) for r in report.rejected] == [
        "blank.md:1: an empty page: no front matter, no posts"
    ]


def cuts(data: bytes) -> Iterator[bytes]:
    """The page cut after every line and in the middle of every line."""
    lines = data.splitlines(keepends=True)
    for n in range(1, len(lines)):
        yield b"".join(lines[:n])
        yield b"".join(lines[:n]) + lines[n][: len(lines[n]) // 2]


def test_a_page_cut_short_anywhere(page: Path) -> None:
    """What is read is whole and the same as from the whole page; the cut is named by line."""
    whole, none = parse_page(page.read_bytes())
    assert none == []
    for cut in cuts(page.read_bytes()):
        items, rejected = parse_page(cut)
        assert items == whole[: len(items)]
        assert rejected, cut[-200:]
        assert all(r.line is not None and 1 <= r.line <= cut.count(b"\n") + 1 for r in rejected)


def test_a_cut_page_through_the_pipeline(page: Path, tmp_path: Path) -> None:
    data = page.read_bytes()
    cut = data[: data.index(b"[desk:post:3]")]
    with Store(tmp_path / "d.desk", create=True) as store:
        report = ingest_bytes(store, cut, "cut.md", actor="ed")
    assert report.format == "desk-md" and report.new == 2
    reasons = [str(r) for r in report.rejected]
    assert (
        reasons[0].startswith("cut.md:") and "post 3 left out: the page ends before" in reasons[0]
    )
    assert "after 3 of the 9 posts its front matter lists: cut short?" in reasons[1]


def test_the_wrong_encoding(page: Path) -> None:
    data = page.read_bytes()
    # Saved as cp1252: every byline's dash is a byte UTF-8 does not have; the posts on such lines
    # are left out and named, the first bad line says why.
    items, rejected = parse_page(data.decode("utf-8").encode("cp1252", errors="replace"))
    first = (
        data.split(b"\n").index(next(line for line in data.split(b"\n") if not line.isascii())) + 1
    )
    assert rejected[0].line == first and rejected[0].reason.startswith("not UTF-8 (byte 0x")
    assert "saved in another encoding?" in rejected[0].reason
    assert items == [] and all("left out: line" in r.reason for r in rejected[1:-1])
    # One bad byte in one post: only that post is left out.
    at = data.index(b"Road to Marrow Ford")
    items, rejected = parse_page(data[:at] + b"\xff" + data[at:])
    whole, _ = parse_page(data)
    assert [i.record for i in items] == [i.record for i in whole if i.record != 2]
    assert [r.record for r in rejected] == [None, 2]
    # UTF-16 is refused whole, with what to do.
    items, rejected = parse_page(data.decode("utf-8").encode("utf-16"))
    assert items == [] and "save it as UTF-8" in rejected[0].reason
    assert markdown_page.detect(Sample(data.decode("utf-8").encode("utf-16"), "x")) == 100


def test_not_a_desk_page() -> None:
    foreign = "---\ntitle: x\n---\n\n## Posts\n\n> hi\n>\n> \u2014 A\n"
    items, rejected = parse_page(foreign.encode("utf-8"))
    assert items == [] and "generator" in rejected[0].reason
    items, rejected = parse_page(b"# no front matter\n")
    assert items == [] and rejected[0].line == 1 and "no front matter" in rejected[0].reason


def test_a_hand_edited_quote_is_read_as_text() -> None:
    """Structure a person typed into a quote is read as its words, never kept as structure."""
    data = page_of(pub_item("x", url="https://x.example/1")).decode("utf-8")
    edited = data.replace(
        "> x\n", "> *em* [a link](<https://evil.example/>) ![alt](i.png) `code` <b>b</b>\n"
    )
    (got,), rejected = parse_page(edited.encode("utf-8"))
    assert rejected == []
    assert got.text == "em a link alt code <b>b</b>"
    assert got.url == "https://x.example/1"
    listed = data.replace("> x\n", "> - a list\n")
    items, rejected = parse_page(listed.encode("utf-8"))
    assert items == [] and "left out: its quote holds bullet_list_open" in rejected[0].reason
