"""The validation report's vendor-share table, checked on a hand-made series."""

from __future__ import annotations

import pandas as pd
import pytest

from model.calibration.validation import vendor_share_table


def series() -> pd.DataFrame:
    """Two replicates, two steps in 2019 and one in 2020 (which must not count)."""
    rows = []
    for replicate, (a_2019, b_2019) in enumerate([((0.5, 0.7), (0.1, 0.1)), ((0.4, 0.6), (0.3, 0.1))]):
        for date, a, b in (("2019-01-01", a_2019[0], b_2019[0]), ("2019-04-01", a_2019[1], b_2019[1]),
                           ("2020-01-01", 0.0, 0.9)):
            rows.append({"replicate": replicate, "date": date, "vendor_share_A": a, "vendor_share_B": b,
                         "vendor_share_C": 0.05, "spend_total": 1.0})
    return pd.DataFrame(rows)


def test_vendors_are_ranked_by_their_mean_share_in_the_year():
    table = vendor_share_table(series(), year=2019, rows=2)
    assert list(table["vendor"]) == ["A", "B"]  # C (0.05) is cut; 2020 does not count for B
    assert table["model"].tolist() == pytest.approx([0.55, 0.15])  # replicate means 0.6 and 0.5; 0.1 and 0.2
    low, high = table.loc[0, ["model_low", "model_high"]]
    assert low < 0.55 < high


def test_a_year_without_steps_gives_no_shares():
    assert vendor_share_table(series(), year=2030)["model"].isna().all()
