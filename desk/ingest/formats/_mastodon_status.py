"""A Mastodon Status as desk items: the status, the copies it carries, its refs.

What `mastodon.py` (timelines, contexts, search results, JSON Lines),
`_mastodon_stream.py` (streaming API events) and `_mastodon_history.py`
(edit histories) share: recognising a Status, the facts one document gives
about its server and its local ids (`_Document`), and the one reading of a
status into a `ParsedItem` (text, content warning, poll, media, refs). The
rules are in `mastodon.py`'s docstring.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from db.models import Media
from desk.ingest.base import ParsedItem, Ref
from desk.ingest.clean import html_of
from desk.ingest.jsondocs import canonical_bytes
from desk.ingest.times import iso_time
from desk.ingest.urls import host_of
from desk.ingest.values import array, line_of, str_or_none, text_of
from desk.text import strip_escapes

PLATFORM = "mastodon"

# How deep nested reblogs/quotes are followed as items of their own; deeper
# ones are only referenced. Mastodon itself nests one level.
_MAX_NESTING = 4
_SURROGATES = re.compile("[\ud800-\udfff]")


def _is_status(obj: Any) -> bool:
    """A Status: an id or uri, an account, and HTML content or a plain source."""
    return (
        isinstance(obj, dict)
        and ("id" in obj or "uri" in obj)
        and isinstance(obj.get("account"), dict)
        and ("content" in obj or "text" in obj)
        and ("spoiler_text" in obj or "visibility" in obj or "media_attachments" in obj)
    )


def _is_status_edit(obj: Any) -> bool:
    """A StatusEdit: a status version with no id of its own."""
    return (
        isinstance(obj, dict)
        and "id" not in obj
        and "uri" not in obj
        and isinstance(obj.get("account"), dict)
        and "content" in obj
        and "created_at" in obj
    )


def _is_status_source(obj: Any) -> bool:
    """A StatusSource: `{id, text, spoiler_text}` and nothing about who or when."""
    return (
        isinstance(obj, dict)
        and "id" in obj
        and "text" in obj
        and "spoiler_text" in obj
        and "account" not in obj
    )


# ---------------------------------------------------------------- reading

# The wording of the Mastodon and Bluesky readers' JSON errors.
_INVALID = "not valid JSON"


def _http(value: Any) -> str | None:
    value = str_or_none(value)
    if (
        value
        and value.lower().startswith(("https://", "http://"))
        and not _SURROGATES.search(value)
    ):
        return strip_escapes(value)
    return None


# ---------------------------------------------------------------- document walking


class _Document:
    """What is known across one document: the answering server, local ids.

    `hosts` counts server hints; JSON Lines share one counter across lines.
    """

    def __init__(self, statuses: list[dict[str, Any]], hosts: Counter[str]) -> None:
        self.by_local_id: dict[str, dict[str, Any]] = {}
        # hash(platform id) of the statuses yielded, to give nested copies once;
        # when streamed, only of those that `watch` (nested copies) holds.
        self.seen: set[int] = set()
        self.watch: set[int] | None = None
        for status in _all_statuses(statuses):
            local = str_or_none(status.get("id"))
            if local and (status.get("uri") or status.get("url")):
                self.by_local_id.setdefault(local, status)
            _server_hints(status, hosts)
        self.server: str | None = hosts.most_common(1)[0][0] if hosts else None

    def given(self, platform_id: str, nested: bool) -> bool:
        """Whether a nested copy was already given; notes that this one is."""
        key = hash(platform_id)
        if nested and key in self.seen:
            return True
        if self.watch is None or key in self.watch:
            self.seen.add(key)
        return False


def _all_statuses(statuses: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every status in the list and nested in it (reblogs, quotes), iteratively."""
    stack = [(s, 0) for s in reversed(statuses)]
    while stack:
        status, depth = stack.pop()
        if not isinstance(status, dict):
            continue
        yield status
        if depth >= _MAX_NESTING:
            continue
        reblog = status.get("reblog")
        if isinstance(reblog, dict):
            stack.append((reblog, depth + 1))
        quote = status.get("quote")
        if isinstance(quote, dict) and isinstance(quote.get("quoted_status"), dict):
            stack.append((quote["quoted_status"], depth + 1))


def _server_hints(status: dict[str, Any], hosts: Counter[str]) -> None:
    """Hosts that only the answering server would write into this status."""
    account = status.get("account")
    if isinstance(account, dict):
        acct = account.get("acct")
        if isinstance(acct, str) and acct and "@" not in acct:
            host = host_of(account.get("url"))
            if host:
                hosts[host] += 1
    for tag in array(status.get("tags")):  # `or []` let a number through
        if isinstance(tag, dict):
            host = host_of(tag.get("url"))
            if host:
                hosts[host] += 1
    for mention in array(status.get("mentions")):
        if isinstance(mention, dict):
            acct = mention.get("acct")
            if isinstance(acct, str) and acct and "@" not in acct:
                host = host_of(mention.get("url"))
                if host:
                    hosts[host] += 1


def _handle(account: dict[str, Any]) -> str | None:
    """`user@instance`: `acct` as given, or with the host of the account URL."""
    acct = line_of(account.get("acct")) or line_of(account.get("username"))
    acct = acct.lstrip("@")
    if not acct:
        return None
    if "@" not in acct:
        host = host_of(account.get("url")) or host_of(account.get("uri"))
        if host:
            acct = f"{acct}@{host}"
    return acct


def _status_items(
    status: dict[str, Any],
    record: int,
    doc: _Document,
    role: str | None,
    depth: int,
    raw: bytes | None = None,
) -> Iterator[ParsedItem]:
    """The status as an item, preceded by the statuses it carries in full."""
    refs: list[Ref] = []
    extra: dict[str, Any] = {}
    reblog = status.get("reblog")
    if isinstance(reblog, dict) and _is_status(reblog):
        if depth < _MAX_NESTING:
            yield from _status_items(reblog, record, doc, None, depth + 1)
        target = _target_ref("repost-of", reblog, doc)
        if target:
            refs.append(target)
    quote = status.get("quote")
    if isinstance(quote, dict):
        quoted = quote.get("quoted_status")
        extra["quote"] = {"state": line_of(quote.get("state")) or None}
        if isinstance(quoted, dict) and _is_status(quoted):
            if depth < _MAX_NESTING:
                yield from _status_items(quoted, record, doc, None, depth + 1)
            target = _target_ref("quotes", quoted, doc)
        else:
            quoted_id = str_or_none(quote.get("quoted_status_id"))
            extra["quote"]["quoted_status_id"] = quoted_id
            target = _local_ref("quotes", quoted_id, doc) if quoted_id else None
        if target:
            refs.append(target)
    reply_id = str_or_none(status.get("in_reply_to_id"))
    if reply_id:
        extra["in_reply_to_id"] = reply_id
        account_url = _local_account_url(status, str_or_none(status.get("in_reply_to_account_id")))
        target = _local_ref("reply-to", reply_id, doc, account_url)
        if target:
            refs.append(target)
    boosted = reblog if isinstance(reblog, dict) else None
    item = _item(status, record, doc, role, refs, extra, boosted, raw)
    if item.platform_id and doc.given(item.platform_id, depth > 0):
        return  # a boosted or quoted copy already given in this document
    yield item


def _target_ref(relation: str, target: dict[str, Any], doc: _Document) -> Ref | None:
    """A Ref to a status we hold in full: its uri and url."""
    platform_id = _platform_id(target, doc)
    url = _status_url(target)
    if not platform_id and not url:
        return None
    return Ref(relation, platform=PLATFORM, platform_id=platform_id, url=url)


def _local_ref(
    relation: str, local_id: str, doc: _Document, account_url: str | None = None
) -> Ref | None:
    """A Ref to a status known only by a local id (see the module docstring)."""
    found = doc.by_local_id.get(local_id)
    if found is not None:
        return _target_ref(relation, found, doc)
    platform_id = f"{local_id}@{doc.server}" if doc.server else None
    url = f"{account_url.rstrip('/')}/{local_id}" if account_url else None
    if platform_id or url:
        return Ref(relation, platform=PLATFORM, platform_id=platform_id, url=url)
    return None


def _local_account_url(status: dict[str, Any], account_id: str | None) -> str | None:
    """The URL of the replied-to account when it is local to the answering server.

    A local status's public URL is `{account url}/{local id}`, so a reply to
    a local account can be pointed at the very URL its target item carries.
    The account is found by id among the author and the mentions.
    """
    if not account_id:
        return None
    candidates = [status.get("account"), *array(status.get("mentions"))]
    for account in candidates:
        if isinstance(account, dict) and str_or_none(account.get("id")) == account_id:
            acct = account.get("acct")
            if isinstance(acct, str) and acct and "@" not in acct:
                return _http(account.get("url"))
            return None
    return None


def _platform_id(status: dict[str, Any], doc: _Document) -> str | None:
    uri = str_or_none(status.get("uri"))
    if uri:
        return strip_escapes(uri)
    local = str_or_none(status.get("id"))
    if local and doc.server:
        return f"{local}@{doc.server}"
    return None


def _status_url(status: dict[str, Any]) -> str | None:
    return _http(status.get("url")) or _http(status.get("uri"))


def _item(
    status: dict[str, Any],
    record: int,
    doc: _Document,
    role: str | None,
    refs: list[Ref],
    extra: dict[str, Any],
    reblog: dict[str, Any] | None,
    raw: bytes | None,
) -> ParsedItem:
    account = status["account"]
    local = str_or_none(status.get("id"))
    if local:
        extra["id"] = local
    if doc.server:
        extra["server"] = doc.server
        if local:
            extra["local_id"] = f"{local}@{doc.server}"
    if role:
        extra["context"] = role

    if reblog is not None and _is_status(reblog):
        original = _body(reblog, {})
        who = _handle(reblog["account"]) or "?"
        text = f"Boost of @{who}:\n\n{original}" if original else f"Boost of @{who}"
        extra["boost_of"] = who
        media: tuple[Media, ...] = ()  # the boost has none of its own; the original keeps them
    else:
        text = _body(status, extra)
        media = _media(status)

    for key in ("visibility",):
        value = line_of(status.get(key))
        if value:
            extra[key] = value
    if status.get("sensitive") is True:
        extra["sensitive"] = True
    edited = iso_time(status.get("edited_at"))
    if edited:
        extra["edited_at"] = edited.at
    counts = {
        name: status[f"{name}_count"]
        for name in ("replies", "reblogs", "favourites", "quotes")
        if isinstance(status.get(f"{name}_count"), int)
    }
    if counts:
        extra["counts"] = counts
    mentions = [
        line_of(m.get("acct")) for m in array(status.get("mentions")) if isinstance(m, dict)
    ]
    if any(mentions):
        extra["mentions"] = [m for m in mentions if m]
    tags = [line_of(t.get("name")) for t in array(status.get("tags")) if isinstance(t, dict)]
    if any(tags):
        extra["tags"] = [t for t in tags if t]
    card = status.get("card")
    if isinstance(card, dict) and _http(card.get("url")):
        extra["card"] = {
            "url": _http(card.get("url")),
            "title": line_of(card.get("title")) or None,
            "description": text_of(card.get("description")) or None,
        }

    return ParsedItem(
        platform=PLATFORM,
        text=text,
        raw=raw if raw is not None else canonical_bytes(status),
        kind="post",
        platform_id=_platform_id(status, doc),
        url=_status_url(status),
        author_name=line_of(account.get("display_name")) or None,
        author_handle=_handle(account),
        author_url=_http(account.get("url")),
        lang=line_of(status.get("language")) or None,
        posted=iso_time(status.get("created_at")),
        media=media,
        refs=tuple(refs),
        extra=extra,
        record=record,
    )


def _at(value: Any) -> str:
    """The UTC ISO time of a value, or "" (sorts first) when unreadable."""
    posted = iso_time(value)
    return posted.at if posted else ""


def _body(status: dict[str, Any], extra: dict[str, Any]) -> str:
    """Readable text: "CW: ..." first, then the content, then the poll."""
    parts: list[str] = []
    warning = line_of(status.get("spoiler_text"))
    if warning:
        extra["content_warning"] = warning
        parts.append(f"CW: {warning}")
    if "content" in status and status.get("content") is not None:
        body = html_of(status.get("content"))
    else:
        body = text_of(status.get("text"))
        if "text" in status:
            extra["deleted"] = True
    if body:
        parts.append(body)
    poll = status.get("poll")
    if isinstance(poll, dict):
        summary, lines = _poll(poll)
        extra["poll"] = summary
        if lines:
            parts.append(lines)
    return "\n\n".join(parts)


def _poll(poll: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The poll as JSON-able facts and as readable lines for the text."""
    options = []
    for option in poll.get("options") or []:
        if not isinstance(option, dict):
            continue
        votes = option.get("votes_count")
        options.append(
            {
                "title": line_of(option.get("title")),
                "votes": votes if isinstance(votes, int) and not isinstance(votes, bool) else None,
            }
        )
    summary: dict[str, Any] = {"options": options}
    for key in ("votes_count", "voters_count"):
        if isinstance(poll.get(key), int):
            summary[key] = poll[key]
    for key in ("multiple", "expired"):
        if isinstance(poll.get(key), bool):
            summary[key] = poll[key]
    expires = iso_time(poll.get("expires_at"))
    if expires:
        summary["expires_at"] = expires.at
    notes = []
    if isinstance(summary.get("votes_count"), int):
        notes.append(f"{summary['votes_count']} votes")
    if summary.get("multiple"):
        notes.append("multiple choice")
    if summary.get("expired"):
        notes.append("closed")
    head = "Poll" + (f" ({', '.join(notes)})" if notes else "") + ":"
    rows = [
        f"- {o['title']}" + (f": {o['votes']}" if o["votes"] is not None else "") for o in options
    ]
    return summary, "\n".join([head, *rows]) if rows else ""


def _media(status: dict[str, Any]) -> tuple[Media, ...]:
    found = []
    for attachment in status.get("media_attachments") or []:
        if not isinstance(attachment, dict):
            continue
        url = (
            _http(attachment.get("url"))
            or _http(attachment.get("remote_url"))
            or _http(attachment.get("preview_url"))
        )
        if not url:
            continue
        found.append(
            Media(
                url=url,
                type=line_of(attachment.get("type")) or "unknown",
                alt=text_of(attachment.get("description")) or None,
            )
        )
    return tuple(found)
