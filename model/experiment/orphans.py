"""Worker processes that never outlive the command that started them.

A worker ignores Ctrl-C (the main process handles it, once) and ends when the main process ends,
however it ends (``kill -9`` included): a watchdog thread in each worker ends it within a second of
the main process's death. (A parent-death signal would not do: a worker's parent is the forkserver,
which itself lives as long as any worker does.) When the workers are gone, the forkserver and the
resource tracker end by themselves.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WATCH_SECONDS = 0.5
"""How often a worker's watchdog looks for the main process."""


def die_with(main_pid: int) -> None:
    """Worker initializer: ignore Ctrl-C and end when ``main_pid`` (or the worker's parent) ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    threading.Thread(target=_watch, args=(main_pid, parent), name="orphan-watchdog", daemon=True).start()


def _watch(main_pid: int, parent: int) -> None:
    while _alive(main_pid) and os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a killed process its parent has not yet reaped is dead)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid now belongs to another user
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # Linux: the state follows the command name in parentheses; Z is a zombie
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):  # no /proc (macOS): os.kill has answered
        return True


def stop(pool: ProcessPoolExecutor) -> None:
    """End ``pool`` now: drop the queued runs and stop the workers' running ones."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
