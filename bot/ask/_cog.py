"""Asking: the /ask command and @mentions, answered with a cited embed and buttons."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ask._cooldown import Cooldown
from bot.ask._format import answer_embed
from bot.ask._views import answer_view
from bot.config import BotConfig, BotServices
from bot.replies import FAILURE, NO_MENTIONS, send_ephemeral
from bot.text import clip, plain_question
from kernel.errors import EmptyQuestion, NewsdeskError, QuestionTooLong, UnreadableQuestion
from retrieval import Answer, Conversation, Conversations

log = logging.getLogger(__name__)

USAGE = (
    "Ask me about the news articles, for example `/ask question: When was Blinken's trip "
    "cancelled?`, or mention me with your question."
)
_THREAD_NAME_LIMIT = 100


class AskCog(commands.Cog):
    """Answers /ask and messages that mention the bot."""

    def __init__(self, client: commands.Bot, config: BotConfig, services: BotServices) -> None:
        self.client = client
        self.config = config
        self.services = services
        self.cooldown = Cooldown(config.cooldown_s)
        self._keeping: set[asyncio.Task[None]] = set()
        self._saving: set[asyncio.Task[None]] = set()
        # Follow-ups: the conversation of each answer message and answer thread, kept in
        # memory and in the bot's database, so that they go on after a restart.
        self.conversations = Conversations(path=services.database)

    async def cog_unload(self) -> None:
        """Finish writing the conversations, then close their database, at shutdown."""
        await asyncio.gather(*self._saving)
        await asyncio.to_thread(self.conversations.close)

    @app_commands.command(name="ask", description="Ask a question about the news articles.")
    @app_commands.describe(question="Your question, e.g. When was Blinken's trip cancelled?")
    async def ask(self, interaction: discord.Interaction[Any], question: str) -> None:
        """Check the question, answer it off the event loop, reply with the embed and buttons."""
        question = plain_question(question)
        refusal = self.refusal(question, interaction.user.id)
        if refusal:
            await send_ephemeral(interaction, refusal)
            return
        await interaction.response.defer(thinking=True)
        conversation = Conversation()
        answer, query_id = await self.answer(
            question,
            interface="slash",
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            user_id=interaction.user.id,
            conversation=conversation,
        )
        view = answer_view(query_id, answered=answer.answered)
        sent = await interaction.followup.send(
            embed=answer_embed(answer),
            view=view or discord.utils.MISSING,
            allowed_mentions=NO_MENTIONS,
            wait=True,
        )
        self.keep(sent.id, conversation)

    def keep(self, key: int, conversation: Conversation) -> None:
        """Keep the conversation under a thread or an answer: in memory at once, and in the
        database from a worker thread, not awaited (the reply is already out)."""
        self.conversations.keep(key, conversation)
        task = asyncio.create_task(asyncio.to_thread(self.conversations.save, key))
        self._saving.add(task)
        task.add_done_callback(self._saving.discard)

    async def kept(self, key: int | None) -> Conversation | None:
        """The conversation kept under a thread or an answer (maybe read from the database)."""
        return None if key is None else await asyncio.to_thread(self.conversations.get, key)

    async def conversation_of(self, message: discord.Message) -> tuple[Conversation | None, bool]:
        """The conversation a message follows up: that of the answer thread it is posted in,
        or of the answer it replies to (None for a message of its own); and whether it is
        posted in an answer thread."""
        in_thread = await self.kept(message.channel.id)
        if in_thread is not None:
            return in_thread, True
        reference = message.reference
        return await self.kept(reference.message_id if reference else None), False

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot (its content comes with the mention), and
        a message in an answer's thread or replying to an answer, as a follow-up."""
        me = self.client.user
        if me is None or message.author.bot:
            return
        follows, in_thread = await self.conversation_of(message)
        if follows is None and all(u.id != me.id for u in message.mentions):
            return
        conversation = follows or Conversation()
        question = plain_question(message.content)
        refusal = self.refusal(question, message.author.id)
        if refusal:
            await message.reply(refusal, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        try:
            answer, query_id = await self.answer(
                question,
                interface="mention",
                guild_id=message.guild.id if message.guild else None,
                channel_id=message.channel.id,
                user_id=message.author.id,
                conversation=conversation,
            )
        except NewsdeskError as exc:
            await message.reply(str(exc), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        except Exception:  # the bot's boundary: log it, tell the user, never a traceback
            log.exception("question in message %s failed", message.id)
            await message.reply(FAILURE, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        await self.deliver(message, answer, query_id, conversation, in_thread=in_thread)

    def refusal(self, question: str, user_id: int) -> str | None:
        """Why a question is not taken (a friendly sentence), or None to go ahead."""
        try:
            self.services.answerer.check(question)
        except EmptyQuestion:
            return USAGE
        except (QuestionTooLong, UnreadableQuestion) as exc:
            return str(exc)
        wait = self.cooldown.remaining(user_id)
        if wait > 0:
            return f"One moment, please: you can ask again in {math.ceil(wait)} s."
        return None

    async def answer(
        self,
        question: str,
        *,
        interface: str,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        conversation: Conversation | None = None,
    ) -> tuple[Answer, int | None]:
        """Answer and log the question, both off the event loop; with a conversation, the
        question is read in the light of its turns (a follow-up) and becomes its next turn."""
        ask = self.services.answerer.ask
        if conversation is not None:
            answer = await asyncio.to_thread(conversation.ask, ask, question, k=self.config.top_k)
        else:
            answer = await asyncio.to_thread(ask, question, k=self.config.top_k)
        query_id = await asyncio.to_thread(
            self.services.querylog.record,
            answer,
            interface=interface,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
        )
        if answer.answered and query_id is not None:
            task = asyncio.create_task(self._keep_further(answer, query_id))
            self._keeping.add(task)
            task.add_done_callback(self._keeping.discard)
        return answer, query_id

    async def _keep_further(self, answer: Answer, query_id: int) -> None:
        """Find the passages beyond the answer's on the same index and as-of, after the reply,
        for "More sources"; a new index swapped in meanwhile leaves nothing kept."""
        answerer = self.services.answerer
        try:
            more = await asyncio.to_thread(
                answerer.ask,
                answer.read_as or answer.question,
                k=self.config.more_k,
                as_of=answer.as_of,
            )
        except NewsdeskError:
            return
        if more.index_version == answer.index_version:
            shown = {quote.text for quote in answer.quotes}
            extra = [q for q in more.quotes if q.text not in shown] if more.answered else []
            self.services.further.keep(query_id, extra)

    async def deliver(
        self,
        message: discord.Message,
        answer: Answer,
        query_id: int | None,
        conversation: Conversation,
        *,
        in_thread: bool = False,
    ) -> None:
        """Reply to the question, or answer in a new thread from it when so configured; a
        follow-up is answered where it was asked (`in_thread`, or as a reply). The answer
        and its thread are kept as places where the conversation may go on."""
        embed = answer_embed(answer)
        view = answer_view(query_id, answered=answer.answered) or discord.utils.MISSING
        thread = None if in_thread else await self._thread_for(message, answer.question)
        sent: discord.Message
        if thread is not None:
            sent = await thread.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
            self.keep(thread.id, conversation)
        elif in_thread:
            sent = await message.channel.send(embed=embed, view=view, allowed_mentions=NO_MENTIONS)
        else:
            sent = await message.reply(
                embed=embed, view=view, mention_author=False, allowed_mentions=NO_MENTIONS
            )
        self.keep(sent.id, conversation)

    async def _thread_for(self, message: discord.Message, question: str) -> discord.Thread | None:
        if not self.config.answer_in_thread or not isinstance(message.channel, discord.TextChannel):
            return None
        name = clip(" ".join(question.split()), _THREAD_NAME_LIMIT) or "Answer"
        try:
            return await message.create_thread(name=name)
        except discord.HTTPException as exc:
            log.warning("could not start a thread from message %s (%s)", message.id, exc)
            return None
