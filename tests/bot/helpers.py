"""Steps the bot tests share: ask and wait, read ephemeral notes, inspect what was sent."""

from __future__ import annotations

from typing import Any

from tests.bot.discord_payloads import APP_ID, USER_ID
from tests.bot.fake_discord import FakeDiscord, Request


async def ask(fake: FakeDiscord, question: str, *, user_id: int = USER_ID) -> Request:
    """Run /ask as a user and wait for the answer (the follow-up after the deferral)."""
    token = await fake.slash("ask", {"question": question}, user_id=user_id)
    return await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")


async def ephemeral_reply(fake: FakeDiscord, token: str) -> dict[str, Any]:
    """The message data of a note only the user sees: a response or a follow-up."""
    callback = await fake.wait_for_request("POST", rf"/interactions/\d+/{token}/callback")
    if callback.body["type"] == 4:
        return dict(callback.body["data"])
    followup = await fake.wait_for_request("POST", rf"/webhooks/{APP_ID}/{token}")
    return dict(followup.body)


def custom_ids(message_body: dict[str, Any]) -> list[str]:
    """The custom ids of the buttons under a message the bot sent."""
    return [
        button["custom_id"]
        for row in message_body.get("components") or []
        for button in row["components"]
    ]


def sent_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every message payload the bot sent: channel posts, follow-ups, edits, callbacks."""
    payloads = []
    for r in fake.requests:
        if r.method not in ("POST", "PATCH") or not isinstance(r.body, dict):
            continue
        if r.path.endswith("/callback"):
            data = r.body.get("data") or {}
            if "content" in data or "embeds" in data:
                payloads.append(data)
        elif r.path.startswith(("/webhooks/", "/channels/")) and not r.path.endswith("/threads"):
            payloads.append(r.body)
    return payloads
