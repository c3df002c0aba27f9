"""Errors the store raises; each carries a message fit for one line on stderr."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotADeskError(StoreError):
    """The file exists but is not a desk (not SQLite, or SQLite of another app)."""


class NoDeskError(StoreError):
    """No desk file at the given path."""


class NewerSchemaError(StoreError):
    """The desk was written by a newer `desk`; opening it could damage it."""


class NotFoundError(StoreError):
    """An item, entry, story or event that does not exist."""


class ConflictError(StoreError):
    """Someone else changed the thing since the caller last saw it."""


class ReadOnlyError(StoreError):
    """A write to a desk opened read-only; the message says why it is (`db.access`)."""


class DeskGoneError(StoreError):
    """The desk file was deleted, moved or replaced while it was open: writes would be lost."""


class BusyError(StoreError):
    """Another process held the desk's write lock for longer than the busy timeout."""
