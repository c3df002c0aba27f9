"""Whether this process can write a desk file, and if not, why, in words a person can act on.

SQLite in WAL mode writes three files: the desk, `DESK-wal` and `DESK-shm`
beside it, which it creates in the desk's folder. A desk on read-only
media, in a folder the user cannot write, or with a `-wal`/`-shm` left by
another user without group write permission fails every statement, reads
included, with "attempt to write a readonly database". So the desk is
checked before it is opened: when a write cannot work, it is opened
read-only (`connection.open_desk`) and the reason kept, so that reading,
searching and `desk verify` work and every write says

    this desk is read-only: <the reason>

The checks use `os.access` (the kernel's answer for this user, root
included) and `statvfs` (a read-only mount); a file's owner and mode are
named in the reason, with the fix.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from pathlib import Path

from db.whoami import os_user

SIDE_FILES = ("-wal", "-shm")
"""The files SQLite keeps beside a desk in WAL mode."""


def owner_of(st: os.stat_result) -> str:
    """`alice:newsroom`, or the numbers where the system has no names for them."""
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"{user}:{group}"


def describe(path: Path) -> str:
    """`owner alice:newsroom, mode rw-r--r--` of `path` (empty when it cannot be read)."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"owner {owner_of(st)}, mode {stat.filemode(st.st_mode)[1:]}"


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def why_read_only(path: Path) -> str | None:
    """Why this process cannot write the desk at `path` (None: it can).

    Asked of an existing desk before it is opened, and again when SQLite
    refuses a write, to say which file stands in the way and what fixes it.
    """
    path = Path(path)
    folder = path.absolute().parent
    me = os_user()
    if _read_only_mount(path):
        return f"{path} is on a read-only filesystem"
    if not os.access(path, os.W_OK):
        return f"you ({me}) cannot write {path} ({describe(path)})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"you ({me}) cannot write its folder {folder} ({describe(folder)}), where SQLite "
            f"keeps {path.name}-wal and {path.name}-shm"
        )
    for suffix in SIDE_FILES:
        side = side_file(path, suffix)
        if side.exists() and not os.access(side, os.W_OK):
            owner = describe(side)
            return (
                f"you ({me}) cannot write {side} ({owner}): if no one has the desk open it is "
                f"stale, remove it (`rm {side}`); otherwise its owner must run "
                f"`chmod g+rw {side}` (`desk init --group NAME` sets a desk up for a group)"
            )
    return None
