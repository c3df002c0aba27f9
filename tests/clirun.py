"""`desk.cli:main` in-process under click's `CliRunner`: exit code, stdout, stderr.

Faster than a subprocess per command (the verb tests run dozens), and it
goes through `main`, so user errors come out as the one `desk: ...` line
and exit code a user sees, not as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from desk.cli import main


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run_cli(desk: Path, *args: str, actor: str = "tester") -> Ran:
    """`desk --desk DESK ARGS...` as `actor` (through $DESK_USER), in this process."""
    home = desk.parent
    env = {
        "DESK_USER": actor,
        "DESK_FILE": str(desk),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    runner = CliRunner()
    with runner.isolation(env=env) as streams:
        try:
            main(["--desk", str(desk), *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return Ran(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
