"""How the desk TUI scales: desks of 1k, 100k and 1M items.

    .venv/bin/python bench/tui.py                 # all three sizes
    .venv/bin/python bench/tui.py --sizes 1k 100k --presses 200

For each size it measures, on a real terminal driver in a pseudo-terminal
(160x48), exactly what a user waits for:

- first screen: from starting the process to the newest row painted;
- `j`: from writing the key to the end of the frame that answers it
  (Textual frames end with the synchronized-output mark `ESC[?2026l`, which
  the harness enables by answering the driver's DECRQM query), p50 and p95
  over a few hundred presses 40 ms apart (a held key's repeat rate),
  paging beyond the first page included;
- the common word + platform filter typed as a user types it (backslash,
  ctrl+u, the words, enter), from enter to the end of the frame that shows
  its first row, median of five;
- peak memory of that process (its own VmHWM, read by it on the way out:
  `wait4`'s max RSS would count the bench's memory copied at fork);

and in-process, headless (no pty), the time from asking to seeing the rows:

- filter `tag:fire` (5% of items), a rare word (50 items at every size) and
  a common word (1 item in 100) with a platform, from `apply_filter` to the
  new first page on the list (median of seven);
- search (`/`) for the rare word and for the common word, from the request
  to the cursor on the first match below (median of seven);
- the Python heap's peak (tracemalloc) over that session.

Desks are built once and cached under `bench/out/` (gitignored): rows go in
with `executemany` in one transaction, and the full-text index is rebuilt
once at the end instead of row by row (the bench's own shortcut; the desk
itself always writes through the verbs).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import random
import select
import sqlite3
import statistics
import struct
import sys
import termios
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
SIZES = {"1k": 1_000, "100k": 100_000, "1M": 1_000_000}
COLUMNS, LINES = 160, 48
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
SYNC_END = b"\x1b[?2026l"
REPEATS = 7
"""In-process filters and searches are a few milliseconds: a median of seven steadies them."""
PRESS_EVERY = 0.04
"""Seconds between presses: a held key repeats about 25 times a second. Textual paints at
most 60 frames a second, so a key that comes within 1/60 s of the last frame waits for it."""
RARE = "zephyrine"
COMMON = "harbor"
RARE_COUNT = 50
BASE = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PLATFORMS = ("twitter", "mastodon", "bluesky", "telegram", "rss", "web")


# -- building desks -------------------------------------------------------------------


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(3000)}
    return sorted(words - {RARE, COMMON})


def desk_file(label: str) -> Path:
    from db.schema import KNOWN_MIGRATIONS

    # The schema's last migration is in the name: a desk cached by an older
    # bench is rebuilt, not migrated (that would time the migration).
    return OUT / f"tui-{label}-{KNOWN_MIGRATIONS[-1]}.desk"


def build(path: Path, count: int) -> float:
    """A desk of `count` items over `count * 10 s`, newest at BASE; seconds taken."""
    from db import Store
    from db.order import sort_key

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    Store(tmp, create=True).close()
    rng = random.Random(count)
    words = _vocabulary(rng)
    rare_every = max(1, count // RARE_COUNT)
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    fts_trigger = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_text_ins'"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER items_text_ins")
    conn.execute("BEGIN")
    now = BASE.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    conn.execute(
        "INSERT INTO stories(id, uuid, slug, title, created_at) VALUES (1, ?, 'bench', 'Bench', ?)",
        [str(uuid.uuid4()), now],
    )
    triages = ["new"] * 16 + ["kept"] * 2 + ["flagged", "discarded"]
    batch: list[tuple[object, ...]] = []
    tags: list[tuple[int, str]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO items(id, uuid, kind, platform, platform_id, url, author_name, "
            "author_handle, text, posted_at, posted_precision, posted_tz_known, ingested_at, "
            "sort_at, triage, sort_key, story_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)",
            batch,
        )
        conn.executemany("INSERT INTO tags(item_id, tag) VALUES (?, ?)", tags)
        batch.clear()
        tags.clear()

    for n in range(1, count + 1):
        platform = PLATFORMS[n % len(PLATFORMS)]
        handle = f"user{rng.randrange(5000)}"
        posted = BASE - timedelta(seconds=10 * (count - n) + rng.randrange(600))
        body = rng.sample(words, 12)
        if rng.random() < 0.01:
            body[3] = COMMON
        if n % rare_every == 0 and n // rare_every <= RARE_COUNT:
            body[5] = RARE
        posted_iso = posted.strftime("%Y-%m-%dT%H:%M:%SZ")
        batch.append(
            (
                n,
                str(uuid.uuid4()),
                "post",
                platform,
                f"{platform}-{n}",
                f"https://example.social/{handle}/{n}",
                handle.title(),
                handle,
                f"item {n} " + " ".join(body),
                posted_iso,
                "second",
                1,
                (BASE - timedelta(seconds=10 * (count - n))).strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                posted_iso,
                rng.choice(triages),
                sort_key(posted_iso, n),
            )
        )
        if rng.random() < 0.05:
            tags.append((n, "fire"))
        if rng.random() < 0.01:
            tags.append((n, "casualties"))
        if len(batch) >= 50_000:
            flush()
    flush()
    conn.execute("COMMIT")
    conn.execute("INSERT INTO items_text(items_text) VALUES ('rebuild')")
    conn.execute(fts_trigger)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    for side in ("-wal", "-shm"):
        Path(f"{tmp}{side}").unlink(missing_ok=True)
    return time.perf_counter() - started


def ensure(label: str) -> Path:
    path = desk_file(label)
    if not path.exists():
        print(f"building the {label} desk ...", file=sys.stderr, flush=True)
        took = build(path, SIZES[label])
        print(f"  built in {took:.1f} s: {path}", file=sys.stderr, flush=True)
    return path


# -- the app in a pseudo-terminal -----------------------------------------------------


def child(path: Path) -> None:
    """Run in the pty: the real app on the real Linux driver."""
    from desk.settings import Settings
    from desk.tui.app import make_app

    make_app(path, Settings(actor="bench")).run()
    # The peak of this program, not of the fork it was exec'd from: `wait4`'s
    # max RSS counts the bench's own memory copied at fork, before exec.
    status = Path("/proc/self/status").read_text()
    hwm = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    Path(os.environ["DESK_BENCH_HWM"]).write_text(hwm)


class Terminal:
    """The parent's end of the pty: reads output, answers the sync-output query."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.seen = bytearray()

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        if SYNC_QUERY in data:
            os.write(self.fd, SYNC_REPLY)
        return data

    def wait_for(self, marker: bytes, timeout: float) -> float:
        """Read until `marker` shows up; the time it did (perf_counter)."""
        deadline = time.perf_counter() + timeout
        window = bytearray()
        while time.perf_counter() < deadline:
            data = self.read(deadline - time.perf_counter())
            window += data
            if marker in window:
                return time.perf_counter()
            del window[: -len(marker)]  # keep a tail, in case the marker is split
        raise TimeoutError(f"no {marker!r} within {timeout} s")

    def wait_for_frame_with(self, marker: bytes, timeout: float) -> float:
        """The end of the first frame that holds `marker` (perf_counter)."""
        deadline = time.perf_counter() + timeout
        window = bytearray()
        while time.perf_counter() < deadline:
            window += self.read(deadline - time.perf_counter())
            at = window.find(marker)
            if at >= 0 and SYNC_END in window[at:]:
                return time.perf_counter()
            if at < 0:
                del window[: -len(marker)]
        raise TimeoutError(f"no frame with {marker!r} within {timeout} s")

    def quiet(self, for_seconds: float, limit: float = 20) -> None:
        """Read until nothing has come for `for_seconds`."""
        deadline = time.perf_counter() + limit
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            if self.read(0.02):
                last = time.perf_counter()
            elif time.perf_counter() - last >= for_seconds:
                return


FILTER_TYPED = f"{COMMON} platform:mastodon"


def _first_match(path: Path, expr: str) -> int:
    """The row a filter puts on top, to recognise the frame that shows it."""
    from db import Store
    from desk.filter_expr import parse_filter

    with Store(path) as store:
        rows = store.page(parse_filter(expr), limit=1)
    return rows[0].id


def in_pty(path: Path, newest: int, presses: int) -> dict[str, float]:
    first_match = _first_match(path, FILTER_TYPED)
    hwm_file = OUT / "tui-child-hwm.txt"
    hwm_file.unlink(missing_ok=True)
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.environ["DESK_BENCH_HWM"] = str(hwm_file)
        os.environ.pop("NO_COLOR", None)
        os.execv(sys.executable, [sys.executable, __file__, "--child", str(path)])
    term = Terminal(fd)
    first = term.wait_for(f"item {newest} ".encode(), timeout=60) - started
    term.quiet(0.5)

    def press(key: bytes) -> float:
        term.quiet(0.015, limit=1)  # no frame of an earlier key may be counted for this one
        os.write(fd, key)
        sent = time.perf_counter()
        took = (term.wait_for(SYNC_END, timeout=10) - sent) * 1000
        time.sleep(max(0.0, PRESS_EVERY - (time.perf_counter() - sent)))
        return took

    # Within the first screen the cursor moves and two lines change; past it every
    # j scrolls the list a line and the whole pane is painted again. Both are timed.
    visible = LINES - 8
    moves = [press(b"j") for _ in range(visible // 2)]
    moves += [press(b"k") for _ in range(visible // 2)]
    for _ in range(visible):
        press(b"j")
    scrolls = [press(b"j") for _ in range(presses)]
    term.quiet(0.3)

    def typed_filter(expr: str, first_row: int) -> float:
        """Backslash, the expression, enter: to the end of the frame showing its first row."""
        os.write(fd, b"\\")
        term.wait_for(SYNC_END, timeout=10)
        term.quiet(0.2)
        os.write(fd, b"\x15")  # ctrl+u clears the current filter (a key of its own:
        term.quiet(0.2)  # sent with the text in one write, the text was lost)
        os.write(fd, expr.encode())
        term.quiet(0.2)
        os.write(fd, b"\r")
        sent = time.perf_counter()
        took = (term.wait_for_frame_with(f"item {first_row} ".encode(), timeout=30) - sent) * 1000
        term.quiet(0.3)
        return took

    typed: list[float] = []
    for _ in range(5):
        typed.append(typed_filter(FILTER_TYPED, first_match))
        typed_filter("", newest)
    term.quiet(0.3)
    os.write(fd, b"q")
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        term.read(0.05)
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    moves.sort()
    scrolls.sort()
    return {
        "first_screen_s": first,
        "move_p50_ms": statistics.median(moves),
        "move_p95_ms": moves[int(len(moves) * 0.95) - 1],
        "j_p50_ms": statistics.median(scrolls),
        "j_p95_ms": scrolls[int(len(scrolls) * 0.95) - 1],
        "j_max_ms": scrolls[-1],
        "filter_typed_ms": statistics.median(typed),
        "rss_mb": int(hwm_file.read_text()) / 1024 if hwm_file.exists() else float("nan"),
    }


# -- search and filter, in process ---------------------------------------------------


async def _until(condition, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not answer")
        await asyncio.sleep(0.0005)


async def _timed(app, action, done) -> float:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    action()
    await _until(done)
    return (time.perf_counter() - started) * 1000


async def headless(path: Path, *, presses: int = 0) -> dict[str, float]:
    """Filter and search times; with `presses`, the same session under tracemalloc, for memory.

    tracemalloc slows Python down severalfold, so times come from a session without it.
    """
    from desk.settings import Settings
    from desk.tui.app import make_app

    if presses:
        tracemalloc.start()
    app = make_app(path, Settings(actor="bench"), env={"TERM": "xterm-256color"})
    out: dict[str, float] = {}
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        main = app.main
        items = main.items
        await _until(lambda: bool(items.rows))
        await pilot.pause(0.3)

        def filtered() -> bool:
            return not items.fetching and bool(items.rows)

        async def filter_ms(expr: str) -> float:
            """Median of three: apply the filter, then clear it again."""
            times = []
            for _ in range(REPEATS):
                times.append(await _timed(app, lambda: main.apply_filter(expr), filtered))
                await _timed(app, lambda: main.apply_filter(""), filtered)
            return statistics.median(times)

        out["filter_tag_ms"] = await filter_ms("tag:fire")
        out["filter_rare_ms"] = await filter_ms(RARE)
        out["filter_text_ms"] = await filter_ms(f"{COMMON} platform:mastodon")
        for name, word in (("search_rare_ms", RARE), ("search_common_ms", COMMON)):
            times = []
            for _ in range(REPEATS):
                before = items.cursor_id

                def found(before: int | None = before, word: str = word) -> bool:
                    row = items.cursor_row
                    return row is not None and row.id != before and word in row.first_line

                times.append(await _timed(app, lambda word=word: main._search_entered(word), found))
                main.reload(keep_cursor=False)
                await _until(filtered)
            out[name] = statistics.median(times)
        for _ in range(presses):
            items.action_cursor_down()
            await asyncio.sleep(0)
        await app.workers.wait_for_complete()
    if presses:
        out = {"heap_peak_mb": tracemalloc.get_traced_memory()[1] / 1e6}
        tracemalloc.stop()
    return out


# -- the table --------------------------------------------------------------------------

COLUMNS_SHOWN = (
    ("first_screen_s", "first screen s", "{:.2f}"),
    ("move_p50_ms", "j/k in view p50 ms", "{:.1f}"),
    ("move_p95_ms", "j/k in view p95 ms", "{:.1f}"),
    ("j_p50_ms", "j scrolling p50 ms", "{:.1f}"),
    ("j_p95_ms", "j scrolling p95 ms", "{:.1f}"),
    ("j_max_ms", "j scrolling max ms", "{:.1f}"),
    ("filter_tag_ms", "filter tag:fire (5%) ms", "{:.1f}"),
    ("filter_rare_ms", "filter rare word (50 items) ms", "{:.1f}"),
    ("filter_text_ms", "filter common word + platform ms", "{:.1f}"),
    ("filter_typed_ms", "same filter typed, enter to frame ms", "{:.1f}"),
    ("search_rare_ms", "search rare word ms", "{:.1f}"),
    ("search_common_ms", "search common word (1%) ms", "{:.1f}"),
    ("rss_mb", "peak RSS MB", "{:.0f}"),
    ("heap_peak_mb", "py heap MB", "{:.1f}"),
)


def table(results: dict[str, dict[str, float]]) -> str:
    labels = list(results)
    both = "1M" in results and "1k" in results
    head = "| measure | " + " | ".join(labels) + (" | 1M / 1k |" if both else " |")
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for key, title, fmt in COLUMNS_SHOWN:
        row = [fmt.format(results[label][key]) for label in labels]
        ratio = ""
        if both and results["1k"][key]:
            ratio = f" {results['1M'][key] / results['1k'][key]:.2f}x |"
        lines.append(f"| {title} | " + " | ".join(row) + " |" + ratio)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    results: dict[str, dict[str, float]] = {}
    for label in args.sizes:
        path = ensure(label)
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        figures = in_pty(path, SIZES[label], args.presses)
        figures.update(asyncio.run(headless(path)))
        figures.update(asyncio.run(headless(path, presses=args.presses)))
        results[label] = figures
    print(
        f"desk TUI at {COLUMNS}x{LINES}, {args.presses} scrolling presses of j, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}"
    )
    print(table(results))


if __name__ == "__main__":
    main()
