"""`desk ingest --dry-run` counts the known items the real run would improve, writing nothing.

The copies are those of `tests/ingest/test_copies.py` (a compat-mode v1.1
tweet cut at 140 characters and its extended copy, an embed and the v2
object, a Mastodon status and its edit, a Jetstream create and update):
the dry run of the second copy says what the real run then says, and the
desk file is the same before and after it (events, item, copies).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from db import Store
from tests.clirun import run_cli
from tests.ingest.test_copies import _SHORT, CASES, COMPAT, EXTENDED, FULL_TEXT


def _state(desk: Path) -> tuple[int, list[tuple[object, ...]], int, int]:
    """What a dry run must leave alone: events, items, copies, blobs."""
    with Store(desk) as store:
        events = store.last_seq()
        items = store.conn.execute(
            "SELECT id, text, posted_at, posted_precision, media, extra, version FROM items"
        ).fetchall()
        copies = store.conn.execute("SELECT count(*) FROM item_copies").fetchone()[0]
        blobs = store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    return events, items, copies, blobs


def _write(tmp: Path, name: str, body: str) -> str:
    path = tmp / name
    path.write_text(body, encoding="utf-8")
    return str(path)


def _ingest(desk: Path, *args: str) -> str:
    ran = run_cli(desk, "ingest", *args)
    assert ran.code == 0, ran.err
    return ran.out


def test_a_truncated_tweet_then_its_full_copy_dry_run_says_1_improved(tmp_path: Path) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, _write(tmp_path, "compat.json", json.dumps(COMPAT) + "\n"))
    full = _write(tmp_path, "extended.json", json.dumps(EXTENDED) + "\n")
    before = _state(desk)
    dry = _ingest(desk, "--dry-run", full)
    assert "would add 0 new, 1 duplicate" in dry and "1 improved" in dry, dry
    assert "nothing new" not in dry
    assert _state(desk) == before  # not an event, a copy, a blob or a field more
    shown = str(before[1][0][1])
    assert shown.startswith(_SHORT[:60]) and "\u2026" in shown  # still the truncated text
    real = _ingest(desk, full)
    assert "added 0 new, 1 duplicate" in real and "1 improved" in real, real
    with Store(desk) as store:
        assert store.conn.execute("SELECT text FROM items").fetchone()[0] == FULL_TEXT
    # and now that the item has the full copy, a dry run of either copy improves nothing
    for again in (full, _write(tmp_path, "compat-again.json", json.dumps(COMPAT) + "\n")):
        assert "improved" not in _ingest(desk, "--dry-run", again)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_the_dry_run_counts_what_the_real_run_does(tmp_path: Path, case: str, order: str) -> None:
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    (first, second) = CASES[case] if order == "as written" else CASES[case][::-1]
    _ingest(desk, _write(tmp_path, *first))
    path = _write(tmp_path, *second)
    before = _state(desk)
    dry = _ingest(desk, "--dry-run", path)
    assert _state(desk) == before
    real = _ingest(desk, path)
    improved = re.findall(r"\b(\d+) improved", real)
    assert re.findall(r"\b(\d+) improved", dry) == improved
    if order == "as written":
        assert improved == ["1"]  # the better copy second improves the item


def test_two_copies_in_one_dry_run_are_taken_in_turn(tmp_path: Path) -> None:
    """The full copy twice, then the short: the real run improves once, and so says the dry run."""
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, _write(tmp_path, "compat.json", json.dumps(COMPAT) + "\n"))
    body = "\n".join(json.dumps(t) for t in (EXTENDED, EXTENDED, COMPAT)) + "\n"
    path = _write(tmp_path, "three.jsonl", body)
    before = _state(desk)
    dry = _ingest(desk, "--dry-run", path)
    assert _state(desk) == before
    real = _ingest(desk, path)
    assert "3 duplicates" in dry and "3 duplicates" in real
    assert "1 improved" in dry and "1 improved" in real, (dry, real)


def test_a_dry_run_on_a_read_only_desk_counts_improvements(tmp_path: Path) -> None:
    """Nothing is written, so a desk the user may not write still answers."""
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    _ingest(desk, _write(tmp_path, "compat.json", json.dumps(COMPAT) + "\n"))
    full = _write(tmp_path, "extended.json", json.dumps(EXTENDED) + "\n")
    before = _state(desk)
    desk.chmod(0o444)
    try:
        ran = run_cli(desk, "ingest", "--dry-run", full)
    finally:
        desk.chmod(0o644)
    assert ran.code == 0 and "1 improved" in ran.out, (ran.out, ran.err)
    assert "Traceback" not in ran.err
    assert _state(desk) == before


SAME_FORMAT = ["compat then extended", "mastodon update then edit", "jetstream create then update"]


@pytest.mark.parametrize("case", SAME_FORMAT)
@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_a_post_new_to_the_desk_twice_in_one_file_counts_as_the_real_run(
    tmp_path: Path, case: str, order: str
) -> None:
    """Both copies of a post the desk does not have, in one file: the dry run says 1 new
    and 1 duplicate (and whether the second improves the first), as the real run does."""
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    (first, second) = CASES[case] if order == "as written" else CASES[case][::-1]
    body = first[1].rstrip("\n") + "\n" + second[1].rstrip("\n") + "\n"
    path = _write(tmp_path, "both.jsonl", body)
    before = _state(desk)
    dry = _ingest(desk, "--dry-run", path)
    assert _state(desk) == before
    real = _ingest(desk, path)
    counts = r"(\d+) new, (\d+) duplicates?"
    assert re.findall(counts, dry) == re.findall(counts, real) == [("1", "1")], (dry, real)
    improved = re.findall(r"\b(\d+) improved", real)
    assert re.findall(r"\b(\d+) improved", dry) == improved
    if order == "as written":
        assert improved == ["1"]


def test_distinct_new_posts_in_one_dry_run_are_all_new(tmp_path: Path) -> None:
    """The memory of what the dry run counted finds a post by its own keys only."""
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    lines = []
    for n in range(3):
        tweet = json.loads(json.dumps(EXTENDED))
        tweet["id_str"] = str(int(tweet["id_str"]) + n)
        lines.append(json.dumps(tweet))
    path = _write(tmp_path, "three.jsonl", "\n".join(lines) + "\n")
    dry = _ingest(desk, "--dry-run", path)
    real = _ingest(desk, path)
    assert "would add 3 new, 0 duplicates" in dry, dry
    assert "added 3 new, 0 duplicates" in real, real


def test_a_dry_run_claims_no_link_count_the_real_run_would_contradict(tmp_path: Path) -> None:
    """The twitwi sample's replies link to each other in the real run; a dry run does not
    count links, so it names none (it said "0 links" before), on the line, the total and
    in --json."""
    data = Path(__file__).parent / "data"
    desk = tmp_path / "d.desk"
    run_cli(desk, "init")
    files = [str(data / "twitwi-tweets.csv"), str(data / "twitwi-bluesky.csv")]
    dry = _ingest(desk, "--dry-run", *files)
    assert "link" not in dry, dry
    assert "would add 3 new, 0 duplicates, 0 rejected" in dry, dry
    listed = run_cli(desk, "ingest", "--dry-run", "--json", files[0])
    assert json.loads(listed.out)[0]["links"] is None
    real = _ingest(desk, *files)
    assert re.search(r"added 3 new, 0 duplicates, [1-9]\d* links?, 0 rejected", real), real
    assert re.search(r"total: .* [1-9]\d* links, 0 rejected", real), real
