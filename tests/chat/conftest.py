"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.fakediscord import FakeDiscord


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, stopped after the test (test_bot_e2e overrides it with a fast heartbeat)."""
    async with FakeDiscord() as server:
        yield server
