"""Who is acting: every event names its actor."""

from __future__ import annotations

import getpass
import os


def current_actor(override: str | None = None) -> str:
    """`--as NAME`, else `$DESK_USER`, else the OS user."""
    if override:
        return override.strip()
    env = os.environ.get("DESK_USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
