"""`desk search` prints its hits newest posted first, as the README and the TUI's `/` do.

The hits were read back in arrival order, so on a desk ingested out of
order (an archive of old posts after today's) the oldest posts came first.
"""

from __future__ import annotations

import json
from pathlib import Path

# Arrival order 1, 2, 3; posted order 2026, 2020, 2024: newest first is 1, 3, 2.
POSTED = ("2026-03-01T10:00:00Z", "2020-03-01T10:00:00Z", "2024-03-01T10:00:00Z")


def _statuses(path: Path) -> Path:
    statuses = [
        {
            "id": f"10{n}",
            "created_at": posted,
            "content": f"<p>flood at the dam, year {posted[:4]}</p>",
            "url": f"https://m.example/@a/10{n}",
            "uri": f"https://m.example/users/a/statuses/10{n}",
            "account": {
                "id": "1",
                "acct": "a",
                "username": "a",
                "display_name": "A",
                "url": "https://m.example/@a",
            },
            "media_attachments": [],
            "visibility": "public",
        }
        for n, posted in enumerate(POSTED, start=1)
    ]
    path.write_text(json.dumps(statuses), encoding="utf-8")
    return path


def _ingested(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_desk("init")
    result = run_desk("ingest", str(_statuses(tmp_path / "statuses.json")))
    assert result.code == 0, result.err


def test_search_is_newest_posted_first(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ingested(run_desk, tmp_path)
    rows = json.loads(run_desk("search", "flood", "--json").out)
    assert [r["id"] for r in rows] == [1, 3, 2]
    assert [r["posted_at"][:4] for r in rows] == ["2026", "2024", "2020"]
    text = run_desk("search", "flood").out.splitlines()
    assert [line.split()[0] for line in text] == ["1", "3", "2"]


def test_search_limit_keeps_the_newest(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ingested(run_desk, tmp_path)
    rows = json.loads(run_desk("search", "flood", "-n", "2", "--json").out)
    assert [r["id"] for r in rows] == [1, 3]


def test_search_and_ls_agree(run_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _ingested(run_desk, tmp_path)
    listed = json.loads(run_desk("ls", "--json").out)
    found = json.loads(run_desk("search", "flood", "--json").out)
    assert [r["id"] for r in listed] == [r["id"] for r in found]
    after = json.loads(run_desk("ls", "--after", "3", "--json").out)
    assert [r["id"] for r in after] == [2]
