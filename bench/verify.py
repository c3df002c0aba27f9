"""Verify benchmark: `desk verify` and `--replay` at 100k and 1M items, seconds and peak memory.

    .venv/bin/python bench/verify.py                  # 100k and 1M
    .venv/bin/python bench/verify.py --sizes 100k     # a quick run
    .venv/bin/python bench/verify.py --sizes 1k       # a smoke check

The desk: one story of N items, Mastodon statuses from 97 authors over N
seconds (about 1.5 KB of JSON each, unique per item), written as JSON
Lines files of `FILE_ITEMS` (100,000) statuses and taken in by the ingest
pipeline itself (`desk.ingest.pipeline.ingest_source`, as `desk ingest`
does): each status's line is its raw capture, kept in the blobs table by
sha256, and each batch of 500 items is one transaction and one `ingest`
event with whatever the pipeline records in it (the items' ids and raw
sha256s, which verify cross-checks, and what a replay needs). Then the
verbs, one event each, through `desk.verbs`: `VERB_EVENTS` of them at 10k
items and up (scaled down below): 1,000 tags, 500 verdicts (false,
misleading), 250 items checked step by step on the five pillars and then
verified (six events each), and 20 evidence files added to checked steps
(two files: a 64 KB image and a 3 MB PDF, so both of verify's blob paths
run, the in-row one and the chunked incremental read). The desk is built
in a child process and the time printed. Desks are cached under
`bench/out/` (gitignored), named by the schema's last migration so a desk
of an older schema is never opened (that would time the upgrade); a change
to what the `ingest` event carries without a migration needs the cached
desks deleted by hand.

Each measurement runs in a fresh child process (`python bench/verify.py
--child DESK WHAT`). `desk verify` opens the desk and calls what the CLI
calls: `Store.verify()` inside `db.slices.snapshot`, then `event_count`.
seconds = wall time of that call (`time.perf_counter`); peak RSS = the
child's `ru_maxrss` from `os.wait4` (the whole process: interpreter,
imports and the work); "before" is the child's VmHWM just before the work,
so the work's own share is the difference. "desk verify (CLI)" and
`desk verify --replay` run the real command (`python -m desk verify
--desk DESK`) and time the whole process; `--replay` is detected from
`desk verify --help`, and while it is missing the table says so; what
the commands print on stderr (a replay's caveats) is printed under the
table.

The baselines, measured in the same run on the same desk, in child
processes of their own: `PRAGMA integrity_check` through the python
`sqlite3` module (what SQLite itself checks: every page, index and
constraint, no hashes), and sha256 of every blob's bytes read straight
from the blobs table (`SELECT data FROM blobs`, `hashlib.sha256` per row,
what `sha256sum` over the same files would do): the floor for the half of
verify that rehashes raw bytes. MB/s = blob bytes / seconds (for verify,
which also walks the chain and cross-checks the items, an end-to-end rate).
The parent imports nothing of the desk (it asks a child for the migration
name) so that a child's `ru_maxrss`, which starts from the parent's memory
at spawn, is its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sqlite3
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
SIZES = {"1k": 1_000, "100k": 100_000, "1M": 1_000_000}
FILE_ITEMS = 100_000
"""Statuses per JSONL file ingested (each file its own `ingest_source`)."""
VERB_EVENTS = {"tags": 1_000, "verdicts": 500, "checked": 250, "evidence": 20}
"""Verb events at full scale: ~3,000 (each checked item is five steps and a verdict)."""
PILLARS = ("provenance", "source", "date", "location", "motivation")
START = datetime(2024, 1, 1, tzinfo=UTC)
NOTES: list[str] = []
"""What the measured commands wrote to stderr (a replay's caveats), printed under the table."""


def _raw(i: int, author: int, posted: str) -> bytes:
    """A Mastodon-style status as an API returns it, about 1.5 KB."""
    status = {
        "id": str(100_000_000_000 + i),
        "created_at": posted,
        "in_reply_to_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://social.example/users/u{author}/statuses/{i}",
        "url": f"https://social.example/@u{author}/{i}",
        "replies_count": i % 7,
        "reblogs_count": i % 31,
        "favourites_count": i % 113,
        "content": f"<p>Post {i} from the scene: water over the road near bridge {i % 50}. "
        "Residents are moving to higher ground, officials say. More as we hear it; "
        "please do not drive through flood water.</p>",
        "account": {
            "id": str(10_000 + author),
            "username": f"u{author}",
            "acct": f"u{author}@social.example",
            "display_name": f"Reporter {author}",
            "url": f"https://social.example/@u{author}",
            "avatar": f"https://files.social.example/accounts/avatars/{author}/original.png",
            "header": f"https://files.social.example/accounts/headers/{author}/original.png",
            "followers_count": 1_000 + author * 17,
            "following_count": 200 + author,
            "statuses_count": 5_000 + author * 3,
            "note": "<p>Local news. Tips welcome.</p>",
            "avatar_static": f"https://files.social.example/accounts/avatars/{author}/s.png",
            "header_static": f"https://files.social.example/accounts/headers/{author}/s.png",
            "locked": False,
            "bot": False,
            "discoverable": True,
            "group": False,
            "created_at": "2022-11-07T00:00:00.000Z",
            "last_status_at": posted[:10],
            "emojis": [],
            "fields": [{"name": "Web", "value": "https://news.example", "verified_at": None}],
        },
        "edited_at": None,
        "reblog": None,
        "filtered": [],
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "flood", "url": "https://social.example/tags/flood"}],
        "emojis": [],
        "card": None,
        "poll": None,
        "application": {"name": "Web", "website": None},
    }
    return json.dumps(status, separators=(",", ":")).encode()


def _evidence_files(workdir: Path) -> list[Path]:
    """A 64 KB "image" and a 3 MB "PDF" (above verify's 1 MB chunk: read incrementally)."""
    files = []
    for name, size in (("photo.png", 64 * 1024), ("report.pdf", 3 * 1024 * 1024)):
        path = workdir / name
        seed = hashlib.sha256(name.encode()).digest()
        path.write_bytes((seed * (size // len(seed) + 1))[:size])
        files.append(path)
    return files


def write_statuses(workdir: Path, n: int) -> list[Path]:
    """`n` statuses as Mastodon JSON Lines, `FILE_ITEMS` a file (an export of a timeline)."""
    files = []
    for k, first in enumerate(range(1, n + 1, FILE_ITEMS), start=1):
        path = workdir / f"timeline-{k:03}.jsonl"
        with open(path, "wb") as sink:
            for i in range(first, min(n, first + FILE_ITEMS - 1) + 1):
                posted = (START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
                sink.write(_raw(i, i % 97, posted) + b"\n")
        files.append(path)
    return files


def build(path: Path, n: int) -> float:
    """The bench desk of `n` items (see the module docstring); seconds taken."""
    from db import Store
    from desk import verbs
    from desk.ingest.base import Source
    from desk.ingest.pipeline import ingest_source

    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    with (
        Store(tmp, create=True) as store,
        tempfile.TemporaryDirectory(prefix="desk-verify-bench-") as work,
    ):
        story = verbs.create_story(store, "bench", "bench", "Bench story")
        for source in write_statuses(Path(work), n):
            report = ingest_source(
                store, Source(source.name, path=source), actor="bench", story_id=story
            )
            source.unlink()
            if report.rejected:
                raise SystemExit(f"{source.name}: {report.rejected} statuses rejected")
        scale = min(1.0, n / 10_000)
        counts = {k: max(1, int(v * scale)) for k, v in VERB_EVENTS.items()}
        step = max(1, n // 4_000)  # spread the verbs over the desk
        for k in range(counts["tags"]):
            verbs.tag(store, "bench", [1 + (k * step) % n], [f"+tag{k % 13}"])
        for k in range(counts["verdicts"]):
            item = 2 + (k * step * 2) % (n - 1)
            verbs.set_verdict(
                store, "bench", [item], ("false", "misleading")[k % 2], f"checked {k % 7}"
            )
        checked = [3 + (k * step * 3) % (n - 2) for k in range(counts["checked"])]
        for item in checked:
            for pillar in PILLARS:
                verbs.log_check(store, "bench", item, pillar, "passed", note=f"{pillar} ok")
            verbs.set_verdict(store, "bench", [item], "verified", "five pillars passed")
        files = _evidence_files(Path(work))
        for k in range(counts["evidence"]):
            item = checked[k % len(checked)]
            verbs.add_evidence(store, "bench", item, PILLARS[k % 5], files[k % 2])
    tmp.rename(path)
    for side in ("-wal", "-shm"):
        Path(f"{tmp}{side}").unlink(missing_ok=True)
    return time.perf_counter() - started


def last_migration() -> str:
    """`db.schema.KNOWN_MIGRATIONS[-1]`, asked of a child: importing `db` here would add
    11 MB to this process, which every child's `ru_maxrss` would then start from."""
    code = "from db.schema import KNOWN_MIGRATIONS; print(KNOWN_MIGRATIONS[-1])"
    text, err, _, _, status = _wait4([sys.executable, "-c", code])
    if status != 0:
        raise SystemExit(f"reading the schema failed: {err}")
    return text.strip()


def desk_file(label: str, migration: str) -> Path:
    return OUT / f"verify-{label}-{migration}.desk"


def ensure(label: str, migration: str) -> tuple[Path, float | None]:
    """The cached desk of that size, built when missing; the build's seconds if built now."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = desk_file(label, migration)
    if path.exists():
        return path, None
    print(f"building {path.name} ...", file=sys.stderr)
    # Built in a child: the parent stays small, and `wait4`'s peak of each measured child
    # is its own (a spawned child's ru_maxrss starts from the parent's memory).
    text, err, _, _, code = _wait4([sys.executable, __file__, "--build", label])
    if code != 0:
        raise SystemExit(f"building {path.name} failed: exit {code}\n{err}")
    seconds = float(text)
    print(f"built {path.name} in {seconds:.1f} s", file=sys.stderr)
    return path, seconds


def child(desk: str, what: str) -> None:
    """One measurement; print `seconds before_kib count bytes` (count: events, or blobs)."""
    if what == "verify":
        from db import Store
        from db.slices import event_count, snapshot

        with Store(desk) as store:
            before = vm_hwm_kib()
            started = time.perf_counter()
            with snapshot(store.conn, store.lock):
                problem = store.verify()
                events = event_count(store.conn)
            seconds = time.perf_counter() - started
            if problem is not None:
                raise SystemExit(f"verify failed: {problem}")
            size = store.conn.execute("SELECT coalesce(sum(size), 0) FROM blobs").fetchone()[0]
        print(f"{seconds:.4f} {before} {events} {size}")
        return
    conn = sqlite3.connect(f"file:{desk}?mode=ro", uri=True)
    before = vm_hwm_kib()
    started = time.perf_counter()
    if what == "integrity_check":
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise SystemExit(f"integrity_check: {result[:3]}")
        count = 0
    else:
        count = 0
        for (data,) in conn.execute("SELECT data FROM blobs"):
            hashlib.sha256(data).hexdigest()
            count += 1
    seconds = time.perf_counter() - started
    size = conn.execute("SELECT coalesce(sum(size), 0) FROM blobs").fetchone()[0]
    conn.close()
    print(f"{seconds:.4f} {before} {count} {size}")


def _wait4(argv: list[str]) -> tuple[str, str, float, float, int]:
    """Run a child; `(stdout, stderr, wall seconds, peak RSS MB, exit code)` via `os.wait4`."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        text = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return text, err.read(), wall, usage.ru_maxrss / 1024, proc.returncode


def measure(desk: Path, what: str) -> dict[str, float]:
    text, err, wall, peak, code = _wait4([sys.executable, __file__, "--child", str(desk), what])
    if code != 0:
        raise SystemExit(f"child failed for {what}: exit {code}\n{err}")
    seconds, before, count, size = text.split()
    return {
        "seconds": float(seconds),
        "wall": wall,
        "peak_mb": peak,
        "before_mb": int(before) / 1024,
        "count": int(count),
        "blob_mb": int(size) / 1e6 if what != "integrity_check" else float("nan"),
    }


def has_replay() -> bool:
    """Whether `desk verify` has `--replay` (another change is building it)."""
    text, _, _, _, code = _wait4([sys.executable, "-m", "desk", "verify", "--help"])
    return code == 0 and "--replay" in text


def measure_cli(desk: Path, *flags: str) -> dict[str, float]:
    """The real command, `python -m desk verify --desk DESK [flags]`, the whole process timed."""
    text, err, wall, peak, code = _wait4(
        [sys.executable, "-m", "desk", "verify", "--desk", str(desk), *flags]
    )
    if code != 0:
        raise SystemExit(f"desk verify {' '.join(flags)} failed: exit {code}\n{err}")
    NOTES.extend(f"`desk verify {' '.join(flags)}` said: {line}" for line in err.splitlines())
    events = next((int(w) for w in text.split() if w.isdigit()), 0)
    return {
        "seconds": float("nan"),
        "wall": wall,
        "peak_mb": peak,
        "before_mb": float("nan"),
        "count": events,
        "blob_mb": float("nan"),
    }


def _cell(value: float, fmt: str) -> str:
    return "-" if value != value else format(value, fmt)


def table(rows: list[tuple[str, str, dict[str, float] | None]]) -> str:
    header = [
        "size",
        "what",
        "events",
        "seconds",
        "process s",
        "peak RSS MB",
        "before MB",
        "blobs MB",
        "MB/s",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, what, r in rows:
        if r is None:
            cells = [label, what, "-", "-", "-", "-", "-", "-", "-"]
        else:
            rate = r["blob_mb"] / r["seconds"] if r["seconds"] == r["seconds"] else float("nan")
            cells = [
                label,
                what,
                f"{int(r['count']):,}" if r["count"] else "-",
                _cell(r["seconds"], ".2f"),
                f"{r['wall']:.2f}",
                f"{r['peak_mb']:.0f}",
                _cell(r["before_mb"], ".0f"),
                _cell(r["blob_mb"], ",.0f"),
                _cell(rate, ",.0f"),
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"], choices=list(SIZES))
    parser.add_argument("--child", nargs=2, metavar=("DESK", "WHAT"))
    parser.add_argument("--build", choices=list(SIZES))
    args = parser.parse_args()
    if args.build:
        from db.schema import KNOWN_MIGRATIONS

        path = desk_file(args.build, KNOWN_MIGRATIONS[-1])
        print(f"{build(path, SIZES[args.build]):.2f}")
        return
    if args.child:
        child(*args.child)
        return
    replay = has_replay()
    migration = last_migration()
    rows: list[tuple[str, str, dict[str, float] | None]] = []
    built: list[str] = []
    for label in args.sizes:
        desk, seconds = ensure(label, migration)
        if seconds is not None:
            built.append(f"{label}: built in {seconds:.1f} s")
        mb = desk.stat().st_size / 1e6
        built.append(f"{label}: {desk.name}, {mb:,.0f} MB")
        steps: list[tuple[str, object]] = [
            ("desk verify", lambda d=desk: measure(d, "verify")),
            ("desk verify (CLI)", lambda d=desk: measure_cli(d)),
            (
                "desk verify --replay" if replay else "replay: not built yet",
                (lambda d=desk: measure_cli(d, "--replay")) if replay else None,
            ),
            ("baseline: PRAGMA integrity_check", lambda d=desk: measure(d, "integrity_check")),
            ("baseline: sha256 of the blobs", lambda d=desk: measure(d, "sha256")),
        ]
        for what, run in steps:
            result = run() if callable(run) else None
            rows.append((label, what, result))
            shown = f"{result['wall']:.2f} s" if result else "skipped"
            print(f"{label} {what}: {shown}", file=sys.stderr)
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    for line in built:
        print(line)
    print(table(rows))
    for note in NOTES:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
