"""`desk export-events` / `desk import-events`: work by e-mail, refused when altered."""

from __future__ import annotations

import json
from pathlib import Path

from tests.clirun import run_cli
from tests.offline_helpers import ok, state


def _pair(tmp_path: Path) -> tuple[Path, Path, Path]:
    server = tmp_path / "server.desk"
    ok(server, "init")
    ok(server, "add", "--text", "server post")
    laptop = tmp_path / "laptop.desk"
    ok(server, "checkout", "-o", str(laptop))
    ok(laptop, "add", "--text", "from the field", actor="al")
    ok(laptop, "tag", "1", "+checked", actor="al")
    ok(laptop, "note", "2", "seen on site", actor="al")
    out = tmp_path / "work.jsonl"
    ran = ok(laptop, "export-events", "-o", str(out))
    assert "wrote 4 events" in ran.out
    return server, laptop, out


def test_an_events_file_brings_the_work_over_once(tmp_path: Path) -> None:
    server, laptop, out = _pair(tmp_path)
    assert "merged 3 events" in ok(server, "import-events", str(out)).out
    assert "nothing new" in ok(server, "import-events", str(out)).out
    assert state(server) == state(laptop)
    assert "state matches the log" in ok(server, "verify", "--replay").out


def test_since_writes_only_later_events(tmp_path: Path) -> None:
    _, laptop, _ = _pair(tmp_path)
    out = tmp_path / "later.jsonl"
    assert "wrote 2 events" in ok(laptop, "export-events", "--since", "2", "-o", str(out)).out
    ran = run_cli(laptop, "export-events", "--since", "2", "-o", str(out))
    assert ran.code == 1 and "exists" in ran.err


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_an_altered_event_is_refused_naming_its_line_and_seq(tmp_path: Path) -> None:
    server, _, out = _pair(tmp_path)
    lines = _lines(out)
    number = next(i for i, line in enumerate(lines) if "from the field" in line)
    lines[number] = lines[number].replace("from the field", "from the desk")
    out.write_text("".join(lines), encoding="utf-8")
    ran = run_cli(server, "import-events", str(out))
    assert ran.code == 1
    assert f"line {number + 1}" in ran.err and "event seq 2" in ran.err
    assert len(state(server)["items"]) == 1  # nothing applied


def test_a_recomputed_line_chain_still_fails_the_event_hash(tmp_path: Path) -> None:
    from desk.merge.files import _chain

    server, _, out = _pair(tmp_path)
    rows = [json.loads(line) for line in _lines(out)]
    prev = ""
    for row in rows:
        row.pop("chain")
        if row.get("type") == "event" and "from the field" in row["event"]["payload"]:
            row["event"]["payload"] = row["event"]["payload"].replace("field", "fold")
        prev = _chain(prev, row)
        row["chain"] = prev
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ran = run_cli(server, "import-events", str(out))
    assert ran.code == 1 and "does not match its hash" in ran.err and "event seq 2" in ran.err


def test_truncated_empty_hostile_and_wrong_files(tmp_path: Path) -> None:
    server, _, out = _pair(tmp_path)
    lines = _lines(out)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:-1]), encoding="utf-8")
    ran = run_cli(server, "import-events", str(cut))
    assert ran.code == 1 and "truncated" in ran.err
    half = tmp_path / "half.jsonl"
    half.write_text("".join(lines[:-1]) + lines[-1][:20], encoding="utf-8")
    assert "not a JSON line" in run_cli(server, "import-events", str(half)).err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert "empty file" in run_cli(server, "import-events", str(empty)).err
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text('{"type": "\\u001b]0;pwned\\u0007[red]x[/red]\\u202e"}\n')
    ran = run_cli(server, "import-events", str(hostile))
    assert ran.code == 1 and "not a desk events file" in ran.err and "\x1b" not in ran.err
    ran = run_cli(server, "import-events", str(server))
    assert ran.code == 1 and "not a JSON line" in ran.err
    dropped = tmp_path / "dropped.jsonl"
    dropped.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")
    ran = run_cli(server, "import-events", str(dropped))
    assert ran.code == 1 and "line 3" in ran.err
    assert "no such file" in run_cli(server, "import-events", str(tmp_path / "nope")).err
    assert len(state(server)["items"]) == 1
