"""Payloads for the fake Discord: users, the guild, messages and interactions."""

from __future__ import annotations

from typing import Any

APP_ID = 1100000000000000001
BOT_ID = 1100000000000000002
GUILD_ID = 1100000000000000003
CHANNEL_ID = 1100000000000000004
USER_ID = 1100000000000000005
ADMIN_ID = 1100000000000000006
TOKEN = "fake-token.for-tests-only"
API = "/api/v10"
NOW = "2024-06-01T12:00:00.000000+00:00"
MEMBER_PERMISSIONS = str(
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16)
)  # view, send, embed, history
MANAGE_GUILD = str(int(MEMBER_PERMISSIONS) | (1 << 5))


def user(user_id: int, name: str, *, is_bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": is_bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(user_id: int, name: str, permissions: str = MEMBER_PERMISSIONS) -> dict[str, Any]:
    return {
        "user": user(user_id, name),
        "roles": [],
        "joined_at": NOW,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": permissions,
        "nick": None,
    }


BOT_USER = user(BOT_ID, "newsdesk", is_bot=True)
CHANNEL = {
    "id": str(CHANNEL_ID),
    "type": 0,
    "guild_id": str(GUILD_ID),
    "name": "news",
    "position": 0,
    "permission_overwrites": [],
    "nsfw": False,
    "parent_id": None,
    "topic": None,
    "last_message_id": None,
    "rate_limit_per_user": 0,
}


def guild() -> dict[str, Any]:
    everyone = {
        "id": str(GUILD_ID),
        "name": "@everyone",
        "permissions": MEMBER_PERMISSIONS,
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    return {
        "id": str(GUILD_ID),
        "name": "Test Server",
        "icon": None,
        "owner_id": str(ADMIN_ID),
        "unavailable": False,
        "member_count": 3,
        "large": False,
        "joined_at": NOW,
        "roles": [everyone],
        "channels": [CHANNEL],
        "threads": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "members": [{**member(BOT_ID, "newsdesk"), "user": BOT_USER}],
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
    }


def application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "newsdesk",
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user(ADMIN_ID, "owner"),
        "flags": 0,
        "team": None,
        "interactions_endpoint_url": None,
        "summary": "",
        "rpc_origins": [],
    }


def callback(path: str, body: dict[str, Any]) -> dict[str, Any]:
    interaction_id = path.split("/")[2]
    flags = (body.get("data") or {}).get("flags", 0) or 0
    return {
        "interaction": {
            "id": interaction_id,
            "type": 2,
            "response_message_loading": body.get("type") == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
    }


def thread(channel_id: int, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(message_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(channel_id),
        "name": body["name"],
        "owner_id": str(BOT_ID),
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": NOW,
            "locked": False,
        },
    }


def interaction(
    interaction_id: int,
    kind: int,
    data: dict[str, Any],
    *,
    user_id: int,
    permissions: str,
    **extra: Any,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload from a member in the test channel."""
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"itoken-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": CHANNEL,
        "member": member(user_id, f"user{user_id % 1000}", permissions),
        "data": data,
        "app_permissions": MEMBER_PERMISSIONS,
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 8 * 1024 * 1024,
        **extra,
    }


def message(
    message_id: int,
    body: dict[str, Any],
    *,
    author: dict[str, Any],
    channel_id: int = CHANNEL_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A message object as Discord returns or dispatches it."""
    return {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "guild_id": str(GUILD_ID),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": NOW,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "pinned": False,
        "type": 19 if body.get("message_reference") else 0,
        "flags": body.get("flags") or 0,
        "components": body.get("components") or [],
        **(
            {"message_reference": body["message_reference"]}
            if body.get("message_reference")
            else {}
        ),
        **extra,
    }
