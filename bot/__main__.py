"""`python -m bot` runs the `meeting-bot` command."""

import sys

from bot.launch import main

sys.exit(main())
