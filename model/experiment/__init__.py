"""Layer 7: experiments — one engine for comparisons and sweeps: designs of scenarios, paired
replications with common random numbers, executors, a results store that resumes, metrics."""

from model.experiment.api import load_sweep, run_sweep, sweep, sweep_file
from model.experiment.coalitions import growing_coalitions, revenue_shares
from model.experiment.comparison import Comparison, ExperimentError, compare, run_scenario
from model.experiment.executors import execute, local_processes
from model.experiment.loading import Results, load_results, to_ema
from model.experiment.metrics import interval, replicate_metrics, summarise
from model.experiment.runner import RunRecord, RunSpec, run_ensemble, run_one
from model.experiment.seeds import replicate_seed, replicate_seeds
from model.experiment.spec import Parameter, SweepSpec, load_spec

__all__ = [
    "Comparison",
    "ExperimentError",
    "Parameter",
    "Results",
    "RunRecord",
    "RunSpec",
    "SweepSpec",
    "compare",
    "execute",
    "growing_coalitions",
    "interval",
    "load_results",
    "load_spec",
    "load_sweep",
    "local_processes",
    "replicate_metrics",
    "replicate_seed",
    "replicate_seeds",
    "revenue_shares",
    "run_ensemble",
    "run_one",
    "run_scenario",
    "run_sweep",
    "summarise",
    "sweep",
    "sweep_file",
    "to_ema",
]
