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
    os_user: str | None = None,
) -> str:
    """The event's sha256; `os_user` is hashed when the event has one.

    Events written before migration 0008 have no OS user and keep the hash
    they were written with (the key is left out of the body, not set to
    null); every later event carries it, so the account that wrote it is as
    tamper-evident as the display name.
    """
    fields: dict[str, object] = {
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
    if os_user is not None:
        fields["os_user"] = os_user
    body = canonical_json(fields)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
