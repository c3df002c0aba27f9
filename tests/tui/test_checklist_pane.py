"""The checklist pane worked from the keyboard, the verdict chooser, the verified gate
and the verification queue (issue 10's keys).

The fixture desk: #40 (the list's top row, open at start) has `provenance`
passed by carol; every other step of every item is open.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from db import Store
from desk import verbs
from desk.checklist_view import read_checklist
from desk.identity import who
from desk.tui.app import DeskApp
from tests.tui.conftest import HOSTILE, screen_text, settle, top, type_text
from widgets.checklist import ChecklistPane, StepHistory
from widgets.evidence_prompt import EvidencePrompt, complete_path
from widgets.note_editor import NoteEditor
from widgets.prompts import OverridePrompt, VerdictChooser
from widgets.stats import StatsBar

SMALL = (80, 24)
WIDE = (160, 48)


def pane(app: DeskApp) -> ChecklistPane:
    return app.main.query_one(ChecklistPane)


def states(store: Store, item_id: int = 40) -> dict[str, str]:
    return {step.id: step.state for step in read_checklist(store, item_id).steps}


async def open_checklist(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


async def step_to(pilot: Pilot[None], app: DeskApp, step: str) -> None:
    await pilot.press("g")
    for _ in range(12):
        current = pane(app).current
        if current is not None and current.id == step:
            return
        await pilot.press("j")
    raise AssertionError(f"no step {step}: {pane(app).text}")


# -- what the pane shows ---------------------------------------------------------------


async def test_pane_counts_states_apart_and_says_what_verified_waits_for(app: DeskApp) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_checklist(pilot)
        text = pane(app).text
        assert "Checklist of #40 · Five pillars" in text
        assert "1 passed · 4 open" in text
        assert "verified waits for: source (open), date (open), location (open)" in text
        assert "[passed ] Provenance" in text and "[ open  ] Date" in text
        assert "original upload" in text and "by carol" in text


# -- p f u n o: a step's state ------------------------------------------------------------


async def test_every_state_key(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await open_checklist(pilot)
        for step, key, state in (
            ("source", "p", "passed"),
            ("date", "f", "failed"),
            ("location", "u", "unclear"),
            ("motivation", "n", "n/a"),
        ):
            await step_to(pilot, app, step)
            await pilot.press(key)
            await settle(pilot)
            assert states(store)[step] == state
        text = pane(app).text
        assert "2 passed · 1 failed · 1 unclear · 1 n/a" in text  # unclear is not done
        assert "verified waits for: date (failed), location (unclear)" in text
        await step_to(pilot, app, "date")
        await pilot.press("o")
        await settle(pilot)
        assert states(store)["date"] == "open"
        assert "[ open  ] Date" in pane(app).text
        line = pane(app).current
        assert line is not None and line.id == "date"  # the cursor stayed on its step


async def test_the_first_checked_step_puts_the_item_in_progress(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j")  # #39: nothing checked, unverified
        await pilot.press("c")  # its checklist
        await settle(pilot)
        assert "Checklist of #39" in pane(app).text
        await step_to(pilot, app, "date")
        await pilot.press("p")
        await settle(pilot)
        assert store.item(39).verdict == "in progress"


# -- e: the step's note; E: evidence ------------------------------------------------------


async def test_note_on_a_step(app: DeskApp, store: Store) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_checklist(pilot)
        await step_to(pilot, app, "provenance")
        await pilot.press("e")
        await settle(pilot)
        editor = top(app)
        assert isinstance(editor, NoteEditor)
        area = editor.query_one(TextArea)
        assert area.text == "original upload"  # the note to change, not a blank page
        area.text = "original upload, found on the uploader's channel"
        await pilot.press("ctrl+s")
        await settle(pilot)
        step = next(s for s in read_checklist(store, 40).steps if s.id == "provenance")
        assert step.note == "original upload, found on the uploader's channel"
        assert step.state == "passed"  # a note leaves the state alone


async def test_evidence_a_url_and_a_file_kept_by_hash(
    app: DeskApp, store: Store, tmp_path: Path
) -> None:
    frame = tmp_path / "frame-01.png"
    frame.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    async with app.run_test(size=WIDE) as pilot:
        await open_checklist(pilot)
        await step_to(pilot, app, "location")
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(top(app), EvidencePrompt)
        await type_text(pilot, "https://maps.example/pin/7")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        prompt = top(app)
        assert isinstance(prompt, EvidencePrompt)
        prompt.query_one("#evidence-value", Input).value = str(tmp_path / "frame")
        await pilot.press("tab")  # completes the path
        assert prompt.query_one("#evidence-value", Input).value == str(frame)
        await pilot.press("enter")
        await settle(pilot)
        step = next(s for s in read_checklist(store, 40).steps if s.id == "location")
        kinds = [(e.kind, e.value) for e in step.evidence]
        assert ("url", "https://maps.example/pin/7") in kinds
        assert ("file", "frame-01.png") in kinds
        stored = next(e for e in step.evidence if e.kind == "file")
        assert stored.size == frame.stat().st_size and stored.sha256
        text = pane(app).text
        assert "+ url https://maps.example/pin/7" in text
        assert "+ file frame-01.png (108 B, image/png, sha256" in text


async def test_a_refused_evidence_path_reopens_with_what_was_typed(
    app: DeskApp, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-frame.png"
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_checklist(pilot)
        await pilot.press("E")
        await settle(pilot)
        prompt = top(app)
        assert isinstance(prompt, EvidencePrompt)
        prompt.query_one("#evidence-value", Input).value = str(missing)
        await pilot.press("enter")
        await settle(pilot)
        again = top(app)
        assert isinstance(again, EvidencePrompt)
        assert again.query_one("#evidence-value", Input).value == str(missing)
        assert "no-such-frame.png" in screen_text(app)


def test_path_completion(tmp_path: Path) -> None:
    (tmp_path / "frame-01.png").write_bytes(b"x")
    (tmp_path / "shots").mkdir()
    assert complete_path(f"{tmp_path}/fr") == f"{tmp_path}/frame-01.png"
    assert complete_path(f"{tmp_path}/sh") == f"{tmp_path}/shots/"
    assert complete_path(f"{tmp_path}/zz") is None
    assert complete_path("https://exa") is None
    assert complete_path(f"{tmp_path}/no-such-folder/x") is None


# -- enter: the step's history ----------------------------------------------------------------


async def test_history_of_a_step(app: DeskApp, store: Store) -> None:
    verbs.log_check(store, "dan", 40, "provenance", "unclear", note=HOSTILE)
    async with app.run_test(size=WIDE) as pilot:
        await open_checklist(pilot)
        await step_to(pilot, app, "provenance")
        await pilot.press("enter")
        await settle(pilot)
        history = top(app)
        assert isinstance(history, StepHistory)
        text = history.text
        assert "carol: open -> passed" in text  # the fixture's history has no OS user
        # dan's change names the account that made it (this test's process) beside him
        assert f"{who('dan', store.os_user)}: passed -> unclear" in text
        shown = screen_text(app)
        assert "\x1b" not in shown and "\u202e" not in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(top(app), type(app.main))


# -- r: the verdict chooser and the verified gate ---------------------------------------------


async def test_the_chooser_opens_on_its_first_choice_and_letters_pick(
    app: DeskApp, store: Store
) -> None:
    verbs.set_verdict(store, "carol", [40], "misleading")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        chooser = top(app)
        assert isinstance(chooser, VerdictChooser)
        assert "now: misleading" in screen_text(app)
        await pilot.press("f")  # false
        await type_text(pilot, "old photo")
        await pilot.press("enter")
        await settle(pilot)
        item = store.item(40)
        assert (item.verdict, item.verdict_reason) == ("false", "old photo")


async def test_verified_with_open_steps_needs_a_recorded_override(
    app: DeskApp, store: Store
) -> None:
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("v", "enter")
        await settle(pilot)
        prompt = top(app)
        assert isinstance(prompt, OverridePrompt)
        assert "source (open)" in screen_text(app)
        assert store.item(40).verdict != "verified"
        await pilot.press("enter")  # no reason: refused, the prompt stays
        await settle(pilot)
        assert isinstance(top(app), OverridePrompt)
        await type_text(pilot, "editor confirmed by phone")
        await pilot.press("enter")
        await settle(pilot)
        assert store.item(40).verdict == "verified"
        event = store.events()[-1]
        assert event.kind == "item.verdict"
        assert "editor confirmed by phone" in str(event.payload)


async def test_verified_passes_the_gate_when_every_required_step_is_done(
    app: DeskApp, store: Store
) -> None:
    for step in ("source", "date", "location"):
        verbs.log_check(store, "carol", 40, step, "passed")
    verbs.log_check(store, "carol", 40, "motivation", "n/a")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("v", "enter")
        await settle(pilot)
        assert not isinstance(top(app), OverridePrompt)
        assert store.item(40).verdict == "verified"


# -- Q: the verification queue --------------------------------------------------------------


async def test_the_queue_key_and_its_count(app: DeskApp, store: Store) -> None:
    verbs.set_triage(store, "bob", [31, 30], "kept")  # #33 is kept already
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert "to verify 3" in app.main.query_one(StatsBar).text
        await pilot.press("Q")
        await settle(pilot)
        assert app.main.filter_text == "needs:verification"
        ids = [row.id for row in app.main.items.rows]
        assert sorted(ids) == [30, 31, 33]
        assert app.main.items.cursor_id == 30  # the oldest first
        for step in ("provenance", "source", "date", "location", "motivation"):
            verbs.log_check(store, "carol", 30, step, "passed")
        for _ in range(40):
            await pilot.pause(0.05)
            if "to verify 2" in app.main.query_one(StatsBar).text:
                break
        assert "to verify 2" in app.main.query_one(StatsBar).text
