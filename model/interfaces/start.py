"""The process entry point of ``run.py``, ``python -m model`` and ``surveillance-controls``.

Loading the command line takes a moment (pydantic, NumPy, the subcommands' parsers); Ctrl-C then,
before anything runs, is one line and exit code 130, not a ``KeyboardInterrupt`` traceback. Once a
command runs, :func:`model.interfaces.cli.main` reports an interrupt itself. When it returns, every
object is set aside from the garbage collector, so the interpreter's full collection at exit has nothing
to walk (files are closed and flushed as before: freezing frees nothing and finalises nothing).
"""

from __future__ import annotations

import gc
import os
import sys

INTERRUPTED = 130
"""The exit code of a process ended by Ctrl-C (128 + SIGINT)."""
BROKEN_PIPE = 141
"""The exit code of a process whose output's reader stopped (128 + SIGPIPE), as for shell tools."""


def console() -> int:
    """:func:`model.interfaces.cli.console`, with Ctrl-C while the command line loads one line."""
    try:
        from model.interfaces.cli import console as command_line

        return command_line()
    except KeyboardInterrupt:
        print("interrupted while starting: nothing was run or written", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the output's reader stopped early (run.py list | head): not an error here
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit is quiet
        return BROKEN_PIPE
    finally:
        gc.freeze()  # Python's last full collection at exit would walk every object the libraries made (0.2 s)
