"""The headline across the posterior: its intervals carry parameter uncertainty, not only seed noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.calibration.headline import Posterior, credible, posterior_runs, ranking_probabilities
from model.scenario import SCENARIO_DIR, load_scenario

KEY = "parameters.price_sensitivity"


@pytest.fixture(scope="module")
def scenarios():
    return [load_scenario(SCENARIO_DIR / f"{name}.toml").model_copy(update={"horizon": 12})
            for name in ("baseline", "unilateral_us", "global_with_china")]


def posterior(low: float, high: float, n: int = 40) -> Posterior:
    values = np.linspace(low, high, n)
    return Posterior(pd.DataFrame({KEY: values, "weight": np.full(n, 1.0 / n)}))


def test_draws_follow_the_weights():
    sample = Posterior(pd.DataFrame({KEY: [2.0, 3.0, 4.0], "weight": [0.5, 0.0, 0.5]}))
    drawn = [d[KEY] for d in sample.draw(10, seed=1)]
    assert sorted(drawn) == [2.0] * 5 + [4.0] * 5


def test_the_interval_widens_when_the_posterior_is_wider(scenarios):
    """Same seeds, same draws count: a posterior spread over price sensitivity 2-8 gives a wider
    credible interval than one concentrated at 4, so the interval is not seed noise."""
    narrow = posterior_runs(scenarios, posterior(4.0, 4.0), draws=6, seed=7)
    wide = posterior_runs(scenarios, posterior(2.0, 8.0), draws=6, seed=7)

    def width(runs: pd.DataFrame) -> float:
        table = credible(runs, ["denial_equal"]).loc["global_with_china"]
        return table[("high", "denial_equal")] - table[("low", "denial_equal")]

    assert width(wide) > 2 * width(narrow) > 0
    assert set(narrow.columns) >= {"denial_equal_0.45", "denial_equal_0.50", "denial_equal_0.55", "cumulative_equal"}
    # the headline's threshold is 0.5: its denial is the 0.50 column
    assert np.allclose(narrow["denial_equal"], narrow["denial_equal_0.50"])
    assert ranking_probabilities(narrow) == {}  # no ranking's pair is among these scenarios


def test_measuring_at_a_lower_threshold_changes_no_regime_s_path(scenarios):
    """The posterior headline runs at the lowest threshold and keeps the regimes at least as repressive
    as each threshold: valid because the threshold only chooses which regimes are measured."""
    from model.simulation import ControlRegimeModel

    s = scenarios[1]
    kwargs = s.model_kwargs() | {"horizon": 8}
    low = ControlRegimeModel(**(kwargs | {"target_threshold": 0.45}), rng=3, collect_agents=False).run()
    high = ControlRegimeModel(**(kwargs | {"target_threshold": 0.5}), rng=3, collect_agents=False).run()
    assert np.array_equal(low.capability, high.capability)
    merged = low.regime_table().merge(high.regime_table(), on=["step", "iso3"])
    assert len(merged) == len(high.regime_table()) < len(low.regime_table())
    assert np.array_equal(merged["capability_x"], merged["capability_y"])


def test_the_input_layer_is_drawn_from_its_ranges_or_held_at_an_end(scenarios):
    from model.calibration.headline import input_draws, input_ranges, with_inputs

    ranges = input_ranges().set_index("supplier")
    assert len(ranges) > 0 and (ranges["low"] < ranges["high"]).all()
    for draw in input_draws(20, seed=3):
        assert all(ranges.loc[k, "low"] <= v <= ranges.loc[k, "high"] for k, v in draw.items())
    assert input_draws(2, seed=3, at="low")[0] == ranges["low"].to_dict()
    changed = with_inputs(scenarios[1], {"Sony": 0.5})
    assert changed.world.inputs.us_technology == {"Sony": 0.5}
    assert changed.parameters == scenarios[1].parameters


def test_the_headline_command_reports_the_posterior_beside_the_seed_only_interval(tmp_path, capsys):
    """``python run.py`` runs the comparison at the calibrated point, then draws from the shipped posterior."""
    import json

    from model.calibration.headline import POSTERIOR_SAMPLE
    from model.interfaces.cli import main

    if not POSTERIOR_SAMPLE.is_file():
        pytest.skip("no posterior sample installed")
    out = tmp_path / "h"
    assert main(["--replications", "2", "--draws", "2", "--out", str(out), "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Denial across the posterior (2 draws): median [90% credible interval] (seed only)" in printed
    assert "P(wassenaar denies more than unilateral_us) = " in printed
    manifest = json.loads((out / "posterior" / "manifest.json").read_text())
    assert manifest["kind"] == "analysis" and manifest["draws"] == 2
    assert main(["--draws", "3", "run", "x.toml"]) == 2  # an option the subcommand does not take


def test_the_printed_table_leads_with_the_headline_measure():
    """The headline (equal-weighted) column comes first and is named as such, as in the comparison's table."""
    from model.calibration.headline import headline_table

    runs = pd.DataFrame({"draw": [0, 1], "scenario": ["unilateral_us"] * 2, "denial_population": [0.01, 0.02],
                         "denial_equal": [0.03, 0.05], "denial_importing": [0.04, 0.06]})
    header = headline_table(runs).splitlines()[1].split()
    assert header[:3] == ["policy", "equal", "(headline)"]
    assert header[3:] == ["population", "importing"]
