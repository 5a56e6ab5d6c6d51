"""Shared fixtures: the checkout, the serving answerer, a fake embedder, synthetic corpora.

Importing this file isolates the whole run from the operator's configuration (see `isolate_settings`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from bot.config import ENV_FILE_VARIABLE, Settings

if TYPE_CHECKING:
    from bot.core.answer import Answerer

REPO_ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"[^\W_]+")


def isolate_settings() -> None:
    """Tests never see the operator's settings: no `.env` is read, settings in the environment are dropped.

    It changes this process's environment, which every subprocess a test starts inherits; so neither
    the tests nor the `meeting-bot` processes they run log in with a real DISCORD_TOKEN or write into a
    configured DATABASE_URL, DATA_DIR or USER_SALT.
    """
    names = {name.upper() for name in Settings.model_fields}
    for variable in list(os.environ):
        if variable.upper() in names:
            del os.environ[variable]
    os.environ[ENV_FILE_VARIABLE] = ""  # set and empty: Settings reads no file


isolate_settings()  # at import, before any test module or fixture reads a setting


class HashingEmbedder:
    """A deterministic stand-in encoder: signed feature hashing of lower-cased words, L2-normalised.

    Texts that share words are close, texts that share none are (nearly) orthogonal, and the same
    text always gets the same vector, in any process (no use of Python's salted `hash`).
    """

    def __init__(self, dim: int = 256) -> None:
        self.name = "test/hashing-bag-of-words"
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "big")
        return value % self.dim, 1.0 if (value >> 63) & 1 else -1.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 unit vectors."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = _TOKEN.findall(text.lower()) or [text]
            for token in tokens:
                bucket, sign = self._bucket(token)
                out[row, bucket] += sign
            norm = np.linalg.norm(out[row])
            if norm == 0:  # the signs cancelled out: fall back to one bucket of the whole text
                bucket, _ = self._bucket("\0" + text)
                out[row, bucket], norm = 1.0, 1.0
            out[row] /= norm
        return out


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout under test (corpus/, index/, train/, eval/ live here)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def answerer() -> Answerer:
    """The serving answerer exactly as the CLI loads it (committed index, ONNX encoder), loaded once."""
    from bot.core.build import Paths, encoder_ready
    from bot.core.loading import load_answerer

    settings = Settings(_env_file=None)
    if not encoder_ready(settings.encoder_dir):
        pytest.fail(f"The ONNX encoder is missing from {settings.encoder_dir}; run `meeting-bot index`.")
    return load_answerer(Paths.of(settings))


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    """A fast, deterministic embedder with no model behind it."""
    return HashingEmbedder()


@pytest.fixture
def write_corpus(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write {file name: markdown} into a fresh folder under tmp_path and return the folder."""
    made = 0

    def write(files: dict[str, str]) -> Path:
        nonlocal made
        made += 1
        folder = tmp_path / f"corpus{made}"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    return write


# Makes the build extras look uninstalled in a Python started with this folder on PYTHONPATH.
_BLOCKER = '''
import sys


class _WithoutBuildExtras:
    """A serving-only install: torch and sentence-transformers cannot be imported."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "sentence_transformers"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _WithoutBuildExtras())
'''


@pytest.fixture
def without_build_extras(tmp_path: Path) -> dict[str, str]:
    """Environment under which a `python` subprocess cannot import torch (as a serving-only install)."""
    folder = tmp_path / "without-build-extras"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(_BLOCKER, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)}
