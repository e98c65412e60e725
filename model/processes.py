"""Process-wide settings of the tool's own processes: the server local worker processes fork from
(one start method and one list of preloaded modules for every process pool, and a way to start the
server early), the allocator Arrow uses and how often the garbage collector runs."""

from __future__ import annotations

import gc
import multiprocessing
import os
from multiprocessing.context import ForkServerContext

PRELOAD = ["model.experiment", "model.experiment.worker_start"]
"""Imported once by the server, so a new worker starts with the model, pandas, scipy and Mesa
loaded instead of spending a second on imports, and with the compiled kernel, the data and the
default world of one short model (:mod:`model.experiment.worker_start`) instead of another half second."""


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


ARROW_POOL = "system"
"""The Arrow memory pool of the tool's command line: the C allocator. Arrow's default (mimalloc)
keeps per-thread pages once tables of a few thousand rows have been written and read (pandas keeps
its text columns in Arrow memory too), which puts a 2,000-run sweep's peak memory about 7% (18 MB)
above a 200-run sweep's, and a 5,000-run sweep's 4-6% above that; on the C allocator the three peak
within 3%, and runs and ``python run.py`` take the same time (``docs/performance.md``)."""


def arrow_on_c_allocator() -> None:
    """Have Arrow allocate with :data:`ARROW_POOL` unless ``ARROW_DEFAULT_MEMORY_POOL`` is already
    set. Arrow reads the setting at its first allocation, so this is called first thing by the
    command line's entry point, not on import: a script that imports the model keeps its own
    process's allocator."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_POOL)


YOUNG_COLLECTION_THRESHOLD = 10_000
"""Allocations of container objects between two collections of the youngest generation in the
tool's own processes (Python's default 700; the free-threaded build of Python 3.13 starts at 2,000).
A run makes about 5,000 such objects, nearly all freed by reference counting; at 700 the collector
ran about eight times a run and moved the libraries' and the runs' long-lived objects through the
older generations, whose full collections walk them all. With 10,000 the headline comparison takes
3.5% less CPU (medians of five alternating runs, ``docs/performance.md``); cyclic garbage is still
collected, a few thousand allocations later."""


def fewer_young_collections() -> None:
    """Set :data:`YOUNG_COLLECTION_THRESHOLD` for this process (and the processes it forks); the
    older generations' thresholds are kept. Called by the command line's entry point and the local
    workers' server, never on import: a script that imports the model keeps its own settings."""
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
