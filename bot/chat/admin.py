"""Admin: /stats (the usage report, scoped to who asks) and /reindex (the owner rebuilds the index)."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.chart import Chart, draw_chart
from bot.chat.render import NO_MENTIONS, render_notice, render_report
from bot.chat.views import apologize
from bot.store import Audience, UsageReport

if TYPE_CHECKING:
    from bot.chat.client import MeetingBot

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong there. Please try again in a moment."
CHART_FILE = "usage.png"
NO_CHART = "The chart could not be drawn this time; the report is below."


class AdminCog(commands.Cog):
    """/stats for the owner and server admins, /reindex for the owner."""

    def __init__(self, bot: MeetingBot) -> None:
        self.bot = bot
        self._reindexing = asyncio.Lock()

    async def _is_admin(self, interaction: discord.Interaction) -> bool:
        """The bot's owner, or a member who may manage this server."""
        if await self.bot.is_owner(interaction.user):
            return True
        perms = getattr(interaction, "permissions", None)
        return bool(interaction.guild and perms and perms.manage_guild)

    @app_commands.command(name="stats", description="Usage, feedback and unanswered questions (admins)")
    @app_commands.default_permissions(manage_guild=True)  # hidden from others; still checked below
    async def stats(self, interaction: discord.Interaction) -> None:
        """Show the usage report privately to the owner or members with Manage Server."""
        if not await self._is_admin(interaction):
            await interaction.response.send_message(
                "Sorry, /stats is only for the bot's owner and members who can manage this server.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        # The owner sees everything; a server's admins only what was asked in their server.
        if await self.bot.is_owner(interaction.user):
            audience = Audience.everything()
        else:
            audience = Audience.server(interaction.guild.id)  # type: ignore[union-attr]  # _is_admin
        report = await asyncio.to_thread(self.bot.store.report, audience=audience)
        # The chart is drawn from this same report, so it shows exactly what this reader may see.
        scope = "everything" if audience.guild_id is None else "this server"
        chart = await self._chart(report, scope, interaction.filesize_limit)
        attach = (
            {"file": discord.File(io.BytesIO(chart.png), CHART_FILE, description=chart.summary)}
            if chart
            else {"content": NO_CHART}
        )
        await interaction.followup.send(
            **attach, embed=render_report(report), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def _chart(self, report: UsageReport, scope: str, size_limit: int) -> Chart | None:
        """The report's chart, drawn off the event loop; None (logged) when it cannot be drawn or sent."""
        try:
            chart = await asyncio.to_thread(draw_chart, report, scope)
        except Exception:
            log.exception("drawing the usage chart failed")
            return None
        if len(chart.png) > size_limit:
            log.error("the usage chart (%d bytes) is over Discord's limit (%d)", len(chart.png), size_limit)
            return None
        return chart

    @app_commands.command(name="reindex", description="Rebuild the index from the corpus (owner only)")
    @app_commands.default_permissions(manage_guild=True)
    async def reindex(self, interaction: discord.Interaction) -> None:
        """Rebuild the index in a separate process and swap it in without a restart."""
        if not await self.bot.is_owner(interaction.user):
            await interaction.response.send_message(
                "Sorry, only the bot's owner can rebuild the index.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        if self._reindexing.locked():
            await interaction.response.send_message(
                "A rebuild is already running.", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        async with self._reindexing:  # taken before the first await, so two calls cannot both start
            await interaction.response.defer(ephemeral=True, thinking=True)
            message = await self.bot.reindex()
        await interaction.followup.send(render_notice(message), ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Any failure becomes a short apology; the bot keeps serving."""
        await apologize(interaction, error, APOLOGY)


async def setup(bot: MeetingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(AdminCog(bot))
