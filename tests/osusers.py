"""Other OS users for the permission tests: made for a test where it runs as root, removed after.

The permission tests need a second account in a group and one outside it
(a member writes a shared desk, an outsider gets it read-only), and root
cannot stand in for either: `chmod` does not stop root. So, as root, a
test gets a fresh group and users (`groupadd`/`useradd`, names unique to
the run) and runs `desk` as them with `runuser`; they are deleted after.
Anywhere else these tests skip, saying why.

The other users need a Python they may execute and read: the test's own
interpreter when they can, else the system's of the same version (a
virtualenv under /root is not theirs to run), with this checkout and its
site-packages on `PYTHONPATH`. Where none works the test skips, naming it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IS_ROOT = os.geteuid() == 0
NOT_ROOT = "needs root to create a group and users (groupadd/useradd); CI runs as root"
TOOLS = ("groupadd", "useradd", "userdel", "groupdel", "runuser")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Accounts:
    """A group with `member` in it, `outsider` outside it, and a folder all may enter."""

    group: str
    member: str
    outsider: str
    base: Path
    python: str

    def run(self, user: str, *args: str, env: dict[str, str] | None = None) -> Ran:
        """`desk ARGS...` as `user`, in a process of its own (as over SSH)."""
        return self.python_as(user, "-m", "desk", *args, env=env)

    def python_as(self, user: str, *args: str, env: dict[str, str] | None = None) -> Ran:
        home = self.base / "home"
        full = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHONPATH": _pythonpath(),
            "PYTHONDONTWRITEBYTECODE": "1",
            "TERM": "xterm-256color",
            **(env or {}),
        }
        command = ["runuser", "-u", user, "--", "env", "-i"]
        command += [f"{k}={v}" for k, v in full.items()]
        command += [self.python, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        return Ran(done.returncode, done.stdout, done.stderr)


def _pythonpath() -> str:
    paths = [str(REPO), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    return os.pathsep.join(dict.fromkeys(paths))


def _sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _python_for(user: str, base: Path) -> str | None:
    """An interpreter `user` can run that imports desk from this checkout."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, os.path.realpath(sys.executable), f"/usr/bin/python{version}"]
    for python in dict.fromkeys(candidates):
        if not os.path.exists(python):
            continue
        probe = Accounts("", "", "", base, python).python_as(
            user, "-c", "import sys, desk.cli; print(sys.version_info[:2])"
        )
        if probe.code == 0 and probe.out.strip() == str(tuple(sys.version_info[:2])):
            return python
    return None


def make_accounts() -> Iterator[Accounts]:
    """A group, a member and an outsider (root only; skipped elsewhere, saying why).

    A generator for a test module's own fixture: `yield from make_accounts()`."""
    if not IS_ROOT:
        pytest.skip(NOT_ROOT)
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} to create and act as other users")
    tag = f"dk{os.getpid() % 100000}"
    group, member, outsider = f"{tag}g", f"{tag}m", f"{tag}o"
    base = Path(tempfile.mkdtemp(prefix="desk-perm-", dir="/tmp"))
    made: list[tuple[str, str]] = []
    try:
        os.chmod(base, 0o755)
        (base / "home").mkdir(mode=0o777)
        os.chmod(base / "home", 0o1777)
        _sh("groupadd", group)
        made.append(("groupdel", group))
        for name, extra in ((member, ["-G", group]), (outsider, [])):
            _sh("useradd", "-M", "-N", "-s", "/usr/sbin/nologin", *extra, name)
            made.insert(0, ("userdel", name))
        python = _python_for(member, base)
        if python is None:
            pytest.skip(
                f"no Python the test users may run imports desk from {REPO} (the test's "
                f"{sys.executable} is not theirs to run and no system python"
                f"{sys.version_info.major}.{sys.version_info.minor} works)"
            )
        yield Accounts(group, member, outsider, base, python)
    finally:
        for command in made:
            subprocess.run(command, capture_output=True, timeout=60, check=False)
        shutil.rmtree(base, ignore_errors=True)


def mode_of(path: Path) -> str:
    return stat.filemode(path.stat().st_mode)


def as_json(text: str) -> object:
    return json.loads(text)
