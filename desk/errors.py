"""Errors the verbs raise for user mistakes; the CLI prints them as one line.

Every message names the thing that was wrong (the item id, the relation,
the file), so the person at the keyboard can fix it without a traceback.
"""

from __future__ import annotations

from db.errors import StoreError


class DeskError(Exception):
    """A user-facing error: one clear line, non-zero exit, no traceback."""


class UnknownItemError(DeskError):
    pass


class BadInputError(DeskError):
    pass


class NothingToUndoError(DeskError):
    pass


USER_ERRORS: tuple[type[Exception], ...] = (DeskError, StoreError)
