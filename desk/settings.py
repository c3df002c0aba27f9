"""User settings for the desk TUI, read from one TOML file.

The file lives under the platform's user config folder
(`~/.config/desk/config.toml` on Linux) so every desk a user opens behaves
the same way:

    actor = "alice"            # who I am in the log (unless --as or $DESK_USER say otherwise)
    theme = "ansi-dark"        # any Textual theme; ansi-dark/ansi-light use the terminal's colours
    order = "posted"           # list order: "posted" (posted time) or "arrival"
    story = "stepanakert"      # the story to open on (its slug); default: the newest story
    glyphs = "auto"            # "unicode" (block-element sparkline), "ascii", or "auto"
    editor = "vim"             # for `e`; default: $VISUAL, then $EDITOR

    [keymap]                   # binding id -> keys (comma separated), see `?` in the app
    "desk.tag" = "t,T"
    "desk.quit" = "q,ctrl+q"

A broken file must not keep anyone off the desk: `load_settings` returns
defaults plus a list of problems (each naming the file and the key) that
the app shows as notifications. Who the user is follows the one rule of
`desk.identity` (`--as`, `$DESK_USER`, this file's `actor`, the OS user),
so the TUI and the CLI always name the same person.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from desk.errors import BadInputError
from desk.identity import checked_actor, resolve_actor

ORDERS: tuple[str, ...] = ("posted", "arrival")
GLYPHS: tuple[str, ...] = ("auto", "unicode", "ascii")
DEFAULT_THEME = "textual-dark"


def config_path() -> Path:
    """Where the config file is looked for (`$DESK_CONFIG` overrides, for tests and CI)."""
    override = os.environ.get("DESK_CONFIG")
    if override:
        return Path(override)
    return platformdirs.user_config_path("desk") / "config.toml"


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its user; immutable once loaded."""

    actor: str
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = field(default_factory=dict)
    order: str = "posted"
    story: str | None = None
    glyphs: str = "auto"
    editor: str | None = None
    problems: tuple[str, ...] = ()

    def with_actor(self, actor: str | None) -> Settings:
        """A copy acting as someone else (`desk --as NAME`); a bad name raises `BadInputError`."""
        return replace(self, actor=checked_actor(actor, "--as")) if actor is not None else self

    def unicode_glyphs(self, env: Mapping[str, str] | None = None) -> bool:
        """Whether block elements are safe: not on the Linux console, nor when asked for ASCII."""
        if self.glyphs != "auto":
            return self.glyphs == "unicode"
        term = (env if env is not None else os.environ).get("TERM", "")
        return term not in ("linux", "vt100", "vt220", "dumb")


def _str(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: `{key}` must be a non-empty string; ignored")
        return None
    return value.strip()


def _config_actor(data: Mapping[str, Any], where: str, problems: list[str]) -> str | None:
    """The file's `actor`, or None (with a problem) when it is not a name the log can record."""
    name = _str(data, "actor", where, problems)
    if name is None:
        return None
    try:
        return checked_actor(name, f"{where}: `actor`")
    except BadInputError as exc:
        problems.append(f"{exc}; ignored")
        return None


def parse_settings(
    data: Mapping[str, Any],
    *,
    where: str = "config",
    actor_override: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from already-parsed TOML; bad values in the file become problems, never exceptions.

    `actor_override` (what `--as` said) and `$DESK_USER` (from `env`,
    default `os.environ`) are the caller's, not the file's: a bad one raises
    `BadInputError`, which the CLI prints as one line before any screen opens.
    """
    problems: list[str] = []
    actor = resolve_actor(actor_override, config=_config_actor(data, where, problems), env=env)
    theme = _str(data, "theme", where, problems) or DEFAULT_THEME
    order = _str(data, "order", where, problems) or "posted"
    if order not in ORDERS:
        problems.append(f"{where}: order {order!r} is not one of {', '.join(ORDERS)}; using posted")
        order = "posted"
    glyphs = _str(data, "glyphs", where, problems) or "auto"
    if glyphs not in GLYPHS:
        problems.append(f"{where}: glyphs {glyphs!r} is not one of {', '.join(GLYPHS)}; using auto")
        glyphs = "auto"
    keymap: dict[str, str] = {}
    raw_keymap = data.get("keymap", {})
    if not isinstance(raw_keymap, Mapping):
        problems.append(f'{where}: [keymap] must be a table of binding id = "keys"; ignored')
        raw_keymap = {}
    for binding_id, keys in raw_keymap.items():
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f"{where}: keymap {binding_id!r} must be a string of keys; ignored")
            continue
        keymap[str(binding_id)] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    known = {"actor", "theme", "order", "story", "glyphs", "editor", "keymap"}
    for key in data:
        if key not in known:
            problems.append(f"{where}: unknown setting {key!r}; ignored")
    return Settings(
        actor=actor,
        theme=theme,
        keymap=keymap,
        order=order,
        story=_str(data, "story", where, problems),
        glyphs=glyphs,
        editor=_str(data, "editor", where, problems),
        problems=tuple(problems),
    )


def load_settings(
    path: Path | None = None,
    *,
    actor: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read the config file (absent is fine); a broken file gives defaults and a problem.

    `actor` is what `--as` said, None when nothing was; see `parse_settings`.
    """
    path = path or config_path()
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return parse_settings({}, where=where, actor_override=actor, env=env)
    except OSError as exc:
        settings = parse_settings({}, where=where, actor_override=actor, env=env)
        return replace(
            settings, problems=(f"{where}: cannot read ({exc.strerror}); using defaults",)
        )
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        settings = parse_settings({}, where=where, actor_override=actor, env=env)
        return replace(settings, problems=(f"{where}: not valid TOML ({exc}); using defaults",))
    return parse_settings(data, where=where, actor_override=actor, env=env)
