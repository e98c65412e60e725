"""A step's random numbers for licences, enforcement and diversions, made only where they are used.

A step draws one uniform number per decision from two streams: the licence stream ``[E, C, I]``,
then from the enforcement stream ``[V, C, I]`` for enforcement and the same again for the transit
hubs. Only the few controlled decisions read theirs, so :meth:`Draws.draw` moves each stream past
all of its numbers at once (``advance`` of the bit generator: one 64-bit output per uniform
double) and keeps where they start; a number asked for later is made from that point. Every number
and every stream's state afterwards is what drawing the whole arrays gives, to the bit
(``tests/market/test_draws.py``). Bit generators that cannot advance draw the arrays.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.world import World

_ADVANCING = (np.random.PCG64, np.random.PCG64DXSM)
"""Bit generators whose ``advance(n)`` skips exactly what ``Generator.random(n)`` consumes."""
_SCRATCH = threading.local()  # a generator per thread and type, set to a kept state to make numbers


@dataclass(frozen=True)
class Stretch:
    """``size`` uniform numbers of one stream: kept from where they start (``state``), or drawn (``values``)."""

    size: int
    state: dict[str, Any] | None = None
    values: np.ndarray | None = None

    @classmethod
    def take(cls, rng: np.random.Generator, size: int) -> Stretch:
        """Move ``rng`` past ``size`` numbers (drawing them only if its bit generator cannot advance)."""
        bit_generator = rng.bit_generator
        if type(bit_generator) not in _ADVANCING:
            return cls(size, values=rng.random(size))
        state = bit_generator.state
        bit_generator.advance(size)
        return cls(size, state=state)

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The numbers at ascending flat ``positions`` (made over the span from the first to the last)."""
        if self.values is not None:
            return self.values.take(positions)
        if positions.size == 0:
            return np.zeros(0)
        first = int(positions[0])
        rng = _scratch(self.state)
        rng.bit_generator.advance(first)
        return rng.random(int(positions[-1]) + 1 - first).take(positions - first)


def _scratch(state: dict[str, Any]) -> np.random.Generator:
    """This thread's generator of ``state``'s bit generator type, set to ``state``."""
    kind = state["bit_generator"]
    if not hasattr(_SCRATCH, "generators"):
        _SCRATCH.generators = {}
    generators = _SCRATCH.generators
    rng = generators.get(kind)
    if rng is None:
        rng = generators[kind] = np.random.Generator(getattr(np.random, kind)())
    rng.bit_generator.state = state
    return rng


@dataclass(frozen=True)
class Draws:
    """Uniform random numbers for one step, one per decision (the streams move past all of them
    whether they are used or not): ``licence`` ``[E, C, I]``, ``enforcement`` and ``hub``
    ``[V, C, I]``, each read at flat positions (:meth:`Stretch.at`)."""

    licence: Stretch
    enforcement: Stretch
    hub: Stretch

    @classmethod
    def draw(cls, world: World, n_items: int, licence_rng: np.random.Generator,
             enforcement_rng: np.random.Generator) -> Draws:
        n_c, n_v = world.n_countries, world.n_vendors
        return cls(
            licence=Stretch.take(licence_rng, len(world.exporters) * n_c * n_items),
            enforcement=Stretch.take(enforcement_rng, n_v * n_c * n_items),
            hub=Stretch.take(enforcement_rng, n_v * n_c * n_items),
        )
