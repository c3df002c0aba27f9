"""The writes behind the desk's keys, as jobs for thread workers.

Each job calls verbs (one transaction each), then yields what to tell the
user (`Notice`) and `Written`, on which the screen refreshes what the
write touched. A verb that refuses (a bad tag, nothing to undo) raises; the
exception ends the worker and reaches the screen's one worker-error
handler, which shows it in one line. Jobs that do several writes (links to
several items, an ingest of several records) report each failure as a
`Notice` and go on with the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db import ConflictError, Store
from desk import verbs
from desk.errors import USER_ERRORS, BadInputError, SetConflictError, when
from desk.text import safe_line
from desk.tui import summaries
from desk.tui.jobs import Job
from desk.tui.messages import (
    EntryConflicted,
    EntrySaved,
    Notice,
    StoryWritten,
    ValueConflicted,
    VerdictRefused,
    Written,
)
from desk.vocab import normalise_slug
from widgets.add_item import AddRequest
from widgets.conflict_choice import ConflictQuestion
from widgets.link_picker import LinkRequest
from widgets.prompts import plural
from widgets.recap_editor import EntryRequest, RecapEntryEditor
from widgets.story_prompt import StoryPrompt, StoryRequest

if TYPE_CHECKING:
    from desk.ingest.report import IngestReport


def verb(
    store: Store,
    actor: str,
    done: str | Callable[[Any], str],
    run: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> Job:
    """Run one verb; say what happened (`done`, or `done(result)`)."""
    result = run(store, actor, *args, **kwargs)
    yield Notice(done if isinstance(done, str) else done(result))
    yield Written()


def link(store: Store, actor: str, request: LinkRequest) -> Job:
    """`l`: link the source to each target; a refused target does not stop the others."""
    made = 0
    for target in request.targets:
        entry, item = (target, None) if request.kind == "entry" else (None, target)
        try:
            made_link = verbs.link(
                store,
                actor,
                request.source,
                dst_item=item,
                dst_entry=entry,
                relation=request.relation,
            )
        except USER_ERRORS as exc:
            yield Notice(str(exc), "error", "Error")
            continue
        made += made_link.link is not None
        for warning in made_link.warnings:  # "#3 already corroborates #5"
            yield Notice(warning, "warning", "Warning")
    text = summaries.linked(
        request.source, request.relation, made, request.kind, len(request.targets)
    )
    if text:
        yield Notice(text)
    yield Written()


def add(store: Store, actor: str, request: AddRequest, story_id: int | None) -> Job:
    """`i`: a file to ingest, a post with a URL or handle, or pasted text to parse."""
    added: list[int] = []
    try:
        if request.path:
            from desk.ingest.pipeline import ingest_paths  # lxml and all: only when needed

            path = Path(request.path).expanduser()
            for report in ingest_paths(store, [path], actor=actor, story_id=story_id):
                yield _report(report)
                added.extend(report.item_ids)
        elif request.url or request.handle:
            item = verbs.add_item(
                store,
                actor,
                text=request.text,
                url=request.url,
                handle=request.handle,
                story_id=story_id,
            )
            yield Notice(f"Added #{item.id}.")
            added.append(item.id)
        else:
            from desk.ingest.pipeline import ingest_bytes

            data = request.text.encode("utf-8", errors="surrogatepass")
            report = ingest_bytes(store, data, "typed in the desk", actor=actor, story_id=story_id)
            yield _report(report)
            added.extend(report.item_ids)
    except USER_ERRORS as exc:
        yield Notice(str(exc), "error", "Error")
    yield Written(select=max(added) if added else None)


def story(store: Store, actor: str, request: StoryRequest) -> Job:
    """The palette's "Story: new…" (`verbs.create_story`) or "Story: rename…"
    (`verbs.edit_story`). A refusal is said, and the prompt comes back with what
    was typed (`StoryPrompt.Failed`)."""
    try:
        if request.rename is not None:
            made = verbs.edit_story(store, actor, request.rename, title=request.title)
            done = f"Renamed the story {made.slug}: {made.title}"
        else:
            slug = normalise_slug(request.slug)  # the verb's own check, before the lookup
            if store.story_by_slug(slug) is not None:
                raise BadInputError(f"story {slug!r} exists already (Story: rename… retitles it)")
            story_id = verbs.create_story(store, actor, request.slug, request.title)
            made = next(s for s in store.stories() if s.id == story_id)
            done = f"New story {made.slug}: {made.title}"
    except USER_ERRORS as exc:
        yield Notice(str(exc), "error", "Error")
        yield StoryPrompt.Failed(request, str(exc))
        return
    yield Notice(safe_line(done))
    yield StoryWritten(made, created=request.rename is None)
    yield Written()


def _report(report: IngestReport) -> Notice:
    if report.error:
        return Notice(report.error, "error", "Error")
    return Notice(summaries.ingested(report))


def recap_entry(
    store: Store, actor: str, request: EntryRequest, story_id: int, section_was: str | None
) -> Job:
    """The recap editor's `ctrl+s`: add the entry, or change it from the version the
    editor started from (and move it when the `$EDITOR` form named another section).
    A refusal is said, and the editor comes back with what was typed
    (`RecapEntryEditor.Failed`): a colleague's edit since is a conflict, never lost."""
    date_text = request.date_text or None
    try:
        if request.entry_id is None:
            entry_id = verbs.add_recap_entry(
                store,
                actor,
                story_id,
                section=request.section,
                headline=request.headline,
                body=request.body,
                date_text=date_text,
                confidence=request.confidence,
            )
            done = f"Added recap entry {entry_id} to {request.section}."
        else:
            entry_id = request.entry_id
            base = request.base_version if request.base_version is not None else 0
            verbs.edit_recap_entry(
                store,
                actor,
                entry_id,
                base,
                date_text=date_text,
                headline=request.headline,
                body=request.body,
                confidence=request.confidence,
            )
            done = f"Saved recap entry {entry_id}."
            if section_was is not None and request.section != section_was:
                verbs.move_recap_entry(store, actor, entry_id, to_section=request.section)
                done = f"Saved recap entry {entry_id} and moved it to {request.section}."
    except ConflictError as exc:  # a colleague's edit since the editor opened
        if request.entry_id is None:
            raise
        theirs = store.recap_entry(request.entry_id)
        yield EntryConflicted(request, story_id, section_was, theirs, str(exc))
        return
    except USER_ERRORS as exc:
        yield Notice(str(exc), "error", "Error")
        yield RecapEntryEditor.Failed(request, str(exc))
        return
    yield Notice(safe_line(done))
    yield EntrySaved(entry_id)
    yield Written()


def attach_sources(store: Store, actor: str, item_ids: list[int], entry_id: int) -> Job:
    """The recap's `l`: each item becomes a source (`source-for`) of the entry."""
    made = 0
    for item_id in item_ids:
        try:
            made += (
                verbs.link(store, actor, item_id, dst_entry=entry_id, relation="source-for").link
                is not None
            )
        except USER_ERRORS as exc:
            yield Notice(str(exc), "error", "Error")
    if made:
        what = f"{made} source{'s' if made != 1 else ''}"
        yield Notice(f"Attached {what} to recap entry {entry_id}.")
    elif item_ids:
        yield Notice("Already sources of that entry; nothing changed.")
    yield Written()


def verdict(
    store: Store,
    actor: str,
    ids: list[int],
    chosen: str,
    reason: str | None,
    override: str | None = None,
    seen: Mapping[int, str] | None = None,
) -> Job:
    """`r`: rate the items from the verdicts the user saw (`seen`); `verified` with
    required steps open comes back as `VerdictRefused` (the screen offers the override,
    with a reason it records), a colleague's verdict set since as `ValueConflicted`
    (the screen asks: keep theirs or use mine)."""
    try:
        verbs.set_verdict(store, actor, ids, chosen, reason, override=override, seen=seen)
    except verbs.VerdictGateError as exc:
        missing = [
            f"#{item_id} {step}" if len(ids) > 1 else step
            for item_id, steps in exc.missing.items()
            for step in steps
        ]
        yield VerdictRefused(ids, chosen, reason, missing, dict(seen or {}))
        return
    except SetConflictError as exc:
        yield ValueConflicted(
            "verdict", ids, chosen, reason, override, dict(seen or {}), exc.clashes
        )
        return
    done = summaries.rated(len(ids), chosen)
    yield Notice(done + (f" (override: {safe_line(override)})" if override else ""))
    yield Written()


def triage(store: Store, actor: str, ids: list[int], state: str, seen: Mapping[int, str]) -> Job:
    """`s` then `k f d n`: triage the items from the states the user saw; a colleague's
    triage set since comes back as `ValueConflicted` (keep theirs or use mine)."""
    try:
        verbs.set_triage(store, actor, ids, state, seen=seen)
    except SetConflictError as exc:
        yield ValueConflicted("triage", ids, state, None, None, dict(seen), exc.clashes)
        return
    yield Notice(summaries.triaged(len(ids), state))
    yield Written()


def conflict_question(message: ValueConflicted) -> ConflictQuestion:
    """What the chooser asks: who set what and when, per item; theirs or mine."""
    clashes = message.clashes
    if len(clashes) == 1:
        c = clashes[0]
        title = f"{c.who} set the {c.field} of #{c.item_id} meanwhile"
        theirs = f"Keep theirs: {c.theirs}"
    else:
        title = f"Colleagues set the {message.column} of {len(clashes)} items meanwhile"
        theirs = "Keep theirs on those items"
    others = len(message.ids) - len(clashes)
    if others:
        theirs += f" (mine on the other {plural(others, 'item')})"
    lines = [c.line() for c in clashes]
    return ConflictQuestion(title, lines, theirs, f"Use mine: {message.value}")


ENTRY_FIELDS = (("headline", "headline"), ("date", "date_text"), ("confidence", "confidence"))


def entry_question(message: EntryConflicted) -> ConflictQuestion:
    """What the chooser asks when a recap entry changed under the editor: who and when,
    then each field where theirs and mine differ (the body by its first words)."""
    theirs, mine = message.theirs, message.request
    who = theirs.updated_by or "someone"
    lines = [f"{who} changed recap entry {theirs.id} {when(theirs.updated_at or '')}"]
    for label, name in ENTRY_FIELDS:
        a, b = getattr(theirs, name) or "", getattr(mine, name) or ""
        if a != b:
            lines.append(f"{label}: theirs {a[:60]!r}, yours {b[:60]!r}")
    if theirs.body != mine.body:
        lines.append(f"body: theirs {theirs.body[:40]!r}..., yours {mine.body[:40]!r}...")
    return ConflictQuestion(
        f"{who} edited recap entry {theirs.id} meanwhile",
        lines,
        "Keep theirs (drop my edit)",
        "Use mine (save it over theirs)",
        escape="escape: back to my edit",
    )


def after_entry_conflict(
    store: Store, actor: str, message: EntryConflicted, choice: str | None
) -> Job | None:
    """Mine: save my edit again from their version (a third edit meanwhile is caught
    again); theirs: nothing to write. (Escape is the screen's: the editor again.)"""
    if choice != "mine":
        return None
    request = replace(message.request, base_version=message.theirs.version)
    return recap_entry(store, actor, request, message.story_id, message.section_was)


def after_conflict(
    store: Store, actor: str, message: ValueConflicted, choice: str | None
) -> Job | None:
    """The chooser's answer as a write: mine is set again from their values (so a third
    change meanwhile is caught again); theirs leaves their items alone and sets mine on
    the others of the action, if any; no choice (escape) writes nothing. None: nothing
    to write."""
    if choice is None:
        return None
    clashed = {c.item_id for c in message.clashes}
    seen = {**message.seen, **{c.item_id: c.theirs or "" for c in message.clashes}}
    ids = list(message.ids)
    if choice != "mine":
        ids = [i for i in ids if i not in clashed]
        if not ids:
            return None
    if message.column == "triage":
        return triage(store, actor, ids, message.value, seen)
    return verdict(store, actor, ids, message.value, message.reason, message.override, seen)


def step(
    store: Store,
    actor: str,
    item_id: int,
    step_id: str,
    state: str,
    *,
    note: str | None = None,
    evidence: str | None = None,
) -> Job:
    """The checklist's keys: a state (`p f u n o`), a note (`e`), evidence (`E`: a URL,
    or a file kept in the desk by its sha256)."""
    if evidence and not evidence.startswith(("http://", "https://")):
        shown = verbs.add_evidence(store, actor, item_id, step_id, Path(evidence).expanduser())
        yield Notice(f"Kept {safe_line(shown.value)} as evidence for {step_id} on #{item_id}.")
    else:
        verbs.log_check(
            store,
            actor,
            item_id,
            step_id,
            state,
            note=note,
            evidence=[evidence] if evidence else (),
        )
        what = "evidence added" if evidence else "note saved" if note else state
        yield Notice(f"#{item_id} {step_id}: {what}.")
    yield Written()
