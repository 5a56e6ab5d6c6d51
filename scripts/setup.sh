#!/usr/bin/env bash
# Creates .venv in the checkout, installs the project, and exports the encoder / builds the index if needed.
# Safe to run again: it reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.meeting-bot-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies into .venv (first run takes a minute)..." >&2
    # torch first and pinned: the CPU build. An unpinned torch would pull a multi-GB CUDA build.
    .venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
    .venv/bin/pip install --quiet --disable-pip-version-check -e ".[build,dev]"
    echo "$want" > "$stamp"
fi
.venv/bin/meeting-bot index --if-needed >&2
