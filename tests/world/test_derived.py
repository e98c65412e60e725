"""Values derived from a world live as long as the world, and a process keeps a bounded number of worlds."""

from __future__ import annotations

import gc
import sys
import threading
import weakref

import numpy as np

from model import ControlRegimeModel, build_world
from model.calibration import load_spec
from model.market import route_prices
from model.parameters import default_parameters
from model.simulation import PROCESS_CACHES, clear_process_caches, dispose, world_for
from model.simulation.caches import WORLDS_KEPT
from model.world import forget_derived, per_world


def test_a_value_is_worked_out_once_per_world_and_arguments(tiny_world):
    calls = []

    @per_world(maxsize=2)
    def scaled(world, factor):
        calls.append(factor)
        return world.population * factor

    first = scaled(tiny_world, 2.0)
    assert scaled(tiny_world, 2.0) is first and calls == [2.0]
    np.testing.assert_array_equal(first, tiny_world.population * 2.0)
    scaled(tiny_world, 3.0)
    scaled(tiny_world, 2.0)  # now the most recently used
    scaled(tiny_world, 4.0)  # forgets 3.0, the least recently used
    scaled(tiny_world, 2.0)
    scaled(tiny_world, 3.0)
    assert calls == [2.0, 3.0, 4.0, 3.0]
    other = build_world()
    assert scaled(other, 2.0) is not first and calls[-1] == 2.0
    forget_derived()
    assert scaled(tiny_world, 2.0) is not first


def test_what_is_derived_from_a_world_does_not_keep_it_alive():
    world = build_world()
    prices = weakref.ref(route_prices(world))
    run = ControlRegimeModel(world=world, policies="wassenaar", rng=1, collect_agents=False)
    run.run()
    dispose(run)  # a finished model no longer holds its world
    gone = weakref.ref(world)
    PROCESS_CACHES.setups.clear()  # the run's setup holds its world; nothing else may
    del world
    gc.collect()
    assert gone() is None and prices() is None


def test_a_process_keeps_at_most_its_bound_of_worlds():
    clear_process_caches()  # no setup from an earlier test holds a world
    spec = load_spec()
    base = default_parameters()
    rng = np.random.default_rng(7)
    first = weakref.ref(world_for(spec.parameters(base, {f.key: f.low for f in spec.free})))
    for _ in range(WORLDS_KEPT):
        world_for(spec.parameters(base, {f.key: rng.uniform(f.low, f.high) for f in spec.free}))
    gc.collect()
    assert first() is None
    assert len(PROCESS_CACHES.worlds) == WORLDS_KEPT


def test_threads_share_a_cache_safely(tiny_world):
    """Runs on a threaded executor share the per-world caches; the least-recently-used tables behind
    them are not thread-safe alone (a lookup between another thread's check and eviction fails)."""
    interval = sys.getswitchinterval()

    @per_world(maxsize=2)
    def doubled(world, k):
        return 2 * k

    errors: list[str] = []

    def work(seed: int) -> None:
        try:
            for k in np.random.default_rng(seed).integers(0, 5, 40_000).tolist():
                assert doubled(tiny_world, k) == 2 * k
        except Exception as error:  # any failure in a thread is the finding
            errors.append(repr(error))

    sys.setswitchinterval(1e-7)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
