"""Reading one whole JSON document from an input, the same way in every format.

`json.loads` on bytes already accepts UTF-8 (with or without a BOM), UTF-16
and UTF-32; what differs between formats is only how failure is reported,
so the failures become one `Rejected` with the line where the JSON breaks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

from desk.ingest.base import Rejected


def load_document(data: bytes, *, what: str = "") -> Any | Rejected:
    """The parsed document, or a `Rejected` naming the line and the reason."""
    prefix = f"{what} " if what else ""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        return Rejected(record=None, reason=f"{prefix}not UTF-8/16/32 text: {exc}")
    except json.JSONDecodeError as exc:
        return Rejected(record=None, reason=f"invalid JSON: {exc.msg}", line=exc.lineno)
    except RecursionError:
        return Rejected(record=None, reason="JSON nested too deeply to read")


def loads(data: str | bytes) -> Any:
    """Parse JSON fast (orjson); anything orjson refuses goes through `json`.

    orjson refuses what stdlib accepts in a few corners (lone surrogate
    escapes, integers past 64 bits, NaN), and its errors carry no line
    number; the fallback keeps stdlib's behaviour and messages exactly.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def canonical_bytes(value: Any, *, default: Callable[[Any], Any] | None = None) -> bytes:
    """One spelling of a record as bytes: sorted keys, UTF-8, compact.

    Used as an item's raw copy when its record cannot be cut out of the
    input byte for byte; orjson is ~10x faster than `json.dumps` here.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=default)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=default)
        return text.encode("utf-8", errors="backslashreplace")
