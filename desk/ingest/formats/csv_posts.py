"""CSV exports of social posts: twarc-csv and CrowdTangle-style, by their header.

Recognised headers (detect() reads only the header row of the sample):

- twarc-csv (`twarc2 csv`): `id`, `text` and v2 columns such as `author_id`,
  `author.username`, `created_at`, `conversation_id`,
  `referenced_tweets.replied_to.id` … Older twarc-csv versions JSON-encoded
  the text cell (`"...\\u2019..."`) and kept `referenced_tweets` as a JSON
  list; current ones escape newlines as a literal backslash-n. Both are read.
- CrowdTangle API exports (as CooRnet writes them with R `write.csv`):
  `platformId`, `platform`, `date`, `postUrl`, `message`, `account.name`,
  `account.handle` …, with `NA` for missing values and space-padded numbers.
- CrowdTangle dashboard exports: `Page Name` / `Account`, `User Name`,
  `Post Created` (with a zone abbreviation such as `EDT`), `Message`,
  `URL`, `Link`, `Type`, interaction counts …

Why it is built this way:

- Rows are streamed: the file is read one physical line at a time and fed to
  the csv module, so a row's exact bytes (all its lines, when a quoted field
  holds newlines) are its raw record and `record` is the line the row starts
  on. The csv field size limit is raised so a 10 MB field is one field.
- Bytes are read as UTF-8 (a BOM is fine). A line that is not UTF-8 is read
  with the encoding charset-normalizer guesses from a sample of the file, and
  the items of that row say so in `extra["encoding"]`.
- A row without the columns the dialect needs (a tweet id; a post URL or id)
  is rejected with its line number and the rest goes on.
- Platforms: twarc-csv rows are "twitter"; CrowdTangle rows take their
  platform from the row ("facebook", "instagram", …), since CrowdTangle only
  covered Meta platforms. Facebook posts have no handle-free canonical URL
  form to rebuild, so the export's own post URL is kept as given.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from db.models import Media
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected, Sample, Source
from desk.ingest.formats._csvrows import header_of, header_row, rows, wide_codec
from desk.ingest.formats._twitter import (
    PLATFORM,
    best_video_url,
    clean_handle,
    expand_links,
    lang_code,
    profile_url,
    safe_url,
    status_url,
    tweet_id,
    tweet_time,
)
from desk.ingest.times import from_text, zone_offset
from desk.ingest.values import int_or_none
from desk.text import clean_line, clean_text

NAME = "csv"

_TWARC_SIGNALS = {
    "author_id", "author.username", "author.name", "created_at", "conversation_id",
    "public_metrics.like_count", "referenced_tweets.replied_to.id", "edit_history_tweet_ids",
}  # fmt: skip
_CT_API_SIGNALS = {"platformId", "postUrl", "account.name", "account.handle", "message", "date"}
_CT_DASH_NAMES = {"Page Name", "Account", "User Name", "Facebook Id"}
_CT_DASH_TEXT = {"Message", "Description", "Title", "Image Text", "Link Text"}
_TWARC_COUNTS = {
    "public_metrics.retweet_count": "retweet_count",
    "public_metrics.reply_count": "reply_count",
    "public_metrics.like_count": "like_count",
    "public_metrics.quote_count": "quote_count",
    "public_metrics.impression_count": "impression_count",
}
_REF_COLUMNS = (
    ("referenced_tweets.replied_to.id", "reply-to", "in_reply_to_username"),
    ("referenced_tweets.quoted.id", "quotes", "quoted_username"),
    ("referenced_tweets.retweeted.id", "repost-of", "retweeted_username"),
)
_REF_TYPES = {"replied_to": "reply-to", "quoted": "quotes", "retweeted": "repost-of"}
_CT_DASH_COUNTS = (
    "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care",
    "Total Interactions", "Views", "Post Views", "Total Views",
)  # fmt: skip
# CrowdTangle dashboards print a zone abbreviation after times (`... 12:00:01
# EDT`); its offset is `times.zone_offset`'s, the one table of them.
_ZONE_SUFFIX = re.compile(r"^(.*\d)\s+([A-Z]{1,5})$")


# --------------------------------------------------------------------------
# header recognition
# --------------------------------------------------------------------------


def _dialect(header: list[str]) -> str | None:
    """Which export a header row belongs to: "twarc", "ct-api", "ct-dash" or None."""
    names = {h.strip() for h in header}
    if {"id", "text"} <= names and names & _TWARC_SIGNALS:
        return "twarc"
    if ("postUrl" in names or "platformId" in names) and len(names & _CT_API_SIGNALS) >= 3:
        return "ct-api"
    if (
        "URL" in names
        and names & _CT_DASH_NAMES
        and names & _CT_DASH_TEXT
        and ("Post Created" in names or "Created" in names)
    ):
        return "ct-dash"
    return None


def detect(sample: Sample) -> int:
    """A CSV whose header row is a known social-post export."""
    text = sample.text
    codec = wide_codec(sample.head)
    if codec:  # Excel "Unicode text" and other UTF-16/32 exports
        text = sample.head.decode(codec, errors="replace").lstrip("\ufeff")
    header = header_of(text)
    if header is None:
        return 0
    dialect = _dialect(header)
    return {"twarc": 90, "ct-api": 85, "ct-dash": 85}.get(dialect or "", 0)


# --------------------------------------------------------------------------
# cell helpers
# --------------------------------------------------------------------------


def _cell(row: dict[str, str], name: str, *, na: bool = False) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    value = value.strip()
    if not value or (na and value == "NA"):
        return None
    return value


def _json_cell(value: str | None) -> Any:
    if not value or value[:1] not in ("[", "{", '"'):
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def _twarc_text(value: str | None) -> str:
    """A twarc-csv text cell as the tweet's text.

    Old twarc-csv JSON-encoded the cell ("\\u2019", "\\n" inside quotes);
    current twarc-csv writes newlines as a literal backslash-n.
    """
    if not value:
        return ""
    decoded = _json_cell(value) if value.startswith('"') and value.endswith('"') else None
    if isinstance(decoded, str):
        return decoded
    return value.replace("\\n", "\n")


def _posted(value: str | None) -> Posted | None:
    """A time cell; a trailing zone abbreviation (EDT, CET …) becomes an offset."""
    if not value:
        return None
    match = _ZONE_SUFFIX.match(value.strip())
    if match:
        moment, zone = match.groups()
        offset = zone_offset(zone)
        return from_text(f"{moment} {offset}" if offset else moment)
    return from_text(value)


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    return int_or_none(value.replace(",", "").strip())


# --------------------------------------------------------------------------
# twarc-csv rows
# --------------------------------------------------------------------------


def _twarc_media(row: dict[str, str]) -> tuple[Media, ...]:
    entries = _json_cell(_cell(row, "attachments.media"))
    out: list[Media] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        kind = clean_line(entry.get("type")) or "unknown"
        url = safe_url(entry.get("url"))
        if kind in ("video", "animated_gif"):
            url = safe_url(best_video_url(entry.get("variants"))) or url
        url = url or safe_url(entry.get("preview_image_url"))
        if url:
            alt = clean_text(entry["alt_text"]) if isinstance(entry.get("alt_text"), str) else ""
            out.append(Media(url=url, type=kind, alt=alt or None))
    return tuple(out)


def _twarc_refs(row: dict[str, str]) -> tuple[Ref, ...]:
    refs: dict[tuple[str, str], Ref] = {}
    for column, relation, user_column in _REF_COLUMNS:
        ref_id = tweet_id(_cell(row, column))
        if ref_id:
            handle = clean_handle(_cell(row, user_column))
            url = status_url(handle, ref_id) if handle else None
            refs[(relation, ref_id)] = Ref(relation, platform=PLATFORM, platform_id=ref_id, url=url)
    listed = _json_cell(_cell(row, "referenced_tweets"))
    entries: list[tuple[str, Any]] = []
    if isinstance(listed, list):  # old twarc-csv: [{"type": "quoted", "id": "…"}]
        entries = [(str(e.get("type")), e.get("id")) for e in listed if isinstance(e, dict)]
    elif isinstance(listed, dict):  # {"quoted": {"id": "…"}}
        entries = [(str(k), v.get("id") if isinstance(v, dict) else v) for k, v in listed.items()]
    for kind, raw_id in entries:
        listed_relation = _REF_TYPES.get(kind)
        ref_id = tweet_id(raw_id)
        if listed_relation and ref_id and (listed_relation, ref_id) not in refs:
            refs[(listed_relation, ref_id)] = Ref(
                listed_relation, platform=PLATFORM, platform_id=ref_id
            )
    return tuple(refs.values())


def _twarc_item(
    row: dict[str, str], start: int, raw: bytes, note: str | None
) -> ParsedItem | Rejected:
    status_id = tweet_id(_cell(row, "id"))
    if status_id is None:
        return Rejected(start, "no tweet id in the id column", line=start)
    handle = clean_handle(_cell(row, "author.username"))
    name = clean_line(_cell(row, "author.name")) or None
    urls = _json_cell(_cell(row, "entities.urls"))
    url_entities = [u for u in urls if isinstance(u, dict)] if isinstance(urls, list) else None
    raw_text = html.unescape(_twarc_text(row.get("text")))
    text = clean_text(expand_links(raw_text, url_entities))

    extra: dict[str, Any] = {"export": "twarc-csv"}
    counts = {}
    for column, key in _TWARC_COUNTS.items():
        number = _number(_cell(row, column))
        if number is not None:
            counts[key] = number
    if counts:
        extra["counts"] = counts
    conversation = tweet_id(_cell(row, "conversation_id"))
    if conversation:
        extra["conversation_id"] = conversation
    history = _json_cell(_cell(row, "edit_history_tweet_ids"))
    if isinstance(history, list):
        ids = [i for i in (tweet_id(h) for h in history) if i]
        if len(ids) > 1:
            extra["edit_history_tweet_ids"] = ids
            extra["latest_version_id"] = ids[-1]
            extra["is_latest_version"] = ids[-1] == status_id
    source = _cell(row, "source")
    if source:
        extra["source"] = clean_line(source)
    place = _cell(row, "geo.full_name")
    if place:
        extra["place"] = clean_line(place)
    author_id = tweet_id(_cell(row, "author_id")) or tweet_id(_cell(row, "author.id"))
    if author_id:
        extra["author_id"] = author_id
    if (_cell(row, "author.verified") or "").lower() == "true":
        extra["author_verified"] = True
    if (_cell(row, "possibly_sensitive") or "").lower() == "true":
        extra["possibly_sensitive"] = True
    row_type = _cell(row, "type")
    if row_type:  # old twarc-csv: a referenced tweet inlined as its own row
        extra["inlined_as"] = clean_line(row_type)
    if _cell(row, "referenced_tweets.retweeted.id"):
        extra["text_is_of_retweeted_tweet"] = True  # twarc-csv merges retweet text
    if note:
        extra["encoding"] = note
    return ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw,
        kind="post",
        platform_id=status_id,
        url=status_url(handle, status_id),
        author_name=name,
        author_handle=handle,
        author_url=profile_url(handle),
        lang=lang_code(_cell(row, "lang")),
        posted=tweet_time(_cell(row, "created_at")),
        media=_twarc_media(row),
        refs=_twarc_refs(row),
        extra=extra,
        record=start,
    )


# --------------------------------------------------------------------------
# CrowdTangle rows
# --------------------------------------------------------------------------


def _ct_text(message: str | None, title: str | None, description: str | None) -> tuple[str, bool]:
    """The post's own message; for a bare link share, the link's title and blurb."""
    if message:
        return clean_text(message), False
    parts = [clean_text(p) for p in (title, description) if p]
    return "\n\n".join(p for p in parts if p), bool(parts)


def _ct_api_item(
    row: dict[str, str], start: int, raw: bytes, note: str | None
) -> ParsedItem | Rejected:
    url = safe_url(_cell(row, "postUrl", na=True))
    post_id = _cell(row, "platformId", na=True)
    if not url and not post_id:
        return Rejected(start, "no postUrl or platformId", line=start)
    platform = clean_line(_cell(row, "platform", na=True) or "facebook").lower() or "facebook"
    title = _cell(row, "title", na=True)
    description = _cell(row, "description", na=True)
    text, from_link = _ct_text(_cell(row, "message", na=True), title, description)
    handle = clean_handle(_cell(row, "account.handle", na=True))
    extra: dict[str, Any] = {"export": "crowdtangle-api"}
    post_type = _cell(row, "type", na=True)
    if post_type:
        extra["post_type"] = clean_line(post_type)
    if from_link:
        extra["text_from"] = "link title and description (the post has no message)"
    link = safe_url(_cell(row, "expanded", na=True)) or safe_url(_cell(row, "link", na=True))
    if link:
        extra["link"] = link
    if title:
        extra["link_title"] = clean_line(title)
    counts = {}
    for column in row:
        if column.startswith("statistics.actual."):
            number = _number(_cell(row, column, na=True))
            if number is not None:
                counts[column.removeprefix("statistics.actual.")] = number
    if counts:
        extra["counts"] = counts
    for column, key in (
        ("account.accountType", "account_type"),
        ("account.pageCategory", "page_category"),
        ("account.pageAdminTopCountry", "page_admin_top_country"),
        ("account.platformId", "account_platform_id"),
    ):
        value = _cell(row, column, na=True)
        if value:
            extra[key] = clean_line(value)
    subscribers = _number(_cell(row, "account.subscriberCount", na=True))
    if subscribers is not None:
        extra["subscriber_count"] = subscribers
    if (_cell(row, "account.verified", na=True) or "").upper() == "TRUE":
        extra["author_verified"] = True
    for column, key in (("is.orig", "is_original"), ("is.coordinated", "is_coordinated")):
        value = (_cell(row, column, na=True) or "").upper()
        if value in ("TRUE", "FALSE"):
            extra[key] = value == "TRUE"  # CooRnet's coordinated-link-sharing marks
    if note:
        extra["encoding"] = note
    return ParsedItem(
        platform=platform,
        text=text,
        raw=raw,
        kind="post",
        platform_id=clean_line(post_id) or None,  # an id of controls only is no id
        url=url,
        author_name=clean_line(_cell(row, "account.name", na=True)) or None,
        author_handle=handle,
        author_url=safe_url(_cell(row, "account.url", na=True)),
        title=clean_line(title) if title else None,
        lang=clean_line(_cell(row, "languageCode", na=True)) or None,
        posted=_posted(_cell(row, "date", na=True)),
        extra=extra,
        record=start,
    )


def _ct_dash_item(
    row: dict[str, str], start: int, raw: bytes, note: str | None
) -> ParsedItem | Rejected:
    url = safe_url(_cell(row, "URL"))
    if not url:
        return Rejected(start, "no post URL in the URL column", line=start)
    instagram = "Account" in row and "Page Name" not in row
    platform = "instagram" if instagram or "instagram.com/" in url else "facebook"
    title = _cell(row, "Link Text") or _cell(row, "Title")
    description = _cell(row, "Description")
    message = _cell(row, "Message") or (description if instagram else None)
    text, from_link = _ct_text(message, title, None if instagram else description)
    handle = clean_handle(_cell(row, "User Name"))
    name = clean_line(_cell(row, "Page Name") or _cell(row, "Account")) or None
    extra: dict[str, Any] = {"export": "crowdtangle-dashboard"}
    post_type = _cell(row, "Type")
    if post_type:
        extra["post_type"] = clean_line(post_type)
    if from_link:
        extra["text_from"] = "link title and description (the post has no message)"
    link = safe_url(_cell(row, "Final Link")) or safe_url(_cell(row, "Link"))
    if link:
        extra["link"] = link
    image_text = _cell(row, "Image Text")
    if image_text:
        extra["image_text"] = clean_text(image_text)
    counts = {}
    for column in _CT_DASH_COUNTS:
        number = _number(_cell(row, column))
        if number is not None:
            counts[column.lower().replace(" ", "_")] = number
    if counts:
        extra["counts"] = counts
    for column, key in (
        ("Page Category", "page_category"),
        ("Page Admin Top Country", "page_admin_top_country"),
        ("Facebook Id", "account_platform_id"),
    ):
        value = _cell(row, column)
        if value:
            extra[key] = clean_line(value)
    if note:
        extra["encoding"] = note
    created = _cell(row, "Post Created") or _cell(row, "Created")
    return ParsedItem(
        platform=platform,
        text=text,
        raw=raw,
        kind="post",
        platform_id=None,
        url=url,
        author_name=name,
        author_handle=handle,
        author_url=(f"https://www.instagram.com/{handle}/" if instagram and handle else None),
        title=clean_line(title) if title else None,
        posted=_posted(created),
        extra=extra,
        record=start,
    )


_BUILDERS = {"twarc": _twarc_item, "ct-api": _ct_api_item, "ct-dash": _ct_dash_item}


def parse(source: Source) -> Iterator[ParsedItem | Rejected]:
    """Items of a social-post CSV, one per data row, rows streamed."""
    lines = rows(source)
    refused, header = header_row(lines)
    yield from refused
    if header is None:
        return
    dialect = _dialect(header)
    if dialect is None:
        yield Rejected(
            1,
            "line 1: not a recognised social-post CSV header "
            f"({', '.join(clean_line(h)[:30] for h in header[:6])} …)",
            line=1,
        )
        return
    build = _BUILDERS[dialect]
    width = len(header)
    for row in lines:
        if isinstance(row, Rejected):
            yield row
            continue
        if len(row.fields) < width:
            yield Rejected(
                row.start,
                f"{len(row.fields)} fields where the header has {width} (cut short?)",
                line=row.start,
            )
            continue
        cells = dict(zip(header, row.fields, strict=False))
        try:
            yield build(cells, row.start, row.raw, row.note)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            yield Rejected(
                row.start,
                f"unreadable row ({type(exc).__name__})",
                line=row.start,
            )
