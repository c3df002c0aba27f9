"""Which desk file a command works on."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def default_desk_path() -> Path:
    """The per-user default desk, under the user data directory."""
    return user_data_path("desk", appauthor=False) / "desk.desk"


def demo_desk_path() -> Path:
    """Where `desk demo` (re)builds the demo desk."""
    override = os.environ.get("DESK_DEMO_FILE")
    if override:
        return Path(override)
    return user_data_path("desk", appauthor=False) / "demo.desk"


def resolve_desk_path(option: str | os.PathLike[str] | None) -> Path:
    """`--desk PATH`, else `$DESK_FILE`, else the default file."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("DESK_FILE", "").strip()
    if env:
        return Path(env).expanduser()
    return default_desk_path()
