"""Where runs execute: serially, in local processes, or on a Dask cluster.

Every executor yields the same records for the same specs (seeds are fixed in the specs), in
completion order; callers sort by ``run_id`` when order matters.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from typing import Any

from model.experiment.orphans import die_with, stop
from model.experiment.runner import RunRecord, RunSpec, run_ensemble, run_one
from model.processes import forkserver_context

TASKS_PER_WORKER = 250
"""Workers are replaced after this many ensembles (1,000 runs), so no per-process registry can grow
without bound. The process caches are bounded (least recently used first), and a new worker costs
a fork and whatever its first runs build again (worlds, run setups): replaced every 100 runs, as
before, that was about a tenth of a default run's worker time."""

IN_FLIGHT_PER_WORKER = 4
"""Runs submitted ahead per worker: enough to keep workers busy, few enough that memory does not
grow with the number of runs (specs are drawn from the iterable only as runs finish)."""

ENSEMBLE_RUNS = 4
"""Consecutive runs sent to a worker as one job (:func:`run_ensemble`): one round trip instead of
several, and runs of one design point (planned consecutively) meet its cached setup in one worker."""


def local_processes(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers fork from a server that has imported the experiment layer
    (:func:`model.processes.forkserver_context`) and end with the main process
    (:func:`model.experiment.orphans.die_with`)."""
    return ProcessPoolExecutor(
        max_workers=workers or os.cpu_count() or 1,
        mp_context=forkserver_context(),
        max_tasks_per_child=TASKS_PER_WORKER,
        initializer=die_with,
        initargs=(os.getpid(),),
    )


def execute(specs: Iterable[RunSpec], executor: Any = None) -> Iterator[RunRecord]:
    """Run every spec. ``executor``: None or "serial"; "processes" (all cores) or an int (that many
    processes); any ``concurrent.futures.Executor``; or a ``dask.distributed.Client``.

    ``specs`` is consumed lazily: at most a few runs per worker are submitted ahead of those finished.
    """
    specs = iter(specs)
    head = list(itertools.islice(specs, 2))
    specs = itertools.chain(head, specs)
    if executor in (None, "serial") or (executor == "processes" and len(head) <= 1):
        yield from map(run_one, specs)
        return
    if executor == "processes" or isinstance(executor, int):
        with local_processes(None if executor == "processes" else executor) as pool:
            try:
                yield from _through(pool, specs)
            except BaseException:  # Ctrl-C, an error, or the caller stopped early: no run outlives it
                stop(pool)
                raise
        return
    if hasattr(executor, "get_executor"):  # a dask.distributed Client
        executor = executor.get_executor(pure=False)
    if not isinstance(executor, Executor):
        raise TypeError(f"executor must be None, 'serial', 'processes', an int, an Executor or a "
                        f"dask Client, not {executor!r}")
    yield from _through(executor, specs)


def _through(executor: Executor, specs: Iterator[RunSpec]) -> Iterator[RunRecord]:
    """Submit ensembles as earlier ones finish, keeping a bounded number in flight; yield records in
    completion order."""
    limit = max(IN_FLIGHT_PER_WORKER * _workers(executor) // ENSEMBLE_RUNS, 1)  # ensembles in flight
    pending: dict[Future, list[RunSpec]] = {}
    for ensemble in _ensembles(specs):
        pending[executor.submit(_run_without_specs, ensemble)] = ensemble
        if len(pending) >= limit:
            yield from _finished(pending)
    while pending:
        yield from _finished(pending)


def _finished(pending: dict[Future, list[RunSpec]]) -> Iterator[RunRecord]:
    """The records of the ensembles that finish next (removed from ``pending``), with their specs."""
    done, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        ensemble = pending.pop(future)
        yield from (RunRecord(spec=spec, **fields) for spec, fields in zip(ensemble, future.result()))


def _run_without_specs(specs: list[RunSpec]) -> list[dict[str, Any]]:
    """:func:`run_ensemble` in a worker, each record's fields but its spec: the caller holds the specs,
    and a spec (its scenario's policies and parameters) would otherwise cross back for nothing: a
    quarter of a record's pickled bytes, a tenth of the time the caller took to unpickle it."""
    return [{name: value for name, value in vars(record).items() if name != "spec"} for record in run_ensemble(specs)]


def _ensembles(specs: Iterator[RunSpec]) -> Iterator[list[RunSpec]]:
    """Consecutive specs in groups of ``ENSEMBLE_RUNS`` (the last may be smaller), drawn lazily."""
    while ensemble := list(itertools.islice(specs, ENSEMBLE_RUNS)):
        yield ensemble


def _workers(executor: Executor) -> int:
    """How many runs ``executor`` can work on at once (a guess of 8 when it does not say)."""
    client = getattr(executor, "_client", None)  # dask's ClientExecutor
    if client is not None:
        return max(sum(client.nthreads().values()), 1)
    return getattr(executor, "_max_workers", None) or 8
