"""The policy-response check: the historical scenario shows the supply shift and no collapse."""

from __future__ import annotations

import pandas as pd
import pytest

from model.calibration.policy_response import render_response, response_checks, response_runs


def _runs(share_2021: float, revenue_2020: float) -> pd.DataFrame:
    years = [2018, 2019, 2020, 2021]
    return pd.DataFrame({
        "year": years, "replicate": 0, "hisilicon_share": [0.6, 0.6, 0.3, share_2021],
        "listed_revenue": [100.0, 110.0, revenue_2020, 130.0], "baseline_revenue": [100.0, 110.0, 120.0, 130.0],
        "cost_rise": [0.0, 0.0, 0.3, 0.0]})


def test_the_checks_hold_for_the_historical_record_and_fail_for_a_collapse():
    held = {c["claim"][:20]: c["holds"] for c in response_checks(_runs(0.04, 118.0))}
    assert all(held.values())
    collapse = response_checks(_runs(0.04, 60.0))  # revenue halves: neither growth nor 'no collapse' holds
    assert [c["holds"] for c in collapse] == [True, True, False, False, True]
    no_shift = response_checks(_runs(0.5, 118.0))
    assert not no_shift[1]["holds"]
    lines = render_response(collapse, replications=1)
    assert lines[0].startswith("## Policy response") and sum("**no**" in line for line in lines) == 2


@pytest.mark.slow
def test_the_historical_scenario_shows_the_shift_and_no_collapse():
    checks = response_checks(response_runs(replications=2))
    assert all(c["holds"] for c in checks), checks
