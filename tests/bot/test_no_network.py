"""The bot without a network: one clear line and a non-zero exit, after retrying the login."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import textwrap
import time
from pathlib import Path

import discord
import pytest

from bot import BotConfig, BotServices
from bot.client import BotStartError, NewsdeskBot, serve
from retrieval import QueryLog
from tests.bot.discord_payloads import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def refused(monkeypatch: pytest.MonkeyPatch) -> str:
    """discord.py pointed at a port on 127.0.0.1 where nothing listens."""
    base = f"http://127.0.0.1:{_closed_port()}/api/v10"
    monkeypatch.setattr(discord.http.Route, "BASE", base)
    return base


async def _serve(answerer, tmp_path: Path, attempts: int) -> float:
    querylog = QueryLog(tmp_path / "log.db")
    config = BotConfig(connect_attempts=attempts, connect_pause_s=0.05)
    client = NewsdeskBot(config, BotServices(answerer=answerer, querylog=querylog))
    started = time.perf_counter()
    try:
        await asyncio.wait_for(serve(client, TOKEN, handle_signals=False), 30)
    finally:
        querylog.close()
    return time.perf_counter() - started


async def test_refused_connection_is_retried_then_one_clear_error(
    refused, answerer, tmp_path, caplog
):
    with pytest.raises(BotStartError, match="Cannot reach Discord") as failure:
        await _serve(answerer, tmp_path, attempts=3)
    assert "after 3 attempts" in str(failure.value)
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retries) == 2


async def test_failed_name_lookup_is_one_clear_error(no_remote_hosts, answerer, tmp_path):
    with pytest.raises(BotStartError, match="Cannot reach Discord"):
        await _serve(answerer, tmp_path, attempts=1)


_LAUNCHER = """
import discord
import sys

discord.http.Route.BASE = {api!r}
from newsdesk.cli import main

sys.argv = ["newsdesk", "bot"]
main()
"""


async def test_newsdesk_bot_without_a_network_exits_non_zero_with_one_line(
    bundled_index: Path, tmp_path: Path
):
    launcher = tmp_path / "launch_bot.py"
    api = f"http://127.0.0.1:{_closed_port()}/api/v10"
    launcher.write_text(textwrap.dedent(_LAUNCHER).format(api=api))
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "NEWSDESK_INDEX_DIR": str(bundled_index),
        "NEWSDESK_DB": str(tmp_path / "log.db"),
        "NEWSDESK_CONNECT_ATTEMPTS": "2",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(launcher),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    output = (stdout + stderr).decode()
    assert process.returncode not in (0, None)
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "Cannot reach Discord" in errors[0]
    assert TOKEN not in output
