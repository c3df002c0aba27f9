"""Untrusted text becomes clean plain text: no escapes, no controls, RTL and emoji kept."""

from __future__ import annotations

import pytest

from desk.ingest import clean
from desk.ingest.clean import html_to_text
from desk.text import clean_line, clean_text, strip_escapes


def test_ansi_and_osc_sequences_are_removed_whole() -> None:
    text = "a\x1b[1;31mred\x1b[0m b \x1b]8;;http://evil/\x07link\x1b]8;;\x07 c \x1b]52;c;ZXZpbA==\x1b\\ d"
    assert clean_text(text) == "ared b link c  d"


def test_c0_c1_and_bidi_overrides_removed_rtl_kept() -> None:
    text = "x\x00\x07\x08\x7f\x85\x9b31m y \u202eabc\u202c \u2066iso\u2069 \u0645\u0631\u062d\u0628\u0627 \u200f \U0001f30a"
    out = clean_text(text)
    for bad in ("\x00", "\x07", "\x7f", "\x85", "\x9b", "\u202e", "\u202c", "\u2066", "\u2069"):
        assert bad not in out
    assert "\u0645\u0631\u062d\u0628\u0627" in out and "\U0001f30a" in out and "\u200f" in out


def test_markup_stays_text() -> None:
    assert (
        clean_text("[bold red]x[/] [link=http://e]y[/link]")
        == "[bold red]x[/] [link=http://e]y[/link]"
    )


def test_nfc_and_lines() -> None:
    assert clean_text("Cafe\u0301\r\n\r\n\r\n\r\nnext  \n") == "Caf\u00e9\n\nnext"
    assert clean_line("  two\n lines\t here ") == "two lines here"


def test_html_to_text_uses_a_parser() -> None:
    html = (
        "<p>Flood &amp; fire<br>line two</p><script>alert(1)</script><ul><li>a</li><li>b</li></ul>"
    )
    assert html_to_text(html) == "Flood & fire\nline two\n\n- a\n\n- b"
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
    assert html_to_text("plain &lt;b&gt; text") == "plain <b> text"


def test_huge_field_is_handled() -> None:
    big = ("word " * 2_000_000) + "\x1b[31m"
    out = clean_text(big)
    assert len(out) == len("word " * 2_000_000) - 1
    assert strip_escapes("\x1b[2J\x1b[H") == ""


# Text with no markup and only simple references is decoded without a tree
# (a feed title: `UI Automation &amp; screenshots`); each must read exactly as
# lxml reads it (the shortcut turned off). The second half are the ones the
# shortcut must leave to lxml (other references, controls, CR).
_PLAIN_CASES = [
    "UI Automation &amp; screenshots",
    "Here&#x2019;s a partial collection&#8230;",
    "&lt;b&gt;not bold&lt;/b&gt; &quot;quoted&quot; &#39;single&#39;",
    "  spaced &amp;\tout  \n\n\n\nlines &#160;nbsp&#xA0; ",
    "emoji &#x1F600; and &#X41;&#0000065; e&#x301; &#x202e;bidi",
    "edges &#x20;&#x7e;&#xd7ff;&#xe000;&#xfdcf;&#xfdf0;&#xfffd;&#x10ffff;",
    "&amp;amp; twice, &amp;lt; escaped",
    # left to lxml
    "&nbsp;named &copy; &AMP; &amp no semicolon & bare",
    "C1 &#x85; &#150; &#x9f; DEL &#x7f; tab &#9; NUL &#0; &#xD800; &#x110000; &#xFDD0;",
    "a\x00b &amp; c",
    "cr\r\nlf &amp;\r",
    "esc \x1b[31mred &amp; \x07 bell",
    "lone \ud800 surrogate &amp;",
]


def test_plain_text_with_references_reads_as_lxml_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = [clean._decode_plain(text) is not None for text in _PLAIN_CASES]
    assert taken == [True] * 7 + [False] * 6
    fast = [html_to_text(text) for text in _PLAIN_CASES]
    monkeypatch.setattr(clean, "_decode_plain", lambda _text: None)
    for text, got in zip(_PLAIN_CASES, fast, strict=True):
        assert got == html_to_text(text), repr(text)
        assert got == html_to_text(f"<span>{text}</span>") or "\x1b" in text, repr(text)


def test_printable_ascii_takes_the_short_way_with_the_same_result() -> None:
    assert clean_text("  https://e.example/a?b=1&c=2  ") == "https://e.example/a?b=1&c=2"
    # not printable: the full rules still run (tab kept, CR read as a line break)
    assert clean_text(" a\tb\r\n\r\n\r\n\r\nc \x7f") == "a\tb\n\nc"


def _strip_escapes_by_substitution(text: str) -> str:
    """`strip_escapes` as it was before its no-op shortcut: the three substitutions."""
    from desk import text as module

    return module._SURROGATES.sub("\ufffd", module._CONTROLS.sub("", module._ESCAPES.sub("", text)))


@pytest.mark.parametrize(
    "text",
    [
        "", "plain", "caf\u00e9 \u05e9\u05dc\u05d5\u05dd \U0001f600", "\x1b[31mred\x1b[0m", "\x9b31m",
        "\x9d8;;x\x9c", "a\x00b", "\x7f", "\u202eevil", "\u2066x\u2069", "\ufff9", "\ud800",
        "tab\tand\nnewline", "\u200f rlm kept", "\u00a0nbsp kept", "x" * 100_000 + "\x01",
    ],
)  # fmt: skip
def test_strip_escapes_shortcut_changes_nothing(text: str) -> None:
    assert strip_escapes(text) == _strip_escapes_by_substitution(text)


def test_strip_escapes_shortcut_over_every_code_point() -> None:
    for block in range(0, 0x110000, 4096):
        text = "".join(chr(c) for c in range(block, block + 4096))
        assert strip_escapes(text) == _strip_escapes_by_substitution(text), hex(block)
