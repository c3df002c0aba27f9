"""Export benchmark: every format of `desk export` at 1k and 100k items, seconds and peak memory.

    .venv/bin/python bench/export.py                  # 1k and 100k
    .venv/bin/python bench/export.py --sizes 1k       # a quick check

The desk: one story of N items (posts from 97 authors over N seconds), of
which one in five is kept, one in ten has a verdict other than unverified
(verified, false, misleading, unverifiable in turn), three in ten carry a
tag, one in ten corroborates the item before it, one in twenty has a note,
one in fifty is discarded; a recap of six entries (one per section), each
sourced by a kept item; every write through `db.Writer` in one transaction
(the bench's shortcut: the rows are the desk's own, only not one verb per
row), then a few verbs so the chain has a head. Desks are cached under
`bench/out/` (gitignored) and rebuilt when missing.

Each format runs in a fresh child process (`python bench/export.py --child
DESK FORMAT OUT`) that imports desk, opens the desk, and calls
`desk.export.publish.publish` into a file, as `desk export -o FILE` does.
seconds = wall time of that call (`time.perf_counter`); peak RSS = the
child's `ru_maxrss` from `os.wait4` (the whole process: interpreter,
imports and the export); "before" is the child's VmHWM just before the
export, so the export's own share is the difference. The page formats (md,
html, liveblog, claimreview, atom) quote at most `MAX_PAGE_ITEMS` (2,000)
kept posts, so from 10k items on they cost the same; csv and jsonl carry
every item but the discarded ones, streamed by keyset pages.

The baseline, measured in the same run on the same desk: `sqlite-utils
query DESK SQL --csv` (and `--nl`) on the same items' bare rows, nothing
joined in; its whole process is timed ("process s", which the desk's rows
carry too: start-up, imports, opening the desk and the export).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from peak import vm_hwm_kib  # bench/ is the script's own folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
FORMATS = ("md", "html", "liveblog", "claimreview", "atom", "csv", "jsonl")
VERDICTS = ("verified", "false", "misleading", "unverifiable")
SECTIONS = ("background", "timeline", "latest", "what we know", "what we don't know", "reactions")
START = datetime(2024, 1, 1, tzinfo=UTC)


def build(path: Path, n: int) -> float:
    """The bench desk of `n` items (see the module docstring); seconds taken."""
    from db import NewItem, Store
    from db.clock import iso_second
    from desk import verbs

    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    with Store(tmp, create=True) as store:
        story = verbs.create_story(store, "bench", "bench", "Bench story")
        with store.transaction() as w:
            for i in range(1, n + 1):
                author = i % 97
                item_id, _ = w.insert_item(
                    NewItem(
                        platform="mastodon" if i % 3 else "twitter",
                        text=f"Post {i} from the scene: water over the road near bridge {i % 50}."
                        " Residents are moving to higher ground, officials say.",
                        platform_id=f"bench-{i}",
                        url=f"https://social.example/@u{author}/{i}",
                        author_name=f"Reporter {author}",
                        author_handle=f"u{author}@social.example",
                        author_url=f"https://social.example/@u{author}",
                        posted_at=iso_second(START + timedelta(seconds=i)),
                        posted_precision="second",
                        posted_tz_known=True,
                        story_id=story,
                    )
                )
                fields: dict[str, object] = {}
                if i % 5 == 0:
                    fields["triage"] = "kept"
                elif i % 50 == 1:
                    fields["triage"] = "discarded"
                if i % 10 == 0:
                    fields["verdict"] = VERDICTS[(i // 10) % 4]
                    fields["verdict_reason"] = f"checked against source {i % 7}"
                if fields:
                    w.update_item(item_id, fields)
                if i % 10 < 3:
                    w.add_tag(item_id, f"tag{i % 13}")
                if i % 10 == 5 and i > 1:
                    w.add_link(
                        src_id=item_id,
                        relation="corroborates",
                        dst_item_id=item_id - 1,
                        dst_entry_id=None,
                        actor="bench",
                    )
                if i % 20 == 7:
                    w.add_note(item_id=item_id, entry_id=None, author="bench", text=f"Note {i}")
        for k, section in enumerate(SECTIONS):
            entry = verbs.add_recap_entry(
                store,
                "bench",
                story,
                section=section,
                headline=f"Entry {k}: what happened",
                body="A body of a couple of sentences. It says what the desk knows.",
                date_text="since December",
            )
            verbs.link(store, "bench", 5 * (k + 1), dst_entry=entry, relation="source-for")
    tmp.rename(path)
    for side in ("-wal", "-shm"):
        Path(f"{tmp}{side}").unlink(missing_ok=True)
    return time.perf_counter() - started


def ensure(label: str) -> Path:
    """The cached desk of that size, built when missing (named by the schema it was built
    with, so a desk of an older schema is never opened, which would upgrade it)."""
    from db.schema import KNOWN_MIGRATIONS

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"export-{label}-{KNOWN_MIGRATIONS[-1]}.desk"
    if not path.exists():
        seconds = build(path, SIZES[label])
        print(f"built {path.name} in {seconds:.1f} s", file=sys.stderr)
    return path


def child(desk: str, fmt: str, out: str) -> None:
    """Export one format, print `seconds before_kib items`."""
    from db import Store
    from desk.export.publish import Options, publish

    with Store(desk) as store:
        before = vm_hwm_kib()
        with open(out, "w", encoding="utf-8", newline="") as sink:
            started = time.perf_counter()
            n = publish(store, "bench", fmt, sink, Options())  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
    print(f"{seconds:.4f} {before} {n}")


BASELINE_SQL = (
    "SELECT * FROM items WHERE story_id = (SELECT id FROM stories WHERE slug = 'bench') "
    "AND triage != 'discarded' ORDER BY sort_key DESC"
)
"""The baseline: the same items' bare rows (no tags, links, verdicts or notes joined in)."""


def measure_baseline(desk: Path, fmt: str, workdir: Path) -> dict[str, float]:
    """`sqlite-utils query DESK SQL --csv|--nl` on the same items, the whole process timed."""
    out = workdir / f"baseline.{fmt}"
    flag = "--csv" if fmt == "csv" else "--nl"
    with open(out, "wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "sqlite_utils", "query", str(desk), BASELINE_SQL, flag],
            stdout=sink,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sqlite-utils failed for {fmt}")
    lines = out.read_bytes().count(b"\n") - (1 if fmt == "csv" else 0)
    size = out.stat().st_size
    out.unlink()
    return {
        "seconds": float("nan"),
        "wall": wall,
        "peak_mb": usage.ru_maxrss / 1024,
        "before_mb": float("nan"),
        "items": lines,
        "out_mb": size / 1e6,
    }


def measure(desk: Path, fmt: str, workdir: Path) -> dict[str, float]:
    out = workdir / f"out.{fmt}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(desk), fmt, str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child failed for {fmt}: exit {proc.returncode}")
    seconds, before, n = text.split()
    size = out.stat().st_size
    out.unlink()
    return {
        "seconds": float(seconds),
        "wall": wall,
        "peak_mb": usage.ru_maxrss / 1024,
        "before_mb": int(before) / 1024,
        "items": int(n),
        "out_mb": size / 1e6,
    }


def table(rows: list[tuple[str, str, dict[str, float]]]) -> str:
    header = [
        "size",
        "format",
        "items written",
        "seconds",
        "process s",
        "peak RSS MB",
        "before MB",
        "output MB",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, fmt, r in rows:
        cells = [
            label,
            fmt,
            f"{int(r['items']):,}",
            "-" if r["seconds"] != r["seconds"] else f"{r['seconds']:.2f}",
            f"{r['wall']:.2f}",
            f"{r['peak_mb']:.0f}",
            "-" if r["before_mb"] != r["before_mb"] else f"{r['before_mb']:.0f}",
            f"{r['out_mb']:.2f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1k", "100k"], choices=list(SIZES))
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    parser.add_argument("--child", nargs=3, metavar=("DESK", "FORMAT", "OUT"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows: list[tuple[str, str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="desk-export-bench-") as tmp:
        for label in args.sizes:
            desk = ensure(label)
            for fmt in args.formats:
                rows.append((label, fmt, measure(desk, fmt, Path(tmp))))
                print(f"{label} {fmt}: {rows[-1][2]['seconds']:.2f} s", file=sys.stderr)
                if fmt in ("csv", "jsonl"):
                    rows.append(
                        (
                            label,
                            f"baseline: sqlite-utils {fmt}",
                            measure_baseline(desk, fmt, Path(tmp)),
                        )
                    )
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(table(rows))


if __name__ == "__main__":
    main()
