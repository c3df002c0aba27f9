"""A desk shared by a Unix group (`desk init --group`): members write it, others read it.

Real accounts, real processes (`tests/osusers.py`): as root the test makes
a group with a member and a user outside it and runs `desk` as each; where
it does not run as root it skips, saying so (CI runs as root).
"""

from __future__ import annotations

import grp
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import Store
from tests.clirun import run_cli
from tests.osusers import Accounts, make_accounts

REPO = Path(__file__).resolve().parent.parent
TUI = str(REPO / "tests" / "tui_as_user.py")


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    yield from make_accounts()


def _shared(accounts: Accounts) -> Path:
    desk = accounts.base / "newsroom" / "story.desk"
    done = run_cli(desk, "init", "--group", accounts.group, str(desk))
    assert done.code == 0, done.err
    assert f"shared with group {accounts.group}" in done.out
    return desk


def test_init_group_sets_up_folder_and_file(accounts: Accounts) -> None:
    desk = _shared(accounts)
    folder = desk.parent.stat()
    assert folder.st_mode & stat.S_ISGID and folder.st_mode & 0o070 == 0o070
    assert desk.stat().st_mode & 0o060 == 0o060
    gid = grp.getgrnam(accounts.group).gr_gid
    assert folder.st_gid == gid and desk.stat().st_gid == gid
    with Store(desk) as store:  # WAL kept: other users' readers see commits live
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_member_writes_the_desk_as_themselves(accounts: Accounts) -> None:
    desk = _shared(accounts)
    wrote = accounts.run(
        accounts.member, "--desk", str(desk), "--as", "alice", "add", "--text", "from the field"
    )
    assert wrote.code == 0, wrote.err
    # The member's process made the -wal and -shm; the setgid folder gave them the group.
    log = accounts.run(accounts.member, "--desk", str(desk), "log")
    assert log.code == 0, log.err
    assert f"alice (os: {accounts.member})" in log.out
    # ... and the next user (root here, the desk's owner) still writes after the member.
    again = run_cli(desk, "tag", "1", "+checked")
    assert again.code == 0, again.err
    with Store(desk) as store:
        events = store.events()
    assert [e.os_user for e in events][-2:] == [accounts.member, "root"]
    checked = accounts.run(accounts.member, "--desk", str(desk), "verify")
    assert checked.code == 0 and "chain and raw hashes intact" in checked.out, checked.err


def test_an_outsider_reads_and_is_told_writes_are_off(accounts: Accounts) -> None:
    desk = _shared(accounts)
    assert run_cli(desk, "add", "--text", "a post").code == 0
    listed = accounts.run(accounts.outsider, "--desk", str(desk), "ls")
    assert listed.code == 0, listed.err
    assert "a post" in listed.out
    verified = accounts.run(accounts.outsider, "--desk", str(desk), "verify")
    assert verified.code == 0, verified.err
    refused = accounts.run(accounts.outsider, "--desk", str(desk), "tag", "1", "+x")
    assert refused.code == 1
    assert refused.err.startswith("desk: this desk is read-only: ")
    assert f"you ({accounts.outsider}) cannot write {desk}" in refused.err
    assert "Traceback" not in refused.err and len(refused.err.strip().splitlines()) == 1


def test_an_outsider_gets_the_desk_read_only_in_the_app(accounts: Accounts) -> None:
    desk = _shared(accounts)
    assert run_cli(desk, "add", "--text", "a post").code == 0
    ran = accounts.python_as(accounts.outsider, TUI, str(desk), "t")
    assert ran.code == 0, ran.err
    shown = json.loads(ran.out)
    assert "READ-ONLY" in shown["header"]
    assert any(n.startswith("This desk is read-only: you (") for n in shown["notices"])
    # `t` (tag) says read-only instead of opening its prompt; nothing was written.
    assert any(
        n.startswith(f"this desk is read-only: you ({accounts.outsider})") for n in shown["notices"]
    )
    assert shown["screen"] == "MainScreen"
    assert shown["events"] == 1
    assert "Traceback" not in ran.err


def test_init_group_refusals_are_one_line(accounts: Accounts) -> None:
    desk = accounts.base / "elsewhere" / "x.desk"
    none = run_cli(desk, "init", "--group", "no-such-group-here", str(desk))
    assert none.code == 1 and "no group 'no-such-group-here'" in none.err
    outside = accounts.run(
        accounts.outsider, "init", "--group", accounts.group, str(accounts.base / "home" / "x.desk")
    )
    assert outside.code == 1
    assert f"you ({accounts.outsider}) are not in group {accounts.group!r}" in outside.err
    # A member cannot take over a folder that is not theirs.
    theirs = accounts.base / "rootsfolder"
    theirs.mkdir(mode=0o777)
    os.chmod(theirs, 0o777)
    taken = accounts.run(accounts.member, "init", "--group", accounts.group, str(theirs / "x.desk"))
    assert taken.code == 1
    assert f"cannot share the folder {theirs}" in taken.err and "not yours" in taken.err
    assert not (theirs / "x.desk").exists()
    for ran in (none, outside, taken):
        assert len(ran.err.strip().splitlines()) == 1 and "Traceback" not in ran.err


def _my_group() -> str:
    """A group this process is in (its own primary group), for tests that need no other user."""
    return grp.getgrgid(os.getegid()).gr_name


@pytest.mark.parametrize("how", ["refuses", "ignores"])
def test_a_filesystem_that_refuses_chmod_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """FAT, some network mounts: chmod fails, or succeeds and changes nothing."""
    desk = tmp_path / "fat" / "x.desk"
    (tmp_path / "fat").mkdir()

    def chmod(path: object, mode: int) -> None:
        if how == "refuses":
            raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", chmod)
    ran = run_cli(desk, "init", "--group", _my_group(), str(desk))
    assert ran.code == 1
    assert ran.err.startswith(f"desk: cannot share the folder {desk.parent} with group ")
    wanted = "Operation not permitted" if how == "refuses" else "the filesystem ignored the change"
    assert wanted in ran.err and "Unix owners and modes" in ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert not desk.exists()  # refused before the desk was made


def test_init_group_on_an_existing_desk_shares_it_and_keeps_its_events(tmp_path: Path) -> None:
    desk = tmp_path / "old" / "x.desk"
    assert run_cli(desk, "init", str(desk)).code == 0
    assert run_cli(desk, "add", "--text", "kept").code == 0
    os.chmod(desk, 0o600)
    ran = run_cli(desk, "init", "--group", _my_group(), str(desk))
    assert ran.code == 0, ran.err
    assert ran.out.startswith("desk up to date: ")
    assert desk.stat().st_mode & 0o060 == 0o060
    assert desk.parent.stat().st_mode & stat.S_ISGID
    assert "kept" in run_cli(desk, "ls").out
