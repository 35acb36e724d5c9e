"""End to end: /sources, /stats and /reindex (swapping in a new index) on a fake Discord."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import BotConfig, BotServices, BuildReport
from index import build_index
from newsdesk.cli_bot import build_report
from retrieval import Answerer, QueryLog, RetrievalConfig
from tests.bot.discord_payloads import GUILD_ID, MANAGE_GUILD
from tests.bot.fake_discord import FakeDiscord
from tests.bot.helpers import ask, ephemeral_reply

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_ARTICLE = """---
title: Vellmar opens the world's longest glass footbridge
outlet: Hessen Courier
published: 2024-03-04
url: https://example.org/vellmar-bridge
---
The town of Vellmar opened the world's longest glass-bottomed footbridge on March 3, 2024.
The bridge spans 720 metres across the Ahne valley and took three years to build.
Mayor Anna Richter said the footbridge cost 14 million euros, most of it paid by the state.
About 9,000 visitors crossed the glass footbridge on its first weekend.
"""
BRIDGE = "When did Vellmar open its glass footbridge?"


async def test_sources_lists_the_indexed_articles(fake_discord: FakeDiscord, start_bot):
    await start_bot()
    page = await ephemeral_reply(fake_discord, await fake_discord.slash("sources"))
    embed = page["embeds"][0]
    assert page["flags"] & 64
    assert embed["title"] == "Indexed articles (page 1 of 1)"
    assert "China blames US" in embed["description"]
    assert embed["description"].count("\n") == 4  # five articles


async def test_stats_reports_questions_and_votes_to_managers(fake_discord, start_bot):
    await start_bot()
    await ask(fake_discord, "When was Blinken's trip cancelled?")
    await ask(fake_discord, "What is the recipe for banana bread?", user_id=7)
    banana = "What is the recipe for banana bread?"

    report = await ephemeral_reply(
        fake_discord, await fake_discord.slash("stats", permissions=MANAGE_GUILD)
    )
    fields = {f["name"]: f["value"] for f in report["embeds"][0]["fields"]}
    assert fields["Questions"] == "2 (50% answered)"
    assert fields["Median latency"].endswith(" ms")
    assert fields["Votes"] == "👍 0 · 👎 0"
    assert banana in fields["Most frequent unanswered questions"]


@pytest.mark.parametrize("command", ["stats", "reindex"])
async def test_admin_commands_need_manage_server(fake_discord, start_bot, command):
    await start_bot()
    note = await ephemeral_reply(fake_discord, await fake_discord.slash(command))
    assert note["content"] == "You need the Manage Server permission to do that."


@pytest.fixture
def corpus_copy(bundled_index: Path, tmp_path: Path) -> Path:
    """A private copy of the bundled corpus and its index (the symlinked build included)."""
    root = tmp_path / "copy"
    shutil.copytree(bundled_index.parent, root, symlinks=True)
    return root


async def test_reindex_swaps_in_an_index_with_a_new_article(
    fake_discord, start_bot, corpus_copy: Path, real_embedder, tmp_path
):
    answerer = Answerer(corpus_copy / "index", real_embedder, RetrievalConfig())

    def reindex() -> BuildReport:
        return build_report(
            build_index(corpus_copy / "corpus", corpus_copy / "index", real_embedder)
        )

    services = BotServices(answerer, QueryLog(tmp_path / "re.db"), reindex=reindex)
    config = BotConfig(guild_id=GUILD_ID, cooldown_s=0, guild_ready_timeout_s=0.05)
    await start_bot(config=config, services=services)
    before = await ask(fake_discord, BRIDGE)
    (corpus_copy / "corpus" / "900_vellmar_bridge.md").write_text(NEW_ARTICLE, encoding="utf-8")

    token = await fake_discord.slash("reindex", permissions=MANAGE_GUILD)
    report = await ephemeral_reply(fake_discord, token)
    after = await ask(fake_discord, BRIDGE)

    assert "March 3, 2024" not in before.body["embeds"][0].get("description", "")
    assert report["flags"] & 64
    assert "1 added" in report["content"] and "answering from 6 articles" in report["content"]
    embed = after.body["embeds"][0]
    assert "March 3, 2024" in embed["description"]
    assert "[*Vellmar opens" in embed["description"] or "[Vellmar opens" in embed["description"]
    assert "(https://example.org/vellmar-bridge)" in embed["description"]
    assert embed["footer"]["text"].startswith("Searched 6 articles")
