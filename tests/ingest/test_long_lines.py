"""A JSON Lines file with one enormous line (issue 12: a 1 GB line peaked at 3.2 GB).

No post is tens of MiB: a line over `jsondocs.MAX_RECORD_BYTES` is refused
with its line number and size, read past in pieces (never held whole), and
the lines after it go in. The limit is lowered here so a line of a few MiB
stands for the 1 GB one; the peak memory of the real thing is measured in
bench/ingest.py (`--long-line`).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desk.ingest import jsondocs
from desk.ingest.base import Rejected, Source
from desk.ingest.formats import mastodon
from tests.clirun import run_cli
from tests.ingest.helpers import split

LIMIT = 1024 * 1024


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsondocs, "MAX_RECORD_BYTES", LIMIT)


def status(number: int, content: str = "hello") -> dict[str, object]:
    return {
        "id": str(number),
        "uri": f"https://m.example/users/a/statuses/{number}",
        "url": f"https://m.example/@a/{number}",
        "created_at": "2024-03-03T10:00:00.000Z",
        "content": f"<p>{content} {number}</p>",
        "visibility": "public",
        "spoiler_text": "",
        "account": {"id": "9", "username": "a", "acct": "a", "url": "https://m.example/@a"},
    }


def jsonl(long_at: int, size: int, count: int = 4) -> bytes:
    lines = [json.dumps(status(n)) for n in range(1, count + 1)]
    lines[long_at - 1] = json.dumps(status(long_at, "x" * size))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("long_at", [1, 2, 4])
def test_a_line_over_the_limit_is_refused_and_the_rest_goes_in(long_at: int) -> None:
    data = jsonl(long_at, 3 * LIMIT)
    items, rejected = split(mastodon.parse(Source("s.jsonl", data=data)))
    assert sorted(i.record for i in items) == [n for n in range(1, 5) if n != long_at]
    (why,) = rejected
    size = len(data.split(b"\n")[long_at - 1])
    assert why.record == why.line == long_at
    assert why.reason == (
        f"line {long_at} is 3.0 MiB ({size:,} bytes), over the 1 MiB one record may be: not read"
    )


def test_a_line_just_at_the_limit_is_read() -> None:
    short = len(json.dumps(status(1, "")))
    at_limit = json.dumps(status(1, "y" * (LIMIT - short)))
    assert len(at_limit) == LIMIT
    for line in (at_limit, json.dumps(status(1, "y" * (LIMIT - short + 1)))):
        data = (line + "\n" + json.dumps(status(2)) + "\n").encode()
        items, rejected = split(mastodon.parse(Source("s.jsonl", data=data)))
        assert len(items) == (2 if line is at_limit else 1) and len(rejected) == (
            line is not at_limit
        )


def test_the_long_line_is_read_past_in_pieces() -> None:
    """Never one read longer than the limit: the line is not held whole."""
    data = jsonl(2, 20 * LIMIT)
    reads: list[int] = []

    class Watched(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            line = super().readline(size)
            reads.append(len(line))
            return line

    found = list(jsondocs.bounded_lines(Watched(data)))
    assert max(reads) <= LIMIT + 1
    assert [type(chunk).__name__ for _, chunk in found] == ["bytes", "Oversize", "bytes", "bytes"]


def test_a_one_line_document_past_the_limit_is_still_read_whole() -> None:
    """One document on one long line (no line after it) is not JSON Lines."""
    data = json.dumps([status(1, "z" * (2 * LIMIT)), status(2)]).encode()
    results = list(jsondocs.read_json(Source("doc.json", data=data)))
    assert len(results) == 1 and not isinstance(results[0], Rejected)


def test_the_cli_names_the_line_and_its_size(tmp_path: Path) -> None:
    desk = tmp_path / "desk.db"
    assert run_cli(desk, "init").code == 0
    path = tmp_path / "stream.jsonl"
    path.write_bytes(jsonl(2, 3 * LIMIT, count=5))
    ran = run_cli(desk, "ingest", str(path))
    assert ran.code == 1, ran.err  # the exit code of an ingest with rejections
    assert "added 4 new" in ran.out
    assert "line 2 is 3.0 MiB" in ran.err + ran.out and "Traceback" not in ran.err
    listed = json.loads(run_cli(desk, "ls", "--json").out)
    assert sorted(row["first_line"] for row in listed) == [
        "hello 1",
        "hello 3",
        "hello 4",
        "hello 5",
    ]
