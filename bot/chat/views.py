"""Buttons under every answer; persistent: what a button needs travels in its custom_id (≤ 100 chars)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.chat.render import NO_MENTIONS, render_answer, render_notice, render_paragraph
from bot.core.answer import MAX_K
from bot.core.paragraphs import UnknownChunk, full_paragraph
from bot.core.replies import NO_MORE

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot

log = logging.getLogger(__name__)

MORE_STEP = 3
APOLOGY = "Sorry, that button failed; please try again in a moment."
GONE = "I no longer have that answer to expand (too old, forgotten, or not yours to see); please ask again."
# A Full paragraph button whose passage the index no longer has (rebuilt since the answer was posted).
PARAGRAPH_GONE = "That passage is no longer in the article's index (it was rebuilt since); please ask again."
# A button none of the bot's buttons reads: an older version's, or a tampered one.
STALE_BUTTON = "That button no longer works; please ask again."
VOTE_GONE = "That answer is not one you can vote on here (or no longer kept), so the vote was not counted."


# How long a click on (or a reply to) a fresh answer waits for that answer to be stored.
RECORD_WAIT_SECONDS = 2.0


class Unrecorded:
    """Answers being sent and stored, by answer id: whatever reads an answer's row soon after it was posted
    (a reply to it, its "More passages" or vote buttons) waits for the write that runs with the reply,
    instead of finding no row and calling the answer forgotten."""

    def __init__(self) -> None:
        self._pending: dict[int, asyncio.Event] = {}

    @contextmanager
    def being_recorded(self, answer_id: int) -> Iterator[None]:
        """Mark an answer as being sent and stored until the block ends."""
        done = asyncio.Event()
        self._pending[answer_id] = done
        try:
            yield
        finally:
            self._pending.pop(answer_id, None)
            done.set()

    async def wait(self, answer_id: int, timeout: float = RECORD_WAIT_SECONDS) -> None:
        """Return once the answer is stored (at once if it is not being stored), or after `timeout`."""
        pending = self._pending.get(answer_id)
        if pending is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending.wait(), timeout)


def _bot(interaction: discord.Interaction) -> MeetingBot:
    return interaction.client  # type: ignore[return-value]


async def tell_privately(interaction: discord.Interaction, text: str) -> None:
    """Send a short private line in reply to an interaction, answered or deferred; failures only logged.

    After a public defer, the first follow-up takes the place of the "thinking" line and keeps its
    visibility (a helper's trial: "not valid text" was posted for the channel to see), so that line is
    taken down first, and the private one is a message of its own."""
    send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
    if interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
        try:
            await _take_down_public_placeholder(interaction)
        except Exception as exc:  # then the line goes where the placeholder was, as before
            log.warning("could not take down the public placeholder (%s)", type(exc).__name__)
    try:
        await send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except Exception as exc:  # Discord refused, or the connection is closing: nothing more to say
        log.warning("could not send a private reply either (%s)", type(exc).__name__)


async def _take_down_public_placeholder(interaction: discord.Interaction) -> None:
    """Delete the deferred reply of an interaction while it is still a public "thinking" line."""
    original = await interaction.original_response()
    if original.flags.loading and not original.flags.ephemeral:
        await interaction.delete_original_response()


async def apologize(interaction: discord.Interaction, error: Exception, apology: str) -> None:
    """A command's failure: logged, counted in the metrics, and answered with a short private apology."""
    log.error("slash command failed: %r", error, exc_info=error)
    _bot(interaction).metrics.error("command")
    await tell_privately(interaction, apology)


# How many people's buckets are kept before those idle again are forgotten (at least).
FORGET_IDLE_AT = 10_000


class Cooldowns:
    """Per-user token buckets shared by every way of asking (discord.py's Cooldown does the counting)."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[int, app_commands.Cooldown] = {}
        self._notified: dict[int, float] = {}
        self._forget_at = FORGET_IDLE_AT

    def retry_after(self, user_id: int) -> float | None:
        """Seconds until this user may ask again, or None if they may ask now (and count it)."""
        now = time.monotonic()
        if len(self._buckets) > self._forget_at:  # forget idle users now and then
            self._buckets = {u: b for u, b in self._buckets.items() if b.get_tokens(now) < self.rate}
            self._notified = {u: t for u, t in self._notified.items() if now - t < self.per}
            # With more people active than the bar, the next sweep waits until as many again have come:
            # sweeping at every message past it cost 3.7 ms a message with 20,000 active (a trial).
            self._forget_at = max(FORGET_IDLE_AT, 2 * len(self._buckets))
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        return bucket.update_rate_limit(now)

    def first_refusal(self, user_id: int) -> bool:
        """True for the first refusal of this user in the current window (to notify once), else False."""
        now = time.monotonic()
        if now - self._notified.get(user_id, -self.per) < self.per:
            return False
        self._notified[user_id] = now
        return True

    def describe(self, what: str = "question") -> str:
        """The limit in words, counting `what` ("question", "check")."""
        # Settings keep the window between a millisecond and a day: three decimals show any of them.
        seconds = f"{self.per:,.3f}".rstrip("0").rstrip(".")
        unit = "second" if self.per == 1 else "seconds"
        return f"{self.rate} {what}{'' if self.rate == 1 else 's'} per {seconds} {unit} per person"


def may_post_here(interaction: discord.Interaction) -> bool:
    """Whether the person may post in the interaction's channel themselves. A public reply carries their
    words (an /ask's title is the question; a posted check quotes them): a member without Send Messages
    posted their own text in the channel through the bot (a trial). Always in a DM. Never for a member
    timed out (who may only read), nor in a locked thread without Manage Threads (only they may post
    there), whatever the permissions Discord sent say."""
    if interaction.guild is None:
        return True
    permissions = interaction.permissions
    if isinstance(interaction.user, discord.Member) and interaction.user.is_timed_out():
        return False
    if isinstance(interaction.channel, discord.Thread):
        if interaction.channel.locked and not permissions.manage_threads:
            return False
        return permissions.send_messages_in_threads
    return permissions.send_messages


def seconds(wait: float) -> int:
    """A wait in whole seconds, rounded up: never "please wait 0 s" (a trial) when 0.3 s are left."""
    return max(1, math.ceil(wait))


async def refused_for_cooldown(
    interaction: discord.Interaction, wait: float | None, doing: str, limit: str
) -> bool:
    """When the person must wait `wait` seconds before `doing` again, say so privately, count it, and
    return True; False (and nothing said) when they may go on."""
    if wait is None:
        return False
    _bot(interaction).metrics.cooldown_hit()
    await interaction.response.send_message(
        render_notice(f"You're {doing} quickly: please wait {seconds(wait)} s ({limit})."),
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )
    return True


def safely(callback: Callable[[Any, discord.Interaction], Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """A button callback whose failure is logged and answered with a short private apology."""

    @functools.wraps(callback)
    async def wrapper(self: Any, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception:
            log.exception("button %s failed", getattr(self, "custom_id", "?"))
            await tell_privately(interaction, APOLOGY)

    return wrapper


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"mb:more:(?P<answer>\d{1,20}):(?P<shown>\d{1,2})"
):
    """The next excerpts of an answer, recomputed from the stored question."""

    def __init__(self, answer_id: int, shown: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="More passages",
                emoji="📄",
                style=discord.ButtonStyle.secondary,
                custom_id=f"mb:more:{answer_id}:{shown}",
            )
        )
        self.answer_id, self.shown = answer_id, shown

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> MoreButton:
        """Rebuild the button from its custom_id (also after a restart)."""
        return cls(int(match["answer"]), int(match["shown"]))

    @safely
    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the next excerpts privately to whoever clicked (a search: it counts as a question)."""
        bot = _bot(interaction)
        cooldowns = bot.question_cooldowns
        wait = cooldowns.retry_after(interaction.user.id)
        if await refused_for_cooldown(interaction, wait, "asking", cooldowns.describe()):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await bot.unrecorded.wait(self.answer_id)  # a click on an answer just posted
        # Only the asker, or someone in the channel where the answer was posted publicly, may expand it.
        stored = await asyncio.to_thread(
            bot.store.answer_for, str(self.answer_id), interaction.user.id, interaction.channel_id
        )
        if stored is None:
            await interaction.followup.send(GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        k = min(MAX_K, self.shown + MORE_STEP)
        answer = await bot.answers.ask(stored.question, k, history=stored.history)
        rest = answer.excerpts[self.shown :]
        if not rest:
            await interaction.followup.send(NO_MORE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        more = render_answer(answer, shown_from=self.shown)
        await interaction.followup.send(embed=more, ephemeral=True, allowed_mentions=NO_MENTIONS)


class ParagraphButton(discord.ui.DynamicItem[discord.ui.Button], template=r"mb:para:(?P<chunk>[^\s]{1,80})"):
    """The whole paragraph around excerpt [1], with its heading."""

    def __init__(self, chunk_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Full paragraph",
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=f"mb:para:{chunk_id}",
            )
        )
        self.chunk_id = chunk_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ParagraphButton:
        """Rebuild the button from its custom_id."""
        return cls(match["chunk"])

    @safely
    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the paragraph privately."""
        try:
            para = full_paragraph(_bot(interaction).answers.answerer.index, self.chunk_id)
        except UnknownChunk:
            await interaction.response.send_message(
                PARAGRAPH_GONE, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.send_message(
            embed=render_paragraph(para), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"mb:vote:(?P<answer>\d{1,20}):(?P<value>up|down)"
):
    """👍 / 👎 on an answer: one vote per person per answer, changeable."""

    def __init__(self, answer_id: int, value: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if value == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"mb:vote:{answer_id}:{value}",
            )
        )
        self.answer_id, self.value = answer_id, value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> VoteButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["answer"]), match["value"])

    @safely
    async def callback(self, interaction: discord.Interaction) -> None:
        """Record (or change) the vote and thank the voter privately."""
        bot = _bot(interaction)
        # Defer first: a busy or locked database must not cost the click Discord's 3-second deadline.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await bot.unrecorded.wait(self.answer_id)  # a click on an answer just posted
        visible = await asyncio.to_thread(
            bot.store.answer_for, str(self.answer_id), interaction.user.id, interaction.channel_id
        )
        # The interaction's id orders this person's clicks: a 👍 written after a later 👎 doesn't undo it.
        counted = visible is not None and await asyncio.to_thread(
            bot.store.vote,
            str(self.answer_id),
            interaction.user.id,
            1 if self.value == "up" else -1,
            interaction.created_at,
            stamp=interaction.id,
        )
        if not counted:
            await interaction.followup.send(VOTE_GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        thanks = "Thanks, glad it helped." if self.value == "up" else "Thanks, noted: this answer missed."
        await interaction.followup.send(thanks, ephemeral=True, allowed_mentions=NO_MENTIONS)


DYNAMIC_ITEMS: tuple[Any, ...] = (MoreButton, ParagraphButton, VoteButton)


def button_reads(kind: type[discord.ui.DynamicItem[Any]], custom_id: str) -> bool:
    """Whether a kind of button reads this custom_id, as discord.py matches it: its whole template
    (which discord.py keeps compiled on the class)."""
    return kind.__discord_ui_compiled_template__.fullmatch(custom_id) is not None


def answer_view(answer_id: int, shown: int, first_chunk: str | None, more: bool = True) -> discord.ui.View:
    """The buttons under an answer ("More passages" only when `more`)."""
    view = discord.ui.View(timeout=None)
    if more:
        view.add_item(MoreButton(answer_id, shown))
    if first_chunk:
        view.add_item(ParagraphButton(first_chunk))
    view.add_item(VoteButton(answer_id, "up"))
    view.add_item(VoteButton(answer_id, "down"))
    return view
