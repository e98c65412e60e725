"""The server local worker processes fork from: one start method and one list of preloaded
modules for every process pool, and a way to start the server early."""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

PRELOAD = ["model.experiment"]
"""Imported once by the server, so a new worker starts with the model, pandas, scipy and Mesa
loaded instead of spending a second on imports."""


def forkserver_context() -> ForkServerContext:
    """The 'forkserver' start method with :data:`PRELOAD` (explicit: ``import mesa`` sets 'spawn'
    globally)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the server now, so that it imports :data:`PRELOAD` while this process loads and plans
    the runs (otherwise the first pool starts it and waits for its imports). It ends with this
    process."""
    from multiprocessing import forkserver

    forkserver_context()
    forkserver.ensure_running()
