"""One stress run: writer processes, live readers and an open app on one desk file.

`run()` seeds a desk, starts `writers` processes of `tests.concurrency_worker` (each
its own actor, `verbs` verbs of a seeded mix, undo and conflicting verdicts included),
`readers` processes of `tests.live_reader reader` (live refresh's reads: data_version,
then only the new events) and, with `app`, one headless desk app; releases them
together; and checks the desk afterwards. `problems()` lists every failure in one line
each: a verb that failed (a "database is locked" in particular), an event a writer
expected and the log lacks, a gap a reader saw, an error the app showed, a failed
`desk verify`. The fast test (`tests/test_concurrency.py`) and the bench
(`bench/stress.py`: 8 writers x 500 verbs, 4 readers, the app) both run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db import Store
from desk import verbs

REPO = Path(__file__).resolve().parent.parent
SEED_ACTOR = "seed"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the repo importable, no stray desk settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DESK_FILE", "DESK_USER"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@dataclass
class StressResult:
    """What a run did and what went wrong (`problems`: empty when nothing did)."""

    writers: list[dict[str, Any]]
    readers: list[dict[str, Any]]
    app: dict[str, Any] | None
    events: int
    verbs: int
    seconds: float
    verify: str
    problems: list[str] = field(default_factory=list)

    @property
    def verbs_per_second(self) -> float:
        return self.verbs / self.seconds if self.seconds else 0.0


def _start(module: str, args: list[str], config: dict[str, Any], path: Path) -> Any:
    path.write_text(json.dumps(config))
    return subprocess.Popen(
        [sys.executable, "-m", module, *args, str(path)],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run(
    work: Path, *, writers: int, verbs_each: int, readers: int, app: bool, shared: int = 6
) -> StressResult:
    """Run the processes to the end and check the desk; never raises for a failed check."""
    desk = work / "stress.desk"
    with Store(desk, create=True) as store:
        pool = [
            verbs.add_item(
                store, SEED_ACTOR, text=f"shared item {i}", url=f"https://example.test/s/{i}"
            ).id
            for i in range(shared)
        ]
    start, stop = work / "start", work / "stop"
    procs: list[tuple[str, Any, Path, Path]] = []
    for n in range(writers):
        config = {
            "desk": str(desk),
            "index": n,
            "verbs": verbs_each,
            "shared": pool,
            "seed": 1000 + n,
            "start": str(start),
            "ready": str(work / f"ready-w{n}"),
            "out": str(work / f"out-w{n}.json"),
        }
        proc = _start("tests.concurrency_worker", [], config, work / f"w{n}.json")
        procs.append(("writer", proc, Path(config["ready"]), Path(config["out"])))
    watchers = [("reader", n) for n in range(readers)] + ([("app", 0)] if app else [])
    for mode, n in watchers:
        config = {
            "desk": str(desk),
            "start": str(start),
            "stop": str(stop),
            "ready": str(work / f"ready-{mode}{n}"),
            "out": str(work / f"out-{mode}{n}.json"),
        }
        proc = _start("tests.live_reader", [mode], config, work / f"{mode}{n}.json")
        procs.append((mode, proc, Path(config["ready"]), Path(config["out"])))
    problems: list[str] = []
    deadline = time.monotonic() + 120
    while not all(ready.exists() for _, _, ready, _ in procs):
        dead = [(m, p) for m, p, _, _ in procs if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            for _, p, _, _ in procs:
                p.kill()
            detail = dead[0][1].communicate()[1].decode(errors="replace")[-2000:] if dead else ""
            raise RuntimeError(f"a {dead[0][0] if dead else 'process'} never got ready: {detail}")
        time.sleep(0.01)
    start.write_text("go")
    results: dict[str, list[dict[str, Any]]] = {"writer": [], "reader": [], "app": []}
    for mode, proc, _, out in procs:
        if mode == "writer":
            results[mode].append(_finish(mode, proc, out, problems))
    stop.write_text("stop")
    for mode, proc, _, out in procs:
        if mode != "writer":
            results[mode].append(_finish(mode, proc, out, problems))

    writer_results = results["writer"]
    with Store(desk) as store:
        events = store.events()
        last = store.last_seq()
        seen = Counter((e.actor, e.kind) for e in events)
        for r in writer_results:
            actor = r.get("actor", "?")
            problems += [f"{actor}: {e}" for e in r.get("errors", [])]
            mine = {kind: k for (who, kind), k in seen.items() if who == actor}
            if "expected_kinds" in r and mine != r["expected_kinds"]:
                problems.append(f"{actor}: events {mine} but it wrote {r['expected_kinds']}")
        expected = shared + sum(sum(r.get("expected_kinds", {}).values()) for r in writer_results)
        if len(events) != expected:
            problems.append(f"{len(events)} events in the log, {expected} written")
    for n, r in enumerate(results["reader"]):
        problems += [f"reader {n}: {e}" for e in r.get("errors", [])]
        problems += [f"reader {n}: gap {g}" for g in r.get("gaps", [])]
        if "last" in r and r["last"] != last:
            problems.append(f"reader {n} saw events up to {r['last']}, the log has {last}")
    app_result = results["app"][0] if results["app"] else None
    if app_result is not None:
        problems += [f"app: {e}" for e in app_result.get("errors", [])]
        if app_result.get("changes", 0) == 0 and "errors" not in app_result:
            problems.append("app: its watcher never reported a change")
    verified = subprocess.run(
        [sys.executable, "-m", "desk", "verify", "--desk", str(desk)],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if verified.returncode != 0:
        problems.append(f"desk verify: {verified.stderr.strip() or verified.stdout.strip()}")
    windows = [r["window"] for r in writer_results if "window" in r]
    seconds = max(w[1] for w in windows) - min(w[0] for w in windows) if windows else 0.0
    return StressResult(
        writers=writer_results,
        readers=results["reader"],
        app=app_result,
        events=len(events),
        verbs=writers * verbs_each,
        seconds=seconds,
        verify=verified.stdout.strip(),
        problems=problems,
    )


def _finish(mode: str, proc: Any, out: Path, problems: list[str]) -> dict[str, Any]:
    """Wait for a child; its result, with a bad exit or a lock message noted."""
    try:
        _, stderr = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        problems.append(f"a {mode} did not finish in 600 s")
        return {}
    text = stderr.decode(errors="replace")
    if proc.returncode != 0:
        problems.append(f"a {mode} exited {proc.returncode}: {text[-2000:]}")
    if "locked" in text.lower():
        problems.append(f"a {mode} printed a lock error: {text[-2000:]}")
    if not out.exists():
        problems.append(f"a {mode} wrote no result")
        return {}
    result: dict[str, Any] = json.loads(out.read_text())
    return result
