"""The permissions the bot asks for when invited, and the invite link built from them."""

from __future__ import annotations

import base64
import binascii
import re

import discord

from bot.config import MAX_SNOWFLAKE

SCOPES = ("bot", "applications.commands")

# Exactly what the bot does in server channels, one (discord.Permissions flag, Developer Portal name) each.
# Slash commands, their buttons and /stats (a chart too) are answered as interaction responses, which
# Discord posts through the interaction's own webhook: those need no channel permission. No reactions,
# no uploads to channels, no message management, no private threads.
BOT_PERMISSIONS: tuple[tuple[str, str], ...] = (
    # See the channels at all: mentions, replies to the bot and ask-channel messages arrive from them.
    ("view_channel", "View Channels"),
    # Answer a mention, a reply or an ask-channel question in place (and show "typing…").
    ("send_messages", "Send Messages"),
    # A mention opens a thread from the asking message (Start Thread from Message).
    ("create_public_threads", "Create Public Threads"),
    # Post the answer in that thread, and answer the follow-ups typed there.
    ("send_messages_in_threads", "Send Messages in Threads"),
    # Answers and guides are embeds: without it Discord doesn't show a bot's embeds in channels.
    ("embed_links", "Embed Links"),
    # Every reply in place references the message it answers; Discord requires this permission for that.
    ("read_message_history", "Read Message History"),
)


_BASE64 = re.compile(r"[A-Za-z0-9_-]+")


def open_to_everyone(channel: object) -> bool:
    """Whether everyone in the channel's server may read it: @everyone may view it (a thread: its
    parent), no role or member is kept out of it, and it is no private thread. False for a DM, or a
    channel the cache does not hold."""
    if isinstance(channel, discord.Thread):
        if channel.is_private():
            return False
        channel = channel.parent
    if not isinstance(channel, discord.abc.GuildChannel):
        return False
    if not channel.permissions_for(channel.guild.default_role).view_channel:
        return False
    # A role's or a member's overwrite that denies viewing keeps someone out, an admin maybe: a role's
    # server-wide permissions can only add to @everyone's, so overwrites are the only way to.
    return not any(overwrite.view_channel is False for overwrite in channel.overwrites.values())


def bot_permissions() -> discord.Permissions:
    """The permissions of BOT_PERMISSIONS, as one value."""
    return discord.Permissions(**{flag: True for flag, _ in BOT_PERMISSIONS})


def invite_url(client_id: int) -> str:
    """The OAuth2 link that adds the bot to a server with its slash commands and exactly its permissions."""
    return discord.utils.oauth_url(client_id, permissions=bot_permissions(), scopes=SCOPES)


def id_from_token(token: str) -> int | None:
    """The bot's user id, which a bot token carries base64-encoded before its first dot (for a bot
    application it is the application id too), or None when the token holds none."""
    first = token.strip().split(".", 1)[0]
    if not _BASE64.fullmatch(first):  # the decoder would silently drop characters outside the alphabet
        return None
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    if not decoded.isascii() or not decoded.isdigit():
        return None
    snowflake = int(decoded)
    return snowflake if 0 < snowflake <= MAX_SNOWFLAKE else None
