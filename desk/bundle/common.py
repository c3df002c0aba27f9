"""What making and checking a bundle share: the bag's names, the chain head as written,
JSON that cannot drive a terminal, and bagit kept quiet."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from desk.errors import BadInputError
from desk.text import safe_line, truncate

MAX_SEQ = (1 << 63) - 1
"""The largest sequence number SQLite can hold (a signed 64-bit integer)."""

EVENTS_FILE = "events.jsonl"
ITEMS_DIR = "items"
RAW_DIR = "raw"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
"""How a raw capture or evidence file is named in a bag: its sha256, lower-case hex."""
EVIDENCE_DIR = "evidence"
STORY_FILE = "story.json"

INFO_DESK = "Desk-File"
INFO_TARGET = "Desk-Bundle-Of"
INFO_HEAD = "Desk-Chain-Head"
INFO_HEAD_SEQ = "Desk-Chain-Head-Seq"
INFO_HEAD_HASH = "Desk-Chain-Head-Hash"
INFO_HEAD_AT = "Desk-Chain-Head-At"
INFO_BY = "Bundled-By"
INFO_AT = "Bundled-At"

_HEAD_RE = re.compile(r"^(\d+):([0-9a-fA-F]+)$")
_SHOWN = 60
"""Characters of a user's bad input quoted back in an error."""

# What `json.dumps(ensure_ascii=False)` leaves raw but a terminal may act on
# (DEL and C1 controls, bidi embeddings/overrides/isolates, interlinear
# annotations), and lone surrogates, which UTF-8 cannot hold.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ud800-\udfff]")

Clock = Callable[[], datetime]


def shown(text: str, limit: int = _SHOWN) -> str:
    """A user's input, quoted back safely: one line, no escapes, cut short."""
    return repr(truncate(safe_line(text), limit))


def shown_path(path: object) -> str:
    """A folder as typed, quoted back safely (paths are long: cut only past 300 characters)."""
    return shown(str(path), 300)


def parse_head(text: str) -> tuple[int, str]:
    """`SEQ:HASH` (as exports and bundles name a chain head) -> (seq, lower-case hash)."""
    found = _HEAD_RE.match(text.strip())
    if found is None:
        raise BadInputError(
            f"bad --head {shown(text)}: give SEQ:HASH, an event's sequence number and its "
            "64-hex-digit hash, as an export or a bundle names the chain head"
        )
    digits, digest = found.groups()
    if len(digits) > 19 or int(digits) > MAX_SEQ:
        raise BadInputError(
            f"bad --head: sequence {truncate(digits, 24)} is larger than any event's"
        )
    seq = int(digits)
    if seq < 1:
        raise BadInputError("bad --head: event sequence numbers start at 1")
    if len(digest) != 64:
        raise BadInputError(
            f"bad --head: the hash has {len(digest)} hex digits; an event hash has 64"
        )
    return seq, digest.lower()


def to_json(value: Any, *, indent: int | None = 2) -> str:
    """JSON with nothing a terminal would act on; any reader gets the exact text back."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    return datetime.now(UTC)


def bagit_module() -> Any:
    """The `bagit` package, imported when a bundle is made or checked (it costs about a
    third of the `desk` command's start-up, which every other command would pay)."""
    import bagit  # type: ignore[import-untyped]

    return bagit


@contextlib.contextmanager
def quiet_bagit() -> Iterator[None]:
    """bagit logs each failure (with paths taken from the bag) to stderr: we say it ourselves."""
    logger = logging.getLogger("bagit")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before
