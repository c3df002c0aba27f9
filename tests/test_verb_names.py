"""Names are cleaned at the verb boundary, as post text is.

Every name a verb stores ends up on one line of someone's terminal (the
list, `desk ls`, `desk log`): the platform must be a word of the
vocabulary, the author, handle and URL lose escapes and line breaks, and
the actor is refused outright when it is empty or not one clean line
(`bob\\nmallory` would forge a second line in `desk log`; a silently
cleaned name would be a different person in the audit trail).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from db import Store
from desk import verbs
from desk.errors import BadInputError
from tests.clirun import run_cli

BAD_ACTORS = ["", "   ", "bob\nmallory", "bob\rmallory", "\x1b]0;X\x07", "ann\x1b[31m", "a" * 65]


def _setup(store: Store) -> tuple[int, int, int, int]:
    a = verbs.add_item(store, "ann", text="first").id
    b = verbs.add_item(store, "ann", text="second").id
    story = verbs.create_story(store, "ann", "orvena", "Orvena")
    entry = verbs.add_recap_entry(store, "ann", story, section="timeline", headline="Sirens")
    verbs.link(store, "ann", a, dst_item=b, relation="same-event")
    return a, b, story, entry


VERBS: dict[str, Callable[[Store, str, tuple[int, int, int, int]], Any]] = {
    "add_item": lambda s, who, ids: verbs.add_item(s, who, text="third"),
    "tag": lambda s, who, ids: verbs.tag(s, who, [ids[0]], ["+x"]),
    "set_triage": lambda s, who, ids: verbs.set_triage(s, who, [ids[0]], "kept"),
    "set_verdict": lambda s, who, ids: verbs.set_verdict(s, who, [ids[0]], "false"),
    "link": lambda s, who, ids: verbs.link(s, who, ids[1], dst_item=ids[0], relation="quotes"),
    "unlink": lambda s, who, ids: verbs.unlink(s, who, ids[0], dst_item=ids[1]),
    "annotate": lambda s, who, ids: verbs.annotate(s, who, ids[0], "a note"),
    "log_check": lambda s, who, ids: verbs.log_check(s, who, ids[0], "date", "passed"),
    "create_story": lambda s, who, ids: verbs.create_story(s, who, "other", "Other"),
    "add_recap_entry": lambda s, who, ids: verbs.add_recap_entry(
        s, who, ids[2], section="latest", headline="More"
    ),
    "save_filter": lambda s, who, ids: verbs.save_filter(s, who, "mine", "tag:x"),
    "undo": lambda s, who, ids: verbs.undo(s, who),
}


@pytest.mark.parametrize("verb", sorted(VERBS))
@pytest.mark.parametrize("actor", BAD_ACTORS, ids=repr)
def test_every_verb_refuses_a_bad_actor(store: Store, verb: str, actor: str) -> None:
    ids = _setup(store)
    seq = store.last_seq()
    with pytest.raises(BadInputError, match="name"):
        VERBS[verb](store, actor, ids)
    assert store.last_seq() == seq  # nothing written


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_verb_records_the_actor_trimmed(store: Store, verb: str) -> None:
    ids = _setup(store)
    if verb == "undo":
        verbs.tag(store, "ann", [ids[0]], ["+to-undo"])
    seq = store.last_seq()
    VERBS[verb](store, "  ann ", ids)
    assert [e.actor for e in store.events(since_seq=seq)] == ["ann"]


def test_the_platform_is_a_word_of_the_vocabulary(store: Store) -> None:
    assert verbs.add_item(store, "ann", text="a", platform="X").platform == "twitter"
    assert verbs.add_item(store, "ann", text="b", platform=" Mastodon ").platform == "mastodon"
    item = verbs.add_item(store, "ann", text="c")
    assert (item.platform, item.kind) == ("manual", "note")
    assert store.events()[-1].payload["platform"] == "manual"
    seq = store.last_seq()
    with pytest.raises(BadInputError, match=r"bad platform '\\x1b\]0;X\\x07': use one of twitter"):
        verbs.add_item(store, "ann", text="d", platform="\x1b]0;X\x07")
    with pytest.raises(BadInputError, match="bad platform 'myspace'"):
        verbs.add_item(store, "ann", text="e", platform="myspace")
    with pytest.raises(BadInputError, match="bad platform"):
        verbs.add_item(store, "ann", text="f", platform="twit\nter")
    assert store.last_seq() == seq


def test_author_handle_and_url_are_one_clean_line(store: Store) -> None:
    item = verbs.add_item(
        store,
        "ann",
        text="post",
        author="Bob\x1b[31m\nSmith\u202e",
        handle="@bo\x07b\x1b]0;X\x07",
        url="https://e.org/\x1b]52;c;ZXZpbA==\x07p\n",
        platform="mastodon",
    )
    assert (item.author_name, item.author_handle, item.url) == (
        "Bob Smith",
        "bob",
        "https://e.org/p",
    )
    assert store.events()[-1].payload["url"] == "https://e.org/p"
    blank = verbs.add_item(store, "ann", text="other", author="\x1b[2J", handle="@", url="\x07")
    assert (blank.author_name, blank.author_handle, blank.url) == (None, None, None)


# -- through the command line -------------------------------------------------


@pytest.fixture
def cli_desk(tmp_path: Path) -> Path:
    desk = tmp_path / "names.desk"
    assert run_cli(desk, "init").code == 0
    assert run_cli(desk, "add", "--text", "first").code == 0
    return desk


@pytest.mark.parametrize("actor", ["   ", "bob\nmallory", "\x1b]0;X\x07"], ids=repr)
def test_cli_refuses_a_bad_actor_and_forges_no_log_line(cli_desk: Path, actor: str) -> None:
    for option in (("--as", actor), ("--actor", actor)):
        ran = run_cli(cli_desk, *option, "tag", "1", "+x")
        assert ran.code == 1 and ran.err.startswith("desk: ") and "name" in ran.err, ran
        assert "\x1b" not in ran.err and ran.err.count("\n") == 1
    if actor.strip():  # a blank $DESK_USER counts as unset (the OS user then)
        ran = run_cli(cli_desk, "tag", "1", "+x", actor=actor)
        assert ran.code == 1 and "name" in ran.err, ran
    log = run_cli(cli_desk, "log")
    assert log.code == 0 and len(log.out.splitlines()) == 1  # the item.add, nothing else
    assert "mallory" not in log.out


def test_cli_refuses_a_platform_with_escapes(cli_desk: Path) -> None:
    ran = run_cli(cli_desk, "add", "--text", "hi", "--platform", "\x1b]0;X\x07")
    assert ran.code == 1 and "bad platform" in ran.err and "\x1b" not in ran.err, ran
    assert run_cli(cli_desk, "add", "--text", "hi", "--platform", "X").code == 0
    listed = run_cli(cli_desk, "show", "2", "--json")
    assert '"platform": "twitter"' in listed.out
