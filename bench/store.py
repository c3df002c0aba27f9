"""Verbs per second against a bare INSERT loop, one process and several, in one run.

    .venv/bin/python bench/store.py [--procs 4] [--bare-ops 20000] [--verb-ops 4000]

Why a bare loop beside the verbs: absolute rates say more about the
machine than about the desk. A bare `INSERT` + `COMMIT` per row, on the
same disk, with the same pragmas (WAL, `synchronous=NORMAL`, a busy
timeout) and the same locking (`BEGIN IMMEDIATE`), is the ceiling any
one-transaction-per-action design can reach here; the ratio shows what the
desk's own work costs on top (validation, the change, version bumps, the
hash-chained event, the FTS and counter triggers).

Every verb is its own transaction, as it is when a person acts. Several
processes write one file at once, as colleagues on one desk do; the run
also counts "database is locked" errors, which must be 0.

Everything lives in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Runnable as `python bench/store.py` from a checkout without installing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import Store
from db.connection import BUSY_TIMEOUT_MS
from desk import verbs

SEED_ITEMS = 200
# A realistic mix of one person's actions: triage and tagging dominate,
# items typed in by hand and notes are rarer. Twenty steps, repeated.
MIX = ["set_triage", "tag", "add_item", "set_triage", "tag", "annotate", "tag", "set_triage"] * 2
MIX += ["add_item", "set_triage", "tag", "annotate"]
TRIAGE_CYCLE = ("kept", "flagged", "discarded", "new")


@dataclass(frozen=True)
class Result:
    """One row of the table."""

    name: str
    procs: int
    ops: int
    seconds: float
    locked: int
    other_errors: int
    first_error: str
    changed: int

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else 0.0


# -- workers (top level, so the "spawn" context can import them) ----------------


def _bare_worker(
    path: str, n: int, ops: int, barrier: Any, queue: Any
) -> None:  # Any: multiprocessing proxies have no public types
    """`BEGIN IMMEDIATE; INSERT; COMMIT` per row, with the desk's pragmas."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = NORMAL")
    locked = other = 0
    first = ""
    barrier.wait()
    began = time.monotonic()
    for i in range(ops):
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO t(worker, seq, body) VALUES (?, ?, ?)", [n, i, f"row {i} of {n}"]
            )
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            locked += "locked" in str(exc)
            other += "locked" not in str(exc)
            first = first or str(exc)
    ended = time.monotonic()
    conn.close()
    queue.put((began, ended, ops, locked, other, first, ops - locked - other))


def _verb_worker(
    path: str, n: int, nprocs: int, ops: int, seeded: list[int], barrier: Any, queue: Any
) -> None:  # Any: multiprocessing proxies have no public types
    """The verb mix, each verb its own transaction, as actor `bench-N`.

    Each process works on its own share of the seeded items (plus those it
    adds), so every verb really changes something and writes its event: a
    no-op verb would flatter the rate. The processes still share one file,
    one write lock and one event chain, which is where they collide.
    """
    actor = f"bench-{n}"
    store = Store(Path(path))
    mine = [i for k, i in enumerate(seeded) if k % nprocs == n]
    triage_step: dict[int, int] = {}
    changed = locked = other = 0
    first = ""
    barrier.wait()
    began = time.monotonic()
    for i in range(ops):
        kind = MIX[i % len(MIX)]
        target = mine[i % len(mine)]
        try:
            if kind == "add_item":
                item = verbs.add_item(
                    store,
                    actor,
                    text=f"Eyewitness post {i} from {actor}: smoke seen near the ferry terminal",
                    url=f"https://example.test/{actor}/{i}",
                    author=f"@witness{i % 50}",
                )
                mine.append(item.id)
                changed += 1
            elif kind == "tag":
                changed += bool(verbs.tag(store, actor, [target], [f"!t{i % 5}"]))
            elif kind == "set_triage":
                step = triage_step.get(target, 0)
                triage_step[target] = step + 1
                state = TRIAGE_CYCLE[step % len(TRIAGE_CYCLE)]
                changed += bool(verbs.set_triage(store, actor, [target], state))
            else:
                verbs.annotate(store, actor, target, f"{actor}: checked with the port office ({i})")
                changed += 1
        except sqlite3.OperationalError as exc:
            locked += "locked" in str(exc)
            other += "locked" not in str(exc)
            first = first or f"{kind}: {exc}"
        except Exception as exc:  # counted and shown, never hidden
            other += 1
            first = first or f"{kind}: {type(exc).__name__}: {exc}"
    ended = time.monotonic()
    store.close()
    queue.put((began, ended, ops, locked, other, first, changed))


# -- runs --------------------------------------------------------------------------


def _collect(name: str, procs: list[mp.process.BaseProcess], queue: Any) -> Result:
    """Start the processes, wait for all, and add up what they report."""
    for p in procs:
        p.start()
    reports = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        if p.exitcode != 0:
            raise RuntimeError(f"{name}: a worker exited with {p.exitcode}")
    began = min(r[0] for r in reports)
    ended = max(r[1] for r in reports)
    return Result(
        name=name,
        procs=len(procs),
        ops=sum(r[2] for r in reports),
        seconds=ended - began,
        locked=sum(r[3] for r in reports),
        other_errors=sum(r[4] for r in reports),
        first_error=next((r[5] for r in reports if r[5]), ""),
        changed=sum(r[6] for r in reports),
    )


def _procs(n: int) -> str:
    return f"{n} process" if n == 1 else f"{n} processes"


def bare_run(workdir: Path, nprocs: int, total_ops: int) -> Result:
    path = workdir / f"bare-{nprocs}.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, worker INTEGER NOT NULL, seq INTEGER NOT NULL, "
        "body TEXT NOT NULL)"
    )
    conn.close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(nprocs)
    queue = ctx.Queue()
    per = total_ops // nprocs
    procs = [
        ctx.Process(target=_bare_worker, args=(str(path), n, per, barrier, queue))
        for n in range(nprocs)
    ]
    result = _collect(f"bare insert, {_procs(nprocs)}", procs, queue)
    with sqlite3.connect(path) as check:
        rows = check.execute("SELECT count(*) FROM t").fetchone()[0]
    if rows != result.changed:
        raise RuntimeError(f"bare insert: {rows} rows for {result.ops} inserts")
    return result


def verb_run(workdir: Path, nprocs: int, total_ops: int) -> Result:
    path = workdir / f"verbs-{nprocs}.desk"
    with Store(path, create=True) as store:
        seeded = [
            verbs.add_item(store, "bench-seed", text=f"Seed item {i} about the ferry terminal").id
            for i in range(SEED_ITEMS)
        ]
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(nprocs)
    queue = ctx.Queue()
    per = total_ops // nprocs
    procs = [
        ctx.Process(target=_verb_worker, args=(str(path), n, nprocs, per, seeded, barrier, queue))
        for n in range(nprocs)
    ]
    result = _collect(f"verbs, {_procs(nprocs)}", procs, queue)
    with Store(path) as store:
        problem = store.verify()
        if problem is not None:
            raise RuntimeError(f"verbs: the desk does not verify: {problem}")
        events = store.last_seq() - SEED_ITEMS
    # One event per verb that changed something: nothing was lost under load.
    if events != result.changed:
        raise RuntimeError(f"verbs: {events} events for {result.changed} changing verbs")
    return result


# -- output ------------------------------------------------------------------------


def table(results: list[Result]) -> tuple[list[str], list[list[str]]]:
    """Header and rows; the ratio compares with bare insert at the same process count."""
    bare = {r.procs: r.rate for r in results if r.name.startswith("bare")}
    header = ["run", "ops", "seconds", "ops/s", "ratio to bare"]
    rows = []
    for r in results:
        ratio = r.rate / bare[r.procs] if bare.get(r.procs) else float("nan")
        rows.append(
            [
                r.name,
                f"{r.ops:,}",
                f"{r.seconds:.2f}",
                f"{r.rate:,.0f}",
                f"{ratio:.3f}",
            ]
        )
    return header, rows


def plain(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(x) for x in col) for col in zip(header, *rows, strict=True)]
    line = "  ".join(
        h.ljust(w) if i == 0 else h.rjust(w)
        for i, (h, w) in enumerate(zip(header, widths, strict=True))
    )
    out = [line, "-" * len(line)]
    for row in rows:
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def markdown(header: list[str], rows: list[list[str]]) -> str:
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--bare-ops", type=int, default=20_000, help="rows per bare run")
    parser.add_argument("--verb-ops", type=int, default=4_000, help="verbs per verb run")
    parser.add_argument("--dir", default=None, help="where to put the temporary files")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="desk-bench-", dir=args.dir))
    try:
        results = [
            bare_run(workdir, 1, args.bare_ops),
            bare_run(workdir, args.procs, args.bare_ops),
            verb_run(workdir, 1, args.verb_ops),
            verb_run(workdir, args.procs, args.verb_ops),
        ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    header, rows = table(results)
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        "WAL, synchronous=NORMAL, one transaction per op"
    )
    locked = sum(r.locked for r in results)
    other = sum(r.other_errors for r in results)
    print(machine)
    print()
    print(plain(header, rows))
    print()
    print(f'"database is locked" errors: {locked}; other errors: {other}')
    for r in results:
        if r.first_error:
            print(f"  {r.name}: first error: {r.first_error}")
    print()
    print("Markdown (ratio: ops/s over bare insert with the same number of processes):")
    print()
    print(markdown(header, rows))
    print()
    print(f'_{machine}. "database is locked" errors: {locked}._')
    return 0 if locked == 0 and other == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
