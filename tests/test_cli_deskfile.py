"""Only `desk init` makes a desk: every other command on a file that is not one says so and leaves it be.

`desk ls` or `desk verify` on a zero-byte file used to turn it into a desk
and answer "ok: 0 events". Now an empty, missing or foreign file is one
line on stderr, exit 1, and the file is byte for byte what it was (and no
`-wal`/`-shm` appears beside it). The TUI (`desk` with no command) checks
the file the same way before any screen opens.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("ls",),
    ("verify",),
    ("log",),
    ("show", "1"),
    ("search", "water"),
    ("add", "--text", "water"),
    ("tag", "1", "+x"),
    ("undo",),
    (),  # the TUI
)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _empty_sqlite(path: Path) -> None:
    """A valid SQLite file with no tables (a header only)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()


def _text(path: Path) -> None:
    path.write_text("shopping list\n", encoding="utf-8")


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty file": (_empty, "an empty file, not a desk"),
    "empty sqlite": (_empty_sqlite, "an empty SQLite database, not a desk"),
    "foreign sqlite": (_foreign_sqlite, "not a desk file"),
    "text file": (_text, "not a desk file"),
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "tui")
def test_not_a_desk_is_one_line_and_untouched(
    run_desk,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    kind: str,
    args: tuple[str, ...],
) -> None:
    make, expected = KINDS[kind]
    target = tmp_path / "some.file"
    make(target)
    before = target.read_bytes()
    result = run_desk("--desk", str(target), *args)
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert expected in result.err and str(target) in result.err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("some")) == ["some.file"]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "tui")
def test_a_missing_desk_is_not_created(run_desk, tmp_path: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "missing.desk"
    result = run_desk("--desk", str(target), *args)
    assert result.code == 1 and "no desk here" in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert not target.exists()


def test_init_makes_a_desk_of_an_empty_file(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for make in (_empty, _empty_sqlite):
        target = tmp_path / f"{make.__name__}.desk"
        make(target)
        assert run_desk("init", str(target)).code == 0
        verified = run_desk("--desk", str(target), "verify")
        assert verified.code == 0 and verified.out.startswith("ok: 0 events")


def test_init_refuses_a_foreign_file(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for make in (_foreign_sqlite, _text):
        target = tmp_path / f"{make.__name__}.file"
        make(target)
        before = target.read_bytes()
        result = run_desk("init", str(target))
        assert result.code == 1 and "not a desk file" in result.err
        assert target.read_bytes() == before


def test_ingest_on_an_empty_file_leaves_it(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "empty.desk"
    _empty(target)
    posts = tmp_path / "posts.json"
    posts.write_text(json.dumps([]), encoding="utf-8")
    result = run_desk("--desk", str(target), "ingest", str(posts))
    assert result.code == 1 and "an empty file, not a desk" in result.err
    assert target.read_bytes() == b""


@pytest.mark.parametrize("kind", ["empty file", "empty sqlite"])
def test_the_store_itself_refuses_without_create(tmp_path: Path, kind: str) -> None:
    """The rule lives in `db.connection`, so the TUI, the verbs and scripts get it too."""
    from db import Store
    from db.errors import NotADeskError

    make, expected = KINDS[kind]
    target = tmp_path / "some.file"
    make(target)
    before = target.read_bytes()
    with pytest.raises(NotADeskError, match=expected):
        Store(target)
    assert target.read_bytes() == before
    with Store(target, create=True) as store:
        assert store.last_seq() == 0
