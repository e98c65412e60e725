"""A step's random numbers made only where read are those of drawing every array, and the streams
end where drawing every array leaves them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import ControlRegimeModel
from model.market import Draws, resolve_access
from model.market.draws import Stretch
from model.vocabulary import ITEMS


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["PCG64", "PCG64DXSM", "MT19937", "Philox"]), st.integers(0, 2**32 - 1),
       st.lists(st.tuples(st.integers(1, 400), st.sets(st.integers(0, 399)), st.integers(0, 400)),
                min_size=1, max_size=4))
def test_numbers_and_the_stream_afterwards_are_those_of_drawing_every_array(kind, seed, stretches):
    """Stretches of random sizes read at random positions, whole and split in two at a random point."""
    lazy, eager = (np.random.Generator(getattr(np.random, kind)(seed)) for _ in range(2))
    for size, wanted, cut_at in stretches:
        stretch = Stretch.take(lazy, size)
        drawn = eager.random(size)
        positions = np.array(sorted(p for p in wanted if p < size), dtype=np.intp)
        np.testing.assert_array_equal(stretch.at(positions), drawn[positions])
        assert (stretch.values is None) == (kind == "PCG64")  # PCG64 draws nothing
        cut = min(cut_at, size)
        for part, numbers in zip(stretch.split(cut), (drawn[:cut], drawn[cut:])):
            assert part.size == len(numbers)
            within = positions[positions < part.size]
            np.testing.assert_array_equal(part.at(within), numbers[within])
    np.testing.assert_array_equal(lazy.random(50), eager.random(50))  # the streams go on alike


@pytest.mark.parametrize("seed", [0, 2**32 - 1])
def test_numbers_far_apart_are_those_of_drawing_every_array(seed):
    """Gaps of one jump table's row (up to 16 numbers) and of sums of powers of two up to 2**21."""
    lazy, eager = (np.random.Generator(np.random.PCG64(seed)) for _ in range(2))
    size = 3 * 2**20 + 5
    stretch = Stretch.take(lazy, size)
    drawn = eager.random(size)
    positions = np.array([0, 16, 33, 50, 2**20, 2**20 + 17, 3 * 2**20 - 1, size - 1])
    np.testing.assert_array_equal(stretch.at(positions), drawn[positions])
    np.testing.assert_array_equal(stretch.at(positions[3:]), drawn[positions[3:]])  # read again, from further on
    assert stretch.at(np.zeros(0, dtype=np.intp)).size == 0
    np.testing.assert_array_equal(lazy.random(5), eager.random(5))


def eager_draws(model: ControlRegimeModel, licence: np.random.Generator, enforcement: np.random.Generator) -> Draws:
    """The step's arrays drawn whole, as before numbers were made only where read."""
    w = model.world
    vendors, exporters = (w.n_vendors, w.n_countries, len(ITEMS)), (len(w.exporters), w.n_countries, len(ITEMS))
    return Draws(*(Stretch(int(np.prod(shape)), values=rng.random(shape).ravel())
                   for rng, shape in ((licence, exporters), (enforcement, vendors), (enforcement, vendors))))


@pytest.mark.parametrize("policies", ["none", "unilateral_us", "unilateral_us_extraterritorial", "wassenaar"])
def test_access_is_that_of_every_array_drawn(policies):
    model = ControlRegimeModel(policies=policies, horizon=12, rng=3, collect_agents=False).run(8)
    w, state = model.world, model.schedule_.state(8)
    licence, enforcement = model.streams["licence"], model.streams["enforcement"]
    copies = [np.random.Generator(type(rng.bit_generator)()) for rng in (licence, enforcement)]
    for copy, rng in zip(copies, (licence, enforcement)):
        copy.bit_generator.state = rng.bit_generator.state
    lazy = resolve_access(w, state, Draws.draw(w, len(ITEMS), licence, enforcement), model.base_price)
    eager = resolve_access(w, state, eager_draws(model, *copies), model.base_price)
    for field in ("controlled", "direct_slip", "hub_route", "sales"):
        np.testing.assert_array_equal(getattr(lazy, field), getattr(eager, field))
    assert (policies == "none") == (lazy.sales.size == 0)
    if policies != "none":
        assert lazy.direct_slip.any() and (lazy.hub_route >= 0).any()
    for copy, rng in zip(copies, (licence, enforcement)):
        assert copy.bit_generator.state == rng.bit_generator.state
