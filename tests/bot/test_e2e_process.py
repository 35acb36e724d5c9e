"""End to end: the `newsdesk bot` command itself, in its own process, against the fake Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest

from tests.bot.discord_payloads import GUILD_ID, TOKEN
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ask

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Points discord.py at the fake and refuses any other host, then runs `newsdesk bot`.
_LAUNCHER = """
import socket
import sys

import discord
import yarl

discord.http.Route.BASE = {api!r}
discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({gateway!r})
_lookup = socket.getaddrinfo


def _local_only(host, *args, **kwargs):
    if host not in ("127.0.0.1", "localhost", None):
        raise OSError(f"only 127.0.0.1 in tests, not {{host!r}}")
    return _lookup(host, *args, **kwargs)


socket.getaddrinfo = _local_only
from newsdesk.cli import main

sys.argv = ["newsdesk", "bot"]
main()
"""


async def test_newsdesk_bot_answers_and_stops_cleanly_on_sigterm(
    fake_discord: FakeDiscord, bundled_index: Path, tmp_path: Path
):
    launcher = tmp_path / "launch_bot.py"
    launcher.write_text(
        textwrap.dedent(_LAUNCHER).format(
            api=fake_discord.api_base, gateway=fake_discord.gateway_url
        )
    )
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "NEWSDESK_GUILD_ID": str(GUILD_ID),
        "NEWSDESK_INDEX_DIR": str(bundled_index),
        "NEWSDESK_CORPUS_DIR": str(bundled_index.parent / "corpus"),
        "NEWSDESK_DB": str(tmp_path / "log.db"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(launcher),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_discord.wait_for_op(2, timeout=90)  # IDENTIFY: it logged in and connected
        followup = await ask(fake_discord, "When was Blinken's trip cancelled?")
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    output = (stdout + stderr).decode()
    assert process.returncode == 0, output
    assert "February" in followup.body["embeds"][0]["description"]
    assert output.rstrip().endswith("Bot stopped.")
    assert TOKEN not in output
    with sqlite3.connect(tmp_path / "log.db") as conn:
        assert conn.execute("SELECT interface FROM queries").fetchall() == [("slash",)]
