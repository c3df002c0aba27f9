"""desk.ingest.charset: the one decoder, on what real and hostile files hold."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.ingest import charset, jsondocs
from desk.ingest.base import ParsedItem, Source
from desk.ingest.formats import mastodon, paste

FRENCH = "Le café de la gare a fermé; l'élève était déçu. «Ça va», dit-il. "
GERMAN = "Die Straße über der Brücke ist gesperrt. Größere Schäden möglich. "
RUSSIAN = "Эвакуация жителей Степанакерта продолжается, сообщили власти. "
GREEK = "Η εκκένωση των κατοίκων συνεχίζεται, ανακοίνωσαν οι αρχές. "
JAPANESE = "住民の避難は続いていると当局は発表した。"
KOREAN = "당국은 주민 대피가 계속되고 있다고 밝혔다."


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (codecs.BOM_UTF8 + "café".encode(), "café", "utf-8"),
        (codecs.BOM_UTF16_LE + "café".encode("utf-16-le"), "café", "utf-16-le"),
        (codecs.BOM_UTF16_BE + "café".encode("utf-16-be"), "café", "utf-16-be"),
        # UTF-32-LE's mark starts with UTF-16-LE's: read as UTF-32, not UTF-16 + NULs
        (codecs.BOM_UTF32_LE + "café".encode("utf-32-le"), "café", "utf-32-le"),
        (codecs.BOM_UTF32_BE + "café".encode("utf-32-be"), "café", "utf-32-be"),
        ("Stepanakert — café".encode(), "Stepanakert — café", "utf-8"),
        (b"", "", "utf-8"),
    ],
)
def test_what_the_bytes_say_is_believed(data: bytes, text: str, encoding: str) -> None:
    decoded = charset.decode(data)
    assert (decoded.text, decoded.encoding, decoded.note) == (text, encoding, None)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (FRENCH * 3, "cp1252"),
        (GERMAN * 3, "cp1252"),
        ("café", "cp1252"),  # short Western text: the tie goes to cp1252
        (RUSSIAN * 3, "cp1251"),
        (GREEK * 3, "cp1253"),
    ],
)
def test_legacy_code_pages_are_guessed_and_said(text: str, codec: str) -> None:
    decoded = charset.decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding == codec
    assert decoded.note == f"not UTF-8; decoded as {codec} (guessed)"


@pytest.mark.parametrize(("text", "codec"), [(JAPANESE * 4, "shift_jis"), (KOREAN * 4, "euc_kr")])
def test_multibyte_code_pages_are_never_overridden_by_cp1252(text: str, codec: str) -> None:
    decoded = charset.decode(text.encode(codec))
    assert decoded.text == text
    assert decoded.encoding != "cp1252"


def test_a_declared_charset_comes_before_a_guess() -> None:
    data = (RUSSIAN * 3).encode("koi8_r")
    assert charset.decode(data, declared="KOI8-R").text == RUSSIAN * 3
    assert charset.decode(data, declared="koi8-r").note is None
    # a declaration that names no codec is ignored, not fatal
    assert charset.decode(data, declared="bogus").text == charset.decode(data).text
    assert charset.decode(data, declared="'\"").encoding == charset.decode(data).encoding
    # valid UTF-8 is UTF-8, whatever a page claims
    assert charset.decode("café".encode(), declared="iso-8859-1").text == "café"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_bom_less_wide_json_is_read_by_its_nuls(codec: str) -> None:
    doc = json.dumps({"text": RUSSIAN}, ensure_ascii=False)
    data = doc.encode(codec)
    assert charset.wide_json_codec(data) == codec
    assert charset.decode(data, json_text=True).text == doc
    assert charset.decode(data).text != doc  # only JSON's ASCII first character allows it


def test_no_guess_for_ascii_or_nothing() -> None:
    assert charset.guess_encoding(b"plain ascii text") is None
    assert charset.guess_encoding(b"") is None
    assert charset.guess(b"") is None


def test_bytes_no_code_page_reads_are_replaced_and_said() -> None:
    data = bytes(range(128, 256)) * 4 + b"\x00\x01\x02" * 50
    decoded = charset.decode(data)
    assert isinstance(decoded.text, str)
    assert decoded.note is not None and decoded.note.startswith("not UTF-8")


def test_a_character_cut_at_the_end_is_replaced_not_guessed_away() -> None:
    data = "Степанакерт".encode()[:-1]
    decoded = charset.decode(data)
    assert decoded.text.startswith("Степанакер")


def test_a_huge_input_is_guessed_from_its_head() -> None:
    data = (FRENCH * 3).encode("cp1252") + b"x" * (8 * charset.GUESS_BYTES)
    decoded = charset.decode(data)
    assert decoded.encoding == "cp1252"
    assert len(decoded.text) == len(data)


def test_escape_sequences_survive_decoding_for_the_cleaner_to_remove() -> None:
    """Decoding is not cleaning: the text layer (clean_text) strips escapes later."""
    data = "\x1b]52;c;aGk=\x07 café \u202e".encode()
    assert charset.decode(data).text == "\x1b]52;c;aGk=\x07 café \u202e"
    legacy = ("\x1b[31m" + FRENCH * 3).encode("cp1252")
    assert charset.decode(legacy).text == "\x1b[31m" + FRENCH * 3


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=512), st.sampled_from([None, "utf-8", "cp1251", "bogus", ""]))
def test_decode_never_raises(data: bytes, declared: str | None) -> None:
    for json_text in (False, True):
        decoded = charset.decode(data, declared=declared, json_text=json_text)
        assert isinstance(decoded.text, str)
        codecs.lookup(decoded.encoding)


# ---------------------------------------------------------------- through the formats


def test_every_json_reader_reads_a_cp1252_file_alike() -> None:
    """Before, twitter_v1 and mastodon each had their own tie rule."""
    status = {
        "id": "1",
        "uri": "https://m.example/users/a/statuses/1",
        "url": "https://m.example/@a/1",
        "account": {"acct": "a", "url": "https://m.example/@a", "display_name": "Zoé"},
        "content": f"<p>{FRENCH}</p>",
        "visibility": "public",
        "created_at": "2024-03-03T10:00:00.000Z",
    }
    data = json.dumps(status, ensure_ascii=False).encode("cp1252")
    [item] = list(mastodon.parse(Source("m.json", data=data)))
    assert isinstance(item, ParsedItem)
    assert item.text == FRENCH.strip()
    assert item.author_name == "Zoé"
    text, codec, note = jsondocs.decode_bytes(data)
    assert (codec, note) == ("cp1252", "not UTF-8; decoded as cp1252 (guessed)")
    assert json.loads(text)["account"]["display_name"] == "Zoé"


def test_a_cp1251_paste_keeps_its_cyrillic() -> None:
    data = (RUSSIAN * 2 + "\n\n— Ann (@ann) March 3, 2024").encode("cp1251")
    decoded = paste.decode(data)
    assert decoded is not None
    assert decoded[1] == "cp1251"
    assert RUSSIAN.strip() in decoded[0]
