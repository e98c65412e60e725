"""The cost-effectiveness frontier: the design space, Pareto efficiency on hand-made points, an
exhaustive frontier on a tiny world checked against its own design means, and a seeded NSGA-II."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.scenario import SCENARIO_DIR
from model.strategy.designs import Design, template
from model.strategy.files import FrontierStudy
from model.strategy.frontier import DesignSpace, pareto

TINY = f"""
scenario = "{SCENARIO_DIR / 'echri_coalition.toml'}"
replications = 2
horizon = 7
[space]
partners = ["DEU"]
layers = ["camera", "algorithm_1n"]
no_undercut = [false, true]
"""


def test_design_space_enumerates_every_combination():
    study = FrontierStudy(scenario="x.toml", space={"partners": ["DEU", "SWE"], "enforcement": [0.4, 0.8],
                                                     "extraterritorial": [False, True]})
    space = DesignSpace(study)
    designs = space.every()
    assert len(designs) == len(set(designs)) == study.space.size == 4 * 7 * 2 * 2
    assert all(d.items for d in designs)  # never an empty layer set
    assert Design(("DEU",), ("camera", "training_data"), 0.8, True, False) in designs


def test_pareto_by_hand():
    # (denial, revenue lost): b beats a; c is dearer but denies more; d is dominated by c; e ties c
    points = np.array([[0.1, 5.0], [0.2, 4.0], [0.5, 9.0], [0.4, 9.5], [0.5, 9.0]])
    assert pareto(points).tolist() == [False, True, True, False, True]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frontier")
    path = folder / "tiny.toml"
    path.write_text(TINY)
    return model.frontier(path, out=folder / "out", executor="serial", progress=False, figures=False)


def test_exhaustive_frontier_on_a_tiny_world(tiny):
    designs = tiny.designs
    assert len(designs) == 2 * 3 * 2  # member sets x layer sets x no-undercut
    means = designs[["denial_effectiveness", "revenue_lost"]].to_numpy()
    for i, row in enumerate(means):
        beaten = ((means[:, 0] >= row[0]) & (means[:, 1] <= row[1]) & (np.any(means != row, axis=1))).any()
        assert designs["pareto"].iloc[i] == (not beaten)
    assert (designs["denial_effectiveness_low"] <= designs["denial_effectiveness"]).all()
    assert (tiny.folder / "designs.csv").exists() and (tiny.folder / "manifest.json").exists()


def test_nsga2_is_seeded(tmp_path):
    text = TINY + "[search]\nmethod = 'nsga2'\npopulation = 4\ngenerations = 2\nseed = 3\n"
    path = tmp_path / "nsga.toml"
    path.write_text(text)
    a = model.frontier(path, out=tmp_path / "a", executor="serial", progress=False, figures=False)
    b = model.frontier(path, out=tmp_path / "b", executor="serial", progress=False, figures=False)
    assert a.designs.equals(b.designs)
    assert 1 <= len(a.designs) <= 12


def test_the_frontier_figure_zooms_on_the_designs_only_when_a_regime_lies_far_beyond_them():
    import pandas as pd

    from model.strategy.figures import _zoom_limits

    designs = pd.DataFrame({"revenue_lost": [0.0, 1e8, 4e8], "denial_effectiveness": [0.0, 0.004, 0.006]})
    near = pd.DataFrame({"revenue_lost": [5e8], "denial_effectiveness": [0.008]})
    assert _zoom_limits(designs, near, 1e-9) is None
    far = pd.DataFrame({"revenue_lost": [3e8, 5e8], "denial_effectiveness": [0.34, 0.008]})
    (x0, x1), (y0, y1) = _zoom_limits(designs, far, 1e-9)
    assert x0 < 0.0 and 0.4 < x1 < 0.5  # the designs (in US$ bn) with a margin
    assert y0 < 0.0 and 0.6 < y1 < 1.0  # in %: the global agreement (34%) is left out


def test_a_refused_resume_leaves_a_finished_folder_as_it_was(tiny, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(tiny.folder, copy)
    (copy / "runs" / "designs" / "batch-0001" / "runs.parquet").write_bytes(b"damaged")
    before = {p: p.read_bytes() for p in sorted(copy.rglob("*")) if p.is_file()}
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    with pytest.raises(model.ModelInputError, match=r"runs\.parquet"):
        model.frontier(path, out=copy, resume=True, executor="serial", progress=False, figures=False)
    assert {p: p.read_bytes() for p in sorted(copy.rglob("*")) if p.is_file()} == before


def test_a_designs_enforcement_reaches_every_instrument_as_the_dashboards_does():
    scenario = model.load_scenario(SCENARIO_DIR / "echri_coalition.toml")  # with the US input measures
    base = template(scenario, None, None, "echri_coalition.toml")
    policies = model.PolicySet.model_validate(base.policies(Design(partners=("DEU",), enforcement=0.3)))
    kept = model.PolicySet.model_validate(base.policies(Design(partners=("DEU",))))
    assert policies.entity_lists and policies.component_controls and policies.procurement_bans
    assert {c.enforcement for c in [*policies.national, *policies.agreements, *policies.entity_lists,
                                    *policies.component_controls]} == {0.3}
    assert [e.enforcement_abroad for e in policies.entity_lists] == [e.enforcement_abroad for e in kept.entity_lists]
    assert policies.procurement_bans == kept.procurement_bans  # a ban has no enforcement
