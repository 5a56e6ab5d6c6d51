#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
# The tests never read the operator's .env (tests/conftest.py); neither does the set-up they run after,
# so a .env with settings for a real deployment can't stop the tests.
MEETING_BOT_ENV_FILE= bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
