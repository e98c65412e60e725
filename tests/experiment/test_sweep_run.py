"""Running sweeps: identical results on every executor, failed runs as rows, streaming parts,
resume after an interruption (also after SIGKILL), and the folder rules."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from model.errors import ModelInputError
from model.experiment import executors, load_sweep, runner, sweep, sweep_file
from model.experiment.folders import FolderExistsError, read_table
from model.experiment.runner import RunRecord
from model.experiment.seeds import replicate_seed
from model.scenario import SCENARIO_DIR

ROOT = Path(__file__).resolve().parents[2]
SMALL = f"""
base = "{SCENARIO_DIR / 'unilateral_us.toml'}"
replications = 3
record_every = 2
series = ["target_capability", "blocked_targets"]

[scenario]
horizon = 7

[[parameters]]
key = "policies.national[USA].enforcement"
values = [0.3, 0.9]

[[parameters]]
key = "world.hub_leakiness_scale"
values = [0.5, 1.0]
"""
"""4 points x 3 replicates + 2 baselines x 3 = 18 runs of 7 steps (about 1.5 s serially)."""


def small(tmp_path: Path, text: str = SMALL, name: str = "small") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def by_run(table: pd.DataFrame) -> pd.DataFrame:
    """A table in run-id order without its timing column (the only one that varies)."""
    return table.drop(columns=["seconds"], errors="ignore").sort_values(
        [c for c in ("run_id", "step") if c in table], ignore_index=True)


def assert_same_results(a: Path, b: Path) -> None:
    for name in ("runs", "baselines", "timeseries", "points"):
        pd.testing.assert_frame_equal(by_run(read_table(a, name)), by_run(read_table(b, name)))


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    """The small sweep run serially: the reference every other way of running must reproduce."""
    folder = tmp_path_factory.mktemp("serial")
    sweep_file(small(folder), out=folder / "out", progress=False)
    return folder / "out"


def test_runs_table_is_tidy_and_paired(serial):
    runs = read_table(serial, "runs")
    assert len(runs) == 12 and runs["error"].isna().all()
    assert list(runs.columns[:7]) == ["run_id", "point_id", "scenario", "replicate", "seed",
                                      "policies.national[USA].enforcement", "world.hub_leakiness_scale"]
    assert (runs["scenario"] == "p" + runs["point_id"].astype(str)).all()
    assert {"denial_effectiveness", "leakage_rate", "revenue_lost", "baseline_run_id", "seconds"} <= set(runs)
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all()  # replicate i shares seed i
    assert set(runs["baseline_run_id"]) == {f"b{b}/r{r}" for b in (0, 1) for r in range(3)}
    series = read_table(serial, "timeseries")
    assert sorted(series["step"].unique()) == [0, 2, 4, 6]  # every 2 steps and the last
    assert len(series) == 18 * 4 and set(series["role"]) == {"point", "baseline"}
    manifest = (serial / "manifest.json").read_text()
    assert '"status": "complete"' in manifest and '"seeds"' in manifest and '"commit"' in manifest
    assert not (serial / "parts").exists()


def test_two_processes_give_identical_results(serial, tmp_path):
    sweep_file(small(tmp_path), out=tmp_path / "out", executor=2, progress=False)
    assert_same_results(serial, tmp_path / "out")


@pytest.mark.slow
@pytest.mark.extra("dask")
def test_dask_local_cluster_gives_identical_results(serial, tmp_path):
    from model.experiment.cluster import dask_client

    with dask_client(local_workers=2) as client:
        sweep_file(small(tmp_path), out=tmp_path / "out", executor=client, progress=False)
    assert_same_results(serial, tmp_path / "out")


def test_pairing_a_run_at_a_time_gives_the_same_tables(serial, tmp_path, monkeypatch):
    """Runs are paired in chunks (memory stays bounded); one run per chunk, its baseline looked up
    for each, gives the same tables."""
    import model.experiment.outcomes as outcomes

    monkeypatch.setattr(outcomes, "PAIRED_CHUNK", 1)
    sweep_file(small(tmp_path), out=tmp_path / "out", progress=False)
    assert_same_results(serial, tmp_path / "out")


def test_csv_copies_hold_the_same_results(serial):
    assert {p.suffix for p in serial.glob("*s.*")} == {".csv", ".parquet"}
    for name in ("runs", "baselines", "timeseries", "points"):
        assert (serial / f"{name}.csv").read_text() == read_table(serial, name).to_csv(index=False)


def test_python_api_matches_the_sweep_file(serial, tmp_path):
    runs = sweep(SCENARIO_DIR / "unilateral_us.toml",
                 {"policies.national[USA].enforcement": [0.3, 0.9], "world.hub_leakiness_scale": [0.5, 1.0]},
                 replications=3, record_every=2, series=["target_capability", "blocked_targets"],
                 scenario={"horizon": 7}, out=tmp_path / "api", progress=False)
    pd.testing.assert_frame_equal(by_run(runs), by_run(read_table(serial, "runs")))


def test_a_run_that_raises_is_a_row_with_its_error(tmp_path, monkeypatch):
    real = runner.ControlRegimeModel
    doomed = replicate_seed(load_sweep(small(tmp_path)).seed, 1)

    def flaky(**kwargs):
        enforcement = kwargs["policies"].national[0].enforcement if kwargs["policies"].national else None
        if enforcement == 0.9 and kwargs["rng"] == doomed:
            raise RuntimeError("boom")
        return real(**kwargs)

    monkeypatch.setattr(runner, "ControlRegimeModel", flaky)
    runs = sweep_file(small(tmp_path), out=tmp_path / "out", progress=False)
    failed = runs[runs["error"].notna()]
    assert list(failed["run_id"]) == ["p2/r1", "p3/r1"]  # enforcement 0.9 (both hub levels), replicate 1
    assert set(failed["error"]) == {"RuntimeError: boom"}
    assert failed["denial_effectiveness"].isna().all() and runs["error"].isna().sum() == 12 - len(failed)
    assert runs.loc[runs["error"].isna(), "denial_effectiveness"].notna().all()


def test_a_failed_baseline_marks_its_points(tmp_path, monkeypatch):
    real = runner.ControlRegimeModel

    def no_baseline(**kwargs):
        if not kwargs["policies"].national and kwargs["world"].hub_leakiness_scale == 0.5:
            raise ValueError("no baseline")
        return real(**kwargs)

    monkeypatch.setattr(runner, "ControlRegimeModel", no_baseline)
    runs = sweep_file(small(tmp_path), out=tmp_path / "out", progress=False)
    marked = runs[runs["world.hub_leakiness_scale"] == 0.5]
    assert marked["error"].str.startswith("baseline run b0/").all()
    assert runs.loc[runs["world.hub_leakiness_scale"] == 1.0, "error"].isna().all()


def test_parts_are_stored_as_runs_finish(tmp_path, monkeypatch):
    parts = tmp_path / "out" / "parts"
    seen: list[int] = []
    real = executors.run_one

    def watched(spec):
        seen.append(len(list(parts.glob("part-*"))))
        return real(spec)

    monkeypatch.setattr(executors, "run_one", watched)
    sweep_file(small(tmp_path), out=tmp_path / "out", progress=False, chunk=4)
    assert seen == [i // 4 for i in range(18)]  # a part of 4 runs is committed as soon as it is full


def test_execute_draws_specs_only_as_runs_finish(monkeypatch):
    drawn = []

    def specs():
        for i in range(200):
            drawn.append(i)
            yield i

    monkeypatch.setattr(executors, "run_one", lambda spec: RunRecord(spec=spec, seconds=0.0))
    with ThreadPoolExecutor(2) as pool:
        for done, _ in enumerate(executors.execute(specs(), pool), start=1):
            assert len(drawn) <= done + executors.IN_FLIGHT_PER_WORKER * 2
    assert len(drawn) == 200


def test_interrupted_sweep_resumes_to_identical_results(serial, tmp_path, monkeypatch, interrupt_run):
    real = interrupt_run(11)
    with pytest.raises(KeyboardInterrupt):
        sweep_file(small(tmp_path), out=tmp_path / "out", progress=False, chunk=4)
    parts = tmp_path / "out" / "parts"
    assert len(read_table(parts / "part-000003", "runs")) == 2  # the runs that finished were kept
    half = parts / ".part-000004.999.tmp"  # what a process killed while writing a part leaves
    half.mkdir()
    (half / "runs.parquet").write_bytes(b"PAR1 half a file")
    ran: list[str] = []
    monkeypatch.setattr(executors, "run_one", lambda spec: ran.append(spec.run_id) or real(spec))
    sweep_file(small(tmp_path), out=tmp_path / "out", progress=False, resume=True)
    assert len(ran) == 8  # only the runs not stored
    assert_same_results(serial, tmp_path / "out")
    assert not parts.exists()


def test_folder_rules(serial, tmp_path):
    path = small(tmp_path)
    out = tmp_path / "out"
    shutil.copytree(serial, out)
    with pytest.raises(FolderExistsError, match=r"output folder exists") as refused:
        sweep_file(path, out=out, progress=False)
    assert refused.value.options == ("resume", "force")
    again = sweep_file(path, out=out, progress=False, resume=True)  # finished: nothing to run
    pd.testing.assert_frame_equal(again, read_table(out, "runs"))
    changed = small(tmp_path, SMALL.replace("replications = 3", "replications = 1"), "changed")
    with pytest.raises(ModelInputError, match=r"cannot resume: this experiment differs .* at sweep.replications"):
        sweep_file(changed, out=out, progress=False, resume=True)
    runs = sweep_file(changed, out=out, progress=False, force=True)
    assert len(runs) == 4
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("not a sweep")
    with pytest.raises(ModelInputError, match="exists and was not written by this tool"):
        sweep_file(path, out=tmp_path / "mine", progress=False, force=True)


def _cli(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "run.py"), *args]


def test_sigkill_mid_sweep_then_resume_gives_exactly_the_uninterrupted_results(serial, tmp_path):
    path = small(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = _cli("sweep", str(path), "--out", str(out), "--workers", "1", "--chunk", "1", "--quiet")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list((out / "parts").glob("part-*"))) < 5 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = len(list((out / "parts").glob("part-*")))
    assert 5 <= stored < 18, "the sweep was not killed mid-way"
    sweep_file(path, out=out, resume=True, progress=False)
    assert_same_results(serial, out)


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = small(tmp_path, SMALL.replace("values = [0.3, 0.9]", "values = [0.3, 9]"))
    command = _cli("sweep", str(bad), "--out", str(tmp_path / "o"))
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "parameters[0]: policies.national[USA].enforcement: out of range" in result.stderr
    assert "got 9)" in result.stderr


@pytest.mark.slow
def test_killed_again_and_again_at_random_moments_still_ends_identical(serial, tmp_path):
    path = small(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    delays = iter([1.5, 2.2, 2.0, 2.6, 1.8, 2.4, 3.0, 2.1] + [60.0] * 3)
    manifest = out / "manifest.json"
    while not manifest.exists() or '"status": "complete"' not in manifest.read_text():
        command = _cli("sweep", str(path), "--out", str(out), "--workers", "2", "--chunk", "1", "--quiet",
                       "--resume")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            process.wait(timeout=next(delays))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the sweep and its worker processes, as a job kill would
            process.wait()
        else:
            assert process.returncode == 0, process.stderr.read().decode()
    assert_same_results(serial, out)
