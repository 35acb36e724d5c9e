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

from tests.bot.discord_payloads import (
    API,
    APP_ID,
    BOT_ID,
    BOT_USER,
    GUILD_ID,
    MEMBER_PERMISSIONS,
    USER_ID,
    application,
    callback,
    guild,
    interaction,
    member,
    thread,
    user,
)
from tests.bot.discord_payloads import (
    message as message_payload,
)


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
            await self.dispatch("GUILD_CREATE", guild())
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
            return _json(application())
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
            return _json(callback(p, r.body))
        if m in ("POST", "PATCH") and re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/[^/]+)?", p):
            return _json(self.message(r.body or {}, author=BOT_USER))
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", p)):
            return _json(thread(int(match[1]), int(match[2]), r.body))
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return _json(self.message(r.body or {}, author=BOT_USER, channel_id=int(match[1])))
        if m == "POST" and re.fullmatch(r"/channels/\d+/typing", p):
            return web.Response(status=204)
        return _json({"message": f"fake: no route {m} {p}", "code": 0}, status=404)

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

    def message(self, body: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """A message object with a fresh id, as Discord returns or dispatches it."""
        return message_payload(self.new_id(), body, **fields)

    # -- what users do -----------------------------------------------------------------------

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
        payload = interaction(self.new_id(), 2, data, user_id=user_id, permissions=permissions)
        await self.dispatch("INTERACTION_CREATE", payload)
        return str(payload["token"])

    async def click(
        self, custom_id: str, message: dict[str, Any], *, user_id: int = USER_ID
    ) -> str:
        """Click a button under a message; returns the interaction token."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = interaction(
            self.new_id(), 3, data, user_id=user_id, permissions=MEMBER_PERMISSIONS, message=message
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
