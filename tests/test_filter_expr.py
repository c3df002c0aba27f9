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


# -- unknown keys and huge numbers (issue 8) ------------------------------------------


@pytest.mark.parametrize("expr", ["foo:bar", "tags:fire", "Plat:x", "-foo:bar", "fire foo:bar"])
def test_an_unknown_key_is_an_error_naming_the_keys(expr: str) -> None:
    with pytest.raises(BadInputError, match="unknown filter key") as caught:
        parse_filter(expr)
    message = str(caught.value)
    for key in ("tag:", "triage:", "platform:", "verdict:", "from:", "since:", "story:", "id:"):
        assert key in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        ("http://example.com/a", '"http://example.com/a"'),
        ("https://x.test/p?q=1", '"https://x.test/p?q=1"'),
        ("foo://bar", '"foo://bar"'),
        ("at://did:plc:abc/post/1", '"at://did:plc:abc/post/1"'),
        ("did:plc:abc123", '"did:plc:abc123"'),
        ("mailto:desk@example.com", '"mailto:desk@example.com"'),
        ("10:30", '"10:30"'),
        ("note: tag:", '"note:" "tag:"'),
    ],
)
def test_urls_and_colon_words_stay_searchable(expr: str, text: str) -> None:
    assert parse_filter(expr).text == text


@pytest.mark.parametrize(
    "value", ["800000d", "999999d", "99999999h", "5000000w", "9" * 30 + "m", "9" * 5000 + "d"]
)
def test_huge_since_is_a_clear_error(value: str) -> None:
    at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    with pytest.raises(BadInputError, match=r"bad since:.*before the year 1") as caught:
        parse_since(value, at=at)
    assert len(str(caught.value)) < 200
    with pytest.raises(BadInputError, match="bad since:"):
        parse_filter(f"since:{value}")


def test_large_but_possible_since_still_works() -> None:
    at = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert parse_since("700000d", at=at).startswith("0110-")
    assert parse_since("0003d", at=at) == "2026-11-24T12:00:00Z"


@pytest.mark.parametrize("value", ["1" * 20, "9223372036854775808", "12," + "9" * 25])
def test_a_huge_id_is_a_clear_error(value: str) -> None:
    with pytest.raises(BadInputError, match="larger than any item id"):
        parse_filter(f"id:{value}")


def test_the_largest_id_and_non_numbers() -> None:
    assert parse_filter("id:9223372036854775807").ids == (9223372036854775807,)
    with pytest.raises(BadInputError, match="use numbers"):
        parse_filter("id:-3")
    with pytest.raises(BadInputError, match="use numbers"):
        parse_filter("id:\u0661\u0662")  # Arabic-Indic digits: isdigit() but not ours
