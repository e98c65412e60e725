"""The Python entry points' arguments checked with the command line's bounds (:mod:`model.limits`)
and the one translator of validation errors, so ``replications=0`` in a script and
``--replications 0`` on the command line are refused alike, naming the argument and the flag."""

from __future__ import annotations

import numbers
import operator
import os
from collections.abc import Iterable
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict, ValidationError

from model.config.base import Config
from model.config.translate import input_error
from model.errors import ModelInputError
from model.limits import Replications, Seed, Workers
from model.scenario import Scenario, load_scenario


def _integral_as_int(value: Any) -> Any:
    """An integer of any kind (e.g. NumPy's) as an int; anything else as given, for the strict check."""
    return operator.index(value) if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value


WholeNumber = (BeforeValidator(_integral_as_int), Strict())
"""Integers only, as on the command line: ``seed=2.0`` is refused like ``--seed 2.0``; NumPy's
integers are taken."""


class Counts(Config):
    """The counts an experiment is given in Python (None: the file's or the scenario's own)."""

    replications: Annotated[Replications, *WholeNumber] | None = None
    seed: Annotated[Seed, *WholeNumber] | None = None
    executor: Annotated[Workers, *WholeNumber] | None = None  # an int executor: that many local processes


def checked_counts(**counts: Any) -> Counts:
    """``counts`` (``replications``, ``seed``) within the command line's bounds; a
    :class:`ModelInputError` naming the argument otherwise."""
    try:
        return Counts.model_validate(counts)
    except ValidationError as exc:
        raise input_error(exc, Counts) from None


def checked_executor(executor: Any) -> Any:
    """``executor`` if it is one :func:`model.experiment.executors.execute` takes: None, "serial",
    "processes", a number of processes within the bounds of ``--workers``, a
    ``concurrent.futures.Executor`` or a Dask ``Client``."""
    if executor is None or (isinstance(executor, str) and executor in ("serial", "processes")):
        return executor
    if isinstance(executor, int):  # a bool included: refused as not a number
        return checked_counts(executor=executor).executor
    if isinstance(executor, Executor) or hasattr(executor, "get_executor"):
        return executor
    raise ModelInputError("executor", "not an executor", got=executor if isinstance(executor, str) else
                          type(executor).__name__, expected="None, 'serial', 'processes', a number of "
                          "processes, a concurrent.futures.Executor or a dask.distributed Client")


def checked_path(path: Any, argument: str) -> Path:
    """``path`` as a :class:`pathlib.Path` if it is a string or path; a :class:`ModelInputError`
    naming ``argument`` otherwise."""
    if isinstance(path, str) or (isinstance(path, os.PathLike) and isinstance(os.fspath(path), str)):
        return Path(path)
    raise ModelInputError(argument, "wrong type", expected="a path (a string or pathlib.Path)",
                          got=type(path).__name__)


def checked_scenarios(scenarios: Any) -> list[Scenario]:
    """``scenarios`` (Scenarios or scenario files' paths, or one of them) as a list of Scenarios;
    a file is loaded and checked as ``run.py compare`` loads it."""
    if isinstance(scenarios, (Scenario, str, os.PathLike)):
        scenarios = [scenarios]
    if not isinstance(scenarios, Iterable):
        raise ModelInputError("scenarios", "wrong type", expected="a list of scenarios or scenario files",
                              got=type(scenarios).__name__)
    return [given if isinstance(given, Scenario) else load_scenario(checked_path(given, f"scenarios[{n}]"))
            for n, given in enumerate(scenarios)]
