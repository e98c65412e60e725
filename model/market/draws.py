"""A step's random numbers for licences, enforcement and diversions, made only where they are used.

A step draws one uniform number per decision from two streams: the licence stream ``[E, C, I]``,
then from the enforcement stream ``[V, C, I]`` for enforcement and the same again for the transit
hubs. Only the few controlled decisions read theirs, so :meth:`Draws.draw` moves each stream past
all of its numbers at once (``advance`` of the bit generator: one 64-bit output per uniform
double) and keeps where they start; a number asked for later is made from that point, by a compiled
copy of NumPy's PCG64 that jumps from one read position to the next
(:func:`model.market.compiled.pcg64_uniforms`). Every number and every stream's state afterwards
is what drawing the whole arrays gives, to the bit (``tests/market/test_draws.py``). Other bit
generators draw the arrays.

The module's annotations are evaluated (no ``from __future__ import annotations``): a named tuple's
``__new__`` is made in a namespace of its own, where a documentation tool cannot resolve the field
types as text.
"""

from typing import NamedTuple

import numpy as np

from model.world import World

_WORD = 2**64 - 1  # the low 64 bits of a Python integer


class Stretch(NamedTuple):
    """``size`` uniform numbers of one stream: kept from where the stream stood ``skip`` numbers
    before them (``start``, the PCG64 words ``(state_hi, state_lo, increment_hi, increment_lo)``), or
    drawn (``values``)."""

    size: int
    start: np.ndarray | None = None
    skip: int = 0
    values: np.ndarray | None = None

    @classmethod
    def take(cls, rng: np.random.Generator, size: int) -> "Stretch":
        """Move ``rng`` past ``size`` numbers (drawing them unless its bit generator is PCG64)."""
        bit_generator = rng.bit_generator
        if type(bit_generator) is not np.random.PCG64:
            return cls(size, values=rng.random(size))
        words = bit_generator.state["state"]
        state, increment = words["state"], words["inc"]
        bit_generator.advance(size)
        return cls(size, np.array((state >> 64, state & _WORD, increment >> 64, increment & _WORD), np.uint64))

    def split(self, size: int) -> tuple["Stretch", "Stretch"]:
        """The first ``size`` numbers and the rest."""
        if self.values is not None:
            return Stretch(size, values=self.values[:size]), Stretch(self.size - size, values=self.values[size:])
        return Stretch(size, self.start, self.skip), Stretch(self.size - size, self.start, self.skip + size)

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The numbers at ascending flat ``positions``."""
        if self.values is not None:
            return self.values.take(positions)
        from model.market import compiled  # Numba on first use: importing the package stays light

        return compiled.pcg64_uniforms(self.start, self.skip, positions)


class Draws(NamedTuple):
    """Uniform random numbers for one step, one per decision (the streams move past all of them
    whether they are used or not): ``licence`` ``[E, C, I]``, ``enforcement`` and ``hub``
    ``[V, C, I]``, each read at flat positions (:meth:`Stretch.at`)."""

    licence: Stretch
    enforcement: Stretch
    hub: Stretch

    @classmethod
    def draw(cls, world: World, n_items: int, licence_rng: np.random.Generator,
             enforcement_rng: np.random.Generator) -> "Draws":
        n_sales = world.n_vendors * world.n_countries * n_items
        licence = Stretch.take(licence_rng, len(world.exporters) * world.n_countries * n_items)
        return cls(licence, *Stretch.take(enforcement_rng, 2 * n_sales).split(n_sales))
