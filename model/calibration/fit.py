"""A calibration's results folder: the posterior (ABC-SMC, :mod:`model.calibration.posterior`), its
generations, the fitted point and the posterior sample in the format the package ships.

The folder holds pyabc's history database (``abc.db``, so ``--resume`` continues an interrupted
calibration), the tables ``particles`` (the last generation: free values, weight, distance and the
targets its simulation gave) and ``generations``, the manifest, and the three files
``calibrate --install`` copies into the package (:mod:`model.calibration.install`):
``calibrated.toml`` (the particle closest to the targets, which every run then uses),
``posterior.csv`` (every particle's free values and weight) and ``posterior.json`` (its manifest).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from model.calibration.posterior import HISTORY, effective_sample_size, generations, particles, run_abc
from model.calibration.spec import CalibrationSpec, check_against
from model.config.tables import toml_key, toml_value
from model.errors import ModelInputError
from model.experiment.results import (
    FolderLock,
    build_manifest,
    claim,
    git_commit,
    manifest_tables,
    own_files,
    read_manifest,
    write_manifest,
    write_tables,
    write_text,
)
from model.parameters import ModelParameters
from model.scenario import Scenario

FIT_FILE = "calibrated.toml"
"""The fitted point in a calibration's results folder (and, installed, in the package)."""
POSTERIOR_FILE = "posterior.csv"
"""The posterior sample: every particle's free values and weight."""
POSTERIOR_MANIFEST = "posterior.json"
"""What produced the posterior sample: targets, settings, simulations, effective sample size, loss."""
own_files("calibration", FIT_FILE, POSTERIOR_FILE, POSTERIOR_MANIFEST, HISTORY)


@dataclass
class CalibrationResult:
    """The posterior's last generation and the generations that led to it."""

    particles: pd.DataFrame
    generations: pd.DataFrame
    spec: CalibrationSpec

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.spec.free]

    @property
    def best(self) -> pd.Series:
        """The particle closest to the targets."""
        return self.particles.loc[self.particles["distance"].idxmin()]

    @property
    def best_values(self) -> dict[str, float]:
        return {key: float(self.best[key]) for key in self.keys}

    @property
    def loss(self) -> float:
        """The posterior's expected loss: the weighted mean over particles of the loss of their simulations."""
        return float((self.particles["weight"] * self.particles["loss"]).sum())

    @property
    def ess(self) -> float:
        return effective_sample_size(self.particles["weight"].to_numpy())

    @property
    def simulations(self) -> int:
        return int(self.generations["simulations"].sum())


def calibrate_into(
    spec: CalibrationSpec, scenario: Scenario, *, seed: int, out: Path, executor: Any = None,
    resume: bool = False, force: bool = False, progress: bool = True, command: list[str] | None = None,
) -> CalibrationResult:
    """ABC-SMC into the results folder ``out`` (kind "calibration"), continued with ``resume`` or
    replaced with ``force``. A resumed calibration must have the same seed, targets, free parameters
    and horizon; its stopping rule (population, simulations, generations) may change, so a finished
    one can be taken further, or an interrupted one finished with the generations it has."""
    check_against(spec, scenario)  # before the folder is made
    settings = {"seed": seed, "calibration": spec.model_dump(mode="json")}
    with FolderLock(out):
        abc_id = None
        if claim(out, "calibration", resume=resume, force=force):
            stored = read_manifest(out, ("calibration",))
            changed = [key for key in settings if _problem(stored.get(key)) != _problem(settings[key])]
            if changed or "abc_id" not in stored:
                raise ModelInputError(str(out), f"cannot resume: {' and '.join(changed) or 'the run id'} differ(s) "
                                      "from the stored calibration", expected="the same file and seed, or --force")
            abc_id = int(stored["abc_id"])
        else:
            out.mkdir(exist_ok=True)
        def started(run_id: int) -> None:
            nonlocal abc_id
            abc_id = run_id
            write_manifest(out, build_manifest("calibration", settings | {"abc_id": run_id, "status": "running"},
                                               command or []))

        history = run_abc(spec, scenario, out=out, seed=seed, executor=executor, abc_id=abc_id,
                          progress=progress, started=started)
        result = CalibrationResult(particles(history, spec), generations(history), spec)
        tables = write_tables(out, {"particles": result.particles, "generations": result.generations},
                              _columns(result))
        write_fit(result, out, note=f"seed {seed}, {result.simulations} simulations; details in {out}")
        summary = {"abc_id": abc_id, "loss": result.loss, "ess": result.ess, "best": result.best_values,
                   "status": "complete"}
        write_manifest(out, build_manifest("calibration", settings | summary, command or [])
                       | manifest_tables(tables))
    return result


def _problem(settings: Any) -> Any:
    """The part of a manifest's settings entry that defines the problem (not when to stop), as JSON."""
    data = json.loads(json.dumps(settings))
    if isinstance(data, dict) and isinstance(data.get("settings"), dict):
        data["settings"] = {k: v for k, v in data["settings"].items() if k not in STOPPING}
    return data


STOPPING = ("population", "simulations", "generations", "acceptance", "validation_replications")
"""Calibration settings a resumed calibration may change (when to stop, not what is fitted)."""


def _columns(result: CalibrationResult) -> dict[str, tuple[str, str]]:
    """Descriptions of the calibration tables' own columns."""
    return (dict.fromkeys(result.keys, ("", "free parameter value of the particle"))
            | {t.name: ("", f"the particle's simulated value of the target {t.name}") for t in result.spec.targets}
            | {"weight": ("", "importance weight of the particle (sums to 1)"),
               "distance": ("", "tolerance-scaled distance of its simulation to the targets"),
               "loss": ("", "sum over targets of ((model - value) / half-width)^2"),
               "generation": ("", "ABC-SMC generation (0: from the prior; -1: the prior sample setting the first threshold)"),
               "epsilon": ("", "acceptance threshold on the distance"),
               "simulations": ("", "simulations run in the generation"),
               "particles": ("", "particles accepted"),
               "ess": ("", "effective sample size of the weights")})


def write_fit(result: CalibrationResult, folder: Path, note: str = "") -> Path:
    """Write ``calibrated.toml`` (the best particle, with a ``[fit]`` table), ``posterior.csv`` and
    ``posterior.json`` into ``folder``; returns the fit file's path."""
    spec = result.spec
    params = spec.parameters(ModelParameters(), result.best_values)
    changed = {key.split(".")[1] for key in result.keys}
    data = params.model_dump()
    fit = {"loss": result.loss, "targets": len(spec.targets), "targets_digest": spec.identity(),
           "simulations": result.simulations, "particles": len(result.particles), "ess": result.ess}
    lines = [
        ("# Calibrated parameters: written by `python run.py calibrate`, installed by "
         "`python run.py calibrate --install`; do not edit by hand."),
        f"# {dt.datetime.now(dt.UTC).date().isoformat()} {note}".rstrip(),
        (f"# The posterior particle closest to the {len(spec.targets)} targets; expected loss {result.loss:.3f} "
         "over the posterior (see docs/validation.md and model/data/calibration.toml)."),
        "",
        "[parameters]",
    ]
    lines += [f"{toml_key(name)} = {toml_value(data[name])}" for name in sorted(changed)]
    lines += ["", "[fit]"] + [f"{key} = {toml_value(value)}" for key, value in fit.items()]
    path = folder / FIT_FILE
    write_text(path, "\n".join(lines) + "\n")
    sample = result.particles[[*result.keys, "weight"]]
    write_text(folder / POSTERIOR_FILE, sample.to_csv(index=False, float_format="%.10g"))
    manifest = {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "commit": (git_commit() or {}).get("commit"), "method": "ABC-SMC (pyabc)" if spec.settings.generations > 1 else "rejection ABC (pyabc)", "note": note,
                "horizon": spec.settings.horizon, "population": spec.settings.population,
                "generations": int((result.generations["generation"] >= 0).sum()), "epsilon": float(result.generations["epsilon"].iat[-1]),
                "acceptance": spec.settings.acceptance, "prior_sample": spec.settings.prior_sample,
                "free": {f.key: [f.low, f.high] for f in spec.free},
                "targets": [t.name for t in spec.targets]} | fit
    write_text(folder / POSTERIOR_MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return path
