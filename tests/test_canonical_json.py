"""The event log's spelling is the standard library's, whichever encoder writes it.

`db.events.canonical_json` hands plain values to orjson (ten times faster on
an ingest event) and the rest to json; a hash chain written before that
change, or by another desk, must come out byte for byte the same.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from db.events import canonical_json


def stdlib(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_every_code_point_is_spelled_the_same() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    value = {"text": every, "keys": {chr(c): c for c in range(0x3000)}}
    assert canonical_json(value) == stdlib(value)


def test_what_orjson_spells_otherwise_goes_to_json() -> None:
    odd: list[Any] = [
        1e16,  # orjson: 1e16, json: 1e+16
        float("nan"),
        [0.1, -0.0],
        2**64,  # past orjson's integers
        -(2**63) - 1,
        "\ud800 lone",  # a lone surrogate
        {"a": (1, 2)},  # a tuple
        {1: "int key"},
        {"nested": [{"deep": [1.5]}]},
    ]
    for value in odd:
        assert canonical_json(value) == stdlib(value), value


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(codec=None, exclude_categories=())),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_any_value_is_spelled_as_json_spells_it(value: Any) -> None:
    assert canonical_json(value) == stdlib(value)
