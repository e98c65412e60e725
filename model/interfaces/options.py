"""The options every running command shares: where the runs execute (local processes or Dask)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from model.errors import ModelInputError
from model.interfaces import arguments
from model.processes import start_forkserver


@contextmanager
def named_by_flags(flags: Mapping[str, str]) -> Iterator[None]:
    """A library error about an argument (``only: no such figure``) named by its flag (``--figure``):
    ``flags`` maps the arguments of the functions called inside to the command's flags."""
    try:
        yield
    except ModelInputError as err:
        if err.key not in flags:
            raise
        raise ModelInputError(flags[err.key], err.problem, expected=err.expected, got=err.got,
                              suggestion=err.suggestion) from None


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """``--workers`` | ``--scheduler`` | ``--dask-local``: where the runs execute."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=arguments.workers, help="local processes (default: all cores; 1 = serial)")
    where.add_argument("--scheduler", type=arguments.scheduler, metavar="tcp://HOST:PORT",
                       help="run on an existing Dask cluster")
    where.add_argument("--dask-local", type=arguments.workers, metavar="N",
                       help="start a local Dask cluster of N single-threaded worker processes")


def execution(args: argparse.Namespace) -> AbstractContextManager[Any]:
    """The executor the options of :func:`add_execution_options` ask for (a Dask client is closed on exit)."""
    from model.experiment.engine import dask_client

    if args.scheduler is not None or args.dask_local is not None:
        return dask_client(args.scheduler, args.dask_local)
    return nullcontext(local_executor(args.workers))


def worker_count(workers: int | None) -> int:
    """How many local processes ``--workers`` asks for (default: all cores)."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    if count < 1:
        raise ModelInputError("--workers", "must be at least 1", got=count)
    return count


def local_executor(workers: int | None) -> str | int:
    """``workers`` local processes (default: all cores) as an ``execute`` executor; 1 is serial.
    With more than one, the server the workers fork from starts now (it imports while this
    process loads and plans the runs)."""
    count = worker_count(workers)
    if count == 1:
        return "serial"
    start_forkserver()
    return count
