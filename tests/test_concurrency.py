"""Several processes writing one desk at once lose nothing and never see "database is locked".

The desk's promise is that a newsroom shares one file: people triage, tag
and annotate at the same moment from separate terminals. SQLite serialises
writers; these tests make sure the store's discipline (`BEGIN IMMEDIATE`
plus a busy timeout on every connection) turns every collision into a
short wait, never an error or a lost change, and that the event log and
its hash chain stay whole under that load.

Workers are real processes started together (a start file acts as the
barrier), because locks are per connection and threads of one process
share the `Store`'s lock and never contend inside SQLite.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

from db import Store
from desk import verbs
from tests import stress_run

REPO = Path(__file__).resolve().parent.parent
WORKERS = 4
VERBS_PER_WORKER = 200
SHARED_ITEMS = 6
SEED_ACTOR = "seed"


def _env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the repo importable, no stray desk settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DESK_FILE", "DESK_USER"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def _seed_desk(path: Path, n_items: int) -> list[int]:
    """A desk with items every worker will fight over; their ids."""
    with Store(path, create=True) as store:
        return [
            verbs.add_item(
                store, SEED_ACTOR, text=f"shared item {i}", url=f"https://example.test/shared/{i}"
            ).id
            for i in range(n_items)
        ]


def _run_workers(tmp_path: Path, desk: Path, shared: list[int]) -> list[dict[str, Any]]:
    """Start the workers, release them together, and collect their results."""
    start = tmp_path / "start"
    procs: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
    for n in range(WORKERS):
        config = {
            "desk": str(desk),
            "index": n,
            "verbs": VERBS_PER_WORKER,
            "shared": shared,
            "seed": 1000 + n,
            "start": str(start),
            "ready": str(tmp_path / f"ready-{n}"),
            "out": str(tmp_path / f"out-{n}.json"),
        }
        config_path = tmp_path / f"config-{n}.json"
        config_path.write_text(json.dumps(config))
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency_worker", str(config_path)],
            cwd=REPO,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append((proc, tmp_path / f"ready-{n}", tmp_path / f"out-{n}.json"))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for _, ready, _ in procs):
        assert time.monotonic() < deadline, "workers did not get ready within 60 s"
        assert all(p.poll() is None for p, _, _ in procs), "a worker died before the start"
        time.sleep(0.01)
    start.write_text("go")
    results = []
    for proc, _, out in procs:
        _, stderr = proc.communicate(timeout=120)
        text = stderr.decode(errors="replace")
        assert proc.returncode == 0, f"worker exited {proc.returncode}: {text}"
        assert "locked" not in text.lower(), text
        results.append(json.loads(out.read_text()))
    return results


def _rows(desk: Path, sql: str, *params: Any) -> list[Any]:
    """A read the store has no method for, through a plain connection."""
    with closing(sqlite3.connect(desk)) as conn:
        return conn.execute(sql, params).fetchall()


def _item_ids(target: str | None) -> list[int]:
    """Item ids named by an event target such as `item:3,5`."""
    if not target or not target.startswith("item:"):
        return []
    return [int(part) for part in target[len("item:") :].split(",")]


def test_four_processes_lose_nothing_and_never_see_locked(tmp_path: Path) -> None:
    desk = tmp_path / "shared.desk"
    shared = _seed_desk(desk, SHARED_ITEMS)
    results = _run_workers(tmp_path, desk, shared)

    errors = [f"{r.get('actor', '?')}: {e}" for r in results for e in r["errors"]]
    assert errors == [], "\n".join(errors[:20])

    with Store(desk) as store:
        events = store.events()
        assert store.verify() is None
        seen = Counter((e.actor, e.kind) for e in events)
        for r in results:
            actor = r["actor"]
            # Every verb that changed something left exactly one event, of its kind.
            mine = {kind: n for (who, kind), n in seen.items() if who == actor}
            assert mine == r["expected_kinds"], actor
            # Each worker's own tags are exactly what it last left on each item.
            prefix = f"{actor}-"
            on_desk: dict[str, list[str]] = {}
            for item_id in {int(k) for k in r["my_tags"]} | set(shared):
                tags = sorted(t for t in store.tags_of(item_id) if t.startswith(prefix))
                if tags:
                    on_desk[str(item_id)] = tags
            expected = {k: v for k, v in r["my_tags"].items() if v}
            assert on_desk == expected, actor
            for item_id, text in r["created"].items():
                assert store.item(int(item_id)).text == text
            assert len(_rows(desk, "SELECT 1 FROM notes WHERE author = ?", actor)) == r["notes"]
        assert len(events) == SHARED_ITEMS + sum(sum(r["expected_kinds"].values()) for r in results)

        # The writes really collided: every worker was busy writing while every
        # other one was. (How finely the log interleaves them is up to SQLite's
        # busy handler, which is not fair: one worker can run many verbs in a
        # row while the others back off, so interleaving is not asserted.)
        latest_start = max(r["window"][0] for r in results)
        earliest_end = min(r["window"][1] for r in results)
        assert latest_start < earliest_end, "the workers did not run at the same time"

        # No lost update: every event that touched an item bumped its version
        # once (adding an item is version 1 and bumps nothing).
        bumps: Counter[int] = Counter()
        for e in events:
            if e.kind != "item.add":
                bumps.update(_item_ids(e.target))
        for item_id in set(bumps) | set(shared):
            assert store.item(item_id).version == 1 + bumps[item_id], f"item {item_id}"

        # The trigger-kept counters agree with the rows they count.
        counts = store.counts()
        rows = _rows(desk, "SELECT triage, count(*) FROM items GROUP BY triage")
        assert counts.total == sum(n for _, n in rows)
        assert {k: v for k, v in counts.triage.items() if v} == dict(rows)

    done = subprocess.run(
        [sys.executable, "-m", "desk", "verify", "--desk", str(desk)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"ok: {len(events)} events" in done.stdout


def test_verify_while_others_write_reports_no_tampering(tmp_path: Path) -> None:
    """`desk verify` run during writes must not cry wolf.

    Reading the log, the blobs and the chain head in separate statements
    let a commit land in between, and verify then reported "events
    deleted?" on an intact desk. It must read one snapshot.
    """
    desk = tmp_path / "busy.desk"
    writes = 1000
    with Store(desk, create=True) as store:
        # Raw blobs to hash make verify's read of the log and its read of the
        # chain head far apart in time, so a non-snapshot verify fails here
        # about every other run (measured: 45 false alarms in 86 checks).
        seeded = [
            verbs.add_item(store, SEED_ACTOR, text=f"{i} " + "word " * 4000).id for i in range(30)
        ]
    code = (
        "from db import Store\n"
        "from desk import verbs\n"
        f"s = Store({str(desk)!r})\n"
        "print('ready', flush=True)\n"
        f"for _ in range({writes}):\n"
        f"    verbs.tag(s, 'writer', [{seeded[0]}], ['!t'])\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, env=_env(), stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    problems = []
    checks = 0
    with Store(desk) as store:
        while writer.poll() is None:
            problem = store.verify()
            checks += 1
            if problem is not None:
                problems.append(problem)
        writer.wait(timeout=60)
        assert writer.returncode == 0
        assert store.last_seq() == len(seeded) + writes
    assert checks >= 10, f"only {checks} verifies overlapped the writes"
    assert problems == []


def test_cli_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    """The real entry point, several `desk` processes at once.

    Each lane runs its commands one after another, as a person in one
    terminal would; the lanes run side by side, so processes open the desk,
    write and close it while the others do the same.
    """
    desk = tmp_path / "cli.desk"
    lanes = 3
    steps = 6  # each step is a process start (~0.2 s): keep the test short
    shared = _seed_desk(desk, 2)
    with Store(desk) as store:
        own = [verbs.add_item(store, SEED_ACTOR, text=f"lane {n} item").id for n in range(lanes)]
    # Ends on "discarded", not on "new", so the final state proves the writes.
    cycle = ["kept", "flagged", "discarded"]
    env = _env(DESK_FILE=str(desk))
    barrier = threading.Barrier(lanes)
    outputs: dict[int, list[subprocess.CompletedProcess[str]]] = {n: [] for n in range(lanes)}

    def lane(n: int) -> None:
        barrier.wait()
        for i in range(steps):
            if i % 2 == 0:
                args = ["tag", *map(str, shared), f"+lane-{n}-{i}"]
            else:
                args = ["triage", str(own[n]), cycle[(i // 2) % len(cycle)]]
            outputs[n].append(
                subprocess.run(
                    [sys.executable, "-m", "desk", "--as", f"lane-{n}", *args],
                    cwd=REPO,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
            )

    threads = [threading.Thread(target=lane, args=(n,)) for n in range(lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    for n in range(lanes):
        assert len(outputs[n]) == steps
        for done in outputs[n]:
            assert done.returncode == 0, f"{done.args}: {done.stderr}"
            assert "locked" not in done.stderr.lower(), done.stderr
            assert "unchanged" not in done.stdout and "no change" not in done.stdout

    with Store(desk) as store:
        assert store.verify() is None
        for n in range(lanes):
            mine = store.events(actor=f"lane-{n}")
            assert Counter(e.kind for e in mine) == {
                "item.tag": steps // 2,
                "item.triage": steps // 2,
            }
            want = sorted(f"lane-{n}-{i}" for i in range(0, steps, 2))
            for item_id in shared:
                got = sorted(t for t in store.tags_of(item_id) if t.startswith(f"lane-{n}-"))
                assert got == want
            assert store.item(own[n]).triage == "discarded"
    done = subprocess.run(
        [sys.executable, "-m", "desk", "verify"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: {len(shared) + lanes + lanes * steps} events")


def test_writers_live_readers_and_an_open_app_at_once(tmp_path: Path) -> None:
    """The stress run of issue 11, small (the bench runs 8 x 500): writers (conflicting
    verdicts and undos among them), live readers and an open app on one desk. Zero lost
    events (every reader saw every seq once, in order; every writer's events are in the
    log), zero lock errors surfaced anywhere, and `desk verify` passes."""
    result = stress_run.run(tmp_path, writers=4, verbs_each=50, readers=2, app=True)
    assert result.problems == [], "\n".join(result.problems[:20])
    assert [r["last"] for r in result.readers] == [result.events] * 2
    assert result.app is not None and result.app["changes"] > 0
    assert result.verify.startswith(f"ok: {result.events} events")
