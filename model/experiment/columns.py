"""The dictionary of results columns: unit and meaning of every column a results folder can hold.

Written to each folder as ``columns.csv`` (table, name, unit, meaning). Names are matched exactly,
then against the paired metrics' registry (:data:`model.experiment.metrics.METRICS`), then by pattern (``leaked_<route>``, ``share_<ISO3>``, ``<metric>_low``, ...); the meanings follow
docs/ODD.md (4.11 Observation) and docs/sweeps.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from model.experiment.metrics import CAPABILITY, DENIAL, METRICS
from model.simulation import REGIME_FIELDS
from model.vocabulary import ITEMS, ROUTES

Entry = tuple[str, str]
"""(unit, meaning)."""

UNITS = "effective units"  # docs/ODD.md: what US$1 buys from an option with price, quality and scale 1

EXACT: dict[str, Entry] = {
    # identity of runs, points and replicates
    "run": ("", "run id (one model run)"),
    "run_id": ("", "run id (one model run)"),
    "scenario": ("", "scenario name"),
    "role": ("", "'policy' or 'point': a run with the policies; 'baseline': its no-controls baseline"),
    "replicate": ("", "replicate number; replicate i of a policy run and of its baseline share a seed"),
    "seed": ("", "seed of the run's random streams (derived from the master seed)"),
    "point_id": ("", "design point of a sweep (-1 for a baseline run)"),
    "point": ("", "design point of a sweep, or the scenario of a comparison"),
    "baseline_id": ("", "the shared no-controls baseline of a sweep point"),
    "baseline_run_id": ("", "the baseline run paired with this run (same seed)"),
    "seconds": ("s", "wall-clock time of the run"),
    "error": ("", "why the run failed (empty when it succeeded)"),
    "controlling": ("", "countries that controlled exports at some step, ';'-separated"),
    "replications": ("", "number of replications summarised"),
    "step": ("step", "model step (0 = start; steps_per_year steps per year)"),
    "date": ("date", "first day of the step"),
    "variable": ("", "name of a time-series column (see its own row in this dictionary)"),
    "value": ("", "value of the variable (unit of the variable)"),
    # time series (docs/ODD.md, 4.11)
    "target_capability": (CAPABILITY, "population-weighted mean capability of target regimes"),
    "world_capability": (CAPABILITY, "population-weighted mean capability of all countries"),
    "targets_capable": ("countries", "target regimes at or above the capable threshold"),
    "domestic_quality_targets": ("quality index", ("population-weighted mean quality of target regimes' "
                                 "domestic industries")),
    "budget_total": ("US$ per step", "all surveillance budgets"),
    "spend_total": ("US$ per step", "all spending"),
    "acquired_targets": (UNITS, "acquisitions of target regimes, all layers and routes"),
    "blocked_targets": (UNITS, "acquisitions of target regimes that controls blocked"),
    "revenue_controlling": ("US$ per step", "revenue of vendors of the nations controlling exports"),
    "adopters": ("countries", "countries at or above the adoption threshold"),
    "data_public_share": ("share 0-1", "share of training-data acquisitions from public copies"),
    "aigs_2019_matched": ("countries", ("adopters of the AIGS 2019 index that adopt in the model (capability at or "
                          "above the adoption threshold)")),
    # end-of-run report
    "targets_newly_capable": ("countries", "target regimes that became capable during the run"),
    "years_to_capable": ("years", "mean time until target regimes became capable"),
    # paired metrics per replicate: model.experiment.metrics.METRICS (docs/ODD.md, 7.13)
    "headline": ("", "which denial measure is denial_effectiveness: equal, population or importing"),
    "denial": (DENIAL, "1 - the regime's capability / its baseline capability at the horizon"),
    "population": ("persons", "population of the regime"),
    "own_vendors": ("0/1", "1 if vendors are based in the regime's country (its purchases from them are home-market sales)"),
    "blocked": (UNITS, "post-warm-up acquisitions of target regimes that controls blocked"),
    # flows and regimes
    "exporter": ("ISO3", "exporting nation of the vendor"),
    "hub": ("ISO3", "transit hub ('' = direct)"),
    "buyer": ("ISO3", "buying country"),
    "route": ("", "route tag of the acquisition (docs/ODD.md: routes)"),
    "acquired": (UNITS, "post-warm-up deliveries, mean per replicate"),
    "iso3": ("ISO3", "country"),
    "capability": (CAPABILITY, "capability of the regime (mean over replicates)"),
    # analysis tables
    "metric": ("", "name of a metric (see its own row in this dictionary)"),
    "parameter": ("", "sweep parameter (column name)"),
    "size": ("members", "number of members in the coalition"),
    "added": ("", "members added to the previous coalition, '+'-separated"),
    "point_before": ("", "design point of the smaller coalition"),
    "point_after": ("", "design point of the larger coalition"),
    "S1": ("index 0-1", "first-order Sobol index"),
    "S1_conf": ("index", "95% confidence half-width of S1"),
    "ST": ("index 0-1", "total-order Sobol index"),
    "ST_conf": ("index", "95% confidence half-width of ST"),
    "score": ("share 0-1", ("EMA Workbench feature score (extra trees): the parameter's share of the "
                            "metric's explained variation (a metric's scores sum to 1)")),
    "mu": ("metric unit", "Morris mean elementary effect"),
    "mu_star": ("metric unit", "Morris mean absolute elementary effect"),
    "sigma": ("metric unit", "Morris standard deviation of elementary effects"),
    "mu_star_conf": ("metric unit", "95% confidence half-width of mu_star"),
    # calibration
    "loss": ("", "calibration loss: squared distance to the targets, scaled by their ranges"),
    "round": ("", "round of the calibration search"),
    # columns.csv itself
    "table": ("", "table of the results folder"),
    "name": ("", "column name"),
    "unit": ("", "unit of the column"),
    "meaning": ("", "what the column holds"),
}

_ROUTES = "|".join(ROUTES)
_ITEMS = "|".join(ITEMS)
PATTERNS: list[tuple[str, Entry]] = [
    (rf"acquired_({_ITEMS})_({_ROUTES})", (UNITS, "target acquisitions of {0} by route {1}")),
    (rf"acquired_({_ROUTES})", (UNITS, "target acquisitions by route {0}")),
    (rf"leaked_({_ROUTES})", (UNITS, "target acquisitions that leaked past controls by route {0}")),
    (r"revenue_([A-Z]{3})", ("US$ per step", "revenue of the vendors of {0}")),
    (r"share_([A-Z]{3})", ("share 0-1", "share of all vendor revenue taken by the vendors of {0}")),
    (r"reach_vendor_(.+)", ("countries", "countries vendor {0} reaches (docs/ODD.md: 'reached')")),
    (r"reach_([A-Z]{3})", ("countries", "countries the vendors of {0} together reach (docs/ODD.md: 'reached')")),
    (rf"regime_({'|'.join(REGIME_FIELDS)})_([A-Z]{{3}})",
     ("", "end-of-run {0} of target regime {1} (docs/ODD.md, 7.13)")),
    (r"vendor_share_(.+)", ("share 0-1", "share of all vendor revenue taken by vendor {0}")),
    (r"vendor_abroad_(.+)", ("share 0-1", "share of vendor {0}'s revenue from outside its home country")),
    (r"spend_share_([A-Z]{3})", ("share 0-1", "share of world surveillance spending spent by {0}")),
    (r"total_(.+)", ("", "post-warm-up total of {0}")),
    (r"(.+)_change", ("", "mean change of {0} from the added members (paired on seeds)")),
    (r"(.+)_low", ("", "lower end of the 95% interval of {0}")),
    (r"(.+)_high", ("", "upper end of the 95% interval of {0}")),
]


def describe(name: str, extra: Mapping[str, Entry] | None = None) -> Entry:
    """``(unit, meaning)`` of a column; ``extra`` describes folder-specific columns (sweep parameters)."""
    if extra and name in extra:
        return extra[name]
    if name in EXACT:
        return EXACT[name]
    if name in METRICS:
        return METRICS[name].unit, METRICS[name].meaning
    for pattern, (unit, meaning) in PATTERNS:
        found = re.fullmatch(pattern, name)
        if found:
            inner = describe(found.group(1), extra) if pattern.startswith(("total_", "(.+)")) else None
            return (inner[0] if inner and not unit else unit, meaning.format(*found.groups()))
    return ("", "")


def dictionary(tables: Mapping[str, pd.DataFrame], extra: Mapping[str, Entry] | None = None) -> pd.DataFrame:
    """The ``columns.csv`` table of ``tables``: one row per table and column."""
    rows = [{"table": table, "name": column, "unit": unit, "meaning": meaning}
            for table, frame in tables.items() for column in frame.columns
            for unit, meaning in [describe(str(column), extra)]]
    return pd.DataFrame(rows, columns=["table", "name", "unit", "meaning"])
