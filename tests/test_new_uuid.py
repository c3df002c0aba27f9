"""Item, event and link ids: UUID v7 spelled as `uuid.UUID` spells it, never repeated."""

from __future__ import annotations

import os
import time
import uuid

import pytest

import db.writer
from db.writer import new_uuid


def test_ids_are_version_7_in_the_standard_spelling_and_in_time_order() -> None:
    before = time.time_ns() // 1_000_000
    ids = [new_uuid() for _ in range(2000)]  # several batches of random bytes
    after = time.time_ns() // 1_000_000
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert before <= parsed.int >> 80 <= after


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_forked_child_does_not_reuse_the_parents_random_bytes() -> None:
    new_uuid()  # the pool now holds bytes the parent will use
    parent_next = db.writer._random_pool[-1]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first id must not be made of the parent's next bytes
        os.close(read)
        os.write(write, bytes([db.writer._random_pool == []]) + db.writer._random_bytes())
        os._exit(0)
    os.close(write)
    answer = os.read(read, 64)
    os.waitpid(pid, 0)
    assert answer[0] == 1  # emptied at the fork
    assert answer[1:] != parent_next
