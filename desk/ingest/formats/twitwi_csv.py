"""CSV exports of minet / twitwi: tweets and Bluesky posts, by their header.

minet (the médialab's web-mining tool, which many newsrooms use) writes its
tweets and Bluesky posts through twitwi's formatters, one row per post, with
the columns of twitwi's `TWEET_FIELDS` and of its Bluesky post type:

- tweets: `id,timestamp_utc,local_time,user_screen_name,text,possibly_sensitive,
  retweet_count,like_count,reply_count,lang,to_username,to_userid,to_tweetid,…,
  retweeted_id,…,quoted_id,…,url,…,links,domains,media_urls,media_files,
  media_types,mentioned_names,mentioned_ids,hashtags`
- Bluesky posts: `cid,did,uri,url,timestamp_utc,local_time,indexed_at_utc,
  user_did,user_handle,text,original_text,…,to_post_uri,…,quoted_uri,…,
  media_urls,media_thumbnails,media_types,media_alt_texts,…`

Choices, and why:

- Rows are streamed with their exact bytes by `_csvrows` (the csv module,
  never a regex: texts hold newlines inside quoted fields), so a row's raw
  record is the row as it stands in the file and `record` its first line.
- `timestamp_utc` is epoch seconds, written as a float (`1610005273.0`):
  that is the posted time, to the second, in UTC. `local_time` has no zone
  (it is in the collector's zone) and is used only when `timestamp_utc` is
  missing, then with `tz_known=False`.
- A tweet is keyed as every other tweet reader keys it (`formats/_twitter`):
  platform "twitter", `platform_id` the decimal id, url
  `https://twitter.com/{screen name}/status/{id}`; so a tweet from a twitwi
  CSV and from a twarc or v1.1 export is one item. Replies, retweets and
  quotes become Refs by id.
- A Bluesky post is keyed as the `bluesky` format keys it: `platform_id` its
  `at://` URI, url `https://bsky.app/profile/{handle}/post/{rkey}`. Its text
  is `original_text` (the author's words; twitwi's `text` appends the quoted
  post and media links) when the export has it.
- Plural cells (`links`, `hashtags`, `media_urls` …) are `|`-separated.
- A row without an id (tweets) or URI (Bluesky) is rejected with its line;
  a row shorter than the header (a file cut short) too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from db.models import Media
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.formats._csvrows import header_of, header_row, rows, wide_codec
from desk.ingest.formats._twitter import PLATFORM as TWITTER
from desk.ingest.formats._twitter import (
    clean_handle,
    lang_code,
    profile_url,
    safe_url,
    status_ref,
    status_url,
    tweet_id,
)
from desk.ingest.times import from_unix, iso_time
from desk.ingest.values import line_of, mime_kind, text_of

NAME = "twitwi-csv"
BLUESKY = "bluesky"

_TWEET_COLUMNS = {"id", "timestamp_utc", "local_time", "user_screen_name", "text"}
_BLUESKY_COLUMNS = {"cid", "did", "uri", "url", "timestamp_utc", "user_handle", "text"}
_TWEET_COUNTS = ("retweet_count", "like_count", "reply_count", "impression_count")
_BLUESKY_COUNTS = ("repost_count", "like_count", "reply_count", "quote_count", "bookmark_count")
_TWEET_REFS = (
    ("to_tweetid", "reply-to", "to_username"),
    ("retweeted_id", "repost-of", "retweeted_user"),
    ("quoted_id", "quotes", "quoted_user"),
)
_AT_POST = re.compile(r"^at://([^/\s]{1,2048})/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})$")


def _dialect(header: list[str]) -> str | None:
    names = {h.strip() for h in header}
    if names >= _TWEET_COLUMNS:
        return "tweets"
    if names >= _BLUESKY_COLUMNS:
        return "bluesky"
    return None


def detect(sample: Sample) -> int:
    """A CSV whose header row holds twitwi's tweet or Bluesky post columns."""
    text = sample.text
    codec = wide_codec(sample.head)
    if codec:
        text = sample.head.decode(codec, errors="replace").lstrip("\ufeff")
    header = header_of(text)
    return 92 if header is not None and _dialect(header) else 0


# ---------------------------------------------------------------- cells


def _cell(row: dict[str, str], name: str) -> str | None:
    value = (row.get(name) or "").strip()
    return value or None


def _plural(row: dict[str, str], name: str) -> list[str]:
    """A `|`-separated cell as clean one-line values."""
    return [line_of(part) for part in (row.get(name) or "").split("|") if line_of(part)]


def _counts(row: dict[str, str], names: tuple[str, ...]) -> dict[str, int]:
    """The counters among `names`; twitwi may write them as floats (`14.0`)."""
    found = {}
    for name in names:
        value = _cell(row, name)
        try:
            number = float(value) if value else None
        except ValueError:
            number = None
        if number is not None and number.is_integer() and 0 <= number < 2**63:
            found[name] = int(number)
    return found


def _posted(row: dict[str, str]) -> Posted | None:
    """`timestamp_utc` (epoch seconds, maybe a float); else the zoneless `local_time`."""
    stamp = _cell(row, "timestamp_utc")
    if stamp:
        try:
            seconds = float(stamp)
        except ValueError:
            seconds = None
        if seconds is not None and 0 < seconds < 1e11:
            return from_unix(seconds)
    local = _cell(row, "local_time")
    posted = iso_time(local) if local else None
    return Posted(posted.at, posted.precision, False) if posted else None


def _common_extra(row: dict[str, str], note: str | None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name, key in (("hashtags", "tags"), ("links", "links"), ("collected_via", "collected_via")):
        values = _plural(row, name)
        if values:
            extra[key] = values
    if note:
        extra["encoding"] = note
    return extra


# ---------------------------------------------------------------- tweets


def _tweet(row: dict[str, str], start: int, raw: bytes, note: str | None) -> ParsedItem | Rejected:
    status_id = tweet_id(_cell(row, "id"))
    if status_id is None:
        return Rejected(start, "no tweet id in the id column", line=start)
    handle = clean_handle(_cell(row, "user_screen_name"))
    refs = []
    for column, relation, user in _TWEET_REFS:
        ref = status_ref(relation, tweet_id(_cell(row, column)), clean_handle(_cell(row, user)))
        if ref is not None:
            refs.append(ref)
    urls = _plural(row, "media_urls")
    kinds = _plural(row, "media_types")
    media = []
    for index, url in enumerate(urls):
        safe = safe_url(url)
        if safe:
            kind = kinds[index] if index < len(kinds) else "unknown"
            media.append(Media(url=safe, type=kind, alt=None))
    extra = _common_extra(row, note)
    counts = _counts(row, _TWEET_COUNTS)
    if counts:
        extra["counts"] = counts
    mentions = _plural(row, "mentioned_names")
    if mentions:
        extra["mentions"] = mentions
    for name in ("user_id", "source_name", "place_name", "place_country_code"):
        value = line_of(_cell(row, name))
        if value:
            extra[name] = value
    if (_cell(row, "possibly_sensitive") or "").lower() in ("1", "true"):
        extra["sensitive"] = True
    return ParsedItem(
        platform=TWITTER,
        text=text_of(row.get("text")),
        raw=raw,
        kind="post",
        platform_id=status_id,
        url=status_url(handle, status_id),
        author_name=line_of(row.get("user_name")) or None,
        author_handle=handle,
        author_url=profile_url(handle),
        lang=lang_code(_cell(row, "lang")),
        posted=_posted(row),
        media=tuple(media),
        refs=tuple(refs),
        extra=extra,
        record=start,
    )


# ---------------------------------------------------------------- Bluesky posts


def _post_url(uri: str, handle: str | None) -> str | None:
    match = _AT_POST.match(uri)
    if not match:
        return None
    who = handle or match.group(1)
    return f"https://bsky.app/profile/{quote(who, safe=':.')}/post/{quote(match.group(2), safe='')}"


def _bluesky_ref(relation: str, uri: str | None) -> Ref | None:
    uri = line_of(uri)
    if not _AT_POST.match(uri):
        return None
    return Ref(relation, platform=BLUESKY, platform_id=uri, url=_post_url(uri, None))


def _handle(value: str | None) -> str | None:
    handle = line_of(value).lstrip("@")
    return handle if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", handle) else None


def _bluesky(
    row: dict[str, str], start: int, raw: bytes, note: str | None
) -> ParsedItem | Rejected:
    uri = line_of(_cell(row, "uri"))
    if not uri.startswith("at://"):
        return Rejected(start, "no at:// URI in the uri column", line=start)
    handle = _handle(_cell(row, "user_handle"))
    url = safe_url(_cell(row, "url"))
    if not url or not url.startswith("https://bsky.app/"):
        url = _post_url(uri, handle)
    text = text_of(row["original_text"]) if "original_text" in row else text_of(row.get("text"))
    card = safe_url(_cell(row, "card_link"))
    extra = _common_extra(row, note)
    if card:
        title = line_of(row.get("card_title"))
        extra["external"] = {
            "uri": card,
            "title": title or None,
            "description": text_of(row.get("card_description")) or None,
        }
        link = f"Link: {title} ({card})" if title else f"Link: {card}"
        text = f"{text}\n\n{link}" if text else link
    refs = [
        ref
        for ref in (
            _bluesky_ref("reply-to", _cell(row, "to_post_uri")),
            _bluesky_ref("quotes", _cell(row, "quoted_uri")),
        )
        if ref is not None
    ]
    urls = _plural(row, "media_urls")
    kinds = _plural(row, "media_types")
    alts = (row.get("media_alt_texts") or "").split("|")
    media = []
    for index, media_url in enumerate(urls):
        safe = safe_url(media_url)
        if safe:
            kind = mime_kind(kinds[index]) if index < len(kinds) else "unknown"
            alt = text_of(alts[index]) if index < len(alts) else ""
            media.append(Media(url=safe, type=kind, alt=alt or None))
    counts = _counts(row, _BLUESKY_COUNTS)
    if counts:
        extra["counts"] = counts
    mentions = _plural(row, "mentioned_user_handles")
    if mentions:
        extra["mentions"] = mentions
    for name, key in (("did", "rkey"), ("user_did", "did"), ("cid", "cid")):
        value = line_of(_cell(row, name))
        if value:
            extra[key] = value
    reposter = _handle(_cell(row, "repost_by_user_handle"))
    if reposter:
        extra["reposted_by"] = reposter
    user_url = safe_url(_cell(row, "user_url"))
    return ParsedItem(
        platform=BLUESKY,
        text=text,
        raw=raw,
        kind="post",
        platform_id=uri,
        url=url,
        author_name=line_of(row.get("user_diplay_name") or row.get("user_display_name")) or None,
        author_handle=handle,
        author_url=user_url or (f"https://bsky.app/profile/{handle}" if handle else None),
        posted=_posted(row),
        media=tuple(media),
        refs=tuple(refs),
        extra=extra,
        record=start,
    )


# ---------------------------------------------------------------- parsing


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Items of a twitwi CSV, one per data row, rows streamed."""
    lines = rows(source)
    refused, header = header_row(lines)
    yield from refused
    if header is None:
        yield Rejected(None, "empty CSV: no header row")
        return
    dialect = _dialect(header)
    if dialect is None:
        shown = ", ".join(line_of(h)[:30] for h in header[:6])
        yield Rejected(1, f"not a twitwi tweet or Bluesky post header ({shown} …)", line=1)
        return
    build = _tweet if dialect == "tweets" else _bluesky
    width = len(header)
    for row in lines:
        if isinstance(row, Rejected):
            yield row
            continue
        if len(row.fields) < width:
            reason = f"{len(row.fields)} fields where the header has {width} (cut short?)"
            yield Rejected(row.start, reason, line=row.start)
            continue
        cells = dict(zip(header, row.fields, strict=False))
        try:
            yield build(cells, row.start, row.raw, row.note)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            yield Rejected(row.start, f"unreadable row ({type(exc).__name__})", line=row.start)
