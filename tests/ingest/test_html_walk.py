"""`clean.html_to_text`'s one-walk fast path gives what the lxml.html tree walk gives.

`_walked_text` reads the common fragment's text in one walk of a plain
parse; `_tree_text` is the reference (lxml.html's fragment, edited in
place). Wherever the walk answers, the two must be equal character for
character; where it declines (None), `html_to_text` is the tree walk. The
hostile cases are the ones where the tree walk does something unexpected:
references that decode to controls (lxml refuses them when the tree is
edited), U+FFFE, lone surrogates, text before the first element that is
blank, deep nesting, huge fragments.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from desk.ingest import clean
from desk.ingest.clean import html_to_text

PIECES = [
    "<br>", "<br/>", "<BR>", "<p>", "</p>", "<P>", "<li>", "</li>", "<LI>", "<ul>", "</ul>",
    "<div>", "</div>", "<b>", "</b>", "<a href='x'>", "</a>", "<h1>", "</h1>", "<pre>  a\n b</pre>",
    "<blockquote>", "<table><tr><td>x</td></tr></table>", "<x:y>", "<!-- note -->", "<?pi x?>",
    "<script>x()</script>", "<style>p{}</style>", "<noscript>n</noscript>", "<html>", "<body>",
    "</body>", "<head>", "<title>t</title>", "<!doctype html>", "<svg><text>s</text></svg>",
    "&amp;", "&lt;", "&nbsp;", "&#x2019;", "&#1;", "&#27;", "&#0;", "&#xFFFE;", "&#xFFFF;",
    "&#x85;", "&#150;", "&#xD800;", "&#x110000;", "&bogus;", "\u00a0", "\r\n", "\r", "\n", "\t",
    " ", "\x1b[31m", "\x00", "\x01", "\x1c", "\x0c", "\ufffe", "\ud800", "\u202e", "\u2028",
    "é", "e\u0301", "ﬁ", "Ω", "text", "<", ">", "&", "]]>",
]  # fmt: skip


def assert_same(html: str) -> None:
    """The walk, where it answers, equals the tree walk (a ValueError included)."""
    html = clean.replace_surrogates(html)
    walked = clean._walked_text(html)
    if walked is None:
        return
    assert walked == clean._tree_text(html), html


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=16))
def test_the_walk_equals_the_tree_walk(pieces: list[str]) -> None:
    assert_same("".join(pieces))


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("<>/&;#x1bpi r\n\x00é\ufffe"), max_size=40))
def test_the_walk_equals_the_tree_walk_on_loose_markup(html: str) -> None:
    assert_same(html)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Here&#x2019;s one&#x2026;</p><p>two</p>", "Here\u2019s one\u2026\n\ntwo"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n\n- two"),
        ("   <p>lead blank</p>", "lead blank"),
        ("lead <b>text</b> kept", "lead text kept"),
        ("<p>a<!-- gone -->b</p>", "ab"),
        ("<p>caf\u00e9 \u202eevil</p>", "caf\u00e9 evil"),
        ("<p>e\u0301</p>", "\u00e9"),
        ("<p>\ud800</p>", "\ufffd"),
        ("<p></p>", ""),
        ("<p>a</p>&#1;<br>b", "a\n\nb"),  # a control in an edited tail: stripped first
        ("<p>x</p>&#150;", "x\n\n\u2013"),
    ],
)
def test_the_walk_reads_the_common_shapes(html: str, text: str) -> None:
    assert clean._walked_text(clean.replace_surrogates(html)) == text
    assert html_to_text(html) == text


@pytest.mark.parametrize(
    "html",
    [
        "<p>a</p><script>x()</script>b",  # something to drop: the tree walk drops it
        "<html><body><p>a</p></body></html>",  # a whole page
        "<!doctype html><p>a</p>",
        "&#27;x<br>b",  # a control in the leading text: lxml.html refuses it (raw text kept)
        "<p>a</p>\ufffe",
        "<b>\x01</b>",  # a control in text the tree walk leaves alone (cleaned after)
        "<p>\x1b[31mred\x1b[0m</p>",  # an escape sequence: the tree walk strips it (to "red")
    ],
)
def test_the_walk_declines_what_the_tree_walk_must_decide(html: str) -> None:
    assert clean._walked_text(html) is None
    try:
        expected: str | type[ValueError] = clean._tree_text(html)
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            html_to_text(html)
    else:
        assert html_to_text(html) == expected


def test_a_deep_fragment_is_walked_without_recursion() -> None:
    html = "<div>" * 3000 + "deep" + "</div>" * 3000 + "<p>after</p>"
    assert_same(html)
    assert clean._walked_text(html) is not None


def test_a_huge_fragment_is_the_same() -> None:
    html = "".join(f"<p>paragraph {n} &amp; caf\u00e9<br>line</p>" for n in range(20_000))
    text = clean._walked_text(html)
    assert text is not None and text.startswith("paragraph 0 & caf\u00e9\nline\n\nparagraph 1")
    assert text == clean._tree_text(html)


def test_empty_and_blank_fragments() -> None:
    assert html_to_text("") == html_to_text("   ") == html_to_text(None) == ""
    assert clean._walked_text("<p> </p>") == clean._tree_text("<p> </p>") == ""


def test_refused_is_what_lxml_refuses_in_an_edit() -> None:
    """`_REFUSED` names exactly the characters lxml will not take into a tree."""
    element = etree.Element("p")
    codes = [*range(0x10000), *range(0x10000, 0x110000, 97)]
    for code in codes:
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        try:
            element.tail = "x" + char
            refused = False
        except ValueError:
            refused = True
        assert refused == bool(clean._REFUSED.search(char)), hex(code)
