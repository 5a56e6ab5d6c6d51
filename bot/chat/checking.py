"""The quote check on Discord: Apps → "Check against the article" on a message, and /check text.

Both reply privately to whoever asked, with a "Post in channel" button that only they may press. The
button is persistent: its custom_id carries the channel, the checked message (0 for /check) and the
owner, and the result it posts is the one on the private reply it sits under (Discord sends that message
with the click), so it keeps working after a restart and needs no message-content intent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat.asking import delete_quietly, keep_latest, log_if_failed
from bot.chat.render import (
    CHECK_KEPT_PRIVATE,
    FOOTER_MAX,
    NO_MENTIONS,
    clip,
    is_check,
    is_kept_private,
    render_check,
    render_notice,
)
from bot.chat.views import Cooldowns, apologize, may_post_here, refused_for_cooldown, tell_privately
from bot.core.quotes import MAX_TEXT_CHARS, BadText, QuoteCheck, QuoteChecker
from bot.core.text import has_spoiler

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot

log = logging.getLogger(__name__)

MENU_NAME = "Check against the article"
APOLOGY = "Sorry, something went wrong while checking that. Please try again in a moment."
NO_TEXT = "That message has no text to check (only an image, a file or an embed)."
NOT_YOURS = "Only the person who ran this check can post it in the channel."
GONE = "I can't read that check any more; please run it again."
POSTED = "Posted in the channel."
MAY_NOT_POST = "You can't send messages in this channel, so the check stays here, for you only."
CHECKED_GONE = "The message you checked was deleted, so the check stays here, for you only."
CHECKED_UNSEEN = "I can't see the message you checked any more, so the check stays here, for you only."
CHECKED_EDITED = (
    "The message you checked was edited since, so the check stays here, for you only; run it again to check "
    "its words now."
)
CHECKED_UNKNOWN = "I couldn't make sure the message you checked is still there; please try again in a moment."
# How long the click waits on Discord to say the checked message is still there: Discord takes the click's
# answer for 3 seconds (discord.py retries a failed lookup after 1 s, then 3 s).
LOOKUP_SECONDS = 1.5
POSTED_KEPT = 10_000  # the latest check replies posted, remembered so that a double click posts once
# Checked messages whose posted checks are remembered, to take them down when it is deleted; and deleted
# messages remembered, so that a check of one is not posted (Discord is asked too: `_still_there`).
CHECKS_KEPT = 10_000
GONE_KEPT = 10_000


class PostButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"mb:qpost:(?P<channel>\d{1,20}):(?P<message>\d{1,20}):(?P<owner>\d{1,20})",
):
    """Posts a private quote check publicly in its channel; only the person who ran the check may."""

    def __init__(self, channel_id: int, message_id: int, owner_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Post in channel",
                emoji="📣",
                style=discord.ButtonStyle.primary,
                custom_id=f"mb:qpost:{channel_id}:{message_id}:{owner_id}",
            )
        )
        self.channel_id, self.message_id, self.owner_id = channel_id, message_id, owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> PostButton:
        """Rebuild the button from its custom_id (also after a restart)."""
        return cls(int(match["channel"]), int(match["message"]), int(match["owner"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """The owner's click posts the check publicly and takes the button off the private reply."""
        try:
            await self._post(interaction)
        except Exception:
            log.exception("posting a quote check failed")
            metrics = getattr(interaction.client, "metrics", None)
            if metrics is not None:
                metrics.error("command")
            await tell_privately(interaction, APOLOGY)

    async def _post(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        reply = interaction.message
        # Only on a private check reply (only the person it is for can click one): a tampered client can
        # put this id on any message, and on someone's public answer the click emptied it and posted it
        # again as "Checked for" the clicker (a helper's trial). Not the channel's id against the one the
        # reply is in: the menu run in a thread on its opening message checks a message of the parent.
        if reply is None or not reply.flags.ephemeral or not reply.embeds or not is_check(reply.embeds[0]):
            await interaction.response.send_message(GONE, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if is_kept_private(reply.embeds[0]):  # it has no button: a forged click
            await interaction.response.send_message(
                CHECK_KEPT_PRIVATE, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        if not may_post_here(interaction):
            await interaction.response.send_message(
                MAY_NOT_POST, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        embed = discord.Embed.from_dict(reply.embeds[0].to_dict())
        # The checked message is linked only when the reply is Discord's to a check of that message.
        metadata = reply.interaction_metadata
        checked = metadata.target_message_id if metadata is not None else None
        # Whoever deletes a message means its words gone: a check of it, which quotes them, is posted only
        # while it is still there (a trial posted the words of a message its author had deleted).
        if checked:
            refusal = await self._still_there(interaction.client, checked, reply.created_at)
            if refusal:
                await interaction.response.send_message(refusal, ephemeral=True, allowed_mentions=NO_MENTIONS)
                return
        if self.message_id and checked == self.message_id and interaction.guild_id:
            link = f"https://discord.com/channels/{interaction.guild_id}/{self.channel_id}/{self.message_id}"
            embed.description = f"Checked message: {link}\n{embed.description or ''}".strip()
        embed.set_footer(text=clip(f"Checked for {interaction.user.display_name}", min(FOOTER_MAX, 80)))
        # Once per reply: a double click sends two clicks, each from the reply as the client still showed
        # it (with the button), and posted the check twice (a trial). Noted before any wait, so the second
        # finds it.
        posted: OrderedDict[int, None] = interaction.client.checks_posted  # type: ignore[attr-defined]
        if reply.id in posted:
            await interaction.response.send_message(POSTED, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        keep_latest(posted, reply.id, None, POSTED_KEPT)
        # Posted first, and only then the reply says so and loses its button: the other way round, an
        # outage left it saying "Posted in the channel." with no button, though nothing was (a trial).
        try:
            await interaction.response.defer()
            sent = await interaction.followup.send(embed=embed, allowed_mentions=NO_MENTIONS, wait=True)
        except Exception:
            posted.pop(reply.id, None)  # not posted: a click again may post it
            raise
        try:
            await interaction.edit_original_response(content=POSTED, view=None)
        except discord.HTTPException:  # posted all the same: a click again is told so (`posted`)
            log.warning("a posted check's reply kept its button", exc_info=True)
        if checked:
            client: MeetingBot = interaction.client  # type: ignore[assignment]
            checks = [*client.checks_of.pop(checked, []), (sent.channel.id, sent.id)]
            keep_latest(client.checks_of, checked, checks, CHECKS_KEPT)
            # Deleted or edited as the check was being posted.
            if checked in client.checked_gone or _edited_after(client, checked, reply.created_at):
                await take_down_checks(client, checked)

    async def _still_there(self, client: discord.Client, checked: int, since: datetime) -> str | None:
        """None when the checked message is still in its channel as it was when checked (`since`: not
        edited after, which may have taken out the words the check quotes: a review) and hides no words as
        a spoiler, else why the check is not posted. Asked of Discord within LOOKUP_SECONDS; a lookup that
        fails or takes longer posts nothing."""
        if checked in client.checked_gone:  # type: ignore[attr-defined]
            return CHECKED_GONE
        if _edited_after(client, checked, since):
            return CHECKED_EDITED
        # Shielded: a lookup cut off while discord.py waits out a global rate limit left the whole bot
        # paused for good (a review); past the wait it goes on unseen, its outcome only logged.
        lookup = asyncio.ensure_future(client.get_partial_messageable(self.channel_id).fetch_message(checked))
        lookup.add_done_callback(_log_lookup)
        try:
            await asyncio.wait_for(asyncio.shield(lookup), LOOKUP_SECONDS)
        except discord.NotFound:
            return CHECKED_GONE
        except discord.Forbidden:
            return CHECKED_UNSEEN
        except (TimeoutError, discord.HTTPException) as exc:
            log.warning("could not look up checked message %s (%r)", checked, exc)
            return CHECKED_UNKNOWN
        found: discord.Message = lookup.result()
        if found.edited_at is not None and found.edited_at > since:
            return CHECKED_EDITED
        return CHECK_KEPT_PRIVATE if has_spoiler(found.content or "") else None


def _edited_after(client: discord.Client, checked: int, since: datetime) -> bool:
    """Whether the bot saw the checked message edited after `since`."""
    edited = client.checked_edits.get(checked)  # type: ignore[attr-defined]
    return edited is not None and edited > since


async def take_down_checks(client: MeetingBot, checked: int, edited: datetime | None = None) -> None:
    """Delete the checks posted of a message that was deleted (or, with `edited`, those posted before that
    edit of it), each tried again on a server error; one that cannot be deleted is logged, and the others
    are deleted all the same."""
    checks = client.checks_of.pop(checked, [])
    if edited is not None:  # checks posted after the edit quote the words as edited: they stay
        kept = [c for c in checks if discord.utils.snowflake_time(c[1]) > edited]
        if kept:
            keep_latest(client.checks_of, checked, kept, CHECKS_KEPT)
        checks = [c for c in checks if c not in kept]
    for channel_id, message_id in checks:
        await delete_quietly(client.get_partial_messageable(channel_id).get_partial_message(message_id))


class CheckCog(commands.Cog):
    """The quote check: the message context menu and /check."""

    def __init__(self, bot: MeetingBot) -> None:
        self.bot = bot
        self.cooldowns = Cooldowns(bot.settings.cooldown_questions, bot.settings.cooldown_seconds)
        self._checker: QuoteChecker | None = None
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.check_message)

    async def cog_load(self) -> None:
        """Add the context menu (discord.py keeps context menus on the tree, not in cogs)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the context menu."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A message was deleted: checks of it are not posted, and those posted come down."""
        self._gone([payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        """A moderator's bulk delete, as `on_raw_message_delete`."""
        self._gone(sorted(payload.message_ids))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A message edited by its author: a check of it, which quotes its words as they were, is not
        posted, and one posted comes down (reviews: a check stayed up after its author hid the quoted words
        as a spoiler, and after they edited a phone number out). Discord says when a message was edited
        with or without the Message Content intent; an update with no edit time (a link's preview) is
        none."""
        edited = payload.data.get("edited_timestamp")
        if edited is None:
            return
        try:
            when = datetime.fromisoformat(edited)
        except (TypeError, ValueError):
            return
        keep_latest(self.bot.checked_edits, payload.message_id, when, GONE_KEPT)
        # Discord sends the last edit's time with every later update of the message (its link's preview
        # loading, a pin): only checks posted before that edit quote words it may have taken out (a
        # second review took down a check of a message edited before it was checked).
        self._take_down(payload.message_id, when)

    def _gone(self, message_ids: list[int]) -> None:
        """Note the deleted messages, and take down the checks posted of them."""
        for message_id in message_ids:
            keep_latest(self.bot.checked_gone, message_id, None, GONE_KEPT)
            self._take_down(message_id)

    def _take_down(self, message_id: int, edited: datetime | None = None) -> None:
        """Take down the checks posted of a message (before `edited`), if any (in the background)."""
        if message_id in self.bot.checks_of:
            work = take_down_checks(self.bot, message_id, edited)
            task = asyncio.create_task(work, name=f"take-down-checks-{message_id}")
            task.add_done_callback(log_if_failed)
            self.bot.finish_before_closing(task)

    @commands.Cog.listener()
    async def on_index_swapped(self) -> None:
        """/reindex swapped in another index: let the old one go (the next check builds a checker)."""
        self._checker = None

    async def checker(self) -> QuoteChecker:
        """The checker over the index being served (rebuilt when /reindex swapped in another). Built in a
        worker thread, kept on the event loop, and only if that index is still served: one built as
        /reindex swapped another in would keep the old index, and its memory, until the next check."""
        answerer = self.bot.answers.answerer
        checker = self._checker
        if checker is None or checker.index is not answerer.index:
            checker = await asyncio.to_thread(QuoteChecker, answerer.index, answerer.retriever.embedder)
            if self.bot.answers.answerer is answerer:  # on the loop, where the swap and its event run
                self._checker = checker
        return checker

    async def _check(self, text: str) -> QuoteCheck:
        """Check off the event loop (the encoder and the alignment are CPU work)."""
        checker = await self.checker()
        return await asyncio.to_thread(checker.check, text)

    async def check_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Apps → Check against the article: check the message's quotes, privately."""
        try:
            await self._reply(interaction, message.content, message.channel.id, message.id)
        except Exception:  # the context menu is on the tree, not the cog: cog_app_command_error never sees it
            log.exception("the check of message %s failed", message.id)
            self.bot.metrics.error("command")
            await tell_privately(interaction, APOLOGY)

    @app_commands.command(name="check", description="Check a quote against the article, privately")
    @app_commands.describe(text="The quote, or a message with quotes in it")
    async def check(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, MAX_TEXT_CHARS]
    ) -> None:
        """Check the quotes in a text against the article (only you see the result, until you post it)."""
        await self._reply(interaction, text, interaction.channel_id or 0, 0)

    async def _reply(
        self, interaction: discord.Interaction, text: str, channel_id: int, message_id: int
    ) -> None:
        """Defer privately, check, and answer with the result and the Post button (or one sentence)."""
        wait = self.cooldowns.retry_after(interaction.user.id)
        if await refused_for_cooldown(interaction, wait, "checking", self.cooldowns.describe("check")):
            return
        # Defer first: a check takes milliseconds, but the 3-second deadline must hold under any load.
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not text or not text.strip():
            await interaction.followup.send(NO_TEXT, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        try:
            result = await self._check(text)
        except BadText as exc:
            await interaction.followup.send(
                render_notice(str(exc)), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        except Exception:
            log.exception("checking a quote failed")
            self.bot.metrics.error("checking")
            await interaction.followup.send(APOLOGY, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if has_spoiler(text):  # its quotes would show the words hidden: never posted
            await interaction.followup.send(
                embed=render_check(result, kept_private=True), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        view = discord.ui.View(timeout=None)
        view.add_item(PostButton(channel_id, message_id, interaction.user.id))
        await interaction.followup.send(
            embed=render_check(result), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure of /check becomes a short apology, counted like the other commands' failures."""
        await apologize(interaction, error, APOLOGY)


def _log_lookup(lookup: asyncio.Future) -> None:
    """Retrieve a lookup's failure, which the click may have stopped waiting for (no "never retrieved")."""
    if not lookup.cancelled() and lookup.exception() is not None:
        log.debug("lookup of a checked message: %r", lookup.exception())


async def setup(bot: MeetingBot) -> None:
    """Extension entry point: the cog and its persistent button."""
    bot.add_dynamic_items(PostButton)
    await bot.add_cog(CheckCog(bot))
