"""`desk bundle ITEM|STORY -o DIR` and `desk bundle --check DIR`: BagIt bags for the chain of custody.

A bag made by the desk must validate with the `bagit` package (its Python
API and its own command line), fail after any file in it is changed, and
`--check` must say which file. The event slice in it is re-checked by
recomputing each hash with the desk's own function, so a bag whose
manifests were recomputed after an edit is still caught. Hostile text in
the desk (written behind the verbs, as a shared file may be) never reaches
the terminal raw, and the records keep it exactly, escaped.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import bagit  # type: ignore[import-untyped]
import pytest

from db import Store
from db.slices import event_slice, items_of, story_members
from desk import verbs
from desk.bundle import (
    EVENTS_FILE,
    INFO_AT,
    INFO_BY,
    INFO_DESK,
    INFO_HEAD,
    INFO_HEAD_AT,
    INFO_HEAD_HASH,
    INFO_HEAD_SEQ,
    check_bundle,
    evidence_files,
    resolve_target,
)
from desk.errors import BadInputError
from desk.ingest.pipeline import ingest_bytes
from tests.clirun import run_cli

ACTOR = "bundle-test"
HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b[31m[bold red]alarm[/bold red]\u202eevil\x9b2J\x07\x00end"
RAW_UNSAFE = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e", "\x00")

MASTODON = [
    {
        "id": "113500000000000001",
        "uri": "https://valley.social/users/jw/statuses/113500000000000001",
        "url": "https://valley.social/@jw/113500000000000001",
        "created_at": "2026-11-22T12:42:00.000Z",
        "content": "<p>Spillway gates opened at Orvena</p>",
        "account": {"id": "1", "username": "jw", "acct": "jw", "display_name": "J W"},
        "media_attachments": [],
        "tags": [],
    },
    {
        "id": "113500000000000002",
        "uri": "https://valley.social/users/rs/statuses/113500000000000002",
        "url": "https://valley.social/@rs/113500000000000002",
        "created_at": "2026-11-22T13:00:00.000Z",
        "content": "<p>Water over the road below the dam</p>",
        "account": {"id": "2", "username": "rs", "acct": "rs", "display_name": "R S"},
        "media_attachments": [],
        "tags": [],
    },
]


@dataclass(frozen=True)
class Desk:
    path: Path
    story_id: int
    typed: int
    ingested: tuple[int, ...]
    outsider: int
    elsewhere: int
    entry: int
    deleted_entry: int


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    """A closed desk: a story with a typed item and two ingested ones, its recap (one entry
    deleted), an item of no story sourcing the recap, and one that is no part of it."""
    path = tmp_path / "orvena.desk"
    with Store(path, create=True) as store:
        story = verbs.create_story(store, ACTOR, "orvena-dam", "Orvena dam")
        typed = verbs.add_item(store, ACTOR, text="Dam holding, says the county", story_id=story).id
        report = ingest_bytes(
            store, json.dumps(MASTODON).encode(), "timeline.json", actor=ACTOR, story_id=story
        )
        ingested = tuple(report.item_ids)
        assert len(ingested) == 2, report
        outsider = verbs.add_item(store, ACTOR, text="Aerial photo of the spillway").id
        elsewhere = verbs.add_item(store, ACTOR, text="Unrelated: a ferry").id
        verbs.tag(store, ACTOR, [typed, ingested[0]], ["+orvena", "+dam"])
        verbs.set_triage(store, ACTOR, [typed], "kept")
        verbs.annotate(store, ACTOR, typed, "Called the county office: confirmed")
        verbs.log_check(
            store,
            ACTOR,
            typed,
            "provenance",
            "passed",
            note="First posted by the county",
            evidence=["https://example.org/county/post"],
        )
        verbs.set_verdict(store, ACTOR, [ingested[1]], "misleading", "Photo from 2019")
        verbs.link(store, ACTOR, ingested[0], dst_item=typed, relation="corroborates")
        entry = verbs.add_recap_entry(
            store, ACTOR, story, section="timeline", headline="Gates opened", date_text="today"
        )
        gone = verbs.add_recap_entry(store, ACTOR, story, section="latest", headline="Rumour")
        verbs.delete_recap_entry(store, ACTOR, gone)
        verbs.link(store, ACTOR, outsider, dst_entry=entry, relation="source-for")
        verbs.tag(store, ACTOR, [elsewhere], ["+ferry"])
    return Desk(path, story, typed, ingested, outsider, elsewhere, entry, gone)


def bundle(desk: Desk, target: str, out: Path, actor: str = "carol") -> None:
    ran = run_cli(desk.path, "bundle", target, "-o", str(out), actor=actor)
    assert ran.code == 0, ran.err
    assert ran.out.startswith(f"wrote {out}")


def events_of(bag: Path) -> list[dict[str, object]]:
    lines = (bag / "data" / EVENTS_FILE).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def bagit_cli(bag: Path) -> subprocess.CompletedProcess[str]:
    """The bagit package's own validator, `bagit.py --validate`, as a separate program."""
    return subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def last_event(path: Path) -> tuple[int, str, str]:
    with closing(sqlite3.connect(path)) as conn:
        seq, digest, at = conn.execute(
            "SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    return int(seq), str(digest), str(at)


# -- making one -------------------------------------------------------------------------


def test_item_bundle_is_a_valid_bag_with_everything_about_the_item(
    desk: Desk, tmp_path: Path
) -> None:
    out = tmp_path / "bag-item"
    bundle(desk, f"#{desk.typed}", out)
    bag = bagit.Bag(str(out))
    assert bag.validate(fast=False)
    assert bag.algorithms == ["sha256"]
    assert bagit_cli(out).returncode == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    with Store(desk.path) as store:
        item = store.item(desk.typed)
        raw = store.blob(item.raw_sha256 or "")
    assert files == {
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        f"data/{EVENTS_FILE}",
        f"data/items/{desk.typed}.json",
        f"data/raw/{item.raw_sha256}",
    }
    assert (out / "data" / "raw" / str(item.raw_sha256)).read_bytes() == raw
    record = json.loads((out / "data" / "items" / f"{desk.typed}.json").read_text())
    assert record["fields"]["text"] == "Dam holding, says the county"
    assert record["fields"]["triage"] == "kept"
    assert record["tags"] == ["dam", "orvena"]
    assert [n["text"] for n in record["notes"]] == ["Called the county office: confirmed"]
    steps = {s["pillar"]: s for s in record["checklist"]}
    assert list(steps) == ["provenance", "source", "date", "location", "motivation"]
    assert steps["provenance"]["status"] == "passed"
    assert steps["provenance"]["note"] == "First posted by the county"
    assert steps["provenance"]["evidence"] == ["https://example.org/county/post"]
    assert steps["source"]["status"] == "open"
    assert record["verdict"] == {"verdict": "in progress", "reason": None}  # the first check
    assert [(lk["src_id"], lk["relation"]) for lk in record["links"]] == [
        (desk.ingested[0], "corroborates")
    ]
    assert record["raw"] == {
        "sha256": item.raw_sha256,
        "file": f"data/raw/{item.raw_sha256}",
    }
    events = events_of(out)
    kinds = [e["kind"] for e in events]
    assert kinds == ["item.add", "item.tag", "item.triage", "note.add", "check.log", "link.add"]
    assert record["events"] == [e["seq"] for e in events]
    for event in events:
        assert set(event) >= {"seq", "hash", "prev_hash", "payload_json", "actor", "at"}


def test_bag_info_names_the_desk_its_head_who_and_when(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out, actor="carol")
    info = bagit.Bag(str(out)).info
    seq, digest, at = last_event(desk.path)
    assert info[INFO_DESK] == "orvena.desk"
    assert info[INFO_HEAD] == f"{seq}:{digest}"
    assert info[INFO_HEAD_SEQ] == str(seq)
    assert info[INFO_HEAD_HASH] == digest
    assert info[INFO_HEAD_AT] == at
    assert info[INFO_BY] == "carol"
    assert info[INFO_AT].endswith("Z") and info[INFO_AT][:4] == at[:4]
    # The head the bag names is one `desk verify --head` takes as written.
    ran = run_cli(desk.path, "verify", "--head", info[INFO_HEAD])
    assert ran.code == 0, ran.err


def test_the_actor_comes_from_as(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    ran = run_cli(desk.path, "--as", "dana", "bundle", str(desk.typed), "-o", str(out))
    assert ran.code == 0, ran.err
    assert bagit.Bag(str(out)).info[INFO_BY] == "dana"


def test_ingested_item_carries_its_ingest_event(desk: Desk, tmp_path: Path) -> None:
    """An ingest's target is its file: the item's arrival is found by the raw list it records."""
    out = tmp_path / "bag"
    bundle(desk, str(desk.ingested[1]), out)
    events = events_of(out)
    assert [e["kind"] for e in events] == ["ingest", "item.verdict"]
    record = json.loads((out / "data" / "items" / f"{desk.ingested[1]}.json").read_text())
    assert record["verdict"] == {"verdict": "misleading", "reason": "Photo from 2019"}
    arrival = json.loads(str(events[0]["payload_json"]))
    assert [desk.ingested[1], record["raw"]["sha256"]] in arrival["raw"]


def test_story_bundle_holds_its_items_recap_and_their_events(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag-story"
    bundle(desk, "orvena-dam", out)
    assert bagit.Bag(str(out)).validate(fast=False)
    assert bagit_cli(out).returncode == 0
    records = sorted(int(p.stem) for p in (out / "data" / "items").iterdir())
    assert records == sorted([desk.typed, *desk.ingested, desk.outsider])
    assert desk.elsewhere not in records
    story = json.loads((out / "data" / "story.json").read_text())
    assert story["story"]["slug"] == "orvena-dam"
    assert [e["headline"] for e in story["recap"]] == ["Gates opened"]
    assert story["deleted_entry_ids"] == [desk.deleted_entry]
    events = events_of(out)
    targets = {str(e["target"]) for e in events}
    assert f"story:{desk.story_id}" in targets
    assert f"entry:{desk.deleted_entry}" in targets and f"entry:{desk.entry}" in targets
    kinds = [e["kind"] for e in events]
    assert kinds.count("recap.add") == 2 and "recap.delete" in kinds
    assert all(f"item:{desk.elsewhere}" != e["target"] for e in events)
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs)
    with Store(desk.path) as store:
        assert len(list((out / "data" / "raw").iterdir())) == len(
            {store.item(i).raw_sha256 for i in records}
        )
    ok = run_cli(desk.path, "bundle", "--check", str(out))
    assert ok.code == 0, ok.err
    assert f"its {len(events)} events' hashes recompute" in ok.out


def test_check_of_a_fresh_bag_says_ok_and_how_to_check_the_desk(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 0, ran.err
    seq, digest, _ = last_event(desk.path)
    assert ran.out.startswith(f"ok: {out}: the bag is valid")
    assert f"desk verify --head {seq}:{digest}" in ran.out
    assert ran.err == ""


def test_an_empty_folder_is_used_and_parents_are_made(desk: Desk, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bundle(desk, str(desk.typed), empty)
    assert bagit.Bag(str(empty)).is_valid()
    nested = tmp_path / "a" / "b" / "bag"
    bundle(desk, str(desk.typed), nested)
    assert bagit.Bag(str(nested)).is_valid()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_non_empty_folder_or_a_file_is_never_overwritten(desk: Desk, tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    ran = run_cli(desk.path, "bundle", str(desk.typed), "-o", str(full))
    assert ran.code == 1
    assert ran.err.strip().splitlines() == [
        f"desk: {str(full)!r} is not empty: a bundle is written to a new or empty folder"
    ]
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    ran = run_cli(desk.path, "bundle", str(desk.typed), "-o", str(desk.path))
    assert ran.code == 1 and "exists and is not a folder" in ran.err
    again = tmp_path / "bag"
    bundle(desk, str(desk.typed), again)
    ran = run_cli(desk.path, "bundle", str(desk.typed), "-o", str(again))
    assert ran.code == 1 and "is not empty" in ran.err
    assert bagit.Bag(str(again)).is_valid()


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("99", "no item 99"),
        ("#99", "no item 99"),
        ("no-such-story", "no story 'no-such-story' (stories: orvena-dam)"),
        ("Orvena Dam", "not an item id or a story slug"),
        ("#x", "not an item id or a story slug"),
        ("12abc", "no story '12abc'"),
        ("Dam_2", "not an item id or a story slug"),
        ("", "not an item id or a story slug"),
        ("99999999999999999999", "larger than any item id"),
        ("9" * 5000, "larger than any item id"),
        ("-3", "not an item id or a story slug"),
        (HOSTILE, "not an item id or a story slug"),
    ],
)
def test_bad_targets_are_refused_in_one_line(
    desk: Desk, tmp_path: Path, target: str, says: str
) -> None:
    out = tmp_path / "bag"
    ran = run_cli(desk.path, "bundle", "-o", str(out), "--", target)
    assert ran.code == 1
    lines = ran.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], ran.err
    assert len(lines[0]) < 400
    for raw in RAW_UNSAFE:
        assert raw not in ran.err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give ITEM|STORY and -o DIR"),
        (("1",), "give ITEM|STORY and -o DIR"),
        (("--check", "x", "1"), "--check DIR takes no ITEM|STORY"),
        (("--check", "x", "-o", "y"), "--check DIR takes no ITEM|STORY"),
    ],
)
def test_bad_option_combinations_are_refused(desk: Desk, args: tuple[str, ...], says: str) -> None:
    ran = run_cli(desk.path, "bundle", *args)
    assert ran.code == 1 and says in ran.err


# -- changed after the fact ---------------------------------------------------------------


def _flip_payload_byte(bag: Path) -> str:
    raw = next((bag / "data" / "raw").iterdir())
    data = bytearray(raw.read_bytes())
    data[0] ^= 0x01
    raw.write_bytes(bytes(data))
    return raw.relative_to(bag).as_posix()


def _edit_manifest_line(bag: Path) -> str:
    manifest = bag / "manifest-sha256.txt"
    lines = manifest.read_text().splitlines()
    digest, name = lines[0].split(maxsplit=1)
    lines[0] = f"{'0' if digest[0] != '0' else '1'}{digest[1:]}  {name}"
    manifest.write_text("\n".join(lines) + "\n")
    return name


def _edit_event_line(bag: Path) -> str:
    file = bag / "data" / EVENTS_FILE
    file.write_text(file.read_text().replace(ACTOR, "mallory", 1))
    return f"data/{EVENTS_FILE}"


def _edit_bag_info(bag: Path) -> str:
    info = bag / "bag-info.txt"
    info.write_text(info.read_text().replace("Bundled-By: carol", "Bundled-By: mallory"))
    return "bag-info.txt"


def _edit_item_record(bag: Path) -> str:
    record = next((bag / "data" / "items").iterdir())
    record.write_text(record.read_text().replace('"kept"', '"discarded"'))
    return record.relative_to(bag).as_posix()


def _edit_tagmanifest(bag: Path) -> str:
    manifest = bag / "tagmanifest-sha256.txt"
    lines = manifest.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if line.endswith("bag-info.txt"))
    digest, name = lines[target].split(maxsplit=1)
    lines[target] = f"{'0' if digest[0] != '0' else '1'}{digest[1:]}  {name}"
    manifest.write_text("\n".join(lines) + "\n")
    return "bag-info.txt"


def _edit_bagit_txt(bag: Path) -> str:
    (bag / "bagit.txt").write_text("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n\n")
    return "bagit.txt"


def _add_file(bag: Path) -> str:
    (bag / "data" / "extra.txt").write_text("planted")
    return "data/extra.txt"


def _remove_file(bag: Path) -> str:
    record = next((bag / "data" / "items").iterdir())
    record.unlink()
    return record.relative_to(bag).as_posix()


@pytest.mark.parametrize(
    "change",
    [
        _flip_payload_byte,
        _edit_manifest_line,
        _edit_event_line,
        _edit_bag_info,
        _edit_item_record,
        _edit_tagmanifest,
        _edit_bagit_txt,
        _add_file,
        _remove_file,
    ],
    ids=lambda f: f.__name__.lstrip("_"),
)
def test_any_change_fails_validation_and_check_names_the_file(
    desk: Desk, tmp_path: Path, change: object
) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out, actor="carol")
    assert bagit_cli(out).returncode == 0
    named = change(out)  # type: ignore[operator]
    assert not bagit.Bag(str(out)).is_valid(fast=False)
    assert bagit_cli(out).returncode != 0
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert ran.out == ""
    lines = ran.err.strip().splitlines()
    assert lines and all(line.startswith("desk: bundle check failed: ") for line in lines)
    assert any(named in line for line in lines), ran.err


def test_a_changed_event_names_its_line_and_seq(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    first = events_of(out)[0]
    _edit_event_line(out)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert (
        f"data/{EVENTS_FILE} line 1 (event seq {first['seq']}): its contents do not match its hash"
        in ran.err
    )


def test_recomputed_manifests_do_not_hide_a_changed_event(desk: Desk, tmp_path: Path) -> None:
    """Someone edits an event and re-saves the bag: bagit is satisfied, the event hash is not."""
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    _edit_event_line(out)
    resaved = bagit.Bag(str(out))
    resaved.save(manifests=True)
    assert bagit.Bag(str(out)).is_valid(fast=False)
    assert bagit_cli(out).returncode == 0
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert ran.err.strip().splitlines() == [
        "desk: bundle check failed: "
        f"data/{EVENTS_FILE} line 1 (event seq {events_of(out)[0]['seq']}): "
        "its contents do not match its hash (changed?)"
    ]


def test_recomputed_manifests_do_not_hide_a_swapped_raw_capture(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    raw = next((out / "data" / "raw").iterdir())
    raw.write_bytes(b"other words entirely")
    bagit.Bag(str(out)).save(manifests=True)
    assert bagit_cli(out).returncode == 0
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert f"data/raw/{raw.name}: its bytes do not match the sha256 it is named by" in ran.err


def test_a_rewritten_slice_that_names_new_raw_bytes_is_caught_by_its_arrival_event(
    desk: Desk, tmp_path: Path
) -> None:
    """New bytes under their own name, the record pointed at them: the arrival event disagrees."""
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    old = next((out / "data" / "raw").iterdir())
    new_bytes = b"a different capture"
    new_sha = hashlib.sha256(new_bytes).hexdigest()
    old.unlink()
    (out / "data" / "raw" / new_sha).write_bytes(new_bytes)
    record = out / "data" / "items" / f"{desk.typed}.json"
    record.write_text(record.read_text().replace(old.name, new_sha))
    bagit.Bag(str(out)).save(manifests=True)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert "its raw sha256 differs from the one its arrival event recorded" in ran.err


def test_check_of_something_that_is_not_a_bag(desk: Desk, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "x.txt").write_text("x")
    ran = run_cli(desk.path, "bundle", "--check", str(plain))
    assert ran.code == 1 and "not a bag" in ran.err
    ran = run_cli(desk.path, "bundle", "--check", str(tmp_path / "missing"))
    assert ran.code == 1 and "not a folder" in ran.err


# -- hostile text -----------------------------------------------------------------------------


def _plant_hostile_text(desk: Desk) -> None:
    """Hostile text behind the verbs, as a shared desk file edited by hand may hold it."""
    with closing(sqlite3.connect(desk.path)) as conn:
        conn.execute(
            "UPDATE items SET text = ?, author_name = ? WHERE id = ?",
            [HOSTILE, HOSTILE, desk.typed],
        )
        conn.execute("UPDATE notes SET text = ? WHERE item_id = ?", [HOSTILE, desk.typed])
        conn.execute("INSERT INTO tags(item_id, tag) VALUES (?, ?)", [desk.typed, HOSTILE])
        conn.execute("UPDATE stories SET title = ? WHERE id = ?", [HOSTILE, desk.story_id])
        conn.commit()


def test_hostile_text_never_reaches_the_terminal_and_is_kept_exactly(
    desk: Desk, tmp_path: Path
) -> None:
    _plant_hostile_text(desk)
    out = tmp_path / "bag"
    made = run_cli(desk.path, "bundle", "orvena-dam", "-o", str(out))
    assert made.code == 0, made.err
    checked = run_cli(desk.path, "bundle", "--check", str(out))
    assert checked.code == 0, checked.err
    for ran in (made, checked):
        for raw in RAW_UNSAFE:
            assert raw not in ran.out and raw not in ran.err
    for file in (out / "data" / "items" / f"{desk.typed}.json", out / "data" / "story.json"):
        text = file.read_text(encoding="utf-8")
        for raw in RAW_UNSAFE:
            assert raw not in text, (file.name, raw)
    record = json.loads((out / "data" / "items" / f"{desk.typed}.json").read_text())
    assert record["fields"]["text"] == HOSTILE
    assert record["fields"]["author_name"] == HOSTILE
    assert HOSTILE in record["tags"]
    assert record["notes"][0]["text"] == HOSTILE
    story = json.loads((out / "data" / "story.json").read_text())
    assert story["story"]["title"] == HOSTILE
    for raw in RAW_UNSAFE:
        assert raw not in (out / "bag-info.txt").read_text()


def test_hostile_names_in_a_bag_are_shown_safely(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    (out / "data" / f"planted{HOSTILE.replace(chr(0), '').replace('/', '')}.txt").write_text("x")
    info = out / "bag-info.txt"
    info.write_text(info.read_text().replace("Bundled-By: carol", f"Bundled-By: {HOSTILE[:20]}"))
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert "in the bag but not in its manifest" in ran.err
    for raw in RAW_UNSAFE:
        assert raw not in ran.err and raw not in ran.out


def test_hostile_desk_file_name_stays_out_of_bag_info(tmp_path: Path) -> None:
    path = tmp_path / "ev\x1b[31mil\u202e.desk"
    with Store(path, create=True) as store:
        item = verbs.add_item(store, ACTOR, text="a post").id
    out = tmp_path / "bag"
    ran = run_cli(path, "bundle", str(item), "-o", str(out))
    assert ran.code == 0, ran.err
    assert bagit.Bag(str(out)).info[INFO_DESK] == "evil.desk"
    for raw in RAW_UNSAFE:
        assert raw not in ran.out and raw not in ran.err


# -- units ------------------------------------------------------------------------------------


def test_resolve_target(desk: Desk) -> None:
    with Store(desk.path) as store:
        assert resolve_target(store, f"#{desk.typed}").item_ids == (desk.typed,)
        assert resolve_target(store, f" {desk.typed} ").label == f"item {desk.typed}"
        story = resolve_target(store, "orvena-dam")
        assert story.story_id == desk.story_id and story.label == "story orvena-dam"
        with pytest.raises(BadInputError, match="no item 4242"):
            resolve_target(store, "4242")


def test_story_members_and_the_event_slice(desk: Desk) -> None:
    with Store(desk.path) as store:
        members = story_members(store.conn, desk.story_id)
        assert members.item_ids == tuple(sorted([desk.typed, *desk.ingested, desk.outsider]))
        assert members.entry_ids == (desk.entry, desk.deleted_entry)
        only = list(event_slice(store.conn, item_ids=[desk.elsewhere]))
        assert [e.kind for e in only] == ["item.add", "item.tag"]
        for record in event_slice(store.conn, item_ids=[desk.typed]):
            assert record.recomputed_hash() == record.hash
            assert desk.typed in items_of(record.kind, record.target, record.payload_json)
        assert list(event_slice(store.conn)) == []


def test_evidence_files_have_their_place_and_none_yet(desk: Desk) -> None:
    """Evidence files kept by hash are another part of issue 10; the bag has a place for them."""
    with Store(desk.path) as store:
        assert list(evidence_files(store, desk.typed)) == []


def test_check_bundle_report(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    report = check_bundle(out)
    assert report.ok, report.problems
    assert report.events == len(events_of(out))
    assert report.files == 3
    assert report.info[INFO_BY] == "carol"


def test_evidence_files_join_the_bag_at_their_place(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the desk keeps evidence by hash, `evidence_files` yields it and the bag carries it."""
    frame = b"\x89PNG a screenshot"
    sha = hashlib.sha256(frame).hexdigest()

    def one_file(store: Store, item_id: int) -> Iterator[tuple[str, bytes]]:
        del store
        if item_id == desk.typed:
            yield sha, frame

    monkeypatch.setattr("desk.bundle.make.evidence_files", one_file)
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    assert (out / "data" / "evidence" / sha).read_bytes() == frame
    record = json.loads((out / "data" / "items" / f"{desk.typed}.json").read_text())
    assert record["evidence_files"] == [f"data/evidence/{sha}"]
    assert bagit_cli(out).returncode == 0
    assert check_bundle(out).ok
    (out / "data" / "evidence" / sha).write_bytes(frame + b"!")
    bagit.Bag(str(out)).save(manifests=True)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert f"data/evidence/{sha}: its bytes do not match the sha256 it is named by" in ran.err


def test_check_needs_no_desk(desk: Desk, tmp_path: Path) -> None:
    out = tmp_path / "bag"
    bundle(desk, str(desk.typed), out)
    ran = run_cli(tmp_path / "elsewhere" / "none.desk", "bundle", "--check", str(out))
    assert ran.code == 0, ran.err


# -- copies of a known post (issue 12) ------------------------------------------------------


def test_every_copy_of_an_item_is_in_its_bag_and_checked(desk: Desk, tmp_path: Path) -> None:
    """A fuller copy of a known post improved the item: the bag holds both copies' bytes, the
    item record lists the other copy, and `--check` catches one removed or one no event kept."""
    fuller = [dict(MASTODON[0], content="<p>Spillway gates opened at Orvena, 3 of 4</p>")]
    fuller[0]["edited_at"] = "2026-11-22T12:50:00.000Z"
    with Store(desk.path) as store:
        report = ingest_bytes(store, json.dumps(fuller).encode(), "edited.json", actor=ACTOR)
        assert report.improved == 1, report
        own = store.item(desk.ingested[0]).raw_sha256
        copies = [c.raw_sha256 for c in store.copies_of(desk.ingested[0])]
    other = [sha for sha in copies if sha != own]
    assert len(other) == 1
    out = tmp_path / "bag"
    bundle(desk, str(desk.ingested[0]), out)
    record_file = out / "data" / "items" / f"{desk.ingested[0]}.json"
    record = json.loads(record_file.read_text())
    assert [(c["sha256"], c["source_file"]) for c in record["copies"]] == [
        (other[0], "edited.json")
    ]
    assert {p.name for p in (out / "data" / "raw").iterdir()} == {own, other[0]}
    assert b"3 of 4" in (out / "data" / "raw" / other[0]).read_bytes()
    assert bagit_cli(out).returncode == 0
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 0, ran.err

    (out / "data" / "raw" / other[0]).unlink()
    bagit.Bag(str(out)).save(manifests=True)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert f"its copy {other[0]} is not in data/raw/" in ran.err

    forged = hashlib.sha256(b"a copy nobody ingested").hexdigest()
    (out / "data" / "raw" / forged).write_bytes(b"a copy nobody ingested")
    record["copies"][0]["sha256"] = forged
    record_file.write_text(json.dumps(record))
    bagit.Bag(str(out)).save(manifests=True)
    ran = run_cli(desk.path, "bundle", "--check", str(out))
    assert ran.code == 1
    assert f"its copy {forged} is one no event in the slice kept" in ran.err
