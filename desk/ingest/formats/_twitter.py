"""What every Twitter reader shares: tweet ids, the one canonical tweet URL, text.

v1.1 statuses, v2 tweets, twarc / CrowdTangle CSV rows, embeds (alone, in a
page, in a paste) and fact-checks' appearances all name tweets. The same
tweet must get the same id, URL and text from any of them, or it becomes two
items, so these helpers live here, beside the formats, and no format takes
them from another (an import-linter contract in pyproject.toml).

- Ids: a decimal string (`tweet_id`), never an int (ids pass 2^53).
- URLs: `status_url` is the ONE form the desk stores,
  `https://twitter.com/{handle}/status/{id}` (or `/i/web/status/{id}` when
  the handle is not known); `canonical_status_url` and `status_from_url`
  read any twitter.com / x.com / mobile link back (the first is the API
  readers' strict reading, the second the embed's, which also takes
  protocol-relative and `#!/` links and drops non-account paths such as
  `/home`).
- Text: `&amp;` entities decoded, t.co links expanded (`tweet_text`); times
  of both APIs (`tweet_time`); the time a snowflake id encodes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from db.models import Media
from desk.ingest.base import ParsedItem, Posted, Ref, Rejected
from desk.ingest.jsondocs import canonical_bytes
from desk.ingest.times import from_text, iso_utc
from desk.ingest.values import int_or_none
from desk.text import clean_line, clean_text

PLATFORM = "twitter"

_TWITTER_HOSTS = {
    "twitter.com", "www.twitter.com", "mobile.twitter.com", "m.twitter.com",
    "x.com", "www.x.com", "mobile.x.com", "fxtwitter.com", "vxtwitter.com",
}  # fmt: skip


STATUS_PATH = re.compile(r"^/(?:#!/)?([A-Za-z0-9_]{1,50})(?:/web)?/status(?:es)?/(\d{1,25})(?:/|$)")


_TWEET_ID = re.compile(r"^\d{1,25}$")


_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,50}$")


# Language codes Twitter uses for "no language": undetermined, hashtags only,
# cashtags only, media links only, mentions only, short text, no linguistic content.
_NO_LANG = {"und", "qam", "qct", "qht", "qme", "qst", "zxx"}


def tweet_id(value: Any) -> str | None:
    """A tweet id as a decimal string, or None if the value is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value > 0 else None
    if isinstance(value, str) and _TWEET_ID.match(value.strip()):
        return value.strip()
    return None


def clean_handle(value: Any) -> str | None:
    """A screen name without "@", or None when it is not a valid handle."""
    if not isinstance(value, str):
        return None
    handle = clean_line(value).lstrip("@")
    return handle if _HANDLE.match(handle) else None


def status_url(handle: str | None, status_id: str) -> str:
    """The ONE canonical URL form the desk uses for a tweet, so v1, v2, embeds
    and CSV rows of the same tweet dedup by URL as well as by id."""
    if handle:
        return f"https://twitter.com/{handle}/status/{status_id}"
    return f"https://twitter.com/i/web/status/{status_id}"


def profile_url(handle: str | None) -> str | None:
    return f"https://twitter.com/{handle}" if handle else None


def canonical_status_url(url: Any) -> str | None:
    """Any twitter.com / x.com status link in the canonical form, else None."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _TWITTER_HOSTS:
        return None
    match = STATUS_PATH.match(parts.path)
    if not match:
        return None
    handle, status_id = match.groups()
    if handle.lower() == "i" or parts.path.startswith("/i/web/status/"):
        return status_url(None, status_id)
    return status_url(handle, status_id)


def status_ref(relation: str, status_id: str | None, handle: str | None = None) -> Ref | None:
    """A Ref at a tweet by id; with a URL only when the author's handle is known."""
    if not status_id:
        return None
    url = status_url(handle, status_id) if handle else None
    return Ref(relation, platform=PLATFORM, platform_id=status_id, url=url)


def lang_code(value: Any) -> str | None:
    """The post's language, or None for Twitter's "no language" codes."""
    if not isinstance(value, str):
        return None
    code = clean_line(value)
    return None if not code or code.lower() in _NO_LANG else code


def expand_links(text: str, urls: Iterable[Any] | None, media: Iterable[Any] | None = None) -> str:
    """Replace t.co links by what they stand for, so stored text reads well.

    Link entities become their `expanded_url`; media links (which only point
    at the tweet's own photo page) become their `pic.twitter.com/…` display
    form, the way embeds and news pages print them. Plain string replacement:
    the entity indices count code points of the escaped text and are not
    reliable once `&amp;` has been decoded.
    """
    swaps: dict[str, str] = {}
    for entity in list(urls or []) + list(media or []):
        if not isinstance(entity, dict):
            continue
        short = entity.get("url")
        if not isinstance(short, str) or not short:
            continue
        display = entity.get("display_url")
        is_media = "media_key" in entity or "media_url_https" in entity or "media_url" in entity
        if isinstance(display, str) and display.startswith(("pic.twitter.com/", "pic.x.com/")):
            is_media = True
        if is_media and isinstance(display, str) and display:
            swaps[short] = display
        else:
            target = entity.get("expanded_url") or entity.get("unwound_url")
            if isinstance(target, str) and target:
                swaps[short] = target
    if not swaps:
        return text
    # Longest first so a t.co link that is a prefix of another is not half-replaced.
    for short in sorted(swaps, key=len, reverse=True):
        text = text.replace(short, swaps[short])
    return text


def tweet_text(
    raw: Any, urls: Iterable[Any] | None = None, media: Iterable[Any] | None = None
) -> str:
    """Clean plain text of a tweet: entities decoded, t.co links expanded."""
    if not isinstance(raw, str):
        return ""
    return clean_text(expand_links(html.unescape(raw), urls, media))


def best_video_url(variants: Any) -> str | None:
    """The highest-bitrate MP4 of a video's variants (v1 `video_info` or v2)."""
    best: tuple[int, str] | None = None
    for variant in variants or []:
        if not isinstance(variant, dict):
            continue
        url = variant.get("url")
        kind = variant.get("content_type") or variant.get("contentType")
        if not isinstance(url, str) or kind != "video/mp4":
            continue
        rate = variant.get("bitrate", variant.get("bit_rate", 0))
        rate = rate if isinstance(rate, int) else 0
        if best is None or rate > best[0]:
            best = (rate, url)
    return best[1] if best else None


def safe_url(value: Any) -> str | None:
    """An http(s) URL from untrusted data, or None: no javascript:, no controls."""
    if not isinstance(value, str):
        return None
    url = clean_line(value)
    if not url.lower().startswith(("https://", "http://")) or " " in url:
        return None
    return url


def metrics(source: dict[str, Any] | None, keys: Iterable[str]) -> dict[str, int]:
    """The integer counters among `keys` (likes, retweets …), for `extra`."""
    out: dict[str, int] = {}
    if not isinstance(source, dict):
        return out
    for key in keys:
        number = int_or_none(source.get(key))
        if number is not None:
            out[key] = number
    return out


_V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def tweet_time(value: Any) -> Posted | None:
    """When a tweet was posted: v2 ISO (`2022-10-03T17:57:11.000Z`) or v1.1
    (`Wed Oct 10 20:19:24 +0000 2018`), parsed directly since dateutil's
    general parser costs more than the rest of a tweet; anything else goes
    through `times.from_text`."""
    if not isinstance(value, str):
        return None
    try:
        if value.endswith("Z") and "T" in value:
            moment = datetime.fromisoformat(value)
        else:
            moment = datetime.strptime(value, _V1_TIME)
    except ValueError:
        return from_text(value)
    if moment.tzinfo is None:
        return from_text(value)
    return Posted(iso_utc(moment), "second", True)  # not strftime: year 202 is "0202"


def at_line(
    results: Iterable[ParsedItem | Rejected], line: int | None
) -> Iterator[ParsedItem | Rejected]:
    """Set (or clear) the line number on the rejections of one JSON value."""
    for result in results:
        if isinstance(result, Rejected) and result.line != line:
            yield Rejected(result.record, result.reason, line=line)
        else:
            yield result


def canonical_raw(value: Any) -> bytes:
    """The canonical JSON dump used when a record cannot be cut out of the file."""
    return canonical_bytes(value)


class SeenIds:
    """Ids already yielded from this file, so nested copies are not re-yielded.

    Bounded: when it holds `cap` ids it starts over, so a 1 GB stream keeps a
    flat memory profile (at worst a few duplicates reach the pipeline, which
    dedups them anyway).
    """

    def __init__(self, cap: int = 200_000) -> None:
        self.cap = cap
        self._ids: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def add(self, key: str) -> None:
        if len(self._ids) >= self.cap:
            self._ids.clear()
        self._ids.add(key)


# --- read from links and embeds


_STATUS_URL = re.compile(
    r"""^(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/
        (?:\#!/)?
        (?:(?P<handle>[A-Za-z0-9_]{1,15})|i/web|i)
        /status(?:es)?/(?P<id>\d{1,20})(?:[/?#]|$)""",
    re.VERBOSE | re.IGNORECASE,
)


_PROFILE_URL = re.compile(
    r"^(?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/(?:#!/)?(?P<handle>[A-Za-z0-9_]{1,15})/?(?:[?#]|$)",
    re.IGNORECASE,
)


_PIC_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(pic\.(?:twitter|x)\.com/[A-Za-z0-9]+)", re.IGNORECASE
)


# Path names on twitter.com that are not accounts.
_NOT_HANDLES = {"i", "home", "search", "hashtag", "intent", "share", "explore", "settings"}


# Snowflake ids (from November 2010) carry their creation time.
_TWITTER_EPOCH_MS = 1288834974657


_FIRST_SNOWFLAKE = 10**15


def status_from_url(url: str | None) -> tuple[str | None, str] | None:
    """`(handle or None, tweet id)` from a tweet's URL, or None if it is not one.

    The handle is None for `/i/web/status/ID` links, which name no account.
    """
    if not url:
        return None
    match = _STATUS_URL.match(url.strip())
    if match is None:
        return None
    handle = match.group("handle")
    if handle and handle.lower() in _NOT_HANDLES:
        handle = None
    return handle, match.group("id")


def handle_from_profile_url(url: str | None) -> str | None:
    """The handle in `https://twitter.com/handle` (oEmbed `author_url`)."""
    if not url:
        return None
    match = _PROFILE_URL.match(url.strip())
    if match is None or match.group("handle").lower() in _NOT_HANDLES:
        return None
    return match.group("handle")


def snowflake_time(tweet_id: str | None) -> Posted | None:
    """The creation time encoded in a snowflake tweet id (second precision, UTC)."""
    if not tweet_id or not tweet_id.isdigit():
        return None
    value = int(tweet_id)
    if value < _FIRST_SNOWFLAKE:
        return None
    millis = (value >> 22) + _TWITTER_EPOCH_MS
    try:
        moment = datetime.fromtimestamp(millis / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return Posted(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "second", True)


def media_from_text(text: str) -> tuple[Media, ...]:
    """`pic.twitter.com/...` links printed in a tweet's text, as photos."""
    found: dict[str, Media] = {}
    if "pic." not in text.lower():
        return ()
    for match in _PIC_LINK.finditer(text):
        url = "https://" + match.group(1)
        found.setdefault(url, Media(url=url, type="photo"))
    return tuple(found.values())
