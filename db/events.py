"""The event log's canonical form and hash chain.

Each event's hash is sha256 over its canonical JSON (sorted keys, no
spaces, UTF-8) including the previous event's hash, so editing or deleting
any row breaks every hash after it and `verify` can name the first bad one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling for one value: the form that is hashed and stored."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    *,
    id: str,
    seq: int,
    at: str,
    actor: str,
    kind: str,
    target: str | None,
    payload_json: str,
    base_version: int | None,
    prev_hash: str,
) -> str:
    body = canonical_json(
        {
            "id": id,
            "seq": seq,
            "at": at,
            "actor": actor,
            "kind": kind,
            "target": target,
            "payload": payload_json,
            "base_version": base_version,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
