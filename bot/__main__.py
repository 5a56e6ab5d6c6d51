"""`python -m bot` runs the `meeting-bot` command."""

import sys

from bot.cli import main

sys.exit(main())
