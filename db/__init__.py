"""The desk's storage layer: schema, migrations and every SQL statement.

It returns frozen dataclasses and imports nothing from Textual, `widgets`
or `desk`; `tests/test_layers.py` and an import-linter contract hold it to
that.
"""

from db.errors import (
    ConflictError,
    NewerSchemaError,
    NoDeskError,
    NotADeskError,
    NotFoundError,
    StoreError,
)
from db.store import Store
from db.writer import NewItem, Writer

__all__ = [
    "ConflictError",
    "NewItem",
    "NewerSchemaError",
    "NoDeskError",
    "NotADeskError",
    "NotFoundError",
    "Store",
    "StoreError",
    "Writer",
]
