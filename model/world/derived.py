"""What is worked out from a world once and kept for as long as that world lives.

A value derived from a :class:`model.world.World` (its route prices, its column names, its
attraction scales) is kept beside the world, not in a process-wide table of its own: when the
process forgets a world (``model.simulation.world_for`` keeps a few, least recently used first) and
no running model holds it, everything derived from it goes with it. A table keyed by the world
itself, such as :func:`functools.lru_cache`, would keep every world it has seen alive instead.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cachetools import LRUCache

from model.world.world import World

F = TypeVar("F", bound=Callable[..., Any])

_TABLES: list[weakref.WeakKeyDictionary[World, Any]] = []


def per_world(maxsize: int = 1) -> Callable[[F], F]:
    """Cache ``function(world, *args)`` for as long as ``world`` lives: one value per world and
    ``args`` (hashable), at most ``maxsize`` per world, least recently used forgotten first."""

    def decorate(function: F) -> F:
        tables: weakref.WeakKeyDictionary[World, LRUCache] = weakref.WeakKeyDictionary()
        _TABLES.append(tables)

        @functools.wraps(function)
        def cached(world: World, *args: Any) -> Any:
            table = tables.get(world)
            if table is None:
                table = tables[world] = LRUCache(maxsize)
            if args not in table:
                table[args] = function(world, *args)
            return table[args]

        return cast(F, cached)

    return decorate


def forget_derived() -> None:
    """Forget every value derived by a :func:`per_world` function (the next call works it out again,
    as in a fresh process)."""
    for tables in _TABLES:
        tables.clear()
