"""Pasted live pages: each quoted post is the short run of lines above its byline.

A live page copied out of a browser is prose, a quoted post and its byline
(`— Name (@handle) Month D, YYYY`), more prose, another post and byline.
Browsers and CMS editors do not always keep a blank line between
paragraphs, so the post's extent comes from what a post is: a few lines
closed by its picture or link, no longer than its platform allows (280
characters on X, 500 on Mastodon, 300 on Bluesky). Prose above stays in
the article only, and the article's title is its headline, never a post.

The pages are fictional (an invented valley, people and handles), written
the way these pages read when pasted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from desk.ingest.formats import paste
from tests.ingest.helpers import Parsed, parse

HEADLINE = "Live: Tesk river floods Varna Hollow, lower town evacuated"

# Article prose, one paragraph a line (as pasted without blank lines).
PROSE = [
    "The Tesk river rose almost two metres in three hours on Sunday afternoon, after a week "
    "of rain over the Korven hills, and spilled over the old levee east of Mill Street.",
    "The mayor, Ilse Marten, ordered the evacuation of the lower town at 4 p.m.; about 1,200 "
    "residents spent the night in the school gym on Orchard Road, the county says.",
    "Volunteers with boats have been ferrying older residents from the houses along the east "
    "road, where the water reached the first floor windows by early evening.",
    "Power was cut to the whole lower town at 6 p.m. as a precaution, the utility said, and "
    "will not be restored before the water has gone down and the substations are checked.",
    "Our reporters on the bridge counted a dozen cars abandoned in the water; the county fire "
    "service has asked drivers again not to try the flooded roads.",
]
TWEET_1 = (
    "Water is over the Mill Street bridge now. Stay off the east road, it is cut at the "
    "bakery. pic.twitter.com/Vh0Fl00d1x"
)
BYLINE_1 = "\u2014 Valley Watch (@valley_watch) March 3, 2024"
TWEET_2 = [
    "All roads into the lower town are closed until further notice.",
    "Do not drive through flood water: 30 cm is enough to float a car. https://t.co/q8FxK2sLwA",
]
BYLINE_2 = "\u2014 Korven County Fire (@korven_fire) March 3, 2024"
TOOT = [
    "Shelter update from the school gym on Orchard Road: we are at 1,200 people tonight and "
    "the cots ran out at nine, so the county is bringing mattresses from the Korven depot.",
    "If you can lend dry blankets, towels or phone chargers, bring them to the side door on "
    "Orchard Road, not the main entrance, which is kept free for the ambulances.",
    "Please do not come to look at the water. #VarnaHollow #flood",
]
TOOT_BYLINE = "\u2014 Mira Holm (@mira@social.example) March 3, 2024"
SKEET = [
    "Boats are out on Orchard Road now, two crews from Korven and one from the lake club.",
    "They are going door to door along the east road. https://bsky.app/profile/bo.bsky.social/post/3kxyzabc2",
]
SKEET_BYLINE = "\u2014 Bo Lind (@bo.bsky.social) March 3, 2024 at 10:15 PM"


@dataclass(frozen=True)
class Page:
    id: str
    text: str
    title: str | None
    # (handle, platform, the post's text, whether it is marked may_be_partial)
    posts: tuple[tuple[str, str, str, bool], ...]


def lines(*parts: str | list[str]) -> str:
    out: list[str] = []
    for part in parts:
        out.extend(part if isinstance(part, list) else [part])
    return "\n".join(out) + "\n"


WHOLE_TWEET_2 = "\n".join(TWEET_2)
PAGES = (
    Page(
        # the bug: the second post held every line after the first byline. With
        # no blank line anywhere, nothing tells a post's first line from the
        # prose above it: each post is its last line, marked as maybe partial
        "no blank lines between paragraphs",
        lines(
            HEADLINE,
            "Updated March 3, 2024, 9:40 p.m.",
            PROSE[0],
            "Local volunteers have been posting from the river banks all afternoon.",
            TWEET_1,
            BYLINE_1,
            PROSE[1:],
            TWEET_2,
            BYLINE_2,
            "We will keep updating this page through the night.",
        ),
        HEADLINE,
        (
            ("valley_watch", "twitter", TWEET_1, True),
            ("korven_fire", "twitter", TWEET_2[1], True),
        ),
    ),
    Page(
        "blank lines between paragraphs",
        lines(HEADLINE, "", PROSE[0], "", TWEET_1, BYLINE_1, "", PROSE[1], "", TWEET_2, BYLINE_2),
        HEADLINE,
        (
            ("valley_watch", "twitter", TWEET_1, False),
            ("korven_fire", "twitter", WHOLE_TWEET_2, False),
        ),
    ),
    Page(
        "a paste that opens with the post has no title",
        lines(TWEET_2, BYLINE_2, PROSE[0], PROSE[1]),
        None,
        (("korven_fire", "twitter", WHOLE_TWEET_2, False),),
    ),
    Page(
        "back to back: a Mastodon post of 3 lines fits its 500 characters",
        lines(HEADLINE, "", TWEET_1, BYLINE_1, TOOT, TOOT_BYLINE, PROSE[2]),
        HEADLINE,
        (
            ("valley_watch", "twitter", TWEET_1, False),
            ("mira@social.example", "mastodon", "\n".join(TOOT), False),
        ),
    ),
    Page(
        "back to back: the same lines under an X byline are over 280",
        lines(HEADLINE, "", TWEET_1, BYLINE_1, TOOT, BYLINE_2),
        HEADLINE,
        (
            ("valley_watch", "twitter", TWEET_1, False),
            ("korven_fire", "twitter", TOOT[2], True),
        ),
    ),
    Page(
        "a Bluesky post with its link, the time after `at`",
        lines(HEADLINE, "", PROSE[2], "", SKEET, SKEET_BYLINE, "", PROSE[3]),
        HEADLINE,
        (("bo.bsky.social", "bluesky", "\n".join(SKEET), False),),
    ),
    Page(
        "a line ending with a link closes something else: a prose line with a URL",
        lines(
            HEADLINE,
            "Read the county statement: https://korven.example/statements/flood-0303",
            TWEET_2,
            BYLINE_2,
        ),
        HEADLINE,
        (("korven_fire", "twitter", WHOLE_TWEET_2, False),),
    ),
    Page(
        "two posts in a row, the second after the first one's byline",
        lines(HEADLINE, PROSE[0], TWEET_1, BYLINE_1, TWEET_2, BYLINE_2),
        HEADLINE,
        (
            ("valley_watch", "twitter", TWEET_1, True),
            ("korven_fire", "twitter", WHOLE_TWEET_2, False),
        ),
    ),
    Page(
        "a pull quote attributed with an em dash and no handle is prose, not a post",
        lines(
            HEADLINE,
            "",
            "\u201cWe have never seen the Tesk this high in March.\u201d",
            "\u2014 Ilse Marten, mayor of Varna Hollow, March 3, 2024",
            "",
            PROSE[3],
            "",
            TWEET_1,
            BYLINE_1,
        ),
        HEADLINE,
        (("valley_watch", "twitter", TWEET_1, False),),
    ),
    Page(
        "a post quoted with `>` marks: the unquoted line above is prose",
        lines(
            HEADLINE,
            "The fire service was blunt:",
            [f"> {line}" for line in TWEET_2],
            f"> {BYLINE_2}",
        ),
        HEADLINE,
        (("korven_fire", "twitter", WHOLE_TWEET_2, False),),
    ),
    Page(
        "CRLF line ends and the byline's `&mdash;` as copied from the page source",
        lines(HEADLINE, "", PROSE[4], "", TWEET_2, BYLINE_2.replace("\u2014", "&mdash;")).replace(
            "\n", "\r\n"
        ),
        HEADLINE,
        (("korven_fire", "twitter", WHOLE_TWEET_2, False),),
    ),
)


def run(text: str | bytes) -> Parsed:
    return parse(paste, text, "-")


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_live_page(page: Page) -> None:
    data = page.text.encode("utf-8")
    items, rejected = run(data)
    assert rejected == []
    article, *posts = items
    assert (article.platform, article.kind) == ("web", "article")
    assert article.title == page.title
    assert article.extra["quoted_posts"] == len(page.posts)
    got = [
        (p.author_handle, p.platform, p.text, p.extra.get("may_be_partial", False)) for p in posts
    ]
    assert got == list(page.posts)
    for post in posts:
        assert post.raw in data  # the post's own lines, cut out of the paste
        assert post.text in article.text.replace("> ", "")
        for paragraph in PROSE:  # prose stays in the article only
            assert paragraph[:40] not in post.text
    for paragraph in PROSE:
        if paragraph[:40] in page.text:
            assert paragraph[:40] in article.text


def test_post_lengths_in_the_table_are_real() -> None:
    """The table's posts fit their platform and the prose above would not."""
    assert len(TWEET_1) - len("pic.twitter.com/Vh0Fl00d1x") <= 280
    assert len("\n".join(TOOT)) <= 500 < len("\n".join(TOOT)) + len(PROSE[1])
    assert len("\n".join(TOOT)) > 280  # over X's limit
    assert len("\n".join(SKEET)) <= 300 < len("\n".join(SKEET)) + len(PROSE[2])


# --- hostile text ----------------------------------------------------------------


def test_escapes_and_bidi_in_the_prose_above_stay_out_of_the_post() -> None:
    text = lines(
        HEADLINE,
        "\x1b[2J\x1b]52;c;ZXZpbA==\x07[bold red]Reporter note[/] \u202eeton\u202c " + PROSE[0],
        TWEET_1,
        BYLINE_1,
    )
    items, rejected = run(text)
    assert rejected == []
    post = items[1]
    assert post.text == TWEET_1
    for value in (items[0].text, items[0].title or "", post.text, post.author_name or ""):
        assert not any(ch in value for ch in "\x1b\x07\u202e\u202c")


def test_control_characters_between_post_lines() -> None:
    text = lines(HEADLINE, PROSE[0], "", TWEET_2[0] + "\x00\x08", TWEET_2[1], BYLINE_2)
    items, rejected = run(text.replace("\x00", ""))  # NUL makes it binary for the paste
    assert rejected == []
    assert items[1].text == "\n".join(TWEET_2)


def test_huge_prose_line_above_a_post() -> None:
    wall = "water " * (2 * 1024 * 1024 // 6)
    started = time.perf_counter()
    items, rejected = run(lines(HEADLINE, wall, TWEET_1, BYLINE_1))
    assert rejected == []
    assert items[1].text == TWEET_1
    assert len(items[0].text) > 2_000_000
    assert time.perf_counter() - started < 10


def test_many_short_lines_without_a_blank_line() -> None:
    chatter = [f"Line {n} of the reporter's running notes." for n in range(50_000)]
    started = time.perf_counter()
    items, rejected = run(lines(HEADLINE, chatter, TWEET_2, BYLINE_2))
    assert rejected == []
    assert items[1].text == TWEET_2[1]  # no clue where the post starts: its last line
    assert items[1].extra["may_be_partial"] is True
    assert time.perf_counter() - started < 10


def test_a_lone_over_long_line_is_still_the_post() -> None:
    """The line above a byline is the post's whatever its length: it is all there is."""
    long_line = " ".join(PROSE)
    items, rejected = run(lines(HEADLINE, long_line, BYLINE_1))
    assert rejected == []
    assert items[1].text == long_line


def test_truncated_live_page() -> None:
    data = PAGES[0].text.encode()
    for cut in range(0, len(data), 61):
        items, rejected = run(data[:cut])
        assert len(items) + len(rejected) >= 1
        for post in items[1:]:
            assert PROSE[1][:40] not in post.text
