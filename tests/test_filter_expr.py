"""The filter language parses to store queries and names what it cannot read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desk.errors import BadInputError
from desk.filter_expr import fts_query, parse_filter, parse_since


def test_every_key() -> None:
    q = parse_filter(
        "tag:Casualties -tag:old triage:new triage:flagged platform:x verdict:in-progress "
        "from:@Kel since:2h dam breach*"
    )
    assert q.tags == ("casualties",)
    assert q.not_tags == ("old",)
    assert q.triage == ("new", "flagged")
    assert q.platform == ("twitter",)
    assert q.verdict == ("in progress",)
    assert q.handle == ("Kel",)
    assert q.since is not None and q.since.endswith("Z")
    assert q.text == '"dam" "breach"*'
    assert q.show_discarded is False


def test_triage_discarded_shows_discarded() -> None:
    assert parse_filter("triage:discarded").show_discarded is True


def test_fts_query_quotes_user_text() -> None:
    assert fts_query(['dam"', "OR", "NEAR(x"]) == '"dam""" "OR" "NEAR(x"'
    assert fts_query(["*"]) is None


def test_since_forms() -> None:
    at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_since("2h", at=at) == "2026-11-27T10:00:00Z"
    assert parse_since("3d", at=at) == "2026-11-24T12:00:00Z"
    assert parse_since("30m", at=at) == "2026-11-27T11:30:00Z"
    assert parse_since("2026-11-01") == "2026-11-01T00:00:00Z"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("triage:maybe", "bad triage:maybe"),
        ("verdict:sorta", "bad verdict"),
        ("platform:myspace", "bad platform:myspace"),
        ("since:yesterdayish", "bad since:yesterdayish"),
        ('"unclosed', "bad filter"),
        ("id:x", "bad id:x"),
        ("story:nope", "story: filters need an open desk"),
    ],
)
def test_bad_terms_are_named(expr: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_filter(expr)


def test_story_lookup() -> None:
    assert (
        parse_filter("story:orvena", story_lookup=lambda s: 7 if s == "orvena" else None).story_id
        == 7
    )
    with pytest.raises(BadInputError, match="unknown story"):
        parse_filter("story:zzz", story_lookup=lambda s: None)
