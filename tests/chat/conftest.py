"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.answer import Answerer
from bot.core.build import Paths
from bot.core.loading import load_answerer


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    """The serving answerer, loaded once: committed index, ONNX encoder."""
    return load_answerer(Paths.of(Settings(_env_file=None)))
