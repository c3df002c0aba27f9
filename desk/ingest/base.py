"""The one interface every ingest format implements.

A format module (one file per format, registered in `registry.py`) offers:

- `NAME`: a short name (`twitter-v2`, `mastodon`, `rss` …) used by `--format`;
- `detect(sample: Sample) -> int`: how sure it is (0 = not mine, 100 = sure),
  from the content only, never the file name;
- `parse(source: Source) -> Iterator[ParsedItem | Rejected]`: the items, in
  order, each with the raw bytes of its own record. A bad record yields a
  `Rejected` naming its line or record number and the parse goes on; a
  record that is fine but holds no post (a stream's like or delete event)
  may yield a `Skipped`, counted in the summary.

Parsers are pure: no database, no network, no clock except `captured_at`
passed in through `Source`. The pipeline in `desk/ingest/pipeline.py`
stores what they yield through the verbs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from db.models import Media

SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Posted:
    """When an item was posted, with what is known about that time.

    `at` is an ISO 8601 UTC string `YYYY-MM-DDTHH:MM:SSZ`; `precision` is one
    of second, minute, hour, day, month, year; `tz_known` says whether the
    source gave a time zone (a Telegram `date` without `date_unixtime` does
    not, a byline date has day precision and no zone).
    """

    at: str
    precision: str = "second"
    tz_known: bool = True

    def __reduce__(self) -> tuple[type[Posted], tuple[str, str, bool]]:
        """Pickled by its fields (see `ParsedItem.__reduce__`)."""
        return (Posted, (self.at, self.precision, self.tz_known))


@dataclass(frozen=True, slots=True)
class Ref:
    """A pointer at another item, which may or may not be in the desk yet.

    `relation` is from this item to the target: `reply-to`, `quotes`,
    `repost-of`, `embedded-in`, `reviews`. At least one of
    (platform + platform_id) or url must be set.
    """

    relation: str
    platform: str | None = None
    platform_id: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One item as a parser read it, ready to be stored.

    `text` is already clean (see `clean.clean_text` / `clean.html_to_text`).
    `raw` is the exact bytes of this item's record in the source when they
    can be cut out (a JSONL line, a CSV row), else a canonical JSON dump of
    the record object: the evidentiary copy, never altered afterwards.
    `record` is the 1-based line number (line-oriented formats) or record
    index (JSON arrays, feeds) used in messages.
    """

    platform: str
    text: str
    raw: bytes
    kind: str = "post"
    platform_id: str | None = None
    url: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    author_url: str | None = None
    title: str | None = None
    lang: str | None = None
    posted: Posted | None = None
    media: tuple[Media, ...] = ()
    refs: tuple[Ref, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    record: int | None = None
    # (platform_id, url) pairs under which an older desk version may have
    # stored this same item (see `urls.former_spelling`): looked up, after
    # the item's own keys, only to recognise it; never stored.
    earlier_keys: tuple[tuple[str | None, str | None], ...] = ()
    # For an item with neither id nor URL (known by its raw bytes): the sha256
    # of the raw copy under which the desk that exported it holds it (desk's
    # own Markdown page). Looked up like `earlier_keys`, only to recognise it.
    earlier_raw: str | None = None

    def __reduce__(self) -> tuple[type[ParsedItem], tuple[Any, ...]]:
        """Pickled as its fields in order, rebuilt by the constructor.

        A large feed's items come back from the parse worker pickled
        (`_feedruns.RunParsers`); the default for a slotted frozen dataclass
        looks up its fields again for every object, about 8 us of the main
        process an item, against 3 this way.
        """
        return (ParsedItem, tuple([getattr(self, name) for name in _ITEM_FIELDS]))


_ITEM_FIELDS = tuple(ParsedItem.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that could not be read: where it is and why."""

    record: int | None
    reason: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record read fine that holds no post, said so in the ingest summary.

    Live streams carry more than posts (a Jetstream like, a Mastodon
    `delete`): they are not faults of the file, so they are counted by
    `reason` in the summary, never listed as rejections.
    """

    record: int | None
    reason: str


class Sample:
    """The first bytes of an input, decoded leniently, for `detect`."""

    def __init__(self, head: bytes, name: str) -> None:
        self.head = head
        self.name = name
        self.text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()

    @property
    def looks_json(self) -> bool:
        return self.text[:1] in ("{", "[")


class Source:
    """An input to ingest: a file or stdin bytes, read whole or streamed.

    Formats that can stream (JSONL, CSV) use `open()` and read line by line
    so a 1 GB file never sits in memory; others call `read_bytes()`.
    """

    def __init__(
        self,
        name: str,
        *,
        path: Path | None = None,
        data: bytes | None = None,
        captured_at: str | None = None,
    ) -> None:
        if path is None and data is None:
            raise ValueError("a Source needs a path or data")
        self.name = name
        self.path = path
        self._data = data
        self.captured_at = captured_at

    def open(self) -> BinaryIO:
        if self._data is not None:
            return io.BytesIO(self._data)
        assert self.path is not None
        return self.path.open("rb")

    def read_bytes(self) -> bytes:
        if self._data is not None:
            return self._data
        assert self.path is not None
        return self.path.read_bytes()

    def sample(self) -> Sample:
        with self.open() as fh:
            return Sample(fh.read(SAMPLE_BYTES), self.name)

    def size(self) -> int:
        if self._data is not None:
            return len(self._data)
        assert self.path is not None
        return self.path.stat().st_size

    def positions_reported(self) -> None:
        """The reader reads ahead of the items it has given (a large feed's entry scan
        reads the whole file first): from now on it says how far they have come
        (`reached`), and the progress bar follows that, not the bytes read."""

    def reached(self, offset: int) -> None:
        """The items given so far come from the input's first `offset` bytes."""


class Format(Protocol):
    """What `registry.py` expects of a format module."""

    NAME: str

    def detect(self, sample: Sample) -> int: ...

    def parse(self, source: Source) -> Iterator[ParsedItem | Rejected | Skipped]: ...
