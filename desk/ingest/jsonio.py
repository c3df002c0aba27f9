"""Reading one whole JSON document from an input, the same way in every format.

`json.loads` on bytes already accepts UTF-8 (with or without a BOM), UTF-16
and UTF-32; what differs between formats is only how failure is reported,
so the failures become one `Rejected` with the line where the JSON breaks.
"""

from __future__ import annotations

import json
from typing import Any

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
