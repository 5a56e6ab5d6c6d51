"""The `meeting-bot` command's entry point: the command line imported and run under Ctrl-C's watch.

Importing it takes about half a second (numpy, pydantic, SQLAlchemy); a Ctrl-C meanwhile printed Python's
traceback of the import (a trial), where later it ends the command quietly with status 130."""

from __future__ import annotations

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command Ctrl-C stopped


def main() -> int:
    """Run `meeting-bot` (bot.cli.main); Ctrl-C from here on ends it quietly (before, in the interpreter's
    own start-up, Python answers it)."""
    try:
        from bot.cli import main as run

        return run()
    except KeyboardInterrupt:
        return INTERRUPTED
