"""Dask distributed, the optional extra ``[dask]``: a client for an existing cluster or a local one.

Dask is imported only here, only when asked for. Workers of a remote cluster need this project
installed (``pip install '.[dask]'`` on every worker), as they import ``model`` to run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from model.errors import ModelInputError


@contextmanager
def dask_client(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client`` connected to ``scheduler`` (``tcp://HOST:PORT``), or to a new
    ``LocalCluster`` of ``local_workers`` single-threaded worker processes; closed on exit."""
    option = "scheduler" if scheduler else "local_workers"
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ModelInputError(option, "needs Dask, which is not installed",
                              expected="pip install '.[dask]' (dask[distributed])") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ModelInputError(option, f"cannot connect to the Dask scheduler ({exc})",
                                  expected="the address of a running scheduler, tcp://HOST:PORT") from None
        with client:
            yield client
        return
    if local_workers is None or local_workers < 1:
        raise ModelInputError(option, "needs a number of workers", expected="an integer >= 1",
                              got=local_workers)
    with (LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                       silence_logs=logging.ERROR) as cluster,
          Client(cluster) as client):
        yield client
