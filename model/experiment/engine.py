"""The engine's API for the other packages (interfaces, strategy, analysis, calibration): planning,
running and storing runs, and the designs they run. Other packages import the experiment layer
only through this module, :mod:`model.experiment.results`, :mod:`model.experiment.metrics` (the
metric registry) and the package itself (the user-facing functions); the contract in
pyproject.toml refuses a deeper import (docs/architecture.md)."""

from model.experiment.api import load_sweep, run_sweep, sweep_plan
from model.experiment.arguments import checked_executor, checked_path
from model.experiment.cluster import dask_client
from model.experiment.coalitions import revenue_shares
from model.experiment.comparison import ScenarioSet
from model.experiment.design import salib_problem
from model.experiment.execute import CHUNK, ExperimentError
from model.experiment.executors import execute, local_processes
from model.experiment.orphans import stop
from model.experiment.outcomes import check_names, raw_metric_names
from model.experiment.plan import kwargs_key, plan
from model.experiment.preflight import design_warning, dry_run
from model.experiment.reproduce import reproduce
from model.experiment.runner import RunRecord, RunSpec, run_ensemble, run_one
from model.experiment.seeds import replicate_seed, replicate_seeds
from model.experiment.store import ResumeMismatchError

__all__ = [
    "CHUNK",
    "ExperimentError",
    "ResumeMismatchError",
    "RunRecord",
    "RunSpec",
    "ScenarioSet",
    "check_names",
    "checked_executor",
    "checked_path",
    "dask_client",
    "design_warning",
    "dry_run",
    "execute",
    "kwargs_key",
    "load_sweep",
    "local_processes",
    "plan",
    "raw_metric_names",
    "replicate_seed",
    "replicate_seeds",
    "reproduce",
    "revenue_shares",
    "run_ensemble",
    "run_one",
    "run_sweep",
    "salib_problem",
    "stop",
    "sweep_plan",
]
