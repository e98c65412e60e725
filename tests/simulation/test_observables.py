"""Observables for comparison with public figures: adopters, supplier reach, vendor shares."""

from __future__ import annotations

import pytest

from model import ControlRegimeModel


@pytest.fixture(scope="module")
def stepped():
    model = ControlRegimeModel(horizon=6, rng=3, collect_agents=False)
    model.run(4)
    return model


def test_observables_are_bounded_and_consistent(stepped):
    s = stepped.summary
    w = stepped.world
    adopters = int((stepped.capability >= stepped.params.adoption_threshold).sum())
    assert s["adopters"] == adopters <= w.n_countries
    shares = [s[f"vendor_share_{name}"] for name in w.vendor_names]
    assert min(shares) >= 0 and sum(shares) == pytest.approx(1.0)
    for code in (w.iso3[c] for c in w.exporters):
        assert 0 <= s[f"reach_{code}"] <= adopters
    for name in w.vendor_names:
        assert 0 <= s[f"reach_vendor_{name}"] <= adopters
    assert 0.0 <= s["data_public_share"] <= 1.0


def test_the_largest_exporters_supply_adopting_countries(stepped):
    s = stepped.summary
    assert s["adopters"] > 0
    assert s["reach_CHN"] > 0 and s["reach_USA"] > 0  # both supply many adopters (the AIGS counts)


def test_reach_is_counted_on_the_1n_algorithm_layer(stepped):
    """Camera hardware alone is not AI surveillance: vendors that sell no 1:N algorithm reach nobody,
    whatever their camera sales."""
    w, s = stepped.world, stepped.summary
    camera_only = ["Axis Communications", "Bosch Security Systems", "Hanwha Vision", "Uniview", "ZTE", "Vivotek"]
    revenue = {name: s[f"vendor_share_{name}"] for name in camera_only}
    assert all(share > 0 for share in revenue.values())  # they do sell cameras
    assert all(s[f"reach_vendor_{name}"] == 0 for name in camera_only)
    assert set(camera_only) <= set(w.vendor_names)


def test_reached_by_hand():
    """One definition for vendors and for a nation's vendors together: share of 1:N spending at least
    ``reach_share``, an adopting buyer, not the supplier's home."""
    import numpy as np

    from model import ModelParameters
    from model.simulation.observables import reached

    params = ModelParameters(reach_share=0.1, adoption_threshold=0.5)
    capability = np.array([1.0, 1.0, 0.2])  # buyer 2 does not use AI surveillance
    share = np.array([[0.06, 0.06, 0.88], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])  # vendors 0, 1 of nation A; 2 of B
    home = np.array([[False, False, True], [False, False, False], [False, False, False]])  # buyer 0 is B
    assert reached(params, capability, share, home).tolist() == [
        [False, False, False], [True, False, True], [False, False, False]
    ]
    nation = share @ np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # A's vendors together: 0.12 in buyer 0
    assert reached(params, capability, nation, home[:, 1:]).tolist() == [[True, False], [True, True], [False, False]]


def test_a_nations_reach_is_at_least_that_of_any_of_its_vendors(stepped):
    s, w = stepped.summary, stepped.world
    for v, name in enumerate(w.vendor_names):
        assert s[f"reach_{w.iso3[w.vendor_home[v]]}"] >= s[f"reach_vendor_{name}"]


def test_revenue_abroad_spending_shares_and_aigs_matches_are_consistent(stepped):
    from model.market.options import OptionLayout

    s, w = stepped.summary, stepped.world
    spend = OptionLayout(w.n_vendors).per_vendor(stepped.procurement.actual.spend).sum(axis=1)  # [C, V]
    for v, name in enumerate(w.vendor_names):
        total = spend[:, v].sum()
        expected = 1.0 - spend[w.vendor_home[v], v] / total if total > 0 else 0.0
        assert s[f"vendor_abroad_{name}"] == pytest.approx(expected)
    by_country = stepped.procurement.actual.spend.sum(axis=(1, 2))
    china = w.iso3.index("CHN")
    assert s["spend_share_CHN"] == pytest.approx(by_country[china] / by_country.sum())
    aigs = w.countries["aigs_adopter_2019"].to_numpy(bool)
    adopting = stepped.capability >= stepped.params.adoption_threshold
    assert s["aigs_2019_matched"] == int((aigs & adopting).sum()) <= min(aigs.sum(), s["adopters"])
    assert 0 < sum(s[f"spend_share_{w.iso3[c]}"] for c in w.exporters) < 1.0
