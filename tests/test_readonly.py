"""A desk this user cannot write opens read-only: reading, search and verify work, writes say why.

Root is not stopped by `chmod`, so the cases that need a user without
write permission run `desk` as another OS user (`tests/osusers.py`, root
only; skipped elsewhere, saying so); `Store(read_only=True)` (SQLite's
`mode=ro`, what `desk checkout` reads its source with) is checked as any
user. No test here can pass because root wrote what it should not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Store
from db.access import why_read_only
from db.errors import ReadOnlyError
from desk import verbs
from tests.clirun import run_cli
from tests.osusers import Accounts, make_accounts

OLD_ERROR = "attempt to write a readonly database"


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    yield from make_accounts()


def _desk(folder: Path, mode: int = 0o755) -> Path:
    folder.mkdir(mode=mode)
    os.chmod(folder, mode)
    desk = folder / "read.desk"
    assert run_cli(desk, "init", str(desk)).code == 0
    assert run_cli(desk, "add", "--text", "smoke over the harbour").code == 0
    os.chmod(desk, 0o644)
    return desk


def _one_line(err: str) -> None:
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and OLD_ERROR not in err.split(": this desk")[0]


def test_forced_read_only_reads_and_refuses_writes(tmp_path: Path) -> None:
    """`mode=ro` as any user (root too): reads work, a verb is refused before it writes."""
    desk = _desk(tmp_path / "any")
    with Store(desk, read_only=True) as store:
        assert store.read_only == "opened read-only"
        assert store.search_ids("harbour") == [1]
        assert store.verify() is None
        before = store.last_seq()
        with pytest.raises(ReadOnlyError, match=r"^this desk is read-only: opened read-only$"):
            verbs.tag(store, "ann", [1], ["+x"])
        assert store.last_seq() == before


def test_the_checks_say_nothing_for_a_writable_desk(tmp_path: Path) -> None:
    desk = _desk(tmp_path / "mine")
    assert why_read_only(desk) is None
    with Store(desk) as store:
        assert store.read_only is None


def test_a_folder_the_user_cannot_write(accounts: Accounts) -> None:
    """No -shm can be made there: opened `immutable`, and everything but writing works."""
    desk = _desk(accounts.base / "theirs")
    for args, wanted in (
        (("ls",), "smoke over the harbour"),
        (("search", "harbour"), "smoke over the harbour"),
        (("verify",), "ok: 1 events, chain and raw hashes intact"),
        (("log",), "item.add"),
    ):
        ran = accounts.run(accounts.outsider, "--desk", str(desk), *args)
        assert ran.code == 0, (args, ran.err)
        assert wanted in ran.out
    refused = accounts.run(accounts.outsider, "--desk", str(desk), "tag", "1", "+x")
    assert refused.code == 1
    assert refused.err.startswith("desk: this desk is read-only: ")
    assert f"cannot write {desk}" in refused.err  # the file (644, root's) comes first
    _one_line(refused.err)
    assert not (desk.parent / "read.desk-shm").exists()


def test_a_writable_file_in_a_folder_the_user_cannot_write(accounts: Accounts) -> None:
    desk = _desk(accounts.base / "folder")
    os.chmod(desk, 0o666)
    refused = accounts.run(accounts.outsider, "--desk", str(desk), "tag", "1", "+x")
    assert refused.code == 1
    assert f"cannot write its folder {desk.parent}" in refused.err
    assert "read.desk-wal and read.desk-shm" in refused.err
    _one_line(refused.err)
    listed = accounts.run(accounts.outsider, "--desk", str(desk), "ls")
    assert listed.code == 0 and "smoke over the harbour" in listed.out


HOLDER = """
import sys
from db import Store
from desk import verbs
store = Store(sys.argv[1])
store.conn.execute("PRAGMA wal_autocheckpoint = 0")
verbs.add_item(store, "ann", text="only in the wal")
for side in ("-wal", "-shm"):
    import os
    os.chmod(sys.argv[1] + side, int(sys.argv[2], 8))
print("ready", flush=True)
sys.stdin.readline()
"""


def _holder(desk: Path, side_mode: str) -> subprocess.Popen[str]:
    """Another process with the desk open and a commit still in its -wal."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(desk), side_mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_wal_and_shm_of_another_user_are_named_with_the_fix(accounts: Accounts) -> None:
    """A group desk whose -wal/-shm someone made without group write: named, and how to fix."""
    desk = _desk(accounts.base / "shared", 0o777)
    os.chmod(desk, 0o666)
    holder = _holder(desk, "644")
    try:
        listed = accounts.run(accounts.outsider, "--desk", str(desk), "ls")
        assert listed.code == 0, listed.err
        assert "only in the wal" in listed.out  # mode=ro still reads the -wal
        refused = accounts.run(accounts.outsider, "--desk", str(desk), "tag", "1", "+x")
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert refused.code == 1
    side = f"{desk}-wal"
    assert f"cannot write {side} (owner root:" in refused.err
    assert f"`rm {side}`" in refused.err and f"`chmod g+rw {side}`" in refused.err
    _one_line(refused.err)


def test_a_stale_read_only_shm_is_named(accounts: Accounts) -> None:
    """A crash left a -shm no one may write: the message names it and says to remove it."""
    desk = _desk(accounts.base / "stale", 0o777)
    os.chmod(desk, 0o666)
    holder = _holder(desk, "666")
    holder.kill()  # the crash: -wal and -shm stay behind
    holder.wait(timeout=30)
    shm = Path(f"{desk}-shm")
    assert shm.exists()
    os.chmod(shm, 0o444)
    refused = accounts.run(accounts.outsider, "--desk", str(desk), "tag", "1", "+x")
    assert refused.code == 1
    assert f"cannot write {shm}" in refused.err and f"`rm {shm}`" in refused.err
    _one_line(refused.err)
    verified = accounts.run(accounts.outsider, "--desk", str(desk), "verify")
    assert verified.code == 0, verified.err


def test_read_only_desk_refuses_init_and_upgrade_in_one_line(accounts: Accounts) -> None:
    desk = _desk(accounts.base / "init")
    ran = accounts.run(accounts.outsider, "init", str(desk))
    assert ran.code == 1
    assert ran.err.startswith(f"desk: {desk}: this desk is read-only: ")
    _one_line(ran.err)
