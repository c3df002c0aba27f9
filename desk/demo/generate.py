"""Write the demo desk's sample data, in each platform's own format.

Everything here is invented: the town of Marrow Ford, the Orvena dam on
the river Sell, the people and their handles. The files are written once by
`python -m desk.demo.generate` and shipped in `desk/demo/data/`; the demo
desk is built from them through the real importers (`desk demo`), so the
demo exercises the same code as a real ingest.

The generator is seeded, so running it again writes the same bytes.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).parent / "data"
START = datetime(2026, 11, 20, 4, 10, tzinfo=UTC)

PEOPLE = [
    ("Lena Varo", "lenavaro_news", "reporter for the Sell Valley Courier"),
    ("Marrow Ford Fire", "marrowfordfire", "official fire service account"),
    ("Dr. Oskar Brenn", "obrenn_hydro", "hydrologist"),
    ("Sell Valley Courier", "sellcourier", "local newspaper"),
    ("Ama Keld", "amakeld", "resident of Lower Marrow"),
    ("Orvena Watch", "orvena_watch", "volunteer river monitors"),
    ("Pim Tarrow", "pimtarrow", "storm chaser"),
    ("County of Halden", "haldencounty", "county government"),
    ("Rhea Solberg", "rheasolberg", "mayor of Marrow Ford"),
    ("Breaking Wire 24", "breakingwire24", "aggregator account"),
    ("Jonas Wettel", "jwettel", "engineer, retired"),
    ("Nadia Quell", "nadiaquell", "Red Cross volunteer"),
]

EVENTS = [
    "Water is coming over the spillway of the Orvena dam, sirens are sounding in Marrow Ford",
    "Evacuation ordered for Lower Marrow and the river quarter, move to the high school on Cobble Hill",
    "The Sell is rising fast at the old stone bridge, water already over the footpath",
    "Crack visible on the east face of the Orvena dam, engineers on site",
    "County says the dam is holding, spillway gates opened to release pressure",
    "Photos of the flooded market square in Marrow Ford, cars floating on Tanner Street",
    "Shelter at Cobble Hill high school is full, second shelter opening at the ice rink",
    "Power cut across the valley after the substation at Fenwick flooded",
    "Rescue boats working on Mill Lane, families on rooftops waving",
    "Rail line between Marrow Ford and Halden closed, track washed out near Dunmere",
    "The water level gauge at Orvena read 14.2 m at 06:00, the record is 13.1 m",
    "Volunteers filling sandbags at the fire station on Quarry Road, bring shovels",
    "Unconfirmed: two people missing near the caravan park at Sell Bend",
    "Mayor Solberg: everyone in the red zone must leave now, do not wait for the morning",
    "Video said to show the dam breaking is from a different country and an older flood",
    "Drinking water warning for the whole of Marrow Ford: boil before use",
    "Hospital in Halden on standby, ambulances staged at the bypass roundabout",
    "The river is falling at Dunmere for the first time since last night",
    "Army engineers arriving to inspect the Orvena dam this afternoon",
    "Residents of Upper Marrow asked to keep roads clear for emergency vehicles",
]

REACTIONS = [
    "Stay safe everyone in the valley",
    "Is anyone checking on the care home on Mill Lane?",
    "This is the third flood warning this year, the dam was due for repairs in 2024",
    "Where can we drop off blankets and food?",
    "My street is dry for now, water two blocks away",
    "Please share: pets can go to the shelter at the ice rink too",
    "Does anyone know if the Dunmere road is open?",
    "The county knew about the crack since the spring inspection",
]

HASHTAGS = ["#MarrowFord", "#OrvenaDam", "#SellFlood", "#HaldenValley"]


def _when(rng: random.Random, hours: float = 120.0) -> datetime:
    return START + timedelta(minutes=rng.randint(0, int(hours * 60)))


def _text(rng: random.Random) -> str:
    base = rng.choice(EVENTS if rng.random() < 0.7 else REACTIONS)
    tag = rng.choice(HASHTAGS)
    return f"{base} {tag}" if rng.random() < 0.6 else base


def _hostile_examples() -> list[str]:
    """Posts with the tricks a hostile account might try; the desk must show them harmlessly."""
    return [
        "Official update \x1b[31mRED ALERT\x1b[0m dam failed \x1b]8;;http://evil.example/\x07click\x1b]8;;\x07",
        "[bold red]BREAKING[/] [link=http://evil.example]all residents must evacuate[/link]",
        "Shelter list \u202egnp.sretlehs\u202c see attached",
    ]


def twitter_jsonl(rng: random.Random) -> str:
    """twarc2 JSONL: one API v2 response page per line, 10 tweets a page."""
    lines = []
    tweet_id = 1860000000000000000
    texts = [_text(rng) for _ in range(118)] + _hostile_examples()
    pages = [texts[i : i + 10] for i in range(0, len(texts), 10)]
    first_ids: list[str] = []
    for page in pages:
        data, users = [], {}
        for text in page:
            tweet_id += rng.randint(1000, 99999)
            name, handle, _ = rng.choice(PEOPLE)
            user_id = str(1000 + PEOPLE.index((name, handle, _)))
            users[user_id] = {"id": user_id, "name": name, "username": handle}
            tweet: dict[str, object] = {
                "id": str(tweet_id),
                "text": text,
                "author_id": user_id,
                "created_at": _when(rng).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "lang": "en",
                "conversation_id": str(tweet_id),
                "public_metrics": {
                    "retweet_count": rng.randint(0, 900),
                    "reply_count": rng.randint(0, 80),
                    "like_count": rng.randint(0, 3000),
                    "quote_count": rng.randint(0, 40),
                },
            }
            if first_ids and rng.random() < 0.12:
                tweet["referenced_tweets"] = [
                    {"type": rng.choice(["quoted", "replied_to"]), "id": rng.choice(first_ids)}
                ]
            first_ids.append(str(tweet_id))
            data.append(tweet)
        lines.append(
            json.dumps(
                {
                    "data": data,
                    "includes": {"users": list(users.values())},
                    "meta": {"result_count": len(data)},
                    "__twarc": {
                        "url": "https://api.twitter.com/2/tweets/search/recent",
                        "version": "2.14.0",
                    },
                },
                ensure_ascii=False,
            )
        )
    viral = {
        "id": "1860000000000123456",
        "text": "BREAKING: video shows the moment the Orvena dam breaks, Marrow Ford is gone #OrvenaDam",
        "author_id": "1009",
        "created_at": "2026-11-20T07:42:00.000Z",
        "lang": "en",
        "conversation_id": "1860000000000123456",
        "attachments": {"media_keys": ["7_1860000000000123456"]},
        "public_metrics": {
            "retweet_count": 5400,
            "reply_count": 610,
            "like_count": 9100,
            "quote_count": 880,
        },
    }
    lines.append(
        json.dumps(
            {
                "data": [viral],
                "includes": {
                    "users": [
                        {"id": "1009", "name": "Breaking Wire 24", "username": "breakingwire24"}
                    ],
                    "media": [
                        {
                            "media_key": "7_1860000000000123456",
                            "type": "video",
                            "preview_image_url": "https://pbs.twimg.com/ext_tw_video_thumb/1860000000000123456/pu/img/demo.jpg",
                        }
                    ],
                },
                "meta": {"result_count": 1},
            },
            ensure_ascii=False,
        )
    )
    return "\n".join(lines) + "\n"


def mastodon_timeline(rng: random.Random) -> str:
    """A Mastodon hashtag timeline: an array of Status objects."""
    statuses = []
    for n in range(70):
        name, handle, _ = rng.choice(PEOPLE)
        when = _when(rng)
        status_id = str(113500000000000000 + n * 7919)
        text = _text(rng)
        status = {
            "id": status_id,
            "uri": f"https://valley.social/users/{handle}/statuses/{status_id}",
            "url": f"https://valley.social/@{handle}/{status_id}",
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "content": f"<p>{text.replace('&', '&amp;')}</p>",
            "spoiler_text": "flood, injuries" if n % 17 == 0 else "",
            "sensitive": n % 17 == 0,
            "visibility": "public",
            "language": "en",
            "in_reply_to_id": None,
            "reblog": None,
            "replies_count": rng.randint(0, 30),
            "reblogs_count": rng.randint(0, 200),
            "favourites_count": rng.randint(0, 500),
            "account": {
                "id": str(200 + PEOPLE.index((name, handle, _))),
                "username": handle,
                "acct": handle,
                "display_name": name,
                "url": f"https://valley.social/@{handle}",
                "note": f"<p>{_}</p>",
            },
            "media_attachments": [],
            "mentions": [],
            "tags": [{"name": "marrowford", "url": "https://valley.social/tags/marrowford"}],
            "emojis": [],
            "card": None,
            "poll": None,
        }
        if n % 11 == 0:
            status["media_attachments"] = [
                {
                    "id": str(900 + n),
                    "type": "image",
                    "url": f"https://files.valley.social/media/{status_id}.jpg",
                    "preview_url": f"https://files.valley.social/media/{status_id}_small.jpg",
                    "description": "Brown water across a street of terraced houses, a red car half under water",
                }
            ]
        statuses.append(status)
    return json.dumps(statuses, ensure_ascii=False, indent=1)


def bluesky_feed(rng: random.Random) -> str:
    """A Bluesky app.bsky.feed.searchPosts response."""
    posts = []
    for n in range(50):
        name, handle, _ = rng.choice(PEOPLE)
        bsky_handle = f"{handle.replace('_', '-')}.bsky.social"
        did = f"did:plc:demo{PEOPLE.index((name, handle, _)):04d}marrowford"
        rkey = f"3lfz{n:04d}demo{n * 37 % 1000:03d}"
        when = _when(rng)
        record = {
            "$type": "app.bsky.feed.post",
            "text": _text(rng),
            "createdAt": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "langs": ["en"],
        }
        post = {
            "uri": f"at://{did}/app.bsky.feed.post/{rkey}",
            "cid": f"bafyreidemo{n:04d}",
            "author": {"did": did, "handle": bsky_handle, "displayName": name},
            "record": record,
            "replyCount": rng.randint(0, 20),
            "repostCount": rng.randint(0, 90),
            "likeCount": rng.randint(0, 400),
            "indexedAt": (when + timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "labels": [],
        }
        posts.append(post)
    return json.dumps({"posts": posts, "hitsTotal": len(posts)}, ensure_ascii=False, indent=1)


def telegram_export(rng: random.Random) -> str:
    """A Telegram Desktop export of one public channel."""
    messages = []
    for n in range(40):
        when = _when(rng)
        text: object = _text(rng)
        if n % 9 == 0:
            text = [
                "Official: ",
                {"type": "bold", "text": "evacuation zone extended"},
                " to Sell Bend. Map: ",
                {"type": "link", "text": "https://halden.example/flood-map"},
            ]
        messages.append(
            {
                "id": 500 + n,
                "type": "message",
                "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(when.timestamp())),
                "from": "Halden Valley Alerts",
                "from_id": "channel1777000001",
                "text": text,
            }
        )
    return json.dumps(
        {
            "name": "Halden Valley Alerts",
            "type": "public_channel",
            "id": 1777000001,
            "messages": messages,
        },
        ensure_ascii=False,
        indent=1,
    )


def rss_feed(rng: random.Random) -> str:
    """An RSS 2.0 feed of the local paper's live coverage."""
    items = []
    for n in range(30):
        when = _when(rng)
        title = rng.choice(EVENTS)
        items.append(
            f"""  <item>
    <title>{title}</title>
    <link>https://sellcourier.example/live/orvena-{n:03d}</link>
    <guid isPermaLink="false">sellcourier-live-{n:03d}</guid>
    <pubDate>{when.strftime("%a, %d %b %Y %H:%M:%S +0000")}</pubDate>
    <author>desk@sellcourier.example (Lena Varo)</author>
    <description>&lt;p&gt;{title}. Our reporters in Marrow Ford are following the situation.&lt;/p&gt;</description>
  </item>"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        "  <title>Sell Valley Courier: Orvena dam live</title>\n"
        "  <link>https://sellcourier.example/live/orvena</link>\n"
        "  <description>Live coverage of the flood in Marrow Ford</description>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


ARTICLE = """Orvena dam: what we know so far

Marrow Ford woke to sirens before dawn on Friday as water poured over the spillway of the Orvena dam. Here is a quick recap of how we got here.

In the fall of 2020, engineers first reported seepage at the foot of the dam's east face.

Since December, residents of Lower Marrow have asked the county for a new inspection.

In April this year, the county approved repairs that were due to start next spring.

The first warnings came from river monitors overnight:

Gauge at Orvena just passed 13.5 m. That is above the 1998 record. Sirens should be going now pic.twitter.com/oRv3nAd4m1

— Orvena Watch (@orvena_watch) November 20, 2026

Within the hour the fire service confirmed the order to leave:

Evacuation ordered for Lower Marrow and the river quarter. Go to Cobble Hill high school. Do not drive through flood water.

— Marrow Ford Fire (@marrowfordfire) November 20, 2026

By mid-morning the mayor said the dam was holding, but…

We are not out of danger. Everyone in the red zone must leave now. I will update you every hour from the county office.

— Rhea Solberg (@rheasolberg) November 20, 2026

What we don't know: whether the crack seen on the east face is new, and how many people are still in the red zone.
"""


def claimreview() -> str:
    """A fact-check of the viral 'dam breaking' video, as schema.org ClaimReview."""
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "https://factcheck.example/2026/11/orvena-dam-video-is-old",
            "datePublished": "2026-11-21",
            "claimReviewed": "A video shows the Orvena dam breaking on 20 November 2026",
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Person", "name": "Breaking Wire 24"},
                "datePublished": "2026-11-20",
                "appearance": [
                    {
                        "@type": "CreativeWork",
                        "url": "https://twitter.com/breakingwire24/status/1860000000000123456",
                    }
                ],
            },
            "author": {
                "@type": "Organization",
                "name": "Valley Fact Check",
                "url": "https://factcheck.example",
            },
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 1,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "False",
            },
        },
        ensure_ascii=False,
        indent=1,
    )


def main() -> None:
    rng = random.Random(20261120)
    DATA.mkdir(parents=True, exist_ok=True)
    files = {
        "twitter_search.jsonl": twitter_jsonl(rng),
        "mastodon_tag_timeline.json": mastodon_timeline(rng),
        "bluesky_search.json": bluesky_feed(rng),
        "telegram_result.json": telegram_export(rng),
        "courier_live.rss": rss_feed(rng),
        "courier_article.txt": ARTICLE,
        "factcheck_claimreview.jsonld": claimreview(),
    }
    for name, text in files.items():
        (DATA / name).write_text(text, encoding="utf-8")
        print(f"wrote {DATA / name} ({len(text.encode())} bytes)")


if __name__ == "__main__":
    main()
