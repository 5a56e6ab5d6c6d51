#!/usr/bin/env bash
# Set up (first run only) and start the bot: on Discord when DISCORD_TOKEN is set (environment or .env),
# otherwise answering questions typed in this terminal, one per line, until end of input.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/meeting-bot start
