"""The posterior over the free parameters, by approximate Bayesian computation (pyabc: rejection
by default, ABC-SMC with ``generations`` > 1).

Each simulation runs the no-controls baseline for ``settings.horizon`` steps at one parameter set
drawn from the prior (uniform over each free parameter's sourced range in the calibration file) or perturbed
from the previous generation, with a fresh seed, and measures the targets
(:func:`model.calibration.measure.measure_columns`). The distance to the public figures is the Euclidean
norm of the deviations scaled by each target's tolerance half-width, so ``distance ** 2`` is the
calibration loss (:func:`model.calibration.measure.loss`). pyabc's ABC-SMC (Beaumont et al. 2009;
Klinger, Rickert and Hasenauer 2018) sets each generation's threshold at the ``settings.acceptance``
quantile of the previous generation's distances (the first generation's, of ``settings.prior_sample``
draws from the prior) until ``settings.simulations`` simulations or ``settings.generations`` generations were run; every
generation is stored in pyabc's history database in the results folder, so an interrupted
calibration continues where it stopped. With one generation (the shipped setting) this is rejection
ABC: prior draws whose distance is within the lowest ``acceptance`` quantile, equally weighted. Later
generations reweight by prior / proposal density, which in 17 dimensions degenerates: the proposal
is a kernel density estimate over a few hundred particles, so its density at a new particle varies
by orders of magnitude and a few particles carry the weight. In this project's first runs the
effective sample size fell to 8 and then 2 of 150 particles; a trial on 6 Dec 2026 (200 particles,
threshold at the 30% quantile) gave 29 and then 11 of 200 with pyabc's default multivariate normal
kernel, and 59 of 200 after one generation with the kernel's covariance doubled (``scaling=2``,
acceptance 24% against 26%); the threshold fell only from 20 to 13 in three generations, because most of the distance is in targets no parameter reaches (docs/validation.md,
"Targets the model does not reach"). Rejection keeps every particle (effective sample size = population)
and spends the budget on independent prior draws.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.measure import loss, measure_columns
from model.calibration.spec import CalibrationSpec, FreeParameter
from model.parameters import ModelParameters
from model.scenario import Scenario

HISTORY = "abc.db"
"""pyabc's history database in a calibration's results folder."""


@dataclass(frozen=True)
class Simulator:
    """One ABC simulation: a baseline run at a parameter set, its targets' values (picklable, so
    pyabc's samplers can send it to processes or a Dask cluster)."""

    spec: CalibrationSpec
    kwargs: dict[str, Any]  # ControlRegimeModel arguments of the base scenario, without parameters
    base: ModelParameters

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        from model.simulation import ControlRegimeModel, dispose

        seed = int(np.random.randint(0, 2**62))  # pyabc seeds each worker's NumPy generator
        model = None
        try:
            params = self.spec.parameters(self.base, to_values(self.spec.free, parameter))
            model = ControlRegimeModel(**self.kwargs, parameters=params, rng=seed, collect_agents=False)
            model.collect_flows = False
            dates, rows = [], []
            while model.running:
                model.step()
                dates.append(model.calendar.date_of(model.steps - 1))
                rows.append([model.summary[c] for c in self.spec.columns])
            values = measure_columns(dates, dict(zip(self.spec.columns, np.array(rows, dtype=float).T)),
                                     self.spec.targets)
        except (ArithmeticError, ValueError, FloatingPointError):  # beyond the arithmetic's range
            values = {t.name: math.inf for t in self.spec.targets}
        finally:
            if model is not None:
                dispose(model)
        return {k: (v if math.isfinite(v) else math.inf) for k, v in values.items()}


def simulator(spec: CalibrationSpec, scenario: Scenario) -> Simulator:
    """The :class:`Simulator` of ``spec`` over ``scenario`` (the baseline) at the calibration horizon,
    from the code's (uncalibrated) parameters with ``scenario``'s settings."""
    kwargs = scenario.model_copy(update={"horizon": spec.settings.horizon}).model_kwargs()
    kwargs.pop("parameters")
    return Simulator(spec, kwargs, ModelParameters())


def prior(free: list[FreeParameter]) -> Any:
    """pyabc's uniform prior over every free parameter's range, each mapped to [0, 1] (the
    perturbation kernel's covariance is then well conditioned: the ranges span eight orders of
    magnitude, and scipy treats a direction as singular below about 1e-9 of the largest)."""
    import pyabc

    return pyabc.Distribution(**{f.key: pyabc.RV("uniform", 0.0, 1.0) for f in free})


def to_values(free: list[FreeParameter], unit: Mapping[str, float]) -> dict[str, float]:
    """The free parameters' values from their positions in [0, 1] within their ranges."""
    return {f.key: f.low + float(unit[f.key]) * (f.high - f.low) for f in free}


def distance(spec: CalibrationSpec) -> Any:
    """Euclidean distance with each target scaled by its tolerance half-width (``distance**2`` is the loss)."""
    import pyabc

    return pyabc.PNormDistance(p=2, fixed_weights={t.name: 2.0 / (t.high - t.low) for t in spec.targets})


def sampler(executor: Any) -> Any:
    """pyabc's sampler for an ``execute``-style executor: serial, ``n`` local processes, or a Dask client."""
    from pyabc import sampler as samplers

    if executor in (None, "serial"):
        return samplers.SingleCoreSampler()
    if executor == "processes" or isinstance(executor, int):
        return samplers.MulticoreEvalParallelSampler(n_procs=None if executor == "processes" else executor)
    if hasattr(executor, "submit") and hasattr(executor, "scheduler_info"):  # a dask.distributed Client
        return samplers.DaskDistributedSampler(dask_client=executor, batch_size=4)
    raise TypeError(f"no pyabc sampler for the executor {executor!r}")


def run_abc(spec: CalibrationSpec, scenario: Scenario, *, out: Path, seed: int, executor: Any = None,
            abc_id: int | None = None, progress: bool = True, started: Callable[[int], None] = lambda abc_id: None) -> Any:
    """Run (or, with ``abc_id``, continue) ABC-SMC into ``out / HISTORY``; returns pyabc's history
    (``started`` is told the run's id before the first simulation). Stops at
    ``settings.simulations`` simulations or ``settings.generations`` generations in all, counting
    those of an interrupted run."""
    import pyabc

    free = spec.free
    check = simulator(spec, scenario)
    # one run at the middle of the prior here: a setting no run accepts is refused at once, and the
    # processes that fork from this one inherit the world it built
    from model.simulation import ControlRegimeModel, dispose

    middle = spec.parameters(check.base, {f.key: (f.low + f.high) / 2 for f in free})
    dispose(ControlRegimeModel(**check.kwargs, parameters=middle, rng=seed, collect_agents=False).run(1))
    for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "ABC"]:
        logging.getLogger(name).setLevel(logging.INFO if progress else logging.WARNING)
    np.random.seed(seed % 2**32)
    size = pyabc.ConstantPopulationSize(spec.settings.population, nr_calibration_particles=spec.settings.prior_sample)
    abc = pyabc.ABCSMC(check, prior(free), distance(spec), population_size=size,
                       sampler=sampler(executor), eps=pyabc.QuantileEpsilon(alpha=spec.settings.acceptance))
    db = f"sqlite:///{(out / HISTORY).resolve()}"
    history = abc.new(db, {t.name: t.value for t in spec.targets}) if abc_id is None else abc.load(db, abc_id)
    started(history.id)
    done = history.max_t + 1
    remaining = spec.settings.generations - done
    budget = spec.settings.simulations - history.total_nr_simulations
    if remaining > 0 and budget > 0:
        history = abc.run(max_nr_populations=remaining, max_total_nr_simulations=spec.settings.simulations)
    return history


def particles(history: Any, spec: CalibrationSpec) -> pd.DataFrame:
    """The last generation: each particle's free values, weight (normalised), distance, the values of
    the targets its accepted simulation gave, and their loss."""
    population = history.get_population(history.max_t)
    rows = [{**to_values(spec.free, p.parameter), "weight": p.weight, "distance": p.distance, **p.sum_stat}
            for p in population.particles]
    table = pd.DataFrame(rows)
    table["weight"] = table["weight"] / table["weight"].sum()
    table["loss"] = [loss(row, spec.targets) for _, row in table.iterrows()]
    return table


def generations(history: Any) -> pd.DataFrame:
    """Per generation (-1: the prior sample that set the first threshold): acceptance threshold,
    simulations, particles, effective sample size."""
    table = history.get_all_populations().reset_index(drop=True)
    prior_sample = table["t"] < 0  # pyabc's sample from the prior that set the first threshold
    ess = [np.nan if t < 0 else effective_sample_size(history.get_distribution(t=int(t))[1]) for t in table["t"]]
    return pd.DataFrame({"generation": table["t"].astype(int), "epsilon": table["epsilon"].astype(float),
                         "simulations": table["samples"].astype(int),
                         "particles": table["particles"].where(~prior_sample, 0).astype(int), "ess": ess})


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2``."""
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / (weights**2).sum())
