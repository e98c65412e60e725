"""Observables for comparison with public figures: adopters, supplier reach, vendor shares."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def reached(capability, adoption_threshold, reach_share, share, home):
    """The definition as NumPy writes it: ``[C, S]`` bool, supplier ``s`` supplies buyer ``c``."""
    return (share >= reach_share) & (capability >= adoption_threshold)[:, None] & ~home


def counted(capability, share, home_sale, nation_share, exporters, aigs, adoption_threshold=0.5, reach_share=0.1):
    """reach_counts' counts and the arrays it fills."""
    from model.simulation.compiled_step import reach_counts

    supplied, by_home = np.full(share.shape[1], 99), np.full(nation_share.shape[1], 99)  # overwritten
    adopters, matched = reach_counts(capability, adoption_threshold, reach_share, share, home_sale, nation_share,
                                     exporters, aigs, supplied, by_home)
    return adopters, matched, supplied.tolist(), by_home.tolist()


def test_reached_by_hand():
    """One definition for vendors and for a nation's vendors together: share of 1:N spending at least
    ``reach_share``, an adopting buyer, not the supplier's home."""
    capability = np.array([1.0, 1.0, 0.2])  # buyer 2 does not use AI surveillance
    share = np.array([[0.06, 0.06, 0.88], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])  # vendors 0, 1 of nation A; 2 of B
    home_sale = np.array([[False, False, True], [False, False, True], [True, False, False]])  # A is 2, B is 0
    nation = share @ np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])  # A's vendors together: 0.12 in buyer 0
    aigs = np.array([False, True, True])
    # vendor 0 reaches buyer 1; vendor 2 only buyer 1 (buyer 0 is its home); A reaches 0 and 1, B buyer 1
    assert counted(capability, share, home_sale, nation, np.array([2, 0]), aigs) == (2, 1, [1, 0, 1], [2, 1])


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_reach_counts_are_numpys(seed):
    """The compiled counts are those of the definition in NumPy, on random worlds with shares at the
    threshold, homes, NaN capability and nobody adopting."""
    rng = np.random.default_rng(seed)
    n_c, n_v, n_e = rng.integers(1, 12), rng.integers(1, 9), rng.integers(1, 4)
    capability = rng.choice([0.0, 0.5, 0.49, 2.0, np.nan], n_c)
    share = rng.choice([0.0, 0.1, 0.099, 0.7], (n_c, n_v))
    vendor_exporter = rng.integers(0, n_e, n_v)
    exporters = rng.choice(n_c, n_e) if n_c >= n_e else rng.integers(0, n_c, n_e)
    home_sale = exporters[vendor_exporter][:, None] == np.arange(n_c)[None, :]  # [V, C]
    nation = share @ (vendor_exporter[:, None] == np.arange(n_e)[None, :]).astype(float)
    nation_home = np.arange(n_c)[:, None] == exporters[None, :]
    aigs = rng.random(n_c) < 0.5
    adopting = capability >= 0.5
    expected = (int(adopting.sum()), int((adopting & aigs).sum()),
                reached(capability, 0.5, 0.1, share, home_sale.T).sum(axis=0).tolist(),
                reached(capability, 0.5, 0.1, nation, nation_home).sum(axis=0).tolist())
    assert counted(capability, share, home_sale, nation, exporters, aigs) == expected


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
