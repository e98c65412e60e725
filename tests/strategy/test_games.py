"""Game-theory mathematics on hand-made games: Shapley values, Banzhaf indices, the permutation
sampler, internal and external stability and sequential accession (no simulation)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.strategy.games import banzhaf, mask_of, members_of, sample_shapley, shapley
from model.strategy.stability import (
    externally_stable,
    internally_stable,
    sequential_accession,
    stable_coalitions,
)

PLAYERS = ["A", "B", "C"]
# v by mask (bit 0 = A, bit 1 = B, bit 2 = C): {}, A, B, AB, C, AC, BC, ABC
GAME = np.array([0.0, 1.0, 2.0, 4.0, 0.0, 1.0, 3.0, 6.0])


def test_masks_round_trip():
    assert mask_of(["C", "A"], PLAYERS) == 0b101
    assert members_of(0b110, PLAYERS) == ["B", "C"]


def test_shapley_by_hand():
    # Marginal contributions over the six orders, worked by hand:
    # ABC: A1 B3 C2 | ACB: A1 C0 B5 | BAC: B2 A2 C2 | BCA: B2 C1 A3 | CAB: C0 A1 B5 | CBA: C0 B3 A3
    assert shapley(GAME) == pytest.approx([11 / 6, 20 / 6, 5 / 6])


def test_banzhaf_by_hand():
    # A's contributions to {}, B, C, BC: 1, 2, 1, 3; B's to {}, A, C, AC: 2, 3, 3, 5; C's: 0, 0, 1, 2
    assert banzhaf(GAME) == pytest.approx([7 / 4, 13 / 4, 3 / 4])


def test_replicate_columns_are_separate_games():
    twice = np.column_stack([GAME, 2 * GAME])
    assert shapley(twice) == pytest.approx(np.column_stack([shapley(GAME), 2 * shapley(GAME)]))
    assert banzhaf(twice)[:, 1] == pytest.approx(2 * banzhaf(GAME))


def test_rejects_a_table_that_is_not_a_power_of_two():
    with pytest.raises(ValueError, match="2\\*\\*n rows"):
        shapley(np.zeros(6))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(st.floats(-10, 10), min_size=1 << n, max_size=1 << n)))
def test_efficiency_symmetry_and_dummy(values):
    v = np.array(values)
    n = len(v).bit_length() - 1
    phi = shapley(v)
    assert phi.sum() == pytest.approx(v[-1] - v[0], abs=1e-9)
    # adding an additive player (contributes exactly 5 everywhere) gives it 5 and leaves the rest
    extended = np.concatenate([v, v + 5.0])
    assert shapley(extended) == pytest.approx([*phi, 5.0], abs=1e-9)
    assert banzhaf(extended)[-1] == pytest.approx(5.0)
    assert n == len(phi)


def test_sampler_is_efficient_and_close_to_exact():
    asked: list[list[int]] = []

    def value_of(masks):
        asked.append(masks)
        return {m: np.array([GAME[m], GAME[m] + 0.1 * m]) for m in masks}

    est = sample_shapley(3, value_of, seed=7, batch=10, tolerance=0.0, max_permutations=400)
    assert est.permutations == 400 and est.reason == "budget"
    total = GAME[-1] - GAME[0]
    assert est.values[:, 0].sum() == pytest.approx(total)  # every permutation is efficient
    assert est.values[:, 1].sum() == pytest.approx(total + 0.7)
    assert np.all(np.abs(est.values[:, 0] - shapley(GAME)) < 4 * est.standard_error + 1e-12)
    flat = [m for batch in asked for m in batch]
    assert len(flat) == len(set(flat)) == 8  # each coalition asked for once


def test_sampler_stops_at_the_tolerance_and_is_seeded():
    def value_of(masks):
        return {m: GAME[m] for m in masks}

    a = sample_shapley(3, value_of, seed=3, batch=5, tolerance=0.5, min_permutations=10)
    b = sample_shapley(3, value_of, seed=3, batch=5, tolerance=0.5, min_permutations=10)
    assert a.reason == "tolerance" and a.standard_error.max() <= 0.5 and a.permutations >= 10
    assert np.array_equal(a.values, b.values) and a.permutations == b.permutations


def club_payoffs(cost: float) -> np.ndarray:
    """Three players; everyone gets b(|S|) = 0, 1, 1.5, 1.7 and members pay ``cost``."""
    benefit = [0.0, 1.0, 1.5, 1.7]
    pay = np.zeros((8, 3))
    for mask in range(8):
        size = mask.bit_count()
        for i in range(3):
            pay[mask, i] = benefit[size] - cost * (mask >> i & 1)
    return pay


def test_stable_coalitions_by_hand():
    # joining a coalition of k pays b(k+1) - b(k) - 0.4: +0.6, +0.1, -0.2, so pairs are stable
    pay = club_payoffs(0.4)
    assert stable_coalitions(pay) == [0b011, 0b101, 0b110]
    assert not internally_stable(pay)[0b111]  # leaving the grand coalition pays 0.2
    assert not externally_stable(pay)[0b001]  # a second member gains 0.1
    # with a cost of 0.05 every step pays, so only the grand coalition is stable
    assert stable_coalitions(club_payoffs(0.05)) == [0b111]
    # a tolerance of 0.15 makes the gain of 0.1 too small to move for: singletons become stable too
    assert 0b001 in stable_coalitions(pay, tolerance=0.15)


def test_sequential_accession_by_hand():
    pay = club_payoffs(0.4)
    assert sequential_accession(pay, [2, 0, 1]) == 0b101  # C joins, then A; B would lose 0.2
    assert sequential_accession(pay, [1, 2, 0]) == 0b110
    assert sequential_accession(club_payoffs(1.2), [0, 1, 2]) == 0  # even the first loses 0.2
