"""Untrusted text becomes clean plain text: no escapes, no controls, RTL and emoji kept."""

from __future__ import annotations

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
