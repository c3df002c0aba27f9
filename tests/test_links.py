"""Links: a relation the target cannot take is refused; an opposite of an existing link warns.

`desk link A entry:3 --as corroborates` used to answer "already linked"
with exit 0: the CLI rewrote `corroborates` to `source-for` before the
verb could refuse it, and the entry already had that source. And
`desk link A B --as contradicts` passed silently while A corroborated B.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from db import Store
from desk import verbs
from desk.errors import BadInputError
from tests.clirun import run_cli


def _two(store: Store) -> tuple[int, int]:
    return (
        verbs.add_item(store, "ann", text="Dam breached, says the mayor").id,
        verbs.add_item(store, "ann", text="No breach, says the operator").id,
    )


def _entry(store: Store) -> int:
    story = verbs.create_story(store, "ann", "orvena", "Orvena")
    return verbs.add_recap_entry(store, "ann", story, section="timeline", headline="Sirens")


def test_a_link_returns_the_link_and_no_warning(store: Store) -> None:
    a, b = _two(store)
    result = verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    assert result.link is not None and result.link.relation == "corroborates"
    assert result.warnings == ()
    again = verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    assert again.link is None and again.warnings == ()


@pytest.mark.parametrize(
    ("first", "second", "src_first", "expected"),
    [
        ("corroborates", "contradicts", True, "#1 already corroborates #2"),
        ("contradicts", "corroborates", True, "#1 already contradicts #2"),
        ("corroborates", "contradicts", False, "#2 already corroborates #1"),  # either direction
    ],
)
def test_an_opposite_relation_is_made_with_a_warning(
    store: Store, first: str, second: str, src_first: bool, expected: str
) -> None:
    a, b = _two(store)
    src, dst = (a, b) if src_first else (b, a)
    verbs.link(store, "ann", src, dst_item=dst, relation=first)
    seq = store.last_seq()
    result = verbs.link(store, "bob", a, dst_item=b, relation=second)
    assert result.link is not None  # accepted: evidence changes, the log keeps both
    assert result.warnings == (expected,)
    assert [e.kind for e in store.events(since_seq=seq)] == ["link.add"]
    assert sorted(link.relation for link in store.links_of(a)) == sorted([first, second])


def test_relations_that_do_not_conflict_do_not_warn(store: Store) -> None:
    a, b = _two(store)
    verbs.link(store, "ann", a, dst_item=b, relation="corroborates")
    assert verbs.link(store, "ann", a, dst_item=b, relation="same-event").warnings == ()
    assert verbs.link(store, "ann", b, dst_item=a, relation="corroborates").warnings == ()


def test_an_entry_takes_only_source_for_even_when_already_sourced(store: Store) -> None:
    a, _ = _two(store)
    entry = _entry(store)
    verbs.link(store, "ann", a, dst_entry=entry, relation="source-for")
    seq = store.last_seq()
    for relation in ("corroborates", "contradicts", "same-event"):
        with pytest.raises(BadInputError, match=f"bad relation '{relation}': to a recap entry"):
            verbs.link(store, "ann", a, dst_entry=entry, relation=relation)
    assert store.last_seq() == seq


def test_an_item_takes_no_source_for(store: Store) -> None:
    a, b = _two(store)
    with pytest.raises(BadInputError, match="bad relation 'source-for': between items"):
        verbs.link(store, "ann", a, dst_item=b, relation="source-for")


# -- through the command line -------------------------------------------------


@pytest.fixture
def cli_desk(tmp_path: Path) -> Path:
    desk = tmp_path / "links.desk"
    assert run_cli(desk, "init").code == 0
    for text in ("Dam breached", "No breach"):
        assert run_cli(desk, "add", "--text", text).code == 0
    with Store(desk) as store:
        _entry(store)
    return desk


def test_cli_warns_on_an_opposite_relation(cli_desk: Path) -> None:
    assert run_cli(cli_desk, "link", "1", "2", "--as", "corroborates").code == 0
    ran = run_cli(cli_desk, "link", "1", "2", "--as", "contradicts")
    assert ran.code == 0, ran
    assert ran.out == "linked: 1 contradicts 2\n"
    assert ran.err == "desk: warning: #1 already corroborates #2\n"


def test_cli_refuses_a_relation_an_entry_cannot_take(cli_desk: Path) -> None:
    assert run_cli(cli_desk, "link", "1", "entry:1", "--as", "source-for").code == 0
    for relation in ("corroborates", "contradicts"):
        ran = run_cli(cli_desk, "link", "1", "entry:1", "--as", relation)
        assert ran.code == 1, ran
        assert "already linked" not in ran.out
        assert ran.err == (f"desk: bad relation '{relation}': to a recap entry use source-for\n")
    again = run_cli(cli_desk, "link", "1", "e1", "--as", "source-for")
    assert again.code == 0 and again.out == "already linked\n"
    with Store(cli_desk) as store:
        assert [link.relation for link in store.links_of(1)] == ["source-for"]
