"""Merge benchmark: a laptop's N events merged into the server it was checked out from.

    .venv/bin/python bench/merge.py              # 10k note events
    .venv/bin/python bench/merge.py --events 1000

The server has 100 items; the laptop (a `desk checkout`) writes N notes on
them through `desk.verbs.annotate` (one event each, the cheapest verb to
repeat). Timed with `time.perf_counter`: `merge_desk` of the laptop into the
server (N events applied, one transaction), the same merge again (nothing
new: the time to walk both logs), and `export-events` + `import-events` of
the same work into a second checkout.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from db import Store
from desk import verbs
from desk.merge.desks import checkout, merge_desk
from desk.merge.files import export_events, import_events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    n = parser.parse_args().events
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with Store(root / "server.desk", create=True) as server:
            for i in range(100):
                verbs.add_item(server, "ed", text=f"seed {i}")
            checkout(server, root / "laptop.desk", story=None, force=False)
            checkout(server, root / "other.desk", story=None, force=False)
            with Store(root / "laptop.desk") as laptop:
                for i in range(n):
                    verbs.annotate(laptop, "al", 1 + i % 100, f"note {i}")
            t = time.perf_counter()
            first = merge_desk(server, root / "laptop.desk", "ed")
            merged = time.perf_counter() - t
            t = time.perf_counter()
            merge_desk(server, root / "laptop.desk", "ed")
            again = time.perf_counter() - t
        with Store(root / "laptop.desk") as laptop:
            t = time.perf_counter()
            export_events(laptop, root / "work.jsonl")
            exported = time.perf_counter() - t
        with Store(root / "other.desk") as other:
            t = time.perf_counter()
            import_events(other, root / "work.jsonl", "ed")
            imported = time.perf_counter() - t
        size = (root / "work.jsonl").stat().st_size
    print(f"merge of {first.applied} events: {merged:.2f} s; again (nothing new): {again:.2f} s")
    print(f"export-events: {exported:.2f} s ({size / 1e6:.1f} MB); import-events: {imported:.2f} s")


if __name__ == "__main__":
    main()
