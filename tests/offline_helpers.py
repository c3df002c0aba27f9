"""Helpers for the working-offline tests: desks by the CLI and a state dump that ignores ids.

Local ids differ between desks that merged in different orders (each gives
the next item the next number), so desks are compared by what they hold:
items by uuid-free identity (text and platform), with their tags, triage,
verdict and notes; recap entries by headline; open conflicts by value sets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from db import Store, merge_rows
from tests.clirun import Ran, run_cli


def ok(desk: Path, *args: str, actor: str = "tester") -> Ran:
    ran = run_cli(desk, *args, actor=actor)
    assert ran.code == 0, (args, ran.err)
    return ran


def state(path: Path) -> dict[str, Any]:
    """What a desk holds, by content (never by local id)."""
    with Store(path) as store:
        c = store.conn
        name = {
            int(r[0]): f"{r[1]}|{r[2]}" for r in c.execute("SELECT id, platform, text FROM items")
        }
        items = {}
        for r in c.execute("SELECT id, triage, verdict, verdict_reason FROM items"):
            tags = sorted(t[0] for t in c.execute("SELECT tag FROM tags WHERE item_id = ?", [r[0]]))
            notes = sorted(
                (n[0], n[1], n[2])
                for n in c.execute(
                    "SELECT uuid, text, retracted FROM notes WHERE item_id = ?", [r[0]]
                )
            )
            steps = sorted(
                (s[0], s[1], s[2])
                for s in c.execute(
                    "SELECT pillar, status, note FROM check_steps WHERE item_id = ? "
                    "AND NOT (status = 'open' AND note IS NULL)",
                    [r[0]],
                )
            )
            evidence = sorted(
                e[0] for e in c.execute("SELECT value FROM evidence WHERE item_id = ?", [r[0]])
            )
            items[name[int(r[0])]] = (r[1], r[2], r[3], tags, notes, steps, evidence)
        links = sorted(
            (name[int(r[0])], r[1], name.get(int(r[2] or 0)))
            for r in c.execute("SELECT src_id, relation, dst_item_id FROM links")
        )
        conflicts = sorted(
            (
                name.get(int(k.thing.split(":")[1]), k.thing)
                if k.thing.startswith("item")
                else k.thing,
                k.field,
                json.dumps(sorted(json.dumps(m["value"]) for m in k.candidates)),
            )
            for k in merge_rows.conflicts(c)
        )
        done = sorted(
            name[int(r[0])] for r in c.execute("SELECT id FROM items WHERE checks_done = 1")
        )
        return {"items": items, "links": links, "conflicts": conflicts, "done": done}
