"""Who the operating system says is writing: the authenticated account of this process.

The display name of an event (`--as`, `$DESK_USER`, config) is whatever
the person typed; the OS user is what the system authenticated (over SSH,
their own account). It is read from the password database by the
*effective* uid, never from `$USER` or `$LOGNAME`, which anyone can set.

It lives in `db` (stdlib only) because the store records it on every event
itself: no caller passes it in, so no verb can put another account's name
on an event. `desk.identity` is where the rest of identity lives.
"""

from __future__ import annotations

import os
import pwd


def os_user() -> str:
    """The account name of the effective uid; `uid N` when the system has no entry for it."""
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name or f"uid {uid}"
    except KeyError:  # a uid with no passwd entry (a container run with --user 12345)
        return f"uid {uid}"
