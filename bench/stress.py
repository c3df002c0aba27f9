"""Stress benchmark (issue 11): 8 writer processes x 500 verbs, 4 live readers, one open app.

    .venv/bin/python bench/stress.py                       # 8 x 500, 4 readers, the app
    .venv/bin/python bench/stress.py --writers 4 --verbs 50 --readers 2   # a quick run

Every process opens the same desk file in a fresh temporary folder. The writers
(`tests/concurrency_worker.py`, one actor each, seeded) run a mix of the verbs the
desk's users run all day: add an item, tag (fresh tags and toggles), triage, link,
annotate, rate (half of them from the verdict read a moment before, as the TUI does,
so a colleague's verdict in between is a conflict, recorded, never a silent loss), log
a check, and undo right after a tag. They start together (a start file is the barrier)
and six shared items are hot spots every writer fights over. The readers
(`tests/live_reader.py reader`) poll `PRAGMA data_version` every 50 ms and read only
the new events and the counts, as live refresh does; the app is the real desk app,
headless (`App.run_test`), its watcher refreshing and a key pressed every 100 ms.

The run fails (exit 1, every problem on its own line) on: a verb that raised (any
"database is locked" included), a writer's event missing from the log or one too
many, a reader that missed or reordered an event or saw a lock error, an error notice
in the app, or `desk verify` failing. Throughput = verbs tried by all writers / the
wall time from the first writer's start to the last one's end (verbs that changed
nothing, and refused conflicts, are counted: each is a full write transaction).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests import stress_run  # noqa: E402  (the repo root, put on sys.path just above)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--verbs", type=int, default=500)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--no-app", action="store_true", help="run without the open app")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} cores; {args.writers} writers x {args.verbs} verbs, "
        f"{args.readers} readers, {'no app' if args.no_app else 'one open app'}"
    )
    with tempfile.TemporaryDirectory(prefix="desk-stress-") as tmp:
        result = stress_run.run(
            Path(tmp),
            writers=args.writers,
            verbs_each=args.verbs,
            readers=args.readers,
            app=not args.no_app,
        )
    latencies = sorted(r.get("max_latency_s", 0.0) for r in result.writers)
    conflicts = sum(r.get("conflicts", 0) for r in result.writers)
    print(f"| events in the log | {result.events:,} |")
    print(f"| verbs tried | {result.verbs:,} in {result.seconds:.1f} s |")
    print(f"| throughput | {result.verbs_per_second:,.0f} verbs/s |")
    print(f"| slowest verb (worst writer) | {latencies[-1] * 1000:,.0f} ms |" if latencies else "")
    print(f"| verdict conflicts refused (seen value stale) | {conflicts} |")
    print(
        f"| reader polls / reads | {[(r.get('polls'), r.get('reads')) for r in result.readers]} |"
    )
    if result.app is not None:
        print(
            f"| app: changes seen / keys pressed | {result.app.get('changes')} / "
            f"{result.app.get('keys')} |"
        )
    print(f"| desk verify | {result.verify} |")
    if result.problems:
        print(f"{len(result.problems)} problems:")
        for line in result.problems:
            print(f"  {line}")
        return 1
    print("zero lost events, zero lock errors surfaced, desk verify passes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
