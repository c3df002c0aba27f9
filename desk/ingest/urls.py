"""The one canonical form of a web URL, and the one list of tracking parameters.

An item's URL is one of the keys by which the desk knows that two copies are
one post (`db.queries.same_item`) and by which a reference finds its target
(`db.queries.existing_item`): a fact-check's `reviews` link finds the page
it reviews, a page's `embedded-in` link finds the page. Those lookups are
exact string matches, so every format must spell the same address the same
way, and they all spell it here:

- `https` for `http` (pages served over both schemes are one page), the host
  in lower case;
- no fragment (`#comments` is a place on the page, not another page);
- no tracking parameters (`utm_*`, `fbclid` ... below), the other query
  pairs in their order;
- non-ASCII path characters percent-encoded as UTF-8, so `publicações` and
  `publica%C3%A7%C3%B5es` are one URL; an empty path is `/`.

`http://Example.com/a/b?utm_source=x&id=3#frag` is
`https://example.com/a/b?id=3`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from desk.text import clean_line, strip_escapes

# Query parameters that only say how a reader arrived (campaign, click and
# mail-list ids, share sources): every name that starts with `utm_`, and these.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "mc_cid", "mc_eid", "ref_src", "ref_url", "igshid"}
)
# What a path may hold unencoded (RFC 3986 pchar, "/" and existing %-escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_FRAGMENT_SAFE = _PATH_SAFE + "?#"
# Strings `quote` and the `parse_qsl`/`urlencode` round trip give back as they
# are (the characters they never encode, read character by character: no
# parse), so the common URL skips them: the same result, a few us less.
_UNQUOTED = "A-Za-z0-9_.~"  # urllib's always-safe characters
_AS_PATH = re.compile(f"[{_UNQUOTED}{re.escape(_PATH_SAFE)}]*")
_AS_FRAGMENT = re.compile(f"[{_UNQUOTED}{re.escape(_FRAGMENT_SAFE)}]*")
_PLAIN_PAIR = f"[{_UNQUOTED}-]+=[{_UNQUOTED}-]*"
_AS_QUERY = re.compile(f"{_PLAIN_PAIR}(?:&{_PLAIN_PAIR})*")


def is_tracking(name: str) -> bool:
    """True for a query parameter name that is on the tracking list."""
    key = name.lower()
    return key.startswith(TRACKING_PREFIXES) or key in TRACKING_PARAMS


def canonical_url(
    url: str | None, base: str | None = None, *, fragment: bool = False
) -> str | None:
    """An absolute http(s) URL in canonical form (see the module docstring), or None.

    `base` resolves a relative URL (a page's relative canonical link against
    its `og:url`); `//host/path` is taken as https. Anything that is not an
    http(s) URL with a host (`javascript:`, `mailto:`, a bare path with no
    base, text that does not parse) is None. Control characters and escape
    sequences are removed first (`clean_line`), so a stored URL is one
    printable line. `fragment=True` keeps the fragment: a feed entry's link
    whose fragment names one post on a page of several (`_feedkeys.link`).
    """
    if not url:
        return None
    url = clean_line(url)
    if url.startswith("//"):
        url = "https:" + url
    split = _web_parts(url)
    if split is None:
        try:
            parts = urlsplit(url)
            if not parts.scheme and base:
                parts = urlsplit(urljoin(base, url))
        except ValueError:
            return None
        split = (parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment)
    scheme, netloc, path, query, hashed = split
    if scheme.lower() not in ("http", "https") or not netloc:
        return None
    path = _quote(path or "/", _PATH_SAFE, _AS_PATH)
    kept = _quote(hashed, _FRAGMENT_SAFE, _AS_FRAGMENT) if fragment else ""
    return urlunsplit(("https", netloc.lower(), path, _untracked(query), kept))


def _web_parts(url: str) -> tuple[str, str, str, str, str] | None:
    """`urlsplit(url)`'s five parts for the common web URL, by its own steps; else None.

    For printable ASCII (nothing for urlsplit to strip or remove) with an
    `http://` or `https://` scheme and no `[` `]` in the host (an IPv6
    literal, which urlsplit checks): the scheme in lower case, the host up
    to the first `/`, `?` or `#`, then the fragment after the first `#` and
    the query after the first `?`, as urlsplit cuts them. About 0.8 us where
    urlsplit took 2.4; anything else is None and goes to urlsplit.
    """
    if not (url.isascii() and url.isprintable()) or url.startswith(" "):
        return None
    head = url[:8].lower()
    if head.startswith("http://"):
        scheme, rest = "http", url[7:]
    elif head == "https://":
        scheme, rest = "https", url[8:]
    else:
        return None
    end = len(rest)
    for delimiter in "/?#":
        found = rest.find(delimiter)
        if 0 <= found < end:
            end = found
    netloc, rest = rest[:end], rest[end:]
    if "[" in netloc or "]" in netloc:
        return None
    rest, _, hashed = rest.partition("#")
    path, _, query = rest.partition("?")
    return scheme, netloc, path, query, hashed


def _quote(text: str, safe: str, unchanged: re.Pattern[str]) -> str:
    """`quote(text, safe=safe)`, without the call when it would change nothing."""
    return text if unchanged.fullmatch(text) else quote(text, safe=safe)


def _untracked(query: str) -> str:
    """The query without its tracking pairs, re-encoded as `urlencode` spells it."""
    if not query:
        return ""
    if _AS_QUERY.fullmatch(query):  # every pair `name=value` that decodes and encodes to itself
        pairs = query.split("&")
        return "&".join([pair for pair in pairs if not is_tracking(pair.partition("=")[0])])
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if not is_tracking(key)
    ]
    return urlencode(kept)


def strip_tracking(url: str | None) -> str | None:
    """The URL as given (cleaned to one line) with only its tracking pairs cut out.

    How the feed reader spelled an entry's link between the two halves of
    issue 12 (found again through `ParsedItem.earlier_keys`), and how it
    still spells a link that is not http(s), which is an id, not a URL.
    Any scheme; None when empty.
    """
    if not url:
        return None
    url = clean_line(url)
    if not url:
        return None
    return _cut_pairs(url, _tracking_pair)


def feed_link_spellings(url: str | None) -> tuple[str | None, str | None]:
    """`strip_tracking(url)` and `former_spelling(url, reader="feed")`, the link cleaned once.

    A feed entry's link is looked up under both (`_feedkeys.earlier_keys`).
    """
    if not url:
        return None, None
    url = clean_line(url)
    if not url:
        return None, None
    return _cut_pairs(url, _tracking_pair), _cut_pairs(url, _former_pair)


def _tracking_pair(pair: str) -> bool:
    return is_tracking(pair.partition("=")[0])


def _former_pair(pair: str) -> bool:
    return pair.lower().startswith(_FORMER_TRACKING)


def _cut_pairs(url: str, drop: Callable[[str], bool]) -> str:
    """`url` with the query pairs `drop` names cut out; all else as it stands."""
    base, hash_, fragment = url.partition("#")
    path, question, query = base.partition("?")
    if not question:
        return url
    pairs = query.split("&")
    kept = [pair for pair in pairs if not drop(pair)]
    if len(kept) == len(pairs):
        return url
    return path + ("?" + "&".join(kept) if kept else "") + (hash_ + fragment if hash_ else "")


def host_of(url: object) -> str | None:
    """The lower-case host of a URL string, or None (not a str, no host, unparsable)."""
    if not isinstance(url, str) or not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or strip_escapes(host) != host or any(ch.isspace() for ch in host):
        return None  # a control or bidi character is no host (found by bench/fuzz.py)
    return host


# ---------------------------------------------------------------- former spellings

# Before issue 12 the feed and fact-check readers had canonicalisers of their
# own: they cut these tracking pairs (by prefix) and nothing else, keeping the
# scheme, the host's case and the fragment; the fact-check reader also
# percent-encoded an IRI's non-ASCII characters. Items those readers stored
# carry such URLs (and, for fact-checks and id-less feed entries, the same
# string as platform id), so the pipeline also looks a new item up under its
# former spelling (`ParsedItem.earlier_keys`): a desk made before the change
# recognises its items when the same feed or fact-check arrives again.
_FORMER_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid")
_FORMER_IRI_SAFE = "".join(chr(c) for c in range(33, 127))


def former_spelling(url: str | None, *, reader: str) -> str | None:
    """How the `feed` or `claimreview` reader spelled this URL before issue 12.

    Only for looking up items stored then; never for a new item's URL.
    `reader="feed"` read any scheme as given, `reader="claimreview"` only
    http(s), with IRIs percent-encoded. None when it gave no URL at all.
    """
    if not url:
        return None
    url = clean_line(url)
    if not url:
        return None
    if reader == "claimreview":
        if not url.lower().startswith(("http://", "https://")):
            return None
        if not url.isascii():
            scheme, _, rest = url.partition("://")
            host, slash, path = rest.partition("/")
            url = f"{scheme}://{host}{slash}{quote(path, safe=_FORMER_IRI_SAFE)}"
    elif reader != "feed":
        raise ValueError(f"no former URL spelling for reader {reader!r}")
    return _cut_pairs(url, _former_pair)
