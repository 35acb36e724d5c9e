"""A fake Discord on 127.0.0.1: the REST routes and the gateway the bot uses, recorded."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 1100000000000000001
BOT_ID = 1100000000000000002
GUILD_ID = 1100000000000000003
CHANNEL_ID = 1100000000000000004
USER_ID = 1100000000000000005
ADMIN_ID = 1100000000000000006
TOKEN = "fake-token.for-tests-only"
API = "/api/v10"
NOW = "2024-06-01T12:00:00.000000+00:00"
ADMINISTRATOR = str(1 << 3)
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


def _json(data: Any, status: int = 200) -> web.Response:
    """A JSON response with the exact content type discord.py checks for."""
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})


@dataclass
class Request:
    """One REST call the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class Frame:
    """One gateway payload the bot sent."""

    at: float
    payload: dict[str, Any]


@dataclass
class _Waiter:
    predicate: Callable[[Any], bool]
    future: asyncio.Future[Any]


@dataclass
class FakeDiscord:
    """Serves REST under /api/v10 and a gateway websocket at /, both on 127.0.0.1."""

    heartbeat_ms: int = 250
    requests: list[Request] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    closes: list[int | None] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1200000000000000000)
        self._seq = 0
        self._ws: web.WebSocketResponse | None = None
        self._waiters: list[_Waiter] = []
        self._runner: web.AppRunner | None = None
        self.commands: dict[str, int] = {}

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def new_id(self) -> int:
        return next(self._ids)

    # -- waiting ---------------------------------------------------------------------------

    def _notify(self, item: Any) -> None:
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.predicate(item):
                waiter.future.set_result(item)
                self._waiters.remove(waiter)

    async def wait_for(self, predicate: Callable[[Any], bool], timeout: float = 20.0) -> Any:
        """The first request or frame, already seen or still to come, that matches."""
        for item in [*self.requests, *self.frames]:
            if predicate(item):
                return item
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(_Waiter(predicate, future))
        return await asyncio.wait_for(future, timeout)

    async def wait_for_request(
        self,
        method: str,
        pattern: str,
        timeout: float = 20.0,
        where: Callable[[Request], bool] | None = None,
    ) -> Request:
        regex = re.compile(pattern)
        return await self.wait_for(
            lambda r: (
                isinstance(r, Request)
                and r.method == method
                and bool(regex.fullmatch(r.path))
                and (where is None or where(r))
            ),
            timeout,
        )

    async def wait_for_op(self, op: int, timeout: float = 20.0, after: int = 0) -> Frame:
        return await self.wait_for(
            lambda f: (
                isinstance(f, Frame) and f.payload.get("op") == op and self.frames.index(f) >= after
            ),
            timeout,
        )

    # -- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}})
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            frame = Frame(time.monotonic(), payload)
            self.frames.append(frame)
            await self._on_frame(ws, payload)
            self._notify(frame)
        self.closes.append(ws.close_code)
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        if op == 1:
            self.acks.append(time.monotonic())
            await ws.send_json({"op": 11})
        elif op == 2:
            session = f"session-{len(self.sessions) + 1}"
            self.sessions.append(session)
            self._seq = 0
            await self.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": BOT_USER,
                    "session_id": session,
                    "resume_gateway_url": self.gateway_url,
                    "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                    "application": {"id": str(APP_ID), "flags": 0},
                },
            )
            await self.dispatch("GUILD_CREATE", self.guild())
        elif op == 6:
            await self.dispatch("RESUMED", {})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one event to the bot over the current gateway connection."""
        assert self._ws is not None, "the bot is not connected"
        self._seq += 1
        await self._ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def drop_connection(self) -> None:
        """Close the gateway from our side, as Discord does now and then (4000: resumable)."""
        assert self._ws is not None
        await self._ws.close(code=4000, message=b"fake reconnect")

    @staticmethod
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

    # -- REST ------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json", "null")))
        path = "/" + request.match_info["tail"]
        recorded = Request(request.method, path, dict(request.query), body, dict(request.headers))
        self.requests.append(recorded)
        try:
            return await self._route(recorded)
        finally:
            self._notify(recorded)

    async def _route(self, r: Request) -> web.StreamResponse:
        m, p = r.method, r.path
        if (m, p) == ("GET", "/users/@me"):
            return _json(BOT_USER)
        if (m, p) == ("GET", "/oauth2/applications/@me"):
            return _json(self._application())
        if m == "GET" and p in ("/gateway", "/gateway/bot"):
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if m == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", p):
            return _json([self._command(c) for c in r.body])
        if m == "POST" and re.fullmatch(r"/interactions/\d+/[^/]+/callback", p):
            return _json(self._callback(p, r.body))
        if m in ("POST", "PATCH") and re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/[^/]+)?", p):
            return _json(self.message(r.body or {}, author=BOT_USER))
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", p)):
            return _json(self._thread(int(match[1]), int(match[2]), r.body))
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return _json(self.message(r.body or {}, author=BOT_USER, channel_id=int(match[1])))
        if m == "POST" and re.fullmatch(r"/channels/\d+/typing", p):
            return web.Response(status=204)
        return _json({"message": f"fake: no route {m} {p}", "code": 0}, status=404)

    def _application(self) -> dict[str, Any]:
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

    def _command(self, payload: dict[str, Any]) -> dict[str, Any]:
        command_id = self.commands.setdefault(payload["name"], self.new_id())
        return {
            "application_id": str(APP_ID),
            "version": "1",
            "guild_id": str(GUILD_ID),
            "default_member_permissions": None,
            "options": [],
            **payload,
            "id": str(command_id),
        }

    @staticmethod
    def _callback(path: str, body: dict[str, Any]) -> dict[str, Any]:
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

    def message(
        self,
        body: dict[str, Any],
        *,
        author: dict[str, Any],
        channel_id: int = CHANNEL_ID,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message object as Discord returns or dispatches it."""
        return {
            "id": str(self.new_id()),
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

    def _thread(self, channel_id: int, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
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

    # -- what users do -----------------------------------------------------------------------

    def _interaction(
        self, kind: int, data: dict[str, Any], *, user_id: int, permissions: str, **extra: Any
    ) -> dict[str, Any]:
        interaction_id = self.new_id()
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

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: int = USER_ID,
        permissions: str = MEMBER_PERMISSIONS,
    ) -> str:
        """Run a slash command as a user; returns the interaction token."""
        data = {
            "id": str(self.commands.get(name, 0)),
            "name": name,
            "type": 1,
            "guild_id": str(GUILD_ID),
            "options": [
                {"name": k, "type": 3 if isinstance(v, str) else 4, "value": v}
                for k, v in (options or {}).items()
            ],
        }
        payload = self._interaction(2, data, user_id=user_id, permissions=permissions)
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def click(
        self, custom_id: str, message: dict[str, Any], *, user_id: int = USER_ID
    ) -> str:
        """Click a button under a message; returns the interaction token."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction(
            3, data, user_id=user_id, permissions=MEMBER_PERMISSIONS, message=message
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def mention(self, text: str, *, user_id: int = USER_ID) -> dict[str, Any]:
        """Post a message that mentions the bot; returns the message."""
        author = user(user_id, f"user{user_id % 1000}")
        message = self.message(
            {"content": f"<@{BOT_ID}> {text}"},
            author=author,
            member={k: v for k, v in member(user_id, "u").items() if k != "user"},
            mentions=[{**BOT_USER, "member": member(BOT_ID, "newsdesk")}],
        )
        await self.dispatch("MESSAGE_CREATE", message)
        return message


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
