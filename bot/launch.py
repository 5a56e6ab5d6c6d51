"""The `meeting-bot` command's entry point: the command line imported and run under Ctrl-C's watch.

Importing it takes about half a second (numpy, pydantic, SQLAlchemy); a Ctrl-C meanwhile printed Python's
traceback of the import (a trial), where later it ends the command quietly with status 130."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, as shells report a command Ctrl-C stopped


def main() -> int:
    """Run `meeting-bot` (bot.cli.main); Ctrl-C from here on ends it quietly (before, in the interpreter's
    own start-up, Python answers it). A Ctrl-C that lands inside a library's compiled code as it loads
    may surface as that library's own failure (tokenizers' Rust code panics, under load): after a Ctrl-C,
    any failure is the stop that was asked for. One that lands in the import machinery ends the command
    at once (`_in_import`)."""
    interrupted = False

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        if _in_import(frame):
            _end_now()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        from bot.cli import main as run

        status = run()
    except KeyboardInterrupt:
        return INTERRUPTED
    except BaseException:
        if interrupted:
            return INTERRUPTED
        raise
    # A Ctrl-C that a library swallowed as it loaded still stops the command with 130: a fresh clone's
    # test run saw `chat` go on and end with 0 after one (1 in some hundreds of Ctrl-Cs at start).
    return INTERRUPTED if interrupted else status


def _in_import(frame: FrameType | None) -> bool:
    """Whether the signal came as Python's import machinery ran. There KeyboardInterrupt may be raised
    inside a callback of its module locks, where Python can only print it ("Exception ignored in ...",
    with a traceback) and goes on as if no Ctrl-C came (a CI run; 1 in 120 Ctrl-Cs at start here)."""
    return frame is not None and frame.f_code.co_filename.startswith("<frozen importlib")


def _end_now() -> None:
    """End the process at once with INTERRUPTED, what was printed so far flushed."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone, or a stream closed
            pass
    os._exit(INTERRUPTED)
