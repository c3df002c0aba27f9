"""desk.ingest.values: every accessor on the values loose JSON really holds.

Each row is a value a real export (or a hostile one) puts where a format
expects something else; the accessor must answer the typed "nothing" and
never raise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from desk.ingest import values

# What hostile or careless JSON puts in a field: every JSON type, and the
# texts that trip naive code (escapes, bidi overrides, lone surrogates, NUL).
HOSTILE: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**30,
    1.5,
    float("nan"),
    "",
    "   ",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\ud800",
    "a\x00b",
    [],
    [None],
    {},
    {"a": {"b": 1}},
    json.loads('{"__proto__": 1}'),
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_no_accessor_raises_on_any_json_value(value: Any) -> None:
    assert isinstance(values.string(value), str)
    assert values.str_or_none(value) is None or isinstance(values.str_or_none(value), str)
    number = values.int_or_none(value)
    assert number is None or (isinstance(number, int) and not isinstance(number, bool))
    assert isinstance(values.mapping(value), dict)
    assert isinstance(values.first_dict(value), dict)
    assert all(isinstance(d, dict) for d in values.dicts(value))
    values.first(value)
    values.dig(value, "a", "b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  text  ", "  text  "),  # text is kept as given: cleaning is clean_text's job
        ("", ""),
        (3, ""),
        (None, ""),
        (["a"], ""),
        ("\x1b]52;c;bad\x07", "\x1b]52;c;bad\x07"),
    ],
)
def test_string_keeps_strings_and_nothing_else(value: Any, expected: str) -> None:
    assert values.string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  109372849 ", "109372849"),
        (109372849, "109372849"),
        (10**30, "1" + "0" * 30),  # past 64 bits: still an id, never a float
        (True, None),  # a bool is an int to Python, never an id
        (False, None),
        ("", None),
        ("  \t\n", None),
        (1.0, None),
        ({"id": 1}, None),
        (None, None),
    ],
)
def test_str_or_none_reads_ids_as_strings(value: Any, expected: str | None) -> None:
    assert values.str_or_none(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42, 42),
        (" 42 ", 42),
        ("-7", -7),
        ("4.2", None),
        ("1,000", None),
        ("", None),
        (True, None),
        (4.0, None),
        ("9" * 40, int("9" * 40)),
        ("١٢", 12),  # Arabic-Indic digits are digits to int(): documented, kept
    ],
)
def test_int_or_none(value: Any, expected: int | None) -> None:
    assert values.int_or_none(value) == expected


def test_first_only_of_a_non_empty_list() -> None:
    assert values.first([3, 4]) == 3
    assert values.first([]) is None
    assert values.first((1, 2)) is None  # JSON has no tuples: a tuple is not a list here
    assert values.first("abc") is None
    assert values.first({"0": 1}) is None


def test_mapping_and_first_dict() -> None:
    inner = {"name": "x"}
    assert values.mapping(inner) is inner
    assert values.mapping([inner]) == {}
    assert values.first_dict([1, "a", inner, {"other": 1}]) is inner
    assert values.first_dict(inner) is inner
    assert values.first_dict([1, 2]) == {}


def test_dicts_drops_what_is_not_an_object() -> None:
    assert values.dicts([{"a": 1}, None, "b", [], {"c": 2}]) == [{"a": 1}, {"c": 2}]
    assert values.dicts({"a": 1}) == []


def test_dig_walks_dicts_only() -> None:
    doc = {"user": {"entities": {"url": ["x"]}}, "list": [{"a": 1}]}
    assert values.dig(doc, "user", "entities", "url") == ["x"]
    assert values.dig(doc, "user", "missing", "url") is None
    assert values.dig(doc, "list", "a") is None  # no silent indexing into lists
    assert values.dig(doc) is doc


def test_dig_on_deep_nesting_is_iterative() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(50_000):  # far past the recursion limit
        node["k"] = {}
        node = node["k"]
    assert values.dig(deep, *(["k"] * 50_000)) == {}


def test_unique_keeps_first_seen_order() -> None:
    assert values.unique(["b", "", "a", "b", "a", "c"]) == ["b", "a", "c"]
    assert values.unique([]) == []


@pytest.mark.parametrize(
    ("mime", "kind"),
    [
        ("image/jpeg", "image"),
        ("VIDEO/MP4", "video"),
        ("audio/ogg; codecs=opus", "audio"),
        ("application/pdf", "file"),
        ("", "file"),
        ("image", "image"),
        ("\x1b[2Jimage/png", "file"),
    ],
)
def test_mime_kind(mime: str, kind: str) -> None:
    assert values.mime_kind(mime) == kind


@pytest.mark.parametrize(
    ("value", "line", "text"),
    [
        ("  Ann   Lee ", "Ann Lee", "Ann   Lee"),
        ("\x1b[31mAnn\x1b[0m", "Ann", "Ann"),
        ("\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "link", "link"),
        ("a\ud800b", "a\ufffdb", "a\ufffdb"),
        ("two\nlines", "two lines", "two\nlines"),
        (None, "", ""),
        (42, "", ""),
    ],
)
def test_line_of_and_text_of_clean_untrusted_text(value: Any, line: str, text: str) -> None:
    assert values.line_of(value) == line
    assert values.text_of(value) == text


def test_no_surrogates_returns_clean_text_itself() -> None:
    clean = "Степанакерт"
    assert values.no_surrogates(clean) is clean
    assert values.no_surrogates("x\udfffy") == "x\ufffdy"
    assert values.scrub("\x1b[2Jx\ud800") == "x\ufffd"
