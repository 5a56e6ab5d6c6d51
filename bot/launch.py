"""The `meeting-bot` command's entry point: the command line imported and run under Ctrl-C's watch.

Importing it takes about half a second (numpy, pydantic, SQLAlchemy); a Ctrl-C meanwhile printed Python's
traceback of the import (a trial), where later it ends the command quietly with status 130."""

from __future__ import annotations

import signal
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command Ctrl-C stopped


def main() -> int:
    """Run `meeting-bot` (bot.cli.main); Ctrl-C from here on ends it quietly (before, in the interpreter's
    own start-up, Python answers it). A Ctrl-C that lands inside a library's compiled code as it loads
    may surface as that library's own failure (tokenizers' Rust code panics, under load): after a Ctrl-C,
    any failure is the stop that was asked for."""
    interrupted = False

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        from bot.cli import main as run

        return run()
    except KeyboardInterrupt:
        return INTERRUPTED
    except BaseException:
        if interrupted:
            return INTERRUPTED
        raise
