"""Ensembles: a run's record is the same alone (cold process caches) and in an ensemble (shared,
warm caches, any order), serially and in worker processes."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from model.experiment import RunSpec, execute, replicate_seeds, run_ensemble, run_one
from model.experiment.outcomes import part_tables
from model.parameters import default_parameters
from model.simulation import clear_process_caches
from model.simulation.caches import WORLDS_KEPT

PRESETS = ["none", "unilateral_us", "unilateral_us_extraterritorial", "us_eu", "wassenaar", "global_with_china"]


def sample_specs(n: int, seed: int) -> list[RunSpec]:
    """``n`` specs drawn at random over regimes, seeds, horizons and a changed parameter."""
    draw = random.Random(seed)
    seeds = replicate_seeds(seed, 4)
    specs = []
    for k in range(n):
        kwargs = {"policies": draw.choice(PRESETS), "horizon": draw.choice([8, 12])}
        if draw.random() < 0.3:
            kwargs["parameters"] = default_parameters().model_copy(update={"price_sensitivity": 3.0})
        specs.append(RunSpec(f"r{k}", "sample", "policy", k % 4, draw.choice(seeds), kwargs,
                             keep_flows=draw.random() < 0.5, keep_regimes=True))
    return specs


def assert_same_record(a, b) -> None:
    assert a.ok and b.ok, (a.error, b.error)
    assert a.spec == b.spec  # a worker's record comes back with the spec it ran (executors reattach it)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    a_row, b_row = a.result.row(), b.result.row()
    assert a_row.keys() == b_row.keys()
    assert all(x == y or (x != x and y != y) for x, y in zip(a_row.values(), b_row.values()))
    assert a.controlling == b.controlling
    for table in ("flows", "regimes"):
        x, y = getattr(a, table), getattr(b, table)
        assert (x is None) == (y is None)
        if x is not None:
            pd.testing.assert_frame_equal(x, y, check_exact=True)


def test_a_random_sample_of_runs_is_the_same_alone_and_in_an_ensemble():
    specs = sample_specs(10, seed=2026)
    alone = {}
    for spec in specs:
        clear_process_caches()  # every single run starts from a cold process
        alone[spec.run_id] = run_one(spec)
    shuffled = random.Random(1).sample(specs, len(specs))
    together = run_ensemble(shuffled)
    assert [r.spec.run_id for r in together] == [s.run_id for s in shuffled]
    for record in together:
        assert_same_record(alone[record.spec.run_id], record)


def test_policy_and_baseline_in_one_ensemble_share_their_random_numbers():
    seed = replicate_seeds(5, 1)[0]
    policy = RunSpec("p", "x", "policy", 0, seed, {"policies": "wassenaar", "horizon": 8})
    baseline = RunSpec("b", "x", "baseline", 0, seed, {"policies": "none", "horizon": 8})
    with_policy, without = run_ensemble([policy, baseline])
    warmup = with_policy.timeseries.loc[:3]
    pd.testing.assert_frame_equal(warmup, without.timeseries.loc[:3], check_exact=True)
    assert not with_policy.timeseries.loc[4:].equals(without.timeseries.loc[4:])


@pytest.mark.slow
def test_runs_in_worker_processes_are_the_same_as_serial_runs():
    specs = sample_specs(9, seed=7)
    serial = {r.spec.run_id: r for r in execute(specs, "serial")}
    pooled = {r.spec.run_id: r for r in execute(specs, 2)}
    assert serial.keys() == pooled.keys()
    for run_id, record in serial.items():
        assert_same_record(record, pooled[run_id])


def test_runs_on_threads_over_more_worlds_than_a_process_keeps_are_the_same_as_serial_runs():
    """Threads share the process caches (bounded, least recently used forgotten first) while they
    fill and evict them; every run's numbers must still be its serial ones."""
    base = default_parameters()
    specs = [
        RunSpec(f"w{k}-{policies}", "worlds", "policy", 0, seed,
                {"policies": policies, "horizon": 8,
                 "parameters": base.model_copy(update={"price_factor_by_home": {"CHN": 0.8 + 0.05 * k}})})
        for k in range(WORLDS_KEPT + 4)
        for policies, seed in (("wassenaar", replicate_seeds(k, 1)[0]), ("none", replicate_seeds(k, 1)[0]))
    ]
    serial = {r.spec.run_id: r for r in execute(specs, "serial")}
    clear_process_caches()
    with ThreadPoolExecutor(3) as pool:
        threaded = {r.spec.run_id: r for r in execute(specs, pool)}
    assert serial.keys() == threaded.keys()
    for key, record in serial.items():
        assert_same_record(record, threaded[key])


@pytest.mark.slow
def test_a_new_worker_starts_with_the_compiled_kernel_and_the_default_world():
    # the fork server ran one short model (model.experiment.worker_start): a worker forked from it
    # has the compiled kernel imported and the default world built before its first run
    from model.experiment import local_processes

    probe = ("(lambda caches: ('model.market.compiled' in __import__('sys').modules, len(caches.worlds)))"
             "(__import__('model.simulation.caches', fromlist=['PROCESS_CACHES']).PROCESS_CACHES)")
    with local_processes(1) as pool:
        assert pool.submit(eval, probe).result() == (True, 1)


def test_a_run_returns_its_series_columns_and_its_last_recorded_step_in_full():
    kwargs = {"policies": "unilateral_us", "horizon": 9}
    full = run_one(RunSpec("full", "s", "policy", 0, 3, kwargs, record_every=4))
    lean = run_one(RunSpec("lean", "s", "policy", 0, 3, kwargs, record_every=4,
                           series=("target_capability", "blocked_targets")))
    assert list(lean.timeseries.columns) == ["date", "target_capability", "blocked_targets"]
    assert list(lean.timeseries.index) == [0, 4, 8]
    pd.testing.assert_frame_equal(lean.timeseries, full.timeseries[list(lean.timeseries.columns)], check_exact=True)
    last = full.timeseries.iloc[-1].to_dict()  # every column, Python numbers and text
    assert lean.last == full.last == last
    assert [type(v) for v in lean.last.values()] == [type(v) for v in last.values()]


def test_a_records_time_series_is_the_models_table():
    """A run sends its series as arrays; the record's table is the one the model itself makes."""
    from model import ControlRegimeModel

    kwargs = {"policies": "unilateral_us", "horizon": 9}
    for series in (None, ("target_capability", "targets_capable")):
        record = run_one(RunSpec("r", "s", "policy", 0, 3, kwargs, record_every=4, series=series))
        model = ControlRegimeModel(**kwargs, rng=3, collect_agents=False)
        model.record_every = 4
        model.run()
        pd.testing.assert_frame_equal(record.timeseries, model.timeseries(series), check_exact=True)


@pytest.mark.parametrize("columns", [None, ["targets_capable", "target_capability"], []])
def test_a_parts_series_is_its_runs_tables_one_after_another(columns):
    """The stored part: every finished run's table with its run id, as ``pandas.concat`` makes it
    (types of the columns too); a failed run has none."""
    specs = [RunSpec(f"r{k}", "s", "policy", 0, 3 + k, {"policies": "unilateral_us", "horizon": h},
                     record_every=4, series=None if columns is None else tuple(columns))
             for k, h in enumerate((9, 5, 12))]
    records = [run_one(spec) for spec in specs]
    records.insert(1, run_one(RunSpec("bad", "s", "policy", 0, 1, {"policies": "no_such_preset"})))
    assert not records[1].ok
    parts = part_tables(records, keep=None, columns=columns)
    if columns == []:
        assert parts["series"] == []
        return
    ok = [r for r in records if r.ok]
    expected = pd.concat([r.timeseries for r in ok], keys=[r.spec.run_id for r in ok], names=["run_id"])
    expected = (expected if columns is None else expected[["date", *columns]]).reset_index()
    [got] = parts["series"]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_a_run_whose_recorded_numbers_overflowed_is_refused_naming_the_column_and_step():
    from model.experiment.runner import check_finite

    result = run_one(RunSpec("r", "s", "policy", 0, 3, {"horizon": 6})).result
    recorded = {"step": [0, 4, 5], "date": ["2019-01-01", "2020-01-01", "2020-04-01"],
                "world_capability": [1.0, 2.0, 3.0], "budget_total": [1e308, 1e308, 1e308],
                "spend_total": [1.0, float("inf"), float("nan")]}
    with pytest.raises(ArithmeticError, match=r"^spend_total is inf at step 4: "):
        check_finite(recorded, result)  # budget_total's values are finite though their sum is not
    recorded.pop("spend_total")
    check_finite(recorded, result)
