"""What both Telegram export readers share: the platform, a message's key, its rejection.

`telegram.py` reads the JSON export, `_telegram_html.py` the `messages.html`
pages; both key a message the same way (`chat:<chat name>/<message id>`, see
`telegram.py`'s docstring) so that one chat read from either adds nothing
the second time. Kept apart so that the HTML reader need not import the
format module (no import cycle).
"""

from __future__ import annotations

PLATFORM = "telegram"


def name_key(chat_name: str, msg_id: str) -> str:
    """The platform id both export shapes give a message: `chat:<chat name>/<message id>`."""
    return f"chat:{chat_name}/{msg_id}"


class _BadMessage(Exception):
    """A message that cannot become an item; the reason is the message."""
