"""The desk schema, as sqlite-utils migrations applied on open.

Each migration is plain SQL so that it reads like the schema and ports to
PostgreSQL with few changes (UUID keys, ISO UTC text times, ON CONFLICT).
Migrations only ever add: a desk opened by an older `desk` keeps working,
and one written by a newer `desk` is refused by name (see `connection.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database, Migrations

from db.errors import StoreError
from db.order import sort_key

MIGRATION_SET = "desk"
migrations = Migrations(MIGRATION_SET)
KNOWN_MIGRATIONS: list[str] = []


MigrationFn = Callable[[Database], None]


def migration(name: str) -> Callable[[MigrationFn], MigrationFn]:
    """Register a migration and remember its name for the newer-schema check."""
    KNOWN_MIGRATIONS.append(name)
    return migrations(name=name)


_TRIAGE_CHECK = "triage IN ('new','kept','flagged','discarded')"
_VERDICT_CHECK = (
    "verdict IN ('unverified','in progress','verified','false','misleading','unverifiable')"
)


def _script(db: Database, sql: str) -> None:
    """Run several statements; `executescript` would commit the migration.

    Statements are cut where SQLite itself says one is complete, so trigger
    bodies with their inner semicolons stay whole.
    """
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""
    if pending.strip():
        db.execute(pending)


@migration("0001_core")
def m0001_core(db: Database) -> None:
    _script(
        db,
        f"""
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'post',
    platform TEXT NOT NULL,
    platform_id TEXT,
    url TEXT,
    author_name TEXT,
    author_handle TEXT,
    author_url TEXT,
    text TEXT NOT NULL DEFAULT '',
    title TEXT,
    lang TEXT,
    posted_at TEXT,
    posted_precision TEXT,
    posted_tz_known INTEGER NOT NULL DEFAULT 0,
    captured_at TEXT,
    ingested_at TEXT NOT NULL,
    sort_at TEXT NOT NULL,
    source_file TEXT,
    source_format TEXT,
    source_record INTEGER,
    raw_sha256 TEXT REFERENCES blobs(sha256),
    media TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{{}}',
    triage TEXT NOT NULL DEFAULT 'new' CHECK ({_TRIAGE_CHECK}),
    verdict TEXT NOT NULL DEFAULT 'unverified' CHECK ({_VERDICT_CHECK}),
    verdict_reason TEXT,
    story_id INTEGER REFERENCES stories(id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX items_platform_id ON items(platform, platform_id)
    WHERE platform_id IS NOT NULL;
CREATE INDEX items_url ON items(url) WHERE url IS NOT NULL;
CREATE INDEX items_raw ON items(raw_sha256) WHERE platform_id IS NULL AND url IS NULL;
CREATE INDEX items_sort ON items(sort_at, id);
CREATE INDEX items_story_sort ON items(story_id, sort_at, id);
CREATE INDEX items_triage_sort ON items(triage, sort_at, id);
CREATE INDEX items_handle ON items(author_handle COLLATE NOCASE);
CREATE INDEX items_ingested ON items(ingested_at);
CREATE TABLE tags (
    item_id INTEGER NOT NULL REFERENCES items(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag, item_id);
CREATE TABLE recap_entries (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    section TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    date_text TEXT,
    date_start TEXT,
    date_end TEXT,
    headline TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT 'reported',
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX recap_story ON recap_entries(story_id, section, position);
CREATE TABLE links (
    uuid TEXT PRIMARY KEY,
    src_id INTEGER NOT NULL REFERENCES items(id),
    relation TEXT NOT NULL,
    dst_item_id INTEGER REFERENCES items(id),
    dst_entry_id INTEGER REFERENCES recap_entries(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((dst_item_id IS NULL) <> (dst_entry_id IS NULL))
);
CREATE UNIQUE INDEX links_item_unique ON links(src_id, relation, dst_item_id)
    WHERE dst_item_id IS NOT NULL;
CREATE UNIQUE INDEX links_entry_unique ON links(src_id, relation, dst_entry_id)
    WHERE dst_entry_id IS NOT NULL;
CREATE INDEX links_dst_item ON links(dst_item_id);
CREATE INDEX links_dst_entry ON links(dst_entry_id);
CREATE TABLE pending_links (
    src_id INTEGER NOT NULL REFERENCES items(id),
    relation TEXT NOT NULL,
    platform TEXT,
    platform_id TEXT,
    url TEXT,
    PRIMARY KEY (src_id, relation, platform, platform_id, url)
);
CREATE INDEX pending_by_id ON pending_links(platform, platform_id);
CREATE INDEX pending_by_url ON pending_links(url);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    item_id INTEGER REFERENCES items(id),
    entry_id INTEGER REFERENCES recap_entries(id),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    text TEXT NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notes_item ON notes(item_id);
CREATE INDEX notes_entry ON notes(entry_id);
CREATE TABLE check_steps (
    item_id INTEGER NOT NULL REFERENCES items(id),
    pillar TEXT NOT NULL,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open','passed','failed','unclear','n/a')),
    note TEXT,
    evidence TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT,
    updated_by TEXT,
    PRIMARY KEY (item_id, pillar)
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    payload TEXT NOT NULL,
    base_version INTEGER,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_actor ON events(actor, seq);
CREATE TABLE chain_head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE saved_filters (
    name TEXT PRIMARY KEY,
    expr TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE item_counts (
    story_id INTEGER NOT NULL,
    dim TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (story_id, dim, value)
) WITHOUT ROWID
""",
    )
    _create_count_triggers(db)
    _create_fts(db)


def _create_count_triggers(db: Database) -> None:
    """Keep per-story counts current: `count(*)` on a big desk costs 40 ms."""
    bump = """
INSERT INTO item_counts(story_id, dim, value, n) VALUES ({story}, '{dim}', {value}, {delta})
ON CONFLICT(story_id, dim, value) DO UPDATE SET n = n + ({delta})"""

    def rows(prefix: str, delta: int) -> str:
        out = []
        # One row set per story (-1: items in no story); the desk-wide
        # counts are their sum, read from a handful of rows, which halves
        # the trigger's cost on bulk ingest.
        for story in (f"coalesce({prefix}.story_id, -1)",):
            out.append(bump.format(story=story, dim="all", value="''", delta=delta))
            out.append(
                bump.format(story=story, dim="triage", value=f"{prefix}.triage", delta=delta)
            )
            out.append(
                bump.format(story=story, dim="verdict", value=f"{prefix}.verdict", delta=delta)
            )
        return ";\n".join(out) + ";"

    db.execute(f"CREATE TRIGGER items_count_ins AFTER INSERT ON items BEGIN {rows('new', 1)} END")
    db.execute(
        "CREATE TRIGGER items_count_upd AFTER UPDATE OF triage, verdict, story_id ON items "
        f"BEGIN {rows('old', -1)} {rows('new', 1)} END"
    )


def _create_fts(db: Database) -> None:
    """FTS5 over text and author, re-indexed only when those columns change.

    sqlite-utils' own triggers re-index on every update (triage, version
    bumps); ours fire only on the indexed columns.
    """
    _script(
        db,
        """
CREATE VIRTUAL TABLE items_fts USING fts5(
    text, author_name, author_handle,
    content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_fts_ins AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, text, author_name, author_handle)
    VALUES (new.id, new.text, new.author_name, new.author_handle);
END;
CREATE TRIGGER items_fts_upd AFTER UPDATE OF text, author_name, author_handle ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text, author_name, author_handle)
    VALUES ('delete', old.id, old.text, old.author_name, old.author_handle);
    INSERT INTO items_fts(rowid, text, author_name, author_handle)
    VALUES (new.id, new.text, new.author_name, new.author_handle);
END
""",
    )


@migration("0002_sort_key")
def m0002_sort_key(db: Database) -> None:
    """One integer per item for the list's order, shared with the full-text index.

    See `db/order.py`: with the index's rowid equal to the list position, a
    word filter walks its matches newest first and stops after a page. The
    index gets a new name, so a `desk` still running the old code fails
    loudly on it instead of reading the new rowids as item ids, and an
    insert that leaves the key out (old code again) is refused by name.
    """
    db.conn.create_function("desk_sort_key", 2, sort_key, deterministic=True)
    _script(
        db,
        """
ALTER TABLE items ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;
UPDATE items SET sort_key = desk_sort_key(sort_at, id);
DROP INDEX items_sort;
DROP INDEX items_story_sort;
DROP INDEX items_triage_sort;
CREATE UNIQUE INDEX items_sort ON items(sort_key);
CREATE INDEX items_story_sort ON items(story_id, sort_key);
CREATE INDEX items_triage_sort ON items(triage, sort_key);
CREATE TRIGGER items_sort_key_given BEFORE INSERT ON items WHEN new.sort_key = 0 BEGIN
    SELECT RAISE(ABORT, 'items.sort_key missing: this desk was upgraded, restart desk');
END;
DROP TRIGGER items_fts_ins;
DROP TRIGGER items_fts_upd;
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_text USING fts5(
    text, author_name, author_handle,
    content='items', content_rowid='sort_key', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_text_ins AFTER INSERT ON items BEGIN
    INSERT INTO items_text(rowid, text, author_name, author_handle)
    VALUES (new.sort_key, new.text, new.author_name, new.author_handle);
END;
CREATE TRIGGER items_text_upd AFTER UPDATE OF text, author_name, author_handle ON items BEGIN
    INSERT INTO items_text(items_text, rowid, text, author_name, author_handle)
    VALUES ('delete', old.sort_key, old.text, old.author_name, old.author_handle);
    INSERT INTO items_text(rowid, text, author_name, author_handle)
    VALUES (new.sort_key, new.text, new.author_name, new.author_handle);
END;
INSERT INTO items_text(items_text) VALUES ('rebuild')
""",
    )


DateReading = tuple[str | None, str | None, str | None, str | None, bool, int | None, int | None]
"""What a date reader returns for `(date_text, reference ISO day)`:
`(start, end, precision, edtf, readable, sort_start, sort_width)`."""

DateReader = Callable[[str, str], DateReading]

_DATE_READER: list[DateReader] = []


def register_date_reader(reader: DateReader) -> None:
    """Hand the store the desk's fuzzy-date reader, which migration 0003 backfills with.

    `db` imports nothing from `desk`, so the reader (`desk.recap_dates` behind
    `desk.verbs.recap`) is given to it: `desk.verbs` registers it on import,
    and every process that writes a desk imports the verbs.
    """
    _DATE_READER[:] = [reader]


class DateReaderMissing(StoreError):
    """Migration 0003 found dated recap entries and no reader was registered."""


@migration("0003_recap")
def m0003_recap(db: Database) -> None:
    """Stories get a reference date; recap entries their reading, order, pin and soft delete.

    A story's `reference_date` (ISO day) is what relative recap dates are
    read against; existing stories get the day they were created. An entry
    keeps its date as written (`date_text`) and gains what it means:
    `date_start`/`date_end` (inclusive ISO days, either NULL for an open
    end; both NULL when unreadable), `date_precision`, `date_edtf`,
    `readable`, and the order key `sort_start`/`sort_width` that the verbs
    compute from `desk.recap_dates.sort_key` (NULL: unreadable or no date,
    which sorts last), so the store orders a section with SQL alone.
    `pinned`/`position` hold a hand-moved entry's slot; `deleted_at` hides an
    entry (undo brings it back); `updated_at`/`updated_by` name who changed
    it last, for the conflict message of a stale edit.

    Existing entries are read again through the registered date reader
    against their story's reference date (hand-typed intervals of older
    desks are replaced by the reading; an unreadable date keeps only its
    text). Their stored order was the order they were added in, not a
    choice, so none is pinned. Every ALTER adds a column (constant time in
    SQLite), so the cost is the few recap entries, not the items.
    """
    _script(
        db,
        """
ALTER TABLE stories ADD COLUMN reference_date TEXT;
UPDATE stories SET reference_date = substr(created_at, 1, 10);
ALTER TABLE recap_entries ADD COLUMN date_precision TEXT;
ALTER TABLE recap_entries ADD COLUMN date_edtf TEXT;
ALTER TABLE recap_entries ADD COLUMN readable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recap_entries ADD COLUMN sort_start INTEGER;
ALTER TABLE recap_entries ADD COLUMN sort_width INTEGER;
ALTER TABLE recap_entries ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recap_entries ADD COLUMN deleted_at TEXT;
ALTER TABLE recap_entries ADD COLUMN updated_at TEXT;
ALTER TABLE recap_entries ADD COLUMN updated_by TEXT;
UPDATE recap_entries SET updated_at = created_at;
DROP INDEX recap_story;
CREATE INDEX recap_story ON recap_entries(story_id, section, sort_start, sort_width)
""",
    )
    rows = db.execute(
        "SELECT e.id, e.date_text, s.reference_date FROM recap_entries e "
        "JOIN stories s ON s.id = e.story_id"
    ).fetchall()
    updates: list[tuple[object, ...]] = []
    for entry_id, date_text, reference in rows:
        if not (date_text or "").strip():
            updates.append((None, None, None, None, 0, None, None, entry_id))
            continue
        if not _DATE_READER:
            raise DateReaderMissing(
                "upgrading this desk reads its recap dates: open it with desk (desk.verbs), "
                "not with the bare store"
            )
        start, end, precision, edtf, readable, sort_start, sort_width = _DATE_READER[0](
            date_text, reference
        )
        updates.append(
            (start, end, precision, edtf, int(readable), sort_start, sort_width, entry_id)
        )
    for values in updates:
        db.execute(
            "UPDATE recap_entries SET date_start = ?, date_end = ?, date_precision = ?, "
            "date_edtf = ?, readable = ?, sort_start = ?, sort_width = ?, pinned = 0 "
            "WHERE id = ?",
            list(values),
        )


@migration("0004_recap_sections")
def m0004_recap_sections(db: Database) -> None:
    """The desk's recap template: its sections in order, editable (`desk recap sections`).

    Until now every desk had the same six sections, fixed in the code; this
    table holds them per desk, seeded with those six (written out here, not
    read from the vocabulary: a migration is frozen once released). A
    section that some entry is filed under and that is not one of the six
    (a desk edited by hand) is appended, by name, so the template names
    every section in use and the recap shows what it showed before, in the
    same order. `name` is the section's word as entries store it (lower
    case, see `desk.vocab.normalise_section_name`); `position` its place.
    """
    _script(
        db,
        """
CREATE TABLE recap_sections (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
INSERT INTO recap_sections(name, position) VALUES
    ('background', 0),
    ('timeline', 1),
    ('latest', 2),
    ('what we know', 3),
    ('what we don''t know', 4),
    ('reactions', 5);
INSERT INTO recap_sections(name, position)
    SELECT section, 5 + row_number() OVER (ORDER BY section)
    FROM (SELECT DISTINCT section FROM recap_entries
          WHERE section NOT IN (SELECT name FROM recap_sections))
""",
    )


@migration("0005_verification")
def m0005_verification(db: Database) -> None:
    """Checklist templates per desk, step history, evidence by hash, and the verification queue.

    `checklist_templates` holds a desk's own templates as TOML text (the
    built-ins live in the code). A story may pick a template
    (`stories.template`) and an item may switch to another
    (`items.template`); NULL means "the story's, else the default".
    `check_history` keeps every change of a step (who, when, from what
    state to what, the note, how many pieces of evidence came with it);
    `evidence` every piece of evidence, a file's bytes in `blobs` by their
    sha256 (stored once). `items.checks_done` is 1 when every required
    step of the item's template is passed or n/a: the verbs keep it, and
    the queue ("kept, required steps open") is a partial index over it,
    counted by triggers into `item_counts` (dim 'queue') so a header reads
    one row. Existing items are seeded against the five pillars (written
    out here: a migration is frozen once released), the only template a
    desk knew before this one.
    """
    _script(
        db,
        """
CREATE TABLE checklist_templates (
    name TEXT PRIMARY KEY,
    toml TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE stories ADD COLUMN template TEXT;
ALTER TABLE items ADD COLUMN template TEXT;
ALTER TABLE items ADD COLUMN checks_done INTEGER NOT NULL DEFAULT 0;
CREATE TABLE check_history (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    step TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    note TEXT,
    evidence_added INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX check_history_item ON check_history(item_id, step, id);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    item_id INTEGER NOT NULL REFERENCES items(id),
    step TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('url','note','file')),
    value TEXT NOT NULL,
    sha256 TEXT REFERENCES blobs(sha256),
    size INTEGER,
    media_type TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    CHECK ((kind = 'file') = (sha256 IS NOT NULL))
);
CREATE INDEX evidence_item ON evidence(item_id, step, id);
CREATE INDEX evidence_sha ON evidence(sha256) WHERE sha256 IS NOT NULL;
UPDATE items SET checks_done = 1 WHERE id IN (
    SELECT item_id FROM check_steps
    WHERE pillar IN ('provenance','source','date','location','motivation')
      AND status IN ('passed','n/a')
    GROUP BY item_id HAVING count(*) = 5
);
CREATE INDEX items_queue ON items(sort_key) WHERE triage = 'kept' AND checks_done = 0;
INSERT INTO item_counts(story_id, dim, value, n)
    SELECT coalesce(story_id, -1), 'queue', '', count(*) FROM items
    WHERE triage = 'kept' AND checks_done = 0 GROUP BY coalesce(story_id, -1);
CREATE TRIGGER items_queue_ins AFTER INSERT ON items
WHEN new.triage = 'kept' AND new.checks_done = 0 BEGIN
    INSERT INTO item_counts(story_id, dim, value, n)
    VALUES (coalesce(new.story_id, -1), 'queue', '', 1)
    ON CONFLICT(story_id, dim, value) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_queue_out AFTER UPDATE OF triage, checks_done, story_id ON items
WHEN old.triage = 'kept' AND old.checks_done = 0 BEGIN
    INSERT INTO item_counts(story_id, dim, value, n)
    VALUES (coalesce(old.story_id, -1), 'queue', '', -1)
    ON CONFLICT(story_id, dim, value) DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER items_queue_in AFTER UPDATE OF triage, checks_done, story_id ON items
WHEN new.triage = 'kept' AND new.checks_done = 0 BEGIN
    INSERT INTO item_counts(story_id, dim, value, n)
    VALUES (coalesce(new.story_id, -1), 'queue', '', 1)
    ON CONFLICT(story_id, dim, value) DO UPDATE SET n = n + 1;
END
""",
    )


_OLD_VERDICT_CHECK = f" CHECK ({_VERDICT_CHECK})"


@migration("0006_verdicts")
def m0006_verdicts(db: Database) -> None:
    """The desk's verdicts in its settings (`desk verdicts`): rename one, add one.

    `verdicts` holds each verdict's stored `name`, the `label` that shows,
    its `letter` in the list and its `key` in the chooser, and the built-in
    verdict whose rules it follows (`meaning`), seeded with the six the code
    knew until now (written out here: a migration is frozen once released).

    `items.verdict` was checked against those six by a CHECK constraint, which
    an added verdict would break. SQLite cannot drop a constraint, and
    rebuilding `items` would rewrite every row of a million-item desk; the
    procedure the SQLite manual gives for removing a CHECK (its "Making Other
    Kinds Of Table Schema Changes", step 5 variant: edit the table's SQL in
    `sqlite_schema` under `writable_schema`, bump `schema_version`) changes
    no row. Triggers then check every written verdict against the table,
    so the database still refuses a word the desk does not know.
    """
    _script(
        db,
        """
CREATE TABLE verdicts (
    name TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    letter TEXT NOT NULL UNIQUE,
    key TEXT NOT NULL UNIQUE,
    meaning TEXT NOT NULL CHECK (meaning IN
        ('unverified','in progress','verified','false','misleading','unverifiable')),
    position INTEGER NOT NULL
);
INSERT INTO verdicts(name, label, letter, key, meaning, position) VALUES
    ('unverified', 'unverified', '.', 'u', 'unverified', 0),
    ('in progress', 'in progress', '~', 'p', 'in progress', 1),
    ('verified', 'verified', 'V', 'v', 'verified', 2),
    ('false', 'false', 'X', 'f', 'false', 3),
    ('misleading', 'misleading', 'M', 'm', 'misleading', 4),
    ('unverifiable', 'unverifiable', 'U', 'n', 'unverifiable', 5);
""",
    )
    (sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type='table' AND name='items'"
    ).fetchone()
    if _OLD_VERDICT_CHECK in sql:
        (version,) = db.execute("PRAGMA schema_version").fetchone()
        db.execute("PRAGMA writable_schema = ON")
        try:
            db.execute(
                "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'items'",
                [sql.replace(_OLD_VERDICT_CHECK, "", 1)],
            )
            db.execute(f"PRAGMA schema_version = {int(version) + 1}")
        finally:
            db.execute("PRAGMA writable_schema = OFF")
    _script(
        db,
        """
CREATE TRIGGER items_verdict_known_ins BEFORE INSERT ON items
WHEN new.verdict <> 'unverified' AND new.verdict NOT IN (SELECT name FROM verdicts) BEGIN
    SELECT RAISE(ABORT, 'items.verdict: not a verdict of this desk (desk verdicts ls)');
END;
CREATE TRIGGER items_verdict_known_upd BEFORE UPDATE OF verdict ON items
WHEN new.verdict NOT IN (SELECT name FROM verdicts) BEGIN
    SELECT RAISE(ABORT, 'items.verdict: not a verdict of this desk (desk verdicts ls)');
END;
CREATE TRIGGER verdicts_in_use BEFORE DELETE ON verdicts
WHEN EXISTS (SELECT 1 FROM items WHERE verdict = old.name) BEGIN
    SELECT RAISE(ABORT, 'verdicts: items still carry this verdict');
END
""",
    )


@migration("0007_merge")
def m0007_merge(db: Database) -> None:
    """Working offline: the desk's own identity, events merged in, aliases and conflicts.

    `desk_identity` names this desk (a random uuid made here, once) and, for
    a copy made by `desk checkout`, the desk and event it was copied from.
    `imported_events` holds each event merged in from another desk exactly as
    it was written there (every column of its events row, as JSON, so a
    column added later travels too), under the local `merge` event that
    brought it (`merge_seq`, in order by `position`); `refs` gives the uuid
    (a story: its slug) of every id its payload names, `base` what its desk
    had seen of each value it sets, `decisions` the values the merge set.
    `item_aliases` maps the uuid of an item that arrived twice (added on both
    sides) to the local item it deduplicated into. `merge_conflicts` is the
    queue of values changed on both sides: one open row per value.
    See `desk/merge/__init__.py` for the design.
    """
    import os
    import uuid

    _script(
        db,
        """
CREATE TABLE desk_identity (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    uuid TEXT NOT NULL,
    created_at TEXT NOT NULL,
    origin_uuid TEXT,
    origin_seq INTEGER,
    origin_hash TEXT,
    origin_story TEXT,
    checked_out_at TEXT
);
CREATE TABLE imported_events (
    id TEXT PRIMARY KEY,
    merge_seq INTEGER NOT NULL,
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    event TEXT NOT NULL,
    refs TEXT NOT NULL,
    base TEXT NOT NULL,
    decisions TEXT NOT NULL
);
CREATE UNIQUE INDEX imported_order ON imported_events(merge_seq, position);
CREATE TABLE item_aliases (
    uuid TEXT PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id)
);
CREATE TABLE merge_conflicts (
    id INTEGER PRIMARY KEY,
    thing TEXT NOT NULL,
    field TEXT NOT NULL,
    candidates TEXT NOT NULL,
    opened_seq INTEGER NOT NULL,
    closed_seq INTEGER,
    resolution TEXT
);
CREATE UNIQUE INDEX merge_conflicts_open ON merge_conflicts(thing, field)
    WHERE closed_seq IS NULL;
""",
    )
    desk_uuid = str(uuid.UUID(bytes=os.urandom(16), version=4))
    db.execute(
        "INSERT INTO desk_identity(one, uuid, created_at) "
        "VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        [desk_uuid],
    )


@migration("0008_identity")
def m0008_identity(db: Database) -> None:
    """The OS account behind each event, note and step change, beside the display name.

    `events.os_user` is part of an event's hash from this migration on
    (`db.events.event_hash` adds it to the hashed body when it is not NULL);
    events written before it keep NULL and their old hash, so an old chain
    still verifies, and setting or clearing the column of any event breaks
    its hash. Notes and step history carry it too, so the panes that show
    who wrote a note or changed a step can show both names without a join
    through the log.
    """
    _script(
        db,
        """
ALTER TABLE events ADD COLUMN os_user TEXT;
ALTER TABLE notes ADD COLUMN os_user TEXT;
ALTER TABLE check_history ADD COLUMN os_user TEXT;
""",
    )


@migration("0009_presence")
def m0009_presence(db: Database) -> None:
    """Who has which item open, right now: one row per running app (`db/presence.py`).

    Not desk state and not an event: it says nothing about the desk's
    content, is worthless a few seconds later, and must never reach the log,
    a merge or a replay. Each app rewrites its own row every few seconds
    (`beat_at`, unix seconds); a row older than `presence.STALE_SECONDS`, or
    whose process on this host is gone (`host`, `pid`), is ignored and
    deleted by the next writer. No foreign key: a presence row must never
    stop anything else from happening.
    """
    _script(
        db,
        """
CREATE TABLE presence (
    session TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    item_id INTEGER,
    activity TEXT NOT NULL DEFAULT 'open',
    entry_id INTEGER,
    beat_at REAL NOT NULL
);
CREATE INDEX presence_item ON presence(item_id, beat_at)
""",
    )


SEARCH_INVISIBLE = (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)
"""Characters the search index leaves out: zero-width space, non-joiner and joiner, word
joiner, BOM, soft hyphen. They are invisible, and the tokenizer reads each as a break
(`ev\\u200bacuation` was the words `ev` and `acuation`)."""


def _visible(expr: str) -> str:
    """`expr` with the invisible characters removed, as SQL (nested `replace`)."""
    for code in SEARCH_INVISIBLE:
        expr = f"replace({expr}, char({code}), '')"
    return expr


@migration("0010_search_text")
def m0010_search_text(db: Database) -> None:
    """Search reads the text as a reader sees it: invisible characters left out of the index.

    A post with a zero-width space inside a word (pasted text, or one put
    there to dodge keyword filters) was not found by the word. The index
    `items_text` now takes its content from the view `items_search`: the
    items' text and names with `SEARCH_INVISIBLE` removed, keyed by the list
    key as before. The stored `items.text` keeps every character, as the
    evidence. Because the index's content is the view, FTS5's own `rebuild`
    and `integrity-check` (and `PRAGMA integrity_check` where SQLite runs
    it on FTS5 tables) read the same cleaned text the triggers index, so
    the index never looks corrupt. The search words get the same cleaning
    (`desk.filter_expr.fts_query`). A big desk pays one re-index here.
    """
    cols = ("text", "author_name", "author_handle")
    new = ", ".join(_visible(f"new.{c}") for c in cols)
    old = ", ".join(_visible(f"old.{c}") for c in cols)
    every = ", ".join(f"{_visible(c)} AS {c}" for c in cols)
    _script(
        db,
        f"""
DROP TRIGGER items_text_ins;
DROP TRIGGER items_text_upd;
DROP TABLE items_text;
CREATE VIEW items_search AS SELECT sort_key, {every} FROM items;
CREATE VIRTUAL TABLE items_text USING fts5(
    text, author_name, author_handle,
    content='items_search', content_rowid='sort_key',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_text_ins AFTER INSERT ON items BEGIN
    INSERT INTO items_text(rowid, text, author_name, author_handle)
    VALUES (new.sort_key, {new});
END;
CREATE TRIGGER items_text_upd AFTER UPDATE OF text, author_name, author_handle ON items BEGIN
    INSERT INTO items_text(items_text, rowid, text, author_name, author_handle)
    VALUES ('delete', old.sort_key, {old});
    INSERT INTO items_text(rowid, text, author_name, author_handle)
    VALUES (new.sort_key, {new});
END;
INSERT INTO items_text(items_text) VALUES ('rebuild')
""",
    )


@migration("0011_item_copies")
def m0011_item_copies(db: Database) -> None:
    """Every copy of a post the desk was given, kept as evidence: `item_copies`.

    The same post arrives more than once (an embed, then the API object; a
    truncated compat tweet, then the extended one; a Mastodon status, then
    its edit). The item keeps its first copy in its own row (`raw_sha256`,
    `source_*`); from the second non-identical copy on, every copy of the
    item (the first included, written then) has a row here: its raw bytes
    by sha256 in `blobs`, the file, format and record it came from, when it
    arrived, and `fields`, what its parser read (JSON), from which the
    item's best fields are chosen (`desk.ingest.copies`). A byte-identical
    copy is a duplicate: no row. `item_holds` names the fields of an item
    that a person set (an undone improvement puts the old value back and
    holds it), which no later copy changes.

    An item's posted time may now change (a day-precision embed, then the
    exact second), so its list key moves: the search index's update trigger
    also fires on `sort_key` (the index's rowid), re-indexing the row under
    its new key. Nothing is rewritten here: no item has copies yet.
    """
    cols = ("text", "author_name", "author_handle")
    new = ", ".join(_visible(f"new.{c}") for c in cols)
    old = ", ".join(_visible(f"old.{c}") for c in cols)
    _script(
        db,
        f"""
CREATE TABLE item_copies (
    item_id INTEGER NOT NULL REFERENCES items(id),
    raw_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    source_file TEXT,
    source_format TEXT,
    source_record INTEGER,
    ingested_at TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (item_id, raw_sha256)
) WITHOUT ROWID;
CREATE TABLE item_holds (
    item_id INTEGER NOT NULL REFERENCES items(id),
    field TEXT NOT NULL,
    PRIMARY KEY (item_id, field)
) WITHOUT ROWID;
DROP TRIGGER items_text_upd;
CREATE TRIGGER items_text_upd AFTER UPDATE OF text, author_name, author_handle, sort_key
ON items BEGIN
    INSERT INTO items_text(items_text, rowid, text, author_name, author_handle)
    VALUES ('delete', old.sort_key, {old});
    INSERT INTO items_text(rowid, text, author_name, author_handle)
    VALUES (new.sort_key, {new});
END
""",
    )
