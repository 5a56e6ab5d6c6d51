"""Building the real bot for the end-to-end tests: settings without .env, a store in a temp folder."""

from __future__ import annotations

from pathlib import Path

from bot.chat.client import MeetingBot
from bot.config import Settings
from bot.core.answer import Answerer
from bot.store import open_store
from tests.fakediscord import InteractionRef, Request


def settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test bot: no .env, a private data folder (and so a private SQLite store)."""
    values: dict[str, object] = {"discord_token": "fake-token", "data_dir": tmp_path}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def bot_for(tmp_path: Path, answerer: Answerer, **overrides: object) -> MeetingBot:
    """The real bot, its store in tmp_path, reloading the given answerer on /reindex."""
    s = settings(tmp_path, **overrides)
    return MeetingBot(s, answerer, open_store(s), lambda: answerer)


def is_followup(req: Request, ref: InteractionRef) -> bool:
    """Whether a request is a follow-up message of that interaction."""
    return (
        req.method in ("POST", "PATCH")
        and req.path.startswith("/webhooks/")
        and ref.token in req.path
        and (req.method == "POST" or req.path.endswith("/messages/@original"))
    )


def counted(bot: MeetingBot, name: str, **labels: str) -> float:
    """A sample of the bot's own metrics registry."""
    return bot.metrics.registry.get_sample_value(name, labels) or 0.0
