"""An input whose reads move the progress bar, or the positions its reader reports.

A streaming parser's reads are how far it has come; a reader that reads
ahead (a large feed's entry scan) reports instead how far the items it has
given come from (`Source.positions_reported`, `Source.reached`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from desk.ingest.base import Source

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, total bytes) as the ingest goes."""


class _CountingReader:
    """Wraps a binary file to report how far a streaming parser has read."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._on_read(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._raw.readline(size)
        self._on_read(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        for line in self._raw:
            self._on_read(len(line))
            yield line

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    @property
    def closed(self) -> bool:
        return bool(self._raw.closed)

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._raw, name)


class TrackedSource(Source):
    """A Source whose reads are counted for the progress bar."""

    def __init__(self, inner: Source, progress: Progress | None) -> None:
        super().__init__(
            inner.name, path=inner.path, data=inner._data, captured_at=inner.captured_at
        )
        self._progress = progress
        self._total = inner.size()
        self._read = 0
        self._by_position = False  # the reader reports positions (`positions_reported`)

    def _bump(self, n: int) -> None:
        self._read += n
        if self._progress is not None and not self._by_position:
            self._progress(min(self._read, self._total), self._total)

    def positions_reported(self) -> None:
        self._by_position = True

    def reached(self, offset: int) -> None:
        if self._progress is not None and self._by_position:
            self._progress(max(0, min(offset, self._total)), self._total)

    def open(self) -> BinaryIO:
        return _CountingReader(super().open(), self._bump)  # type: ignore[return-value]

    def read_bytes(self) -> bytes:
        data = super().read_bytes()
        self._bump(len(data))
        return data
