"""The posterior sections of docs/validation.md: what was run, prior against posterior, what the
targets do not identify, posterior predictive checks, and the headline across the posterior (by
policy, over time, cumulative, at other target thresholds, and under structural variants)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model.calibration.diagnostics import (
    correlations,
    predictive_checks,
    prior_against_posterior,
    sample_size,
    strongest_pairs,
)
from model.calibration.headline import (
    CUMULATIVE,
    LEVEL,
    POSTERIOR_SAMPLE,
    RANKINGS,
    THRESHOLDS,
    Posterior,
    credible,
    posterior_runs,
    ranking_probabilities,
    seed_only,
)
from model.calibration.spec import CalibrationSpec
from model.dates import Calendar
from model.experiment import compare
from model.experiment.metrics import DENIAL_MEASURES
from model.scenario import SCENARIO_DIR, Scenario, load_scenario

POLICIES = tuple(dict.fromkeys(name for pair in RANKINGS for name in pair))
"""The headline's policies (every one a ranking names)."""
PREDICTIVE_DRAWS = 60
HEADLINE_DRAWS = 30
VARIANT_DRAWS = 10
SEED_REPLICATIONS = 20


@dataclass
class PosteriorFindings:
    """What the posterior sections report."""

    manifest: dict[str, Any]
    ess: float
    marginals: pd.DataFrame
    pairs: pd.DataFrame
    checks: pd.DataFrame
    runs: pd.DataFrame
    seeds: pd.DataFrame
    variants: dict[str, pd.DataFrame]
    calendar: Calendar
    replications: int


def structural_variants(scenarios: list[Scenario]) -> dict[str, tuple[list[Scenario], str]]:
    """The named structural variants (scenarios, and where the input layer's ranges are taken): ties
    off, and the input channel (every supplier's US-technology share) at either end of its range."""
    ties_off = [s.model_copy(update={"parameters": s.parameters.model_copy(update={"ties_scale": 0.0})})
                for s in scenarios]
    return {"ties off (`ties_scale = 0`)": (ties_off, "prior"),
            "input channel at the low end (suppliers' US technology)": (scenarios, "low"),
            "input channel at the high end (suppliers' US technology)": (scenarios, "high")}


def find(spec: CalibrationSpec, *, seed: int, executor: Any = None, progress: bool = True,
         draws: int = HEADLINE_DRAWS, predictive: int = PREDICTIVE_DRAWS, variant_draws: int = VARIANT_DRAWS,
         replications: int = SEED_REPLICATIONS) -> PosteriorFindings:
    """Run everything the posterior sections report."""
    posterior = Posterior.load()
    scenarios = [load_scenario(SCENARIO_DIR / f"{name}.toml") for name in ("baseline", *POLICIES)]
    baseline = scenarios[0]
    point = compare(scenarios, replications=replications, seed=seed, executor=executor, progress=progress)
    runs = posterior_runs(scenarios, posterior, draws=draws, seed=seed, executor=executor)
    variants = {name: posterior_runs(changed, posterior, draws=variant_draws, seed=seed, executor=executor,
                                     inputs=inputs) for name, (changed, inputs) in structural_variants(scenarios).items()}
    return PosteriorFindings(
        manifest=json.loads(POSTERIOR_SAMPLE.with_suffix(".json").read_text()),
        ess=sample_size(posterior), marginals=prior_against_posterior(spec, posterior),
        pairs=strongest_pairs(correlations(posterior)),
        checks=predictive_checks(spec, posterior, baseline, draws=predictive, seed=seed, executor=executor),
        runs=runs, seeds=seed_only(point.per_replication, [f"denial_{m}" for m in DENIAL_MEASURES]),
        variants=variants, calendar=Calendar(baseline.start_date, baseline.steps_per_year),
        replications=replications)


def _pct(median: float, low: float, high: float) -> str:
    return f"{100 * median:.2f}% [{100 * low:.2f}, {100 * high:.2f}]"


def _num(x: float) -> str:
    return f"{x / 1e9:.1f} bn" if abs(x) >= 1e6 else f"{x:.3g}"


def render(found: PosteriorFindings) -> list[str]:
    """The posterior sections as Markdown lines."""
    m = found.manifest
    lines = ["## The posterior", "",
             (f"`python run.py calibrate` samples the posterior of the {len(m['free'])} free parameters given the "
              f"{m['targets'] if isinstance(m['targets'], int) else len(m['targets'])} targets by approximate "
              "Bayesian computation (pyabc): uniform priors over each parameter's sourced range "
              "(`model/data/calibration.toml`), one baseline simulation per particle with a fresh seed, and the "
              "distance the Euclidean norm of the deviations scaled by each target's tolerance half-width (its "
              "square is the loss). The shipped setting is rejection ABC (one generation): prior draws whose "
              "distance is within the lowest `acceptance` quantile, equally weighted. Sequential generations "
              "(ABC-SMC, `generations` > 1) reweight particles by prior / proposal density, and in 17 dimensions "
              "those weights degenerated in this project's first runs (effective sample size 8, then 2, of 150 "
              "particles after two generations), and again in a trial on 6 Dec 2026 (200 particles, threshold at "
              "the 30% quantile: 29 and then 11 of 200 with pyabc's default kernel, 59 of 200 after one "
              "generation with the kernel's covariance doubled), while the threshold fell only from 20 to 13 in "
              "three generations, because most of the distance is in targets no free parameter reaches (see "
              "Targets the model does not reach); that would have made a handful of particles the posterior. "
              "The input layer's ranges (suppliers' US technology) act on no target: their posterior is their "
              "prior, and the headline draws them from it."),
             "",
             (f"The shipped posterior (`model/data/posterior.csv`, manifest `model/data/posterior.json`): "
              f"{m['particles']} particles accepted from {m['simulations']:,} simulations at threshold "
              f"{m['epsilon']:.3g} (the {m.get('acceptance', 0):.1%} quantile of a prior sample), effective "
              f"sample size {found.ess:.0f}, expected loss {m['loss']:.1f} ({m.get('note', '')}), made by one "
              "command with the settings of `model/data/calibration.toml`: `python run.py calibrate` "
              "(resumable with `--resume`; `--dask-local N` or `--scheduler` for Dask), then "
              "`python run.py calibrate --install results/calibration`."),
             "",
             ("Why pyabc: it is maintained, samples on local processes and on Dask, keeps every generation in a "
              "database so a calibration resumes where it stopped, and offers ABC-SMC with adaptive thresholds "
              "for when the problem has fewer dimensions. ELFI offers rejection, SMC and BOLFI (Gaussian-process "
              "surrogates, far fewer simulations, attractive here) but its parallel back ends are ipyparallel "
              "and multiprocessing, not Dask, and it does not resume from storage; sbi (neural posterior "
              "estimation) needs PyTorch and tens of thousands of simulations before its network gives "
              "anything, and amortisation is of no use for one set of observed figures."),
             "", "### Prior against posterior", "",
             ("Posterior median and 90% interval of each parameter against its uniform prior. The ratio of the "
              "posterior interval's width to the prior's (90% of the range) says how much the targets pin it: "
              "near 1, not at all."), "",
             "| parameter | prior range | posterior median [90% interval] | width / prior width |", "|---|---|---|---|"]
    lines += [f"| `{r.parameter}` | [{r.prior_low:.3g}, {r.prior_high:.3g}] | {r.median:.3g} [{r.low:.3g}, "
              f"{r.high:.3g}] | {r.width_ratio:.2f} |" for r in found.marginals.itertuples()]
    lines += ["", "### What the targets do not identify", "",
              ("The pairs of parameters with the strongest posterior correlation (weighted): a strong "
               "correlation means the targets pin a combination, not each parameter."), "",
              "| parameter | parameter | correlation |", "|---|---|---|"]
    lines += [f"| `{r.a}` | `{r.b}` | {r.correlation:+.2f} |" for r in found.pairs.itertuples()]
    checks = found.checks
    lines += ["", "### Posterior predictive checks", "",
              (f"{int(checks['draws'].iat[0])} new baseline simulations at particles resampled from the posterior, "
               "fresh seeds: per target the median and 90% interval of the simulated values, whether the interval "
               "covers the public figure, and the share of simulations within the tolerance. "
               f"{int(checks['covers'].sum())} of {len(checks)} intervals cover their figure."), "",
              "| target | figure [tolerance] | simulated median [90% interval] | covers | within tolerance |",
              "|---|---|---|---|---|"]
    for r in checks.itertuples():
        lines.append(f"| {r.target} | {_num(r.value)} [{_num(r.tolerance[0])}, {_num(r.tolerance[1])}] | "
                     f"{_num(r.median)} [{_num(r.low)}, {_num(r.high)}] | {'yes' if r.covers else '**no**'} | "
                     f"{r.in_tolerance:.0%} |")
    lines += _headline(found)
    return lines


def _headline(found: PosteriorFindings) -> list[str]:
    runs, draws = found.runs, found.runs["draw"].nunique()
    measures = [f"denial_{m}" for m in DENIAL_MEASURES]
    cred = credible(runs, measures)
    lines = ["", "## The headline across the posterior", "",
             (f"Each of {draws} draws resamples a particle by weight and runs every policy with its baseline on one "
              "seed (common random numbers), so the credible intervals carry parameter and stochastic uncertainty "
              f"together; in parentheses the {LEVEL:.0%} interval over {found.replications} "
              "replications at the calibrated point (seed noise only). Denial at the horizon (2028), median "
              f"[{LEVEL:.0%} credible interval]."), "",
             "| policy | " + " | ".join(f"denial, {m}" for m in DENIAL_MEASURES) + " |", "|---|---|---|---|"]
    for name in cred.index:
        cells = [f"{_pct(cred.loc[name, ('median', c)], cred.loc[name, ('low', c)], cred.loc[name, ('high', c)])} "
                 f"({100 * found.seeds.loc[name, ('low', c)]:.2f}, {100 * found.seeds.loc[name, ('high', c)]:.2f})"
                 for c in measures]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    lines += ["", "Probability over the posterior of each ranking (equal-weighted denial):", ""]
    lines += [f"- {a} denies more than {b}: {p:.2f}" for (a, b), p in ranking_probabilities(runs).items()]
    lines += _time(found, runs)
    thresholds = credible(runs, [f"denial_equal_{t:.2f}" for t in THRESHOLDS])
    lines += ["", "### At other target thresholds", "",
              ("Equal-weighted denial at the horizon when a target regime is one with repression of at least "
               "0.45, 0.50 (the headline) or 0.55: median [90% credible interval]."), "",
              "| policy | " + " | ".join(f">= {t:.2f}" for t in THRESHOLDS) + " |", "|---|---|---|---|"]
    for name in thresholds.index:
        cells = [_pct(*(thresholds.loc[name, (q, f"denial_equal_{t:.2f}")] for q in ("median", "low", "high")))
                 for t in THRESHOLDS]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    lines += _variants(found, runs)
    return lines


def _time(found: PosteriorFindings, runs: pd.DataFrame) -> list[str]:
    steps = sorted(int(c[5:]) for c in runs if c.startswith("path_"))
    year_ends = {}
    for step in steps:
        year_ends[found.calendar.date_of(step).year] = step  # the last step of each year
    cred = credible(runs, [f"path_{s}" for s in year_ends.values()] + ["cumulative_equal"])
    lines = ["", "### Over time, and cumulative", "",
             ("Equal-weighted denial at the last step of each year (median over draws) and cumulative denial "
              f"{CUMULATIVE[0].year}-{CUMULATIVE[1].year} (1 - the sum over those steps of a regime's capability "
              "under the policy / in the baseline, averaged over target regimes): median [90% credible interval]."),
             "", "| policy | " + " | ".join(str(y) for y in year_ends) + " | cumulative |",
             "|---|" + "---|" * (len(year_ends) + 1)]
    for name in cred.index:
        cells = [f"{100 * cred.loc[name, ('median', f'path_{s}')]:.2f}%" for s in year_ends.values()]
        cells.append(_pct(*(cred.loc[name, (q, "cumulative_equal")] for q in ("median", "low", "high"))))
        lines.append(f"| {name} | {' | '.join(cells)} |")
    end = cred[("median", f"path_{steps[-1]}")]
    ratio = cred[("median", "cumulative_equal")] / end.where(end > 0)
    lines += ["", (f"Cumulative denial is {np.nanmin(ratio):.2f}-{np.nanmax(ratio):.2f} times the 2028 snapshot "
                   "across policies: denial builds up as stocks depreciate and are replaced, so a snapshot at a "
                   "later horizon would be larger for controls that keep biting and smaller where domestic industry "
                   "catches up.")]
    return lines


def _variants(found: PosteriorFindings, runs: pd.DataFrame) -> list[str]:
    tables = {"posterior (as above)": runs} | found.variants
    lines = ["", "### Under structural variants", "",
             (f"The headline re-run over {VARIANT_DRAWS} posterior draws with a structural assumption changed: "
              "median equal-weighted denial, and the probability of each ranking. A ranking whose probability "
              "crosses 0.5 between rows is one the variant would change."), "",
             "| variant | " + " | ".join(POLICIES) + " | " + " | ".join(f"P({a} > {b})" for a, b in RANKINGS) + " |",
             "|---|" + "---|" * (len(POLICIES) + len(RANKINGS))]
    for name, table in tables.items():
        medians = table.groupby("scenario")["denial_equal"].median()
        ranks = ranking_probabilities(table)
        lines.append(f"| {name} | " + " | ".join(f"{100 * medians[p]:.2f}%" for p in POLICIES) + " | "
                     + " | ".join(f"{ranks[pair]:.2f}" for pair in RANKINGS) + " |")
    return lines


def available() -> bool:
    """Whether a posterior sample is installed."""
    return POSTERIOR_SAMPLE.is_file()
