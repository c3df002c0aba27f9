"""desk.ingest.jsondocs: the one JSON / JSON Lines reader, its byte spans and its salvage."""

from __future__ import annotations

import codecs
import json
from typing import Any

import pytest

from desk.ingest import jsondocs
from desk.ingest.base import SAMPLE_BYTES, Rejected, Sample, Source
from desk.ingest.formats import twitter_v1
from desk.ingest.jsondocs import BrokenDocument, JsonValue
from tests.ingest.helpers import parse


def read(data: bytes, **options: Any) -> list[JsonValue | Rejected | BrokenDocument]:
    return list(jsondocs.read_json(Source("in.json", data=data), **options))


def values(data: bytes) -> list[Any]:
    return [r.value for r in read(data) if isinstance(r, JsonValue)]


# ---------------------------------------------------------------- documents and lines


def test_a_pretty_printed_document_is_one_value() -> None:
    doc = {"statuses": [{"id": 1}, {"id": 2}], "meta": {"n": 2}}
    [result] = read(json.dumps(doc, indent=2).encode())
    assert isinstance(result, JsonValue)
    assert (result.value, result.line, result.lines_mode) == (doc, 1, False)


def test_a_one_line_document_is_a_document_not_json_lines() -> None:
    [result] = read(b'\n\n  {"id": 1}  \n\n')
    assert isinstance(result, JsonValue)
    assert (result.lines_mode, result.line, result.raw) == (False, 3, b'{"id": 1}')


def test_json_lines_stream_with_line_numbers_and_exact_bytes() -> None:
    data = b'{"id": 1}\n\n{"id": 2, "t": "caf\xc3\xa9"}\r\n[3]\n'
    results = read(data)
    assert [(r.line, r.raw, r.lines_mode) for r in results if isinstance(r, JsonValue)] == [
        (1, b'{"id": 1}', True),
        (3, b'{"id": 2, "t": "caf\xc3\xa9"}', True),
        (4, b"[3]", True),
    ]


def test_a_bad_line_is_rejected_with_its_number_and_the_rest_goes_on() -> None:
    results = read(b'{"id": 1}\n{"id": 2,\n{"id": 3}\n')
    assert isinstance(results[1], Rejected)
    assert (results[1].record, results[1].line) == (2, 2)
    assert results[1].reason.startswith("invalid JSON: ")
    assert values(b'{"id": 1}\n{"id": 2,\n{"id": 3}\n') == [{"id": 1}, {"id": 3}]


def test_a_broken_first_line_of_json_lines() -> None:
    results = read(b'{"id": 1, "t": "cut\n{"id": 2}\n{"id": 3}\n')
    assert isinstance(results[0], Rejected) and results[0].line == 1
    assert [r.value for r in results[1:] if isinstance(r, JsonValue)] == [{"id": 2}, {"id": 3}]


def test_two_broken_lines_at_the_top_are_one_error_not_json_lines() -> None:
    [result] = read(b'{"id": 1, "t": "cut\n{"id": 2,\n{"id": 3}\n')
    assert isinstance(result, Rejected) and result.record is None and result.line == 1


def test_the_wording_of_errors_is_the_callers() -> None:
    [*_, bad] = read(b'{"id": 1}\n{"id"\n', invalid="not valid JSON")
    assert isinstance(bad, Rejected) and bad.reason.startswith("not valid JSON: ")


@pytest.mark.parametrize("data", [b"", b"\n\n", b"   \r\n\t\n"])
def test_empty_input_gives_nothing_or_says_so(data: bytes) -> None:
    assert read(data) == []
    [rejected] = list(jsondocs.read_documents(Source("e.json", data=data)))
    assert isinstance(rejected, Rejected) and rejected.reason.startswith("empty input")


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-16-le", "utf-16-be"])
def test_wide_text_is_read_whole_with_or_without_a_bom(codec: str) -> None:
    doc = [{"id": 1, "t": "Степанакерт"}, {"id": 2}]
    data = json.dumps(doc, ensure_ascii=False).encode(codec)
    [result] = read(data)
    assert isinstance(result, JsonValue) and result.value == doc


def test_a_legacy_code_page_line_is_read_and_noted() -> None:
    data = '{"t": "café"}\n{"t": "déjà vu, à l\'école"}\n'.encode("cp1252")
    results = [r for r in read(data) if isinstance(r, JsonValue)]
    assert [r.value["t"] for r in results] == ["café", "déjà vu, à l'école"]
    assert all(r.note and "cp1252" in r.note for r in results)


def test_a_utf8_bom_is_not_part_of_the_value() -> None:
    assert values(codecs.BOM_UTF8 + b'{"id": 1}') == [{"id": 1}]


# ---------------------------------------------------------------- what orjson refuses


def test_lone_surrogates_and_nan_are_read_as_the_stdlib_reads_them() -> None:
    assert values(b'{"t": "\\ud800x"}') == [{"t": "\ud800x"}]
    [nan] = values(b'{"v": NaN}')
    assert nan["v"] != nan["v"]


def test_integers_past_64_bits_stay_integers() -> None:
    assert values(b'{"id": 1000000000000000000000000000000}') == [{"id": 10**30}]
    assert values(b'{"id": 18446744073709551616, "n": 1.5}') == [{"id": 2**64, "n": 1.5}]
    lines = b'{"id": 1}\n{"id": -100000000000000000000000}\n'
    assert values(lines) == [{"id": 1}, {"id": -(10**23)}]


def test_an_id_past_64_bits_is_an_id() -> None:
    """orjson reads 10^30 as 1e+30, which no format takes for an id."""
    tweet = b'{"id": 1000000000000000000000000000000, "text": "hi", "user": {"screen_name": "a"}}'
    items, rejected = parse(twitter_v1, tweet)
    assert rejected == [] and items[0].platform_id == str(10**30)


def test_deep_nesting_is_a_rejection_not_a_crash() -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    [result] = read(data)
    assert isinstance(result, BrokenDocument | Rejected)
    reason = result.rejected.reason if isinstance(result, BrokenDocument) else result.reason
    assert "nested too deeply" in reason


def test_hostile_text_is_kept_for_the_formats_to_clean() -> None:
    """The reader reads: escapes, bidi overrides and markup reach the format untouched."""
    hostile = "\x1b]52;c;aGk=\x07[bold]x[/bold]\u202e\x00"
    [value] = values(json.dumps({"t": hostile}).encode())
    assert value["t"] == hostile


def test_a_huge_line_is_one_value() -> None:
    big = "x" * (SAMPLE_BYTES * 40)
    data = json.dumps({"t": big}).encode() + b"\n" + b'{"t": "small"}\n'
    assert [len(v["t"]) for v in values(data)] == [len(big), 5]


# ---------------------------------------------------------------- spans and salvage


def test_array_spans_cut_each_element_exactly() -> None:
    text = '[ {"a": 1} ,\n  {"b": "]", "c": [1, {"d": "}"}]},"x" , 3 ]'
    spans = jsondocs.array_spans(text, 0)
    assert spans is not None
    assert [text[s:e] for s, e in spans] == [
        '{"a": 1}',
        '{"b": "]", "c": [1, {"d": "}"}]}',
        '"x"',
        "3",
    ]
    assert jsondocs.array_spans("[]", 0) == []
    assert jsondocs.array_spans('{"a": 1}', 0) is None
    assert jsondocs.array_spans('[{"a": 1}, {"b"', 0) is None


def test_member_start_finds_a_top_level_member_only() -> None:
    text = '{"meta": {"statuses": "no"}, "statuses": [1, 2]}'
    start = jsondocs.member_start(text, "statuses")
    assert start is not None and text[start:].startswith("[1, 2]")
    assert jsondocs.member_start(text, "missing") is None
    assert jsondocs.member_start("[1]", "statuses") is None
    assert jsondocs.member_start('{"statuses"', "statuses") is None


def test_raw_bytes_of_an_array_element_are_the_files_own() -> None:
    data = '[{"t": "café",   "id": 1},\n {"id": 2}]'.encode()
    [result] = read(data)
    assert isinstance(result, JsonValue)
    spans = jsondocs.array_spans(result.text, 0)
    assert spans is not None
    cut = [result.text[s:e].encode(result.encoding) for s, e in spans]
    assert cut == ['{"t": "café",   "id": 1}'.encode(), b'{"id": 2}']


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b'[{"id": 1}, {"id": 2}, {"id": 3, "t": "cut', None),
        (b'{"search_metadata": {}, "statuses": [{"id": 1}, {"id": 2}, {"id": 3, "t', "statuses"),
    ],
)
def test_salvage_takes_the_complete_records_before_the_break(data: bytes, key: str | None) -> None:
    [broken] = read(data)
    assert isinstance(broken, BrokenDocument)
    found = list(jsondocs.salvage(broken, key))
    assert found[:2] == [(1, {"id": 1}, b'{"id": 1}'), (2, {"id": 2}, b'{"id": 2}')]
    last = found[-1]
    assert isinstance(last, Rejected) and last.record == 3
    assert last.reason.endswith("; the 2 complete record(s) before it were read")


def test_salvage_of_nothing_complete_is_only_the_error() -> None:
    [broken] = read(b'[{"id": 1')
    assert isinstance(broken, BrokenDocument)
    [only] = list(jsondocs.salvage(broken))
    assert isinstance(only, Rejected) and only.record is None
    assert only.reason == broken.rejected.reason


# ---------------------------------------------------------------- whole documents, samples


def test_load_document_names_the_line_of_the_break() -> None:
    doc = jsondocs.load_document(b'{\n"a": 1,\n"b": }')
    assert isinstance(doc, Rejected) and doc.line == 3 and doc.reason.startswith("invalid JSON")
    bad = jsondocs.load_document(b'{"t": "caf\xe9"}', what="JSON Feed is")
    assert isinstance(bad, Rejected) and bad.reason.startswith("JSON Feed is not UTF-8/16/32")
    deep = jsondocs.load_document(b"[" * 100_000)
    assert isinstance(deep, Rejected)
    assert jsondocs.load_document(b'{"a": [1]}') == {"a": [1]}


def test_canonical_bytes_are_one_spelling() -> None:
    one = jsondocs.canonical_bytes({"b": 1, "a": "é"})
    two = jsondocs.canonical_bytes({"a": "é", "b": 1})
    assert one == two == '{"a":"é","b":1}'.encode()
    # orjson refuses lone surrogates: the stdlib's spelling, still bytes
    assert b"\\ud800" in jsondocs.canonical_bytes({"t": "\ud800"})


def test_sample_json() -> None:
    assert jsondocs.sample_json(Sample(b'{"id": 1}', "s")) == {"id": 1}
    assert jsondocs.sample_json(Sample(b'{"id": 1}\n{"id": 2}\n', "s")) == {"id": 1}
    cut = b'{"id": 1, "t": "' + b"x" * SAMPLE_BYTES
    assert jsondocs.sample_json(Sample(cut[:SAMPLE_BYTES], "s")) is jsondocs.NOT_PARSED
    assert jsondocs.sample_json(Sample(b"not json", "s")) is jsondocs.NOT_PARSED
    wide = json.dumps({"id": 1}).encode("utf-16")
    text = jsondocs.sample_text(Sample(wide, "s"))
    assert jsondocs.sample_json(Sample(wide, "s"), text) == {"id": 1}


def test_vcr_cassettes_are_containers() -> None:
    assert jsondocs.is_vcr_cassette('{"interactions": [{"request": {}}]}')
    assert jsondocs.is_vcr_cassette("interactions:\n- request:\n")
    assert not jsondocs.is_vcr_cassette('{"statuses": []}')
