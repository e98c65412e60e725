"""Layer 7: experiments — paired replications with common random numbers, executors, metrics."""

from model.experiment.compare import Comparison, ExperimentError, compare, run_scenario
from model.experiment.executors import execute, local_processes
from model.experiment.metrics import interval, paired_metrics, summarise
from model.experiment.runner import RunRecord, RunSpec, run_ensemble, run_one
from model.experiment.seeds import replicate_seed, replicate_seeds

__all__ = [
    "Comparison",
    "ExperimentError",
    "RunRecord",
    "RunSpec",
    "compare",
    "execute",
    "interval",
    "local_processes",
    "paired_metrics",
    "replicate_seed",
    "replicate_seeds",
    "run_ensemble",
    "run_one",
    "run_scenario",
    "summarise",
]
