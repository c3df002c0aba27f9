"""Who is acting: every event names its actor, and the CLI and the TUI must agree on who.

One rule, in this order, for every way into the desk:

1. `--as NAME` (or `--actor NAME`) on the command line;
2. `$DESK_USER` (set but blank counts as unset, as shells leave it);
3. `actor = "NAME"` in config.toml (read by `desk.settings`);
4. the OS user.

Beside that display name, every event records the OS account that wrote
it (`db.whoami`: the effective uid's entry in the password database, over
SSH the person's own login; never `$USER`, which anyone can set). The store
reads it itself, so no caller can put another account on an event. Where
an event's author shows (`desk log`, notes, a step's history) both names
show when they differ: `alice (os: bob)` (`who`).

A name given on purpose (the first three) that is blank, holds a line
break or a control character is refused by `desk.vocab.normalise_actor`
rather than cleaned: a silently changed name is a different person in the
audit trail, and `bob\\nmallory` would forge a line of `desk log`. The
error names where the bad name came from, so the person can fix it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from db import whoami
from desk.errors import BadInputError
from desk.text import clean_line, safe_line
from desk.vocab import normalise_actor

ENV_VAR = "DESK_USER"
UNKNOWN = "unknown"


def os_user() -> str:
    """The authenticated account (`db.whoami`), cleaned to one line; `unknown` if blank."""
    try:
        name = clean_line(whoami.os_user() or "")
    except OSError:
        return UNKNOWN
    return name or UNKNOWN


def who(actor: str, os_user: str | None) -> str:
    """`alice`, or `alice (os: bob)` when the account that wrote it is another name.

    Safe for a terminal: both names pass `safe_line`, whatever the desk file
    holds (a hand-edited name with escapes, bidi overrides or line breaks).
    None (an event from before OS users were recorded) shows the name alone.
    """
    name = safe_line(actor)
    if os_user is None:
        return name
    account = safe_line(os_user)
    return name if account == name else f"{name} (os: {account})"


def checked_actor(raw: str, where: str) -> str:
    """`raw` as the event log will record it, or a one-line error naming `where` it came from."""
    try:
        return normalise_actor(raw)
    except BadInputError as exc:
        raise BadInputError(f"{where}: {exc}") from None


def resolve_actor(
    option: str | None = None,
    *,
    config: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """The actor by the desk's one rule: `--as`, then `$DESK_USER`, then config, then the OS user.

    `option` is what `--as` said (None when it was not given; an empty
    string was given and is refused). `config` is the config file's
    `actor`, already read and checked by `desk.settings`. `env` defaults to
    `os.environ`; tests pass their own.
    """
    if option is not None:
        return checked_actor(option, "--as")
    environ = os.environ if env is None else env
    from_env = environ.get(ENV_VAR, "")
    if from_env.strip():
        return checked_actor(from_env, f"${ENV_VAR}")
    if config is not None:
        return checked_actor(config, "config `actor`")
    return os_user()
