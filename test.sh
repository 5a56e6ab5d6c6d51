#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
# The tests never read the operator's .env (tests/conftest.py); neither does the set-up they run after,
# so a .env with settings for a real deployment can't stop the tests.
MEETING_BOT_ENV_FILE= bash scripts/setup.sh
# Two worker processes, each taking whole files (a file's shared fixtures are made once): the suite takes
# about half the time it takes in one process on a 2-core machine. `./test.sh -n 0` runs it in one.
exec .venv/bin/python -m pytest -q -n 2 --dist loadfile "$@"
