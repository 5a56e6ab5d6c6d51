"""The core's boundary, as the README lays it out: `bot/core` never imports discord, the Discord adapter
(`bot.chat`) or the settings (`bot.config`), at import or while answering. Checked in a fresh process,
where nothing else has loaded them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO_ROOT

SCRIPT = """
import json, pkgutil, importlib, sys
from pathlib import Path
import bot.core
for m in pkgutil.iter_modules(bot.core.__path__):
    importlib.import_module(f"bot.core.{m.name}")
from bot.core.build import Paths
from bot.core.loading import load_answerer
root = Path(sys.argv[1])
folders = [root / "corpus", root / "index", root / "train", root / "models" / "minilm-onnx"]
answerer = load_answerer(Paths(*folders))
answerer.ask("when did they meet?")
answerer.ask("and then?", history=["tell me about the letter"])
answerer.ask("hi")
answerer.ask("tl;dr")
print(json.dumps(sorted(m for m in sys.modules
                        if m.split(".")[0] == "discord" or m.startswith(("bot.chat", "bot.config")))))
"""


def test_the_core_never_imports_discord_the_adapter_or_the_settings() -> None:
    python_path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO_ROOT)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
