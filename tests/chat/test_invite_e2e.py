"""`meeting-bot run` logs the invite link once, with the application id Discord reported."""

from __future__ import annotations

import asyncio
import logging

from bot.chat.permissions import bot_permissions
from bot.core.answer import Answerer
from tests.chat.bots import bot_for
from tests.fakediscord import FakeDiscord, running_bot


def messages(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


async def test_the_invite_link_is_logged_once_even_when_ready_comes_again(
    fake: FakeDiscord, answerer: Answerer, tmp_path, caplog
):
    bot = bot_for(tmp_path, answerer)
    with caplog.at_level(logging.INFO, logger="bot.chat.client"):
        async with running_bot(fake, bot):
            for _ in range(200):
                if messages(caplog, "connected as"):
                    break
                await asyncio.sleep(0.01)
            # A new session dispatches READY again (after Discord's identify wait of ~5 s): the same
            # handler runs again here at once.
            await bot.on_ready()
            assert len(messages(caplog, "connected as")) == 2
    (line,) = messages(caplog, "invite the bot")
    assert f"client_id={fake.app_id}&" in line
    assert "scope=bot+applications.commands" in line
    assert f"permissions={bot_permissions().value}" in line
