"""Lean recording: a run that records every k-th step (sweeps) keeps the same rows of the time series,
and the same end of run, to the last bit, as one that records every step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import ControlRegimeModel


def run(record_every: int, policies: str) -> ControlRegimeModel:
    model = ControlRegimeModel(policies=policies, horizon=14, rng=11, collect_agents=False)
    model.record_every = record_every
    return model.run()


@pytest.mark.parametrize(("policies", "every"), [("wassenaar", 4), ("unilateral_us", 5), ("none", 40)])
def test_recording_fewer_steps_changes_no_number(policies, every):
    full, lean = run(1, policies), run(every, policies)
    series = full.timeseries()
    kept = series[(series.index % every == 0) | (series.index == full.horizon - 1)]
    assert list(lean.timeseries().index) == sorted({*range(0, full.horizon, every), full.horizon - 1})
    pd.testing.assert_frame_equal(lean.timeseries(), kept, check_exact=True)
    a, b = full.result(), lean.result()
    assert a.totals == b.totals
    pd.testing.assert_frame_equal(a.regimes, b.regimes, check_exact=True)
    pd.testing.assert_frame_equal(a.vendors, b.vendors, check_exact=True)
    np.testing.assert_equal((a.targets_newly_capable, a.years_to_capable), (b.targets_newly_capable, b.years_to_capable))
    if policies != "none":
        assert a.totals["blocked_targets"] > 0 and a.totals["leaked_illicit"] + a.totals["leaked_transshipment"] > 0
