"""The exported page in a real browser: headless Chromium (Debian's `chromium`) via Playwright.

It must show the recap and every quoted post, log no console error, make no
network request (the page works offline: nothing is fetched, not even by
the tweets' embed markup, whose script is optional), and run no script from
post text (the hostile post's `alert(1)` would open a dialog). A screenshot
is kept in the test's tmp dir as an artefact.

Skipped, saying why, where Chromium or Playwright is not installed (`.ci/run`
installs Chromium; Playwright never downloads a browser here:
`executable_path` is the system one).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.export.conftest import HOSTILE_TEXT, Desk

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")
def test_page_in_headless_chromium(
    fixed_desk: Desk, published: dict[str, str], tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    page_file = tmp_path / "orvena.html"
    page_file.write_text(published["html"], encoding="utf-8")
    url = page_file.as_uri()
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1000, "height": 800},
            offline=True,
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url, wait_until="load", timeout=10_000)
            page.wait_for_timeout(300)
            body = page.inner_text("body")
            quotes = page.locator("blockquote")
            assert quotes.count() == 4
            for n in range(4):
                assert quotes.nth(n).is_visible()
            scripts = page.evaluate("() => Array.from(document.scripts).map(s => s.type)")
            page.screenshot(path=str(tmp_path / "orvena.png"), full_page=True)
        finally:
            context.close()
    # The recap, by section, and every kept post with its byline.
    for words in (
        "Quick recap",
        "Background",
        "Timeline",
        "Latest",
        "Inspectors flagged cracks in the dam",
        "Sirens before dawn",
        "Repairs planned",
        "Sirens in Marrow Ford before dawn.",
        "Water over the spillway at 8am.",
        "Port office says ferries run as usual.",
        "\u2014 Orvena Watch (@orvena_watch) September 19, 2023",
        "\u2014 Ann Field (@ann@social.example) September 20, 2023",
    ):
        assert words in body, words
    # The hostile post is shown as the words it is.
    assert HOSTILE_TEXT.split("\n")[0] in body
    assert scripts == ["application/ld+json", "application/ld+json"]
    assert dialogs == [], dialogs
    assert errors == [], errors
    assert [c for c in console if c.startswith("error")] == [], console
    assert requests == [url], requests
    assert (tmp_path / "orvena.png").stat().st_size > 10_000
