"""Reproducing a results folder: every stored table checked against its digest, then every run made
again from the manifest (same settings, same seeds) and every table compared."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.errors import ModelInputError
from model.experiment.collect import RUNS_SCHEMA
from model.experiment.folders import MANIFEST, check_tables, folder_of, read_manifest
from model.experiment.manifest import require_intact_settings
from model.experiment.seeds import replicate_seeds
from model.scenario import Scenario, ScenarioError, validate_scenario


@dataclass
class Reproduction:
    """What :func:`reproduce` found: the tables checked, per table or file what differs, and the
    tables whose layout this version writes differently (their stored digests are checked, their
    numbers not compared)."""

    folder: Path
    tables: list[str]
    differing: dict[str, str] = field(default_factory=dict)
    not_compared: dict[str, str] = field(default_factory=dict)

    @property
    def checked(self) -> int:
        return len(self.tables)


def reproduce(path: str | Path, *, executor: Any = None, progress: bool = True) -> Reproduction:
    """Check the comparison or sweep folder ``path`` (or its manifest) and re-run it."""
    folder = folder_of(path)
    manifest = read_manifest(folder, ("comparison", "sweep"))
    where = str(folder / MANIFEST)
    if manifest.get("status") != "complete":
        raise ModelInputError(str(folder), "the experiment has not finished", expected="a finished results folder")
    tables = manifest.get("tables") or {}
    if not tables:
        raise ModelInputError(where, "nothing to check: the manifest lists no tables with digests",
                              expected="a folder written by this version of the tool")
    found = Reproduction(folder, list(tables), check_tables(folder, manifest))
    with tempfile.TemporaryDirectory(prefix="reproduce-") as scratch:
        again = Path(scratch) / "again"
        _rerun(manifest, where, again, executor, progress)
        fresh = read_manifest(again)["tables"]
    schema = manifest.get("runs_schema", 1)
    for name, entry in tables.items():
        if schema != RUNS_SCHEMA and name in SCHEMA_TABLES:
            found.not_compared[name] = (f"written with runs schema {schema}; this version writes "
                                        f"{RUNS_SCHEMA} (model.experiment.collect.RUNS_SCHEMA)")
        elif name not in fresh:
            found.differing[name] = "not produced again"
        elif fresh[name]["digest"] != entry["digest"]:
            found.differing[name] = "re-computed numbers differ from the digest in the manifest"
    return found


SCHEMA_TABLES = ("runs", "baselines", "columns")
"""The tables whose columns depend on the runs schema (``columns``: their dictionary)."""
RELIED_ON = {"comparison": ("replications", "seed", "seeds", "scenarios"),
             "sweep": ("name", "sweep", "base", "replications", "seed", "seeds")}
"""The settings a re-run reads from the manifest, per kind: every one must be under its digest."""


def _rerun(manifest: dict[str, Any], where: str, out: Path, executor: Any, progress: bool) -> None:
    """Run the experiment ``manifest`` describes into ``out``."""
    require_intact_settings(manifest, where)
    covered = manifest["settings_digest"]["keys"]
    if missing := [key for key in RELIED_ON[manifest["kind"]] if key not in covered]:
        raise ModelInputError(f"{where}: settings_digest", f"damaged settings: the digest does not cover "
                              f"{', '.join(missing)}", expected="the manifest as it was written")
    seed, seeds = manifest.get("seed"), manifest.get("seeds")
    if not (isinstance(seed, int) and isinstance(seeds, list) and seeds
            and replicate_seeds(seed, len(seeds)) == seeds and manifest.get("replications") == len(seeds)):
        raise ModelInputError(f"{where}: seeds", "damaged settings: the seeds do not follow from the seed "
                              "and the number of replications", expected="the manifest as it was written")
    try:
        if manifest["kind"] == "comparison":
            from model.experiment.comparison import compare

            scenarios = [Scenario.from_resolved(data) for data in manifest["scenarios"].values()]
            for scenario in scenarios:
                validate_scenario(scenario)  # names and dates against the world, as a file is checked
            compare(scenarios, replications=len(seeds), seed=seed, executor=executor, progress=progress, out=out)
        else:
            from model.experiment.api import run_sweep
            from model.experiment.points import prepare
            from model.experiment.spec import read_spec

            spec = read_spec({**manifest["sweep"], "name": manifest["name"], "base": "manifest"}, where)
            base = Scenario.from_resolved(manifest["base"])
            validate_scenario(base)
            prepared = prepare(spec, base, where)
            run_sweep(prepared, out, executor=executor, progress=progress)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, (ModelInputError, ScenarioError)):
            raise
        raise ModelInputError(where, f"damaged settings ({type(exc).__name__}: {exc})",
                              expected="the manifest as it was written") from None
