"""Slash commands, direct messages, mentions and ask-channels: every way people reach the bot."""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.render import NO_MENTIONS, render_about, render_answer, render_notice
from bot.core.answer import EmptyQuestion

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong while answering that. Please try again in a moment."
EMPTY = "Ask me a question about the Trump–Mamdani meeting, for example: *When did they meet?*"
# Discord's own ceiling for a string option; longer questions are cut to MAX_QUESTION_CHARS anyway.
OPTION_MAX = 6000
_QUESTION_START = re.compile(
    r"^(who|whom|whose|what|when|where|why|which|how|is|are|was|were|did|does|do|can|could|will|"
    r"would|should|has|have|had|tell me|explain)\b",
    re.I,
)


def looks_like_question(text: str) -> bool:
    """Whether channel chatter is a question (used only in ASK_CHANNEL_IDS channels)."""
    text = text.strip()
    return text.endswith("?") or bool(_QUESTION_START.match(text))


class Cooldowns:
    """Per-user token buckets shared by every way of asking (discord.py's Cooldown does the counting)."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def retry_after(self, user_id: int) -> float | None:
        """Seconds until this user may ask again, or None if they may ask now (and count it)."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:  # forget idle users now and then
            self._buckets = {u: b for u, b in self._buckets.items() if b._last + self.per > now}
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        return bucket.update_rate_limit(now)

    def describe(self) -> str:
        """The limit in words."""
        return f"{self.rate} questions per {self.per:g} seconds per person"


def strip_mentions(text: str, bot_id: int) -> str:
    """The message without the bot's own mention(s)."""
    return re.sub(rf"<@!?{bot_id}>", " ", text).strip()


class AskCog(commands.Cog):
    """/ask, /about and message handling."""

    def __init__(self, bot: MeetingBot) -> None:
        self.bot = bot
        self.cooldowns = Cooldowns(bot.settings.cooldown_questions, bot.settings.cooldown_seconds)

    # ------------------------------------------------------------ slash commands

    @app_commands.command(name="ask", description="Ask about the Trump–Mamdani Oval Office meeting")
    @app_commands.describe(
        question="Your question about the meeting",
        private="Show the answer only to you",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, OPTION_MAX],
        private: bool = False,
    ) -> None:
        """Answer a question with cited excerpts from the article."""
        wait = self.cooldowns.retry_after(interaction.user.id)
        if wait is not None:
            await interaction.response.send_message(
                render_notice(
                    f"You're asking quickly: please wait {wait:.0f} s ({self.cooldowns.describe()})."
                ),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        # Defer first: the answer is fast, but the 3-second deadline must hold under any load.
        await interaction.response.defer(thinking=True, ephemeral=private)
        try:
            answer = await self.bot.answers.ask(question)
        except EmptyQuestion:
            await interaction.followup.send(EMPTY, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        except Exception:
            log.exception("answering a slash command failed")
            await interaction.followup.send(APOLOGY, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await interaction.followup.send(
            embed=render_answer(answer).embed, ephemeral=private, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="about", description="What this bot knows and how to ask it")
    async def about(self, interaction: discord.Interaction) -> None:
        """Describe the documents, the index and how to ask."""
        embed = render_about(self.bot.answers.answerer.index, self.cooldowns.describe())
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure becomes a short apology; the bot keeps serving."""
        log.error("slash command failed: %r", error, exc_info=error)
        send = (
            interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
        )
        try:
            await send(APOLOGY, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not send the apology either")

    # ------------------------------------------------------------ messages

    def _is_reply_to_me(self, message: discord.Message) -> bool:
        ref = message.reference
        if ref is None or not isinstance(ref.resolved, discord.Message):
            return False
        return ref.resolved.author.id == self.bot.user.id  # type: ignore[union-attr]

    def wants(self, message: discord.Message) -> str | None:
        """The question in a message if the bot should answer it, else None."""
        me = self.bot.user
        if me is None or message.author.bot or message.webhook_id is not None:
            return None
        text = strip_mentions(message.content, me.id)
        if message.guild is None:
            return text
        if me in message.mentions or self._is_reply_to_me(message):
            return text
        if message.channel.id in self.bot.settings.ask_channel_ids and looks_like_question(text):
            return text
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer DMs, mentions, replies to the bot, and questions in ask-channels."""
        question = self.wants(message)
        if question is None:
            return
        try:
            await self._answer_message(message, question)
        except discord.HTTPException as exc:
            log.warning("could not reply to message %s: %s", message.id, exc)
        except Exception:
            log.exception("answering message %s failed", message.id)
            try:
                await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                pass

    async def _answer_message(self, message: discord.Message, question: str) -> None:
        wait = self.cooldowns.retry_after(message.author.id)
        if wait is not None:
            await message.reply(
                render_notice(f"Please wait {wait:.0f} s before asking again ({self.cooldowns.describe()})."),
                mention_author=False,
                allowed_mentions=NO_MENTIONS,
            )
            return
        if not question.strip():
            await message.reply(EMPTY, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        async with message.channel.typing():
            answer = await self.bot.answers.ask(question)
        await message.reply(
            embed=render_answer(answer).embed, mention_author=False, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: MeetingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AskCog(bot))
