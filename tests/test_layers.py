"""The layers stay visible: db/ never imports the UI, the app or Textual; widgets never touch SQL."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_db_loads_no_textual_widgets_or_desk() -> None:
    code = (
        "import sys, db, db.store, db.writer, db.models, db.schema, db.connection, db.events; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'widgets', 'desk', 'rich'}); print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.strip()
    assert out == "", f"db/ pulled in: {out}"


def test_verbs_and_cli_core_load_no_textual() -> None:
    code = (
        "import sys, desk.verbs, desk.filter_expr, desk.ingest.pipeline; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.strip()
    assert out == ""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_db_sources_import_nothing_above_them() -> None:
    for path in (ROOT / "db").rglob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in {"textual", "widgets", "desk"}}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_widgets_never_touch_sql() -> None:
    forbidden = {"sqlite3", "sqlite_utils", "db.store", "db.writer", "db.connection"}
    for path in (ROOT / "widgets").rglob("*.py"):
        bad = {
            n
            for n in _imports(path)
            if n in forbidden or n.split(".")[0] in {"sqlite3", "sqlite_utils"}
        }
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
        assert ".execute(" not in path.read_text(encoding="utf-8"), path
