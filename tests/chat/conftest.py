"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

import pytest

from bot.cli import load_answerer
from bot.config import Settings
from bot.core.answer import Answerer


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    """The serving answerer, loaded once: committed index, ONNX encoder."""
    return load_answerer(Settings(_env_file=None))
