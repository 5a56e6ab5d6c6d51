"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.build import Paths
from bot.core.loading import load_answerer
from tests.fakediscord import FakeDiscord


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    """The serving answerer, loaded once: committed index, ONNX encoder."""
    return load_answerer(Paths.of(Settings(_env_file=None)))


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, stopped after the test (test_bot_e2e overrides it with a fast heartbeat)."""
    async with FakeDiscord() as server:
        yield server
