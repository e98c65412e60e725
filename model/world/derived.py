"""What is worked out from a world once and kept for as long as that world lives.

A value derived from a :class:`model.world.World` (its route prices, its column names, its
attraction scales) is kept beside the world, not in a process-wide table of its own: when the
process forgets a world (``model.simulation.world_for`` keeps a few, least recently used first) and
no run setup or running model holds it, everything derived from it goes with it. A table keyed by
the world itself, such as :func:`functools.lru_cache`, would keep as many worlds alive as it has
entries, whether the process still uses them or not.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cachetools import LRUCache

from model.world.world import World

F = TypeVar("F", bound=Callable[..., Any])

_TABLES: list[tuple[weakref.WeakKeyDictionary[World, LRUCache], threading.Lock]] = []
_MISSING = object()


def per_world(maxsize: int = 1) -> Callable[[F], F]:
    """Cache ``function(world, *args)`` for as long as ``world`` lives: one value per world and
    ``args`` (hashable), at most ``maxsize`` per world, least recently used forgotten first. Safe to
    call from several threads (runs on a threaded executor)."""

    def decorate(function: F) -> F:
        tables: weakref.WeakKeyDictionary[World, LRUCache] = weakref.WeakKeyDictionary()
        lock = threading.Lock()
        _TABLES.append((tables, lock))

        @functools.wraps(function)
        def cached(world: World, *args: Any) -> Any:
            with lock:
                table = tables.get(world)
                if table is None:
                    table = tables[world] = LRUCache(maxsize)
                value = table.get(args, _MISSING)
                if value is _MISSING:
                    value = table[args] = function(world, *args)
                return value

        return cast(F, cached)

    return decorate


def forget_derived() -> None:
    """Forget every value derived by a :func:`per_world` function (the next call works it out again,
    as in a fresh process)."""
    for tables, lock in _TABLES:
        with lock:
            tables.clear()
