"""What reaches a terminal from the CLI: never a post's escape sequences, never a name's.

`desk show ID --raw` wrote a post's raw bytes, escapes and all, to the
terminal (the pane title changed, the screen cleared). It now refuses a
terminal, and writes to a pipe or to `-o FILE`. Tested under a real
pseudo-terminal (`pty`), since that is the case a pipe cannot show.
"""

from __future__ import annotations

import errno
import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

HOSTILE = "hi \x1b]0;PWNED\x07 there \x1b[2J \x1b]52;c;ZXZpbA==\x07 end"
ROOT = Path(__file__).resolve().parent.parent


def _add(run_desk, text: str = HOSTILE) -> int:  # type: ignore[no-untyped-def]
    run_desk("init")
    result = run_desk("add", "--text", text)
    assert result.code == 0, result.err
    return int(result.out.split()[-1])


def _on_a_terminal(desk_path: Path, tmp_path: Path, *args: str) -> tuple[int, bytes, str]:
    """Run `desk ARGS` with stdout on a pseudo-terminal; (exit code, terminal bytes, stderr)."""
    master, slave = pty.openpty()
    env = {
        **os.environ,
        "DESK_FILE": str(desk_path),
        "DESK_USER": "tester",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "desk", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError as exc:  # EIO: the child closed its end
            if exc.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, seen, err.decode("utf-8", "replace")


def test_raw_on_a_terminal_is_refused(run_desk, desk_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    item = _add(run_desk)
    code, seen, err = _on_a_terminal(desk_path, tmp_path, "show", str(item), "--raw")
    assert code == 1
    assert b"\x1b" not in seen and b"PWNED" not in seen
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "-o FILE" in err and "pipe" in err


def test_raw_to_a_pipe_is_exact(run_desk) -> None:  # type: ignore[no-untyped-def]
    item = _add(run_desk)
    result = run_desk("show", str(item), "--raw")  # run_desk's stdout is a pipe
    assert result.code == 0, result.err
    assert result.out == HOSTILE


def test_raw_to_a_file_from_a_terminal(run_desk, desk_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    item = _add(run_desk)
    target = tmp_path / "evidence.bin"
    code, seen, err = _on_a_terminal(
        desk_path, tmp_path, "show", str(item), "--raw", "-o", str(target)
    )
    assert code == 0, err
    assert target.read_bytes() == HOSTILE.encode()
    assert b"\x1b" not in seen and "\x1b" not in err
    assert f"written to {target}" in err
    dash = _on_a_terminal(desk_path, tmp_path, "show", str(item), "--raw", "-o", "-")
    assert dash[0] == 1 and b"\x1b" not in dash[1]  # `-o -` is stdout: still a terminal


def test_raw_output_mistakes_are_one_line(run_desk, desk_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    item = _add(run_desk)
    before = desk_path.read_bytes()
    cases = [
        (("show", str(item), "-o", str(tmp_path / "x")), "give it with --raw"),
        (("show", str(item), "--raw", "--json"), "not both"),
        (("show", str(item), "--raw", "-o", str(desk_path)), "that is the desk file"),
        (("show", str(item), "--raw", "-o", str(tmp_path / "no" / "dir")), "cannot write"),
    ]
    for args, expected in cases:
        result = run_desk(*args)
        assert result.code == 1, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1 and expected in result.err, result.err
    assert desk_path.read_bytes() == before


# -- names typed on the command line ----------------------------------------------

ESC_NAME = "\x1b]0;X\x07"


def _no_escapes(*texts: str) -> None:
    for text in texts:
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)


def test_a_hostile_platform_is_refused_cleanly(run_desk) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    result = run_desk("add", "--text", "x", "--platform", ESC_NAME)
    assert result.code == 1 and "bad platform" in result.err
    assert len(result.err.strip().splitlines()) == 1
    _no_escapes(result.out, result.err)
    assert run_desk("ls", "--json").out.strip() == "[]"


def test_hostile_names_never_reach_ls_show_or_log(run_desk) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    result = run_desk(
        "add",
        "--text",
        "x",
        "--author",
        f"Ann{ESC_NAME}",
        "--handle",
        "@an\x1b[31mn",
        "--url",
        f"https://example.org/{ESC_NAME}",
        "--story",
        f"story{ESC_NAME}",
    )
    assert result.code == 0, result.err
    item = int(result.out.split()[-1])
    run_desk("tag", str(item), "+ok")
    for args in (("ls",), ("show", str(item)), ("search", "x"), ("log",)):
        shown = run_desk(*args)
        assert shown.code == 0, (args, shown.err)
        _no_escapes(shown.out, shown.err)


def test_names_stored_raw_by_an_older_desk_are_printed_safely(run_desk, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A shared desk may hold names no verb would write now: the renderer cleans every field."""
    item = _add(run_desk, "plain text")
    run_desk("note", str(item), "a note")
    conn = sqlite3.connect(desk_path)
    conn.execute(
        "UPDATE items SET platform = ?, kind = ?, author_name = ?, author_handle = ?",
        [ESC_NAME, ESC_NAME, ESC_NAME, ESC_NAME],
    )
    conn.execute("UPDATE notes SET author = ?", [f"bob{ESC_NAME}\nmallory"])
    conn.execute("UPDATE events SET actor = ?, kind = ?", [f"bob\nmallory{ESC_NAME}", ESC_NAME])
    conn.commit()
    conn.close()
    for args in (("ls",), ("show", str(item)), ("search", "plain"), ("log",)):
        shown = run_desk(*args)
        assert shown.code == 0, (args, shown.err)
        _no_escapes(shown.out, shown.err)
    log = run_desk("log").out.splitlines()
    assert len(log) == 2  # the forged line break did not make a third line


def test_json_keeps_the_data_but_no_terminal_controls(run_desk, desk_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--json` is exact (a script gets every character back) yet safe to print."""
    item = _add(run_desk, "plain text")
    stored = "csi \x9b2J osc \x9d0;X\x07 bidi \u202eevil\u202c esc \x1b[31m end"
    conn = sqlite3.connect(desk_path)
    conn.execute("UPDATE items SET author_name = ?", [stored])
    conn.commit()
    conn.close()
    for args in (("ls", "--json"), ("show", str(item), "--json"), ("search", "plain", "--json")):
        out = run_desk(*args).out
        assert not any(ch in out for ch in "\x1b\x07\x9b\x9d\u202e\u202c"), args
        data = json.loads(out)
        row = data["item"] if "item" in data else data[0]
        assert row["author_name"] == stored, args


def test_a_link_warning_is_one_safe_line(run_desk) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    a = int(run_desk("add", "--text", "claim").out.split()[-1])
    b = int(run_desk("add", "--text", "video").out.split()[-1])
    assert run_desk("link", str(b), str(a), "--as", "corroborates").code == 0
    result = run_desk("link", str(b), str(a), "--as", "contradicts")
    assert result.code == 0 and result.out.startswith("linked:")
    assert result.err.startswith("desk: warning:") and "corroborates" in result.err
    assert len(result.err.strip().splitlines()) == 1
