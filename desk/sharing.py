"""`desk init --group NAME`: a desk every member of a Unix group can write.

SQLite in WAL mode writes three files (the desk, `-wal`, `-shm`) and creates
the last two in the desk's folder, as whoever opens the desk first. So a
desk shared by a group needs:

- the folder owned by the group, group-writable, with the setgid bit, so
  the `-wal` and `-shm` any member creates belong to the group too;
- the desk file (and any `-wal`/`-shm` already there) owned by the group
  and group-readable and -writable. SQLite gives a new `-wal` and `-shm`
  the desk file's own mode whatever the creator's umask, so `g+rw` on the
  desk is what keeps them group-writable (the umask matters only for other
  files made in the folder: exports, copies; the README says `umask 002`).

Each step is checked before it is done, and anything that cannot work
(no such group, a user outside it, a folder of someone else's, a
filesystem that ignores chmod) is refused with one line saying why,
before the desk is touched.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from db.access import SIDE_FILES, describe, side_file
from desk.errors import DeskError
from desk.identity import os_user

FOLDER_BITS = stat.S_ISGID | stat.S_IRWXG
FILE_BITS = stat.S_IRGRP | stat.S_IWGRP


class SharingError(DeskError):
    """`desk init --group` cannot set the desk up for the group; the message says why."""


def group_id(name: str) -> int:
    """The group's id; refused when the system has no such group or the user is outside it."""
    try:
        gid = grp.getgrnam(name).gr_gid
    except KeyError:
        raise SharingError(
            f"no group {name!r} on this system (an administrator creates it: `groupadd {name}`)"
        ) from None
    if os.geteuid() != 0 and gid not in (os.getegid(), *os.getgroups()):
        me = os_user()
        raise SharingError(
            f"you ({me}) are not in group {name!r}: an administrator adds you "
            f"(`usermod -aG {name} {me}`), then log in again"
        )
    return gid


def _has(path: Path, gid: int, bits: int) -> bool:
    st = path.stat()
    return st.st_gid == gid and st.st_mode & bits == bits


def _share(path: Path, gid: int, bits: int, group: str, what: str) -> None:
    """Give `path` to the group with `bits`, or say in one line why it cannot be."""
    if _has(path, gid, bits):
        return
    st = path.stat()
    if os.geteuid() != 0 and st.st_uid != os.geteuid():
        raise SharingError(
            f"cannot share {what} {path} with group {group!r}: it is not yours "
            f"({describe(path)}); only its owner or root can change its group and mode"
        )
    try:
        os.chown(path, -1, gid)
        os.chmod(path, stat.S_IMODE(st.st_mode) | bits)
    except OSError as exc:
        raise SharingError(
            f"cannot share {what} {path} with group {group!r}: {exc.strerror or exc} "
            "(a shared desk needs a filesystem with Unix owners and modes)"
        ) from None
    if not _has(path, gid, bits):
        raise SharingError(
            f"cannot share {what} {path} with group {group!r}: the filesystem ignored the "
            f"change (it shows {describe(path)}); a shared desk needs a filesystem with Unix "
            "owners and modes"
        )


def prepare_folder(desk: Path, group: str) -> int:
    """Check the group and set the desk's folder up for it (made if missing); the gid."""
    gid = group_id(group)
    folder = desk.absolute().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SharingError(f"cannot make the folder {folder}: {exc.strerror or exc}") from None
    _share(folder, gid, FOLDER_BITS, group, "the folder")
    if desk.exists():
        share_files(desk, group, gid)
    return gid


def new_file_mode() -> int:
    """`rw-rw-r--` (others' bits as the umask allows): outside the group, read-only."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o660 | (0o004 & ~umask)


def share_files(desk: Path, group: str, gid: int) -> None:
    """The desk file and any `-wal`/`-shm` beside it: the group's, `g+rw`."""
    _share(desk, gid, FILE_BITS, group, "the desk file")
    for suffix in SIDE_FILES:
        side = side_file(desk, suffix)
        if side.exists():
            _share(side, gid, FILE_BITS, group, "the file")
