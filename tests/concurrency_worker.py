"""One writer process of the concurrency test: `python -m tests.concurrency_worker CONFIG.json`.

It is a separate process (not a thread) on purpose: SQLite's locks are per
connection and per process, and "database is locked" only shows up when
real processes race for the write lock. The worker opens its own `Store`,
acts as its own actor, waits for a start file so that all workers begin
writing in the same instant, runs a seeded mix of verbs and writes what it
expects to find afterwards (events per kind, its own tags, its items and
notes) to a JSON file for the test to check against the desk.

Every exception is caught and recorded as text rather than crashing the
worker, so the test can show *which* verb failed and with what message
(a "database is locked" in particular) instead of a bare exit code.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from db import Store
from desk import verbs
from desk.errors import SetConflictError
from desk.vocab import PILLARS, STEP_STATES, TRIAGE_STATES, VERDICTS

# The weights make collisions likely on the shared items while still using
# every verb; "undo" is only ever run right after a tag (see `plan`).
MIX: dict[str, int] = {
    "add_item": 10,
    "tag": 25,
    "set_triage": 15,
    "link": 10,
    "annotate": 15,
    "set_verdict": 10,
    "rate_seen": 5,
    "log_check": 10,
    "undo": 5,
}
RELATIONS = ("corroborates", "contradicts", "same-event")
START_TIMEOUT_S = 60.0


def plan(rng: random.Random, n: int) -> list[str]:
    """The verbs to run, in order.

    An undo only follows a tag so that it always has the worker's own tag
    action to reverse: its outcome is then known, and a conflict with a
    colleague's change (a legitimate refusal, not a lock error) cannot occur.
    """
    kinds, weights = zip(*MIX.items(), strict=True)
    out: list[str] = []
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        if kind == "undo" and (not out or out[-1] != "tag"):
            kind = "tag"
        out.append(kind)
    return out


def run(config: dict[str, Any]) -> dict[str, Any]:
    """Run the verbs; what the desk must show afterwards."""
    me = int(config["index"])
    actor = f"worker-{me}"
    rng = random.Random(int(config["seed"]))
    store = Store(Path(config["desk"]))
    Path(config["ready"]).write_text("ready")
    deadline = time.monotonic() + START_TIMEOUT_S
    start = Path(config["start"])
    while not start.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("start file never appeared")
        time.sleep(0.001)

    # CLOCK_MONOTONIC is one clock for all processes on Linux and macOS, so
    # the test can compare the workers' windows.
    began = time.monotonic()
    pool: list[int] = [int(i) for i in config["shared"]]
    expected_kinds: Counter[str] = Counter()
    my_tags: dict[int, set[str]] = {}
    created: dict[int, str] = {}
    notes = 0
    conflicts = 0
    errors: list[str] = []
    max_latency = 0.0
    for step, kind in enumerate(plan(rng, int(config["verbs"]))):
        started = time.monotonic()
        try:
            if kind == "add_item":
                url = f"https://example.test/{actor}/{step}"
                item = verbs.add_item(store, actor, text=f"{actor} item {step}", url=url)
                if item.url != url or item.id in created or item.id in pool:
                    errors.append(f"add_item {step}: got item {item.id} with url {item.url!r}")
                created[item.id] = item.text
                pool.append(item.id)
                expected_kinds["item.add"] += 1
            elif kind == "tag":
                target = rng.choice(pool)
                # A fresh tag always changes something; the toggle flips a
                # per-worker tag on and off, so removals are exercised too.
                op = f"!{actor}-toggle" if rng.random() < 0.3 else f"+{actor}-{step}"
                changes = verbs.tag(store, actor, [target], [op])
                if not changes:
                    errors.append(f"tag {step}: {op} on item {target} changed nothing")
                for item_id, change in changes.items():
                    have = my_tags.setdefault(item_id, set())
                    have.update(change["added"])
                    have.difference_update(change["removed"])
                    expected_kinds["item.tag"] += 1
            elif kind == "undo":
                result = verbs.undo(store, actor)
                if result.undone.kind != "item.tag":
                    errors.append(f"undo {step}: undid {result.undone.kind}, expected item.tag")
                for key, change in result.undone.payload["changes"].items():
                    have = my_tags.setdefault(int(key), set())
                    have.difference_update(change["added"])
                    have.update(change["removed"])
                expected_kinds["undo"] += 1
            elif kind == "set_triage":
                state = rng.choice(TRIAGE_STATES)
                if verbs.set_triage(store, actor, [rng.choice(pool)], state):
                    expected_kinds["item.triage"] += 1
            elif kind == "set_verdict":
                verdict = rng.choice(VERDICTS)
                reason = f"{actor} step {step}" if rng.random() < 0.5 else None
                if verbs.set_verdict(
                    store, actor, [rng.choice(pool)], verdict, reason, override="load test"
                ):
                    expected_kinds["item.verdict"] += 1
            elif kind == "rate_seen":
                # As the TUI does: set from the verdict read a moment ago. A colleague's
                # verdict in between is a conflict (nothing written), never a silent loss.
                target = rng.choice(pool)
                seen = store.item(target).verdict
                try:
                    if verbs.set_verdict(
                        store,
                        actor,
                        [target],
                        rng.choice(VERDICTS),
                        override="load test",
                        seen={target: seen},
                    ):
                        expected_kinds["item.verdict"] += 1
                except SetConflictError as exc:
                    conflicts += 1
                    if exc.clashes[0].theirs == seen:
                        errors.append(f"rate_seen {step}: a conflict with no change: {exc}")
            elif kind == "link":
                src, dst = rng.sample(pool, 2)
                relation = rng.choice(RELATIONS)
                if verbs.link(store, actor, src, dst_item=dst, relation=relation).link is not None:
                    expected_kinds["link.add"] += 1
            elif kind == "annotate":
                verbs.annotate(store, actor, rng.choice(pool), f"{actor} note {step}")
                notes += 1
                expected_kinds["note.add"] += 1
            elif kind == "log_check":
                verbs.log_check(
                    store,
                    actor,
                    rng.choice(pool),
                    rng.choice(PILLARS),
                    rng.choice(STEP_STATES),
                    note=f"{actor} step {step}",
                )
                expected_kinds["check.log"] += 1
            else:  # pragma: no cover - plan() only yields the kinds above
                errors.append(f"unknown verb kind {kind}")
        except Exception as exc:  # recorded, not raised: the test names each failure
            errors.append(f"{kind} {step}: {type(exc).__name__}: {exc}")
        max_latency = max(max_latency, time.monotonic() - started)
    ended = time.monotonic()
    store.close()
    return {
        "window": [began, ended],
        "actor": actor,
        "expected_kinds": dict(expected_kinds),
        "my_tags": {str(k): sorted(v) for k, v in my_tags.items()},
        "created": {str(k): v for k, v in created.items()},
        "notes": notes,
        "conflicts": conflicts,
        "errors": errors,
        "max_latency_s": max_latency,
    }


def main(argv: list[str]) -> int:
    """Read the config, run, write the result; a crash is written out too."""
    config = json.loads(Path(argv[1]).read_text())
    try:
        result = run(config)
    except Exception:
        result = {"errors": [f"worker crashed: {traceback.format_exc()}"]}
    Path(config["out"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
