"""Mastodon API JSON: every corpus file, boosts, quotes, replies, polls, edits, hostile input.

Expected values are read from each corpus file in the test itself (plain
json, lxml and datetime, not the parser under test), so a test fails only
when the parser and the file disagree. The counts in the table are the
file's main statuses plus each boosted / quoted status carried in full.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from desk.ingest.base import Ref, Sample, Source
from desk.ingest.formats import mastodon
from tests.corpus import corpus_files, corpus_path
from tests.ingest.helpers import ANY, CorpusCase, Parsed, corpus_table, parse, run_case

X = "mastodon/extracted_from_Mastodon.py_cassettes/"
C = "mastodon/Mastodon.py_cassettes/"

row = partial(
    CorpusCase,
    format="mastodon",
    detect=60,
    others=("bluesky",),
    fields={"platform": "mastodon", "kind": "post"},
)
# `[]` says nothing about Mastodon: not detected, and which format reads it is not ours to say
empty = partial(CorpusCase, format="mastodon", detect=0, picked=ANY, others=("bluesky",))


def cassette(folder: str, name: str) -> CorpusCase:
    """A VCR cassette: recorded HTTP traffic in YAML, not Mastodon JSON (X holds its bodies)."""
    return CorpusCase(
        f"{C}{folder}/{name}.yaml",
        0,
        1,
        format="mastodon",
        detect=0,
        others=("bluesky",),
        reason="not valid JSON",
    )


# The counts are the main statuses plus each boosted / quoted status carried in full.
CASES = (
    row(X + "test_entity_context__00_GET_v1_statuses_ID_context.json", 2),  # 1 ancestor, 1 desc.
    row(X + "test_entity_customemoji__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_filterresult__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_mediaattachment__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_mediaattachment__01_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_mediaattachmentaudiometadata__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_mediaattachmentvideometadata__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_mediaattachmentvideometadata__01_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_poll__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_previewcard__02_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_previewcardauthor__02_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_quote__00_GET_v1_statuses_ID.json", 2),  # the quote + quoted_status
    row(X + "test_entity_searchv2__02_GET_v2_search.json", 2),  # statuses[2]; accounts ignored
    row(X + "test_entity_status__00_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_status__01_GET_v1_statuses_ID.json", 1),
    row(X + "test_entity_statusedit__00_GET_v1_statuses_ID_history.json", 1),  # 2 versions
    row(X + "test_entity_statusedit__01_GET_v1_statuses_ID_history.json", 1),
    row(X + "test_hashtag_tl__00_POST_v1_statuses.json", 1),
    row(X + "test_hashtag_tl__02_GET_v1_timelines_tag_hoot.json", 1),
    row(X + "test_hashtag_tl__03_DELETE_v1_statuses_ID.json", 1),  # deleted: `text`
    row(X + "test_home_tl__00_POST_v1_statuses.json", 1),
    row(X + "test_home_tl__01_GET_v1_timelines_home.json", 13),
    row(X + "test_home_tl__02_DELETE_v1_statuses_ID.json", 1),
    row(X + "test_public_tl__00_POST_v1_statuses.json", 1),
    row(X + "test_public_tl__02_GET_v1_timelines_public.json", 8),
    row(X + "test_public_tl__03_GET_v1_timelines_public.json", 8),
    row(X + "test_public_tl__04_DELETE_v1_statuses_ID.json", 1),
    row(X + "test_status_context__00_POST_v1_statuses.json", 1),
    row(X + "test_status_context__01_GET_v1_statuses_ID_context.json", 0),  # empty context
    row(X + "test_status_context__02_DELETE_v1_statuses_ID.json", 1),
    row(X + "test_status_edit__00_POST_v1_statuses.json", 1),
    row(X + "test_status_edit__01_GET_v1_statuses_ID_history.json", 1),  # 1 version
    row(X + "test_status_edit__02_PUT_v1_statuses_ID.json", 1),
    row(X + "test_status_edit__03_GET_v1_statuses_ID.json", 1),
    row(X + "test_status_edit__04_GET_v1_statuses_ID_history.json", 1),  # 2 versions
    row(X + "test_status_edit__05_GET_v1_statuses_ID_source.json", 0, 1, reason="StatusSource"),
    row(X + "test_status_quotes__00_POST_v1_statuses.json", 1),
    empty(X + "test_status_quotes__01_GET_v1_statuses_ID_quotes.json", 0),  # []
    row(X + "test_status_quotes__02_DELETE_v1_statuses_ID.json", 1),
    row(X + "test_status_reblog_unreblog__00_POST_v1_statuses.json", 1),
    row(X + "test_status_reblog_unreblog__01_POST_v1_statuses_ID_reblog.json", 2),  # + original
    row(X + "test_status_reblog_unreblog__02_POST_v1_statuses_ID_unreblog.json", 1),
    row(X + "test_status_reblog_unreblog__03_DELETE_v1_statuses_ID.json", 1),
    empty(X + "test_trending_statuses__00_GET_v1_trends_statuses.json", 0),  # []
    row("mastodon/mastodon_documentation/Status.md.example.json", 1),  # broken "</span}" HTML
    cassette("cassettes", "test_hashtag_tl"),
    cassette("cassettes", "test_home_tl"),
    cassette("cassettes", "test_public_tl"),
    cassette("cassettes", "test_status_context"),
    cassette("cassettes", "test_status_edit"),
    cassette("cassettes", "test_status_quotes"),
    cassette("cassettes", "test_status_reblog_unreblog"),
    cassette("cassettes", "test_trending_statuses"),
    cassette("cassettes_entity_tests", "test_entity_context"),
    cassette("cassettes_entity_tests", "test_entity_customemoji"),
    cassette("cassettes_entity_tests", "test_entity_filterresult"),
    cassette("cassettes_entity_tests", "test_entity_mediaattachment"),
    cassette("cassettes_entity_tests", "test_entity_mediaattachmentaudiometadata"),
    cassette("cassettes_entity_tests", "test_entity_mediaattachmentvideometadata"),
    cassette("cassettes_entity_tests", "test_entity_poll"),
    cassette("cassettes_entity_tests", "test_entity_previewcard"),
    cassette("cassettes_entity_tests", "test_entity_previewcardauthor"),
    cassette("cassettes_entity_tests", "test_entity_quote"),
    cassette("cassettes_entity_tests", "test_entity_searchv2"),
    cassette("cassettes_entity_tests", "test_entity_status"),
    cassette("cassettes_entity_tests", "test_entity_statusedit"),
)
STATUSES = tuple(case for case in CASES if not case.file.startswith(C))
CASSETTES = tuple(case for case in CASES if case.file.startswith(C))


def run(source: Source) -> Parsed:
    return parse(mastodon, source)


def run_json(value: Any) -> Parsed:
    return run(Source("paste.json", data=json.dumps(value).encode()))


def load(relative: str) -> Any:
    return json.loads(corpus_path(relative).read_text(encoding="utf-8"))


def status_fixture(relative: str = X + "test_entity_status__00_GET_v1_statuses_ID.json") -> Any:
    return load(relative)


# -------------------------------------------------------------- expectations, read from the file


def utc(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def handle_of(account: dict[str, Any]) -> str:
    acct = account["acct"]
    return acct if "@" in acct else f"{acct}@{urlsplit(account['url']).hostname}"


def first_words(status: dict[str, Any], count: int = 3) -> str:
    if "content" in status:
        root = lxml.html.fragment_fromstring(status["content"], create_parent="div")
        first = root[0] if len(root) else root
        words = first.text_content().split()
    else:
        words = status["text"].split()
    return " ".join(words[:count])


def main_statuses(doc: Any) -> list[dict[str, Any]]:
    statuses: list[dict[str, Any]]
    if isinstance(doc, dict) and "ancestors" in doc:
        statuses = doc["ancestors"] + doc["descendants"]
    elif isinstance(doc, dict) and "statuses" in doc:
        statuses = doc["statuses"]
    else:
        statuses = doc if isinstance(doc, list) else [doc]
    return statuses


# -------------------------------------------------------------- the corpus table


def test_the_table_covers_every_file() -> None:
    on_disk = set(corpus_files("mastodon"))
    if not on_disk:
        pytest.skip("the shared corpus is absent")
    assert on_disk == {case.file for case in CASES}


@corpus_table(STATUSES)
def test_corpus_file(case: CorpusCase) -> None:
    run = run_case(case)
    items = run.items
    doc = run.json()
    for item in items:
        assert item.platform == "mastodon" and item.kind == "post"
        assert json.loads(item.raw)  # the evidentiary copy is the JSON of the record
    if not items:
        return

    statuses = main_statuses(doc)
    if isinstance(doc, list) and "id" not in statuses[0]:  # an edit history, oldest first
        newest, oldest = statuses[-1], statuses[0]
        item = items[0]
        assert item.platform_id is None and item.url is None
        assert item.author_handle == handle_of(newest["account"])
        assert item.posted is not None and item.posted.at == utc(oldest["created_at"])
        assert first_words(newest) in " ".join(item.text.split())
        assert len(item.extra["edits"]) == len(statuses)
        return

    status = statuses[0]
    by_id = {i.platform_id: i for i in items}
    item = by_id[status["uri"]]
    assert item.author_handle == handle_of(status["account"])
    assert item.url == status["url"]
    assert item.posted is not None and item.posted.at == utc(status["created_at"])
    assert item.posted.tz_known and item.posted.precision == "second"
    assert item.lang == status["language"]
    if status["spoiler_text"]:
        assert item.text.startswith(f"CW: {status['spoiler_text']}")
    words = first_words(status)
    if words:
        assert words in " ".join(item.text.split())
    if item.extra.get("edit_history") is None and "text" not in status:
        assert json.loads(item.raw) == status


@corpus_table(CASSETTES)
def test_vcr_cassettes_are_containers_not_mastodon(case: CorpusCase) -> None:
    run = run_case(case)
    assert run.items == [] and len(run.rejected) == 1
    assert "not valid JSON" in run.rejected[0].reason


def test_bluesky_files_are_not_mastodon() -> None:
    files = corpus_files("bluesky", "*.json")
    if not files:
        pytest.skip("the shared corpus is absent")
    for relative in files:
        assert mastodon.detect(Source("x", path=corpus_path(relative)).sample()) == 0, relative


# -------------------------------------------------------------- features, on real files


def test_content_warning_sensitive_media_alt_and_custom_emoji() -> None:
    status = status_fixture()
    (item,) = run_json(status)[0]
    assert item.extra["content_warning"] == status["spoiler_text"]
    assert item.text.startswith("CW: test post for mastodon.py stuff\n\n")
    assert ":trans_heart:" in item.text  # custom emoji stay as their shortcode
    assert item.author_name is not None and ":icosahedron:" in item.author_name
    assert "\u200b" in status["account"]["display_name"]  # zero-width space, kept (not a control)
    assert item.extra["sensitive"] is True
    assert item.extra["edited_at"] == utc(status["edited_at"])
    attachment = status["media_attachments"][0]
    assert [(m.url, m.type, m.alt) for m in item.media] == [
        (attachment["url"], "gifv", attachment["description"])
    ]
    assert item.extra["mentions"] == ["halcy@icosahedron.website"]
    assert item.extra["tags"] == ["thisisahashtag"]
    # a remote author: the answering server comes from the hashtag URL
    assert item.extra["server"] == "mastodon.social"
    assert item.extra["local_id"] == f"{status['id']}@mastodon.social"


def test_poll_goes_to_extra_and_text() -> None:
    status = status_fixture(X + "test_entity_poll__00_GET_v1_statuses_ID.json")
    (item,) = run_json(status)[0]
    poll = item.extra["poll"]
    assert [(o["title"], o["votes"]) for o in poll["options"]] == [
        (o["title"], o["votes_count"]) for o in status["poll"]["options"]
    ]
    assert poll["votes_count"] == status["poll"]["votes_count"]
    assert poll["multiple"] is True and poll["expired"] is True
    assert "Poll (64 votes, multiple choice, closed):\n- real: 8\n- fr fr: 17" in item.text
    assert item.text.startswith("secret test poll :hecker:")


def test_boost_yields_the_original_and_refs_it() -> None:
    wrapper = load(X + "test_status_reblog_unreblog__01_POST_v1_statuses_ID_reblog.json")
    original = wrapper["reblog"]
    items, rejected = run_json(wrapper)
    assert rejected == []
    first, boost = items
    assert first.platform_id == original["uri"] and first.text == "Toot!"
    assert boost.platform_id == wrapper["uri"] and wrapper["uri"].endswith("/activity")
    assert boost.refs == (Ref("repost-of", "mastodon", original["uri"], original["url"]),)
    assert boost.text == "Boost of @mastodonpy_test@localhost:\n\nToot!"
    assert boost.extra["boost_of"] == "mastodonpy_test@localhost"
    assert boost.posted is not None and boost.posted.at == utc(wrapper["created_at"])
    assert json.loads(first.raw) == original and json.loads(boost.raw) == wrapper


def test_quote_yields_the_quoted_status_and_refs_it() -> None:
    status = load(X + "test_entity_quote__00_GET_v1_statuses_ID.json")
    quoted = status["quote"]["quoted_status"]
    items, _ = run_json(status)
    by_id = {i.platform_id: i for i in items}
    outer, inner = by_id[status["uri"]], by_id[quoted["uri"]]
    assert Ref("quotes", "mastodon", quoted["uri"], quoted["url"]) in outer.refs
    assert outer.extra["quote"] == {"state": "accepted"}
    # the quoted status itself quotes by local id only: kept, no server known to qualify it
    assert inner.extra["quote"]["quoted_status_id"] == quoted["quote"]["quoted_status_id"]
    assert inner.author_handle == "h4lcy.bsky.social@bsky.brid.gy"  # bridged from Bluesky
    assert "RE: https://bsky.app/profile/" in outer.text


def test_reply_to_a_status_outside_the_document_uses_the_local_id() -> None:
    context = load(X + "test_entity_context__00_GET_v1_statuses_ID_context.json")
    items, _ = run_json(context)
    ancestor, descendant = items
    assert ancestor.extra["context"] == "ancestor" and descendant.extra["context"] == "descendant"
    reply_to = context["descendants"][0]["in_reply_to_id"]
    # a reply to a local account (here the author): its status URL is known too
    author_url = context["descendants"][0]["account"]["url"]
    assert descendant.refs == (
        Ref("reply-to", "mastodon", f"{reply_to}@mastodon.social", f"{author_url}/{reply_to}"),
    )
    assert descendant.extra["in_reply_to_id"] == reply_to
    assert ancestor.extra["local_id"] == f"{context['ancestors'][0]['id']}@mastodon.social"


@pytest.mark.parametrize(
    ("reply", "target"),
    [
        ("test_entity_mediaattachment__01", "test_entity_mediaattachmentvideometadata__00"),
        ("test_entity_mediaattachment__00", "test_entity_mediaattachment__01"),  # remote author
    ],
)
def test_reply_to_a_local_account_links_across_files_by_url(reply: str, target: str) -> None:
    (replying,) = run_json(load(f"{X}{reply}_GET_v1_statuses_ID.json"))[0]
    (replied,) = run_json(load(f"{X}{target}_GET_v1_statuses_ID.json"))[0]
    (ref,) = replying.refs
    assert ref.relation == "reply-to" and ref.url == replied.url
    assert ref.platform_id == replied.extra["local_id"]


def test_reply_within_the_document_resolves_to_the_uri() -> None:
    context = load(X + "test_entity_context__00_GET_v1_statuses_ID_context.json")
    parent = context["ancestors"][0]
    child = dict(context["descendants"][0], in_reply_to_id=parent["id"])
    items, _ = run_json({"ancestors": [parent], "descendants": [child]})
    assert items[1].refs == (Ref("reply-to", "mastodon", parent["uri"], parent["url"]),)


def test_reply_with_no_server_known_keeps_only_the_local_id() -> None:
    status = load(X + "test_entity_searchv2__02_GET_v2_search.json")["statuses"][1]
    (item,) = run_json(status)[0]
    assert item.refs == () and item.extra["in_reply_to_id"] == status["in_reply_to_id"]
    assert "server" not in item.extra


def test_deleted_status_uses_its_plain_text_source() -> None:
    status = load(X + "test_hashtag_tl__03_DELETE_v1_statuses_ID.json")
    assert "content" not in status
    (item,) = run_json(status)[0]
    assert item.text == status["text"] and item.extra["deleted"] is True


def test_edit_history_is_one_item_with_every_version() -> None:
    versions = load(X + "test_entity_statusedit__01_GET_v1_statuses_ID_history.json")
    (item,) = run_json(versions)[0]
    assert item.platform_id is None and item.url is None
    assert item.text.startswith("test?\n\nPoll:\n- oh no I totally can\n- edit polls")
    assert [e["created_at"] for e in item.extra["edits"]] == [
        utc(v["created_at"]) for v in versions
    ]
    assert "poll" not in item.extra["edits"][0] and "poll" in item.extra["edits"][1]
    assert item.extra["edited_at"] == utc(versions[-1]["created_at"])
    assert item.author_handle == "halcy@mastodon.social"


def test_status_source_is_recognised_and_rejected_clearly() -> None:
    path = corpus_path(X + "test_status_edit__05_GET_v1_statuses_ID_source.json")
    items, rejected = run(Source(path.name, path=path))
    assert items == [] and rejected[0].record == 1 and "StatusSource" in rejected[0].reason


def test_broken_html_from_the_documentation_example() -> None:
    status = load("mastodon/mastodon_documentation/Status.md.example.json")
    (item,) = run_json(status)[0]
    assert item.text.startswith('"I lost my inheritance with one wrong digit on my sort code"')
    # the hidden parts of a shortened link are text too: the whole URL is kept
    assert status["card"]["url"] in item.text
    assert item.author_handle == "Gargron@mastodon.social"
    assert item.extra["card"]["title"].startswith("‘I lost my £193,000 inheritance")
    assert item.extra["counts"] == {"replies": 5, "reblogs": 6, "favourites": 11}


def test_nested_copies_are_given_once_per_document() -> None:
    wrapper = load(X + "test_status_reblog_unreblog__01_POST_v1_statuses_ID_reblog.json")
    second = dict(wrapper, id="1", uri=wrapper["uri"] + "/2", url=wrapper["url"] + "/2")
    items, _ = run_json([wrapper, second])
    ids = [i.platform_id for i in items]
    assert ids == [wrapper["reblog"]["uri"], wrapper["uri"], second["uri"]]
    assert items[2].refs[0].platform_id == wrapper["reblog"]["uri"]


# -------------------------------------------------------------- JSON Lines


def test_json_lines_stream_with_line_numbers_and_raw_lines() -> None:
    timeline = load(X + "test_public_tl__02_GET_v1_timelines_public.json")
    lines = [json.dumps(s, ensure_ascii=False).encode() for s in timeline[:3]]
    data = lines[0] + b"\n\n" + lines[1] + b"\n" + b'{"id": "1", "account": {' + b"\n" + lines[2]
    source = Source("statuses.jsonl", data=data)
    assert mastodon.detect(source.sample()) >= 60
    items, rejected = run(source)
    assert [i.record for i in items] == [1, 3, 5]
    assert [i.raw for i in items] == lines
    assert [i.platform_id for i in items] == [s["uri"] for s in timeline[:3]]
    assert [(r.record, r.line) for r in rejected] == [(4, 4)]
    assert "not valid JSON" in rejected[0].reason
    assert all(i.extra["server"] == "localhost" for i in items)


def test_json_lines_whose_first_line_is_cut() -> None:
    status = load(X + "test_hashtag_tl__00_POST_v1_statuses.json")
    line = json.dumps(status).encode()
    items, rejected = run(Source("x.jsonl", data=line[:50] + b"\n" + line + b"\n"))
    assert [i.record for i in items] == [2] and [r.line for r in rejected] == [1]


# -------------------------------------------------------------- hostile input


def test_escapes_rich_markup_and_bidi_are_stored_clean() -> None:
    status = status_fixture()
    status["content"] = (
        "<p>\x1b[31mred\x1b[0m [bold red]loud[/] \u202eevil\u202c שלום 😀</p>"
        "<p>x<br>&#27;[2Jcleared &#x9b;31m</p>"
    )
    status["spoiler_text"] = "\x1b]52;c;ZXZpbA==\x07warning"
    status["account"]["display_name"] = "\x1b]8;;https://evil.example\x07[link]Name[/link]"
    status["media_attachments"][0]["description"] = "alt \x1b[1mbold\x1b[0m"
    (item,) = run_json(status)[0]
    shown = item.text + (item.author_name or "") + (item.media[0].alt or "")
    for bad in ("\x1b", "\x07", "\x9b", "\u202e", "\u202c", "[31m", "[2J", "52;c"):
        assert bad not in shown
    assert "[bold red]loud[/]" in item.text  # Rich markup stays literal text
    assert "שלום 😀" in item.text and "cleared" in item.text
    assert item.author_name == "[link]Name[/link]"
    assert item.extra["content_warning"] == "warning" and item.media[0].alt == "alt bold"


def test_lone_surrogates_do_not_break_text_or_raw() -> None:
    status = status_fixture()
    status["content"] = "<p>a\ud800b</p>"
    data = json.dumps(status).encode()  # "\ud800" escaped: valid JSON, invalid Unicode
    (item,) = run(Source("x", data=data))[0]
    assert item.text.endswith("a\ufffdb")
    assert json.loads(item.raw)["content"] == "<p>a\ud800b</p>"


def test_truncated_file_is_one_clear_rejection() -> None:
    data = corpus_path(X + "test_home_tl__01_GET_v1_timelines_home.json").read_bytes()[:5000]
    items, rejected = run(Source("cut.json", data=data))
    assert items == [] and len(rejected) == 1
    assert rejected[0].reason.startswith("not valid JSON") and rejected[0].line
    assert mastodon.detect(Sample(data, "cut.json")) > 0  # still recognised as Mastodon


@pytest.mark.parametrize("data", [b"", b"   \n\t", b"\x00\xff\xfe garbage \x80\x81", b"[[[[", b"{"])
def test_empty_garbage_and_broken_input(data: bytes) -> None:
    items, rejected = run(Source("bad", data=data))
    assert items == [] and len(rejected) == 1
    assert mastodon.detect(Sample(data, "bad")) == 0


def test_wrong_encodings_are_read() -> None:
    status = status_fixture(X + "test_hashtag_tl__00_POST_v1_statuses.json")
    status.pop("text", None)
    status["content"] = "<p>café naïve – “quoted”</p>"
    text = json.dumps(status, ensure_ascii=False)
    for data in (text.encode("cp1252"), text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode()):
        (item,) = run(Source("x", data=data))[0]
        assert item.text == "café naïve – “quoted”"
    assert mastodon.detect(Sample(text.encode("utf-16"), "x")) >= 60


def test_ten_megabyte_text_field() -> None:
    status = status_fixture(X + "test_hashtag_tl__00_POST_v1_statuses.json")
    status["content"] = "<p>" + "word " * 2_100_000 + "</p>"
    data = json.dumps(status).encode()
    assert len(data) > 10_000_000
    assert mastodon.detect(Sample(data[:65536], "big.json")) >= 60
    (item,) = run(Source("big.json", data=data))[0]
    assert len(item.text) == len("word " * 2_100_000) - 1


def test_deeply_nested_json_is_rejected_not_raised() -> None:
    data = b"[" * 200_000 + b"]" * 200_000
    items, rejected = run(Source("deep.json", data=data))
    assert items == [] and "nested too deeply" in rejected[0].reason
    deep_quote: dict[str, Any] = status_fixture()
    for _ in range(300):  # quotes of quotes, deeper than any server nests
        outer = status_fixture()
        outer["uri"] = f"{deep_quote['uri']}/q"
        outer["quote"] = {"state": "accepted", "quoted_status": deep_quote}
        deep_quote = outer
    items, rejected = run_json(deep_quote)
    assert rejected == [] and 1 <= len(items) <= 8


def test_bad_records_are_rejected_and_the_rest_goes_in() -> None:
    good = status_fixture(X + "test_hashtag_tl__00_POST_v1_statuses.json")
    odd_types = dict(good, uri=good["uri"] + "/x", content=12, account=dict(good["account"]))
    odd_types["account"]["display_name"] = ["not", "a", "string"]
    items, rejected = run_json([good, "a string", {"id": "1"}, odd_types, None])
    assert [i.record for i in items] == [1, 4]
    assert items[1].text == "" and items[1].author_name is None
    assert [r.record for r in rejected] == [2, 3, 5]


def test_not_mastodon_at_all() -> None:
    values: tuple[Any, ...] = ({"data": [{"id": "1", "text": "a tweet"}]}, 42, {"feed": []})
    for value in values:
        items, rejected = run_json(value)
        assert items == [] and len(rejected) == 1
        assert mastodon.detect(Sample(json.dumps(value).encode(), "x")) == 0
