"""What every format's tests share: the corpus-case type, its table runner, the parse splitter.

A format's corpus table is a tuple of `CorpusCase` rows, one per corpus file
(path relative to the corpus, the format that reads it, the counts it gives).
`corpus_table(CASES)` parametrizes a test with them; in the test,
`run_case(case)` does what every table checks for every row (detection,
which format the registry picks, the counts, the reasons, the time, the
fields of every item) and hands back the items for the format's own checks.
`tests/ingest/test_corpus_tables.py` proves the tables together cover every
corpus file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from desk.ingest import registry
from desk.ingest.base import Format, ParsedItem, Rejected, Source
from tests.corpus import corpus_path

Parsed = tuple[list[ParsedItem], list[Rejected]]

# `picked` left at this value means "the row's own format when it detects the
# file, no format at all when it must not".
_AS_FORMAT = "(the row's format)"
# `picked=ANY`: which format (if any) takes the file is not this row's business
# (an empty JSON array says nothing of where it came from).
ANY = "(any format, or none)"


@dataclass(frozen=True)
class CorpusCase:
    """One corpus file and what reading it with one format must give.

    - `file`: the path relative to the corpus root;
    - `part`: when the format reads not the file but a part of it (a stored
      page's HTML), what part; the test passes that part to `run_case`;
    - `items`, `rejected`: how many items and rejections the format's parse yields;
    - `format`: the `NAME` of the format whose parser reads the file in this row;
    - `detect`: that format's detect score is at least this; 0 means it must be 0
      (the file is not recognised as this format, only read when forced);
    - `picked`: the format `registry.detect` chooses for the file, None when no
      format takes it, `ANY` not checked; by default the row's format, or None when
      `detect` is 0;
    - `others`: formats that must not claim the file (detect score 0);
    - `reason`: a phrase every rejection's reason contains;
    - `fields`: attribute values every item has (its platform, its kind);
    - `facts`: what the format's own test knows of the file beyond the item
      (the runner does not read them);
    - `seconds`: the most the parse may take.
    """

    file: str
    items: int
    rejected: int = 0
    _: KW_ONLY
    format: str
    part: str = ""
    detect: int = 1
    picked: str | None = _AS_FORMAT
    others: tuple[str, ...] = ()
    reason: str = ""
    fields: Mapping[str, object] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.picked == _AS_FORMAT:
            object.__setattr__(self, "picked", self.format if self.detect else None)

    @property
    def id(self) -> str:
        """The test id: the file, which is unique within a table."""
        return self.file

    @property
    def counts(self) -> tuple[int, int]:
        return (self.items, self.rejected)


@dataclass(frozen=True)
class CaseRun:
    """A table row read: the file, the source given to the parser, what came out."""

    case: CorpusCase
    path: Path
    source: Source
    items: list[ParsedItem]
    rejected: list[Rejected]

    def json(self) -> Any:
        """The corpus file's JSON document."""
        return json.loads(self.path.read_bytes())


def corpus_table(cases: Iterable[CorpusCase]) -> pytest.MarkDecorator:
    """Parametrize a test over a format's table: one `case` per row, marked `corpus`."""
    return pytest.mark.parametrize(
        "case", [pytest.param(case, id=case.id, marks=pytest.mark.corpus) for case in cases]
    )


def split(results: Iterable[ParsedItem | Rejected]) -> Parsed:
    """A parse's output as (items, rejections), each in order; nothing else may come out."""
    items: list[ParsedItem] = []
    rejected: list[Rejected] = []
    for result in results:
        if isinstance(result, ParsedItem):
            items.append(result)
        else:
            assert isinstance(result, Rejected), result
            rejected.append(result)
    return items, rejected


def parse(fmt: Format | ModuleType, data: Source | bytes | str, name: str = "input") -> Parsed:
    """Parse a source, or bytes / text given under `name`, with one format, split."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    source = data if isinstance(data, Source) else Source(name, data=data)
    return split(fmt.parse(source))


def picked_format(source: Source) -> str | None:
    """The name of the format the registry chooses for a source, None when none does."""
    try:
        return str(registry.detect(source.sample()).NAME)
    except registry.UnknownFormatError:
        return None


def run_case(case: CorpusCase, source: Source | None = None) -> CaseRun:
    """Read one table row and check what every row promises.

    `source` replaces the file: the row's `part`, or the same bytes under another name.
    """
    path = corpus_path(case.file)
    assert source is not None or not case.part, f"{case.id}: give run_case its {case.part}"
    if source is None:
        source = Source(case.file, path=path)
    fmt = registry.by_name(case.format)
    sample = source.sample()

    score = fmt.detect(sample)
    if case.detect:
        assert score >= case.detect, f"{case.format} gives {case.file} {score}"
    else:
        assert score == 0, f"{case.format} claims {case.file} ({score})"
    for other in case.others:
        assert registry.by_name(other).detect(sample) == 0, f"{other} claims {case.file}"
    if case.picked != ANY:
        assert picked_format(source) == case.picked

    started = time.perf_counter()
    items, rejected = split(fmt.parse(source))
    assert time.perf_counter() - started < case.seconds

    assert (len(items), len(rejected)) == case.counts
    for rejection in rejected:
        assert case.reason in rejection.reason
    for item in items:
        for name, value in case.fields.items():
            assert getattr(item, name) == value, f"{case.id} record {item.record}: {name}"
    return CaseRun(case, path, source, items, rejected)
