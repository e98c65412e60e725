"""Results folders: owned, locked, never outside results/, no leftovers, permissions from the umask."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.errors import ModelInputError
from model.experiment.folders import (
    RESULTS_DIR,
    FolderExistsError,
    FolderLock,
    checked_name,
    claim,
    results_folder,
    write_atomically,
)
from model.scenario import SCENARIO_DIR

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\nhorizon = 6\nreplications = 2\n')
    return path


@pytest.mark.slow
def test_two_writers_at_once_one_is_refused_naming_the_holder(tiny, tmp_path):
    out = tmp_path / "out"
    args = ("run", str(tiny), "--out", str(out), "--workers", "1", "--quiet")
    first, second = run_cli(*args), run_cli(*args)
    results = [(p.wait(timeout=300), p.stderr.read()) for p in (first, second)]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2).strip()
    assert refused.count("\n") == 0 and refused.startswith(f"error: {out}: ")
    assert "another process is writing this results folder (pid" in refused or "output folder exists" in refused
    assert (out / "summary.csv").exists() and not list(tmp_path.glob(".out.*"))


def test_a_held_lock_refuses_with_who_holds_it_and_a_stale_lock_file_does_not(tiny, tmp_path):
    out = tmp_path / "out"
    with FolderLock(out):
        process = run_cli("run", str(tiny), "--out", str(out), "--workers", "1", "--quiet")
        assert process.wait(timeout=300) == 2
        err = process.stderr.read()
    assert f"pid {os.getpid()}" in err and err.count("\n") == 1
    assert not out.exists()
    (tmp_path / ".out.lock").write_text("pid 1, left behind by a killed run\n")  # nobody holds it
    assert run_cli("run", str(tiny), "--out", str(out), "--workers", "1", "--quiet").wait(timeout=300) == 0


def test_force_replaces_only_folders_this_tool_wrote(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "manifest.json").write_text(json.dumps({"kind": "comparison"}))  # not ours: no tool, no environment
    with FolderLock(foreign), pytest.raises(FolderExistsError, match="not written by this tool"):
        claim(foreign, "comparison", force=True)
    assert (foreign / "manifest.json").exists()

    ours = write_atomically(tmp_path / "ours", "comparison", fill_table)
    with pytest.raises(FolderExistsError) as refused:
        write_atomically(ours, "comparison", fill_table)
    assert refused.value.options == ("force",)  # a folder written in one go cannot be resumed
    write_atomically(ours, "comparison", fill_table, force=True)
    assert sorted(p.name for p in ours.iterdir()) == ["columns.csv", "manifest.json", "t.csv", "t.parquet"]


def fill_table(folder: Path) -> dict:
    import pandas as pd

    from model.experiment.folders import manifest_tables, write_tables

    return {"status": "complete", **manifest_tables(write_tables(folder, {"t": pd.DataFrame({"x": [1, 2]})}))}


@pytest.mark.parametrize("user", ["my_analysis.ipynb", "notes/", "parts/mine.txt", "figures/chart.png",
                                  "t.parquet.bak", "link"])
def test_force_refuses_naming_the_files_a_user_keeps_inside_and_deletes_nothing(tmp_path, user):
    ours = write_atomically(tmp_path / "ours", "comparison", fill_table)
    (ours / "parts").mkdir()
    (ours / "figures").mkdir()
    (ours / "figures" / "effectiveness.png").write_bytes(b"png")
    (ours / "figures" / ".drawn").write_text("effectiveness.png\n")
    path = ours / user.rstrip("/")
    if user == "link":
        path.symlink_to(tmp_path)
    elif user.endswith("/"):
        path.mkdir()
    else:
        path.write_text("mine")
    before = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")}
    with pytest.raises(FolderExistsError, match=rf"holds files this tool did not write \({user.rstrip('/')}\)"):
        write_atomically(ours, "comparison", fill_table, force=True)
    assert {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")} == before
    if path.is_symlink() or not path.is_dir():
        path.unlink()
    else:
        path.rmdir()
    write_atomically(ours, "comparison", fill_table, force=True)  # all of it ours: replaced
    assert not (ours / "figures").exists()


def test_leftover_staging_folders_are_removed_the_next_time_and_look_alikes_never(tmp_path):
    from model.experiment.folders import STAGING_MARK

    for leftover in (".out.partial-123", ".out.old-456"):
        (tmp_path / leftover).mkdir()
        (tmp_path / leftover / STAGING_MARK).touch()
        (tmp_path / leftover / "half.parquet").write_bytes(b"PAR1")
    users = [".out.partial-mine", ".out.old-backup", ".out.partial-1", ".out.old-1"]
    for name in users:
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_text("mine")
    (tmp_path / ".out.old-file").write_text("mine")
    write_atomically(tmp_path / "out", "comparison", lambda folder: {"status": "complete"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", ".out.old-file", *users])
    assert all((tmp_path / name / "mine.txt").read_text() == "mine" for name in users)


def test_a_users_file_named_like_the_lock_is_never_taken_over(tmp_path):
    lock = tmp_path / ".out.lock"
    lock.write_text("my notes\n")
    with pytest.raises(ModelInputError, match="a file this tool did not write has the name of the results folder's lock"):
        write_atomically(tmp_path / "out", "comparison", lambda folder: {"status": "complete"})
    assert lock.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == [".out.lock"]
    lock.unlink()
    lock.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ModelInputError, match="is not a lock file of this tool's"):
        write_atomically(tmp_path / "out", "comparison", lambda folder: {"status": "complete"})
    assert not (tmp_path / "elsewhere").exists()


def test_a_results_folder_given_as_a_symbolic_link_is_refused(tmp_path):
    real = write_atomically(tmp_path / "real", "comparison", fill_table)
    link = tmp_path / "r"
    link.symlink_to(real)
    with pytest.raises(ModelInputError, match="is a symbolic link; a results folder is never written through one"):
        write_atomically(link, "comparison", fill_table, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "real"]


def test_a_failed_write_leaves_nothing(tmp_path):
    def broken(folder: Path) -> dict:
        (folder / "half.csv").write_text("a,b\n")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "out", "comparison", broken)
    assert list(tmp_path.iterdir()) == []


def test_folders_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        folder = write_atomically(tmp_path / "out", "comparison", lambda f: {"status": "complete"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o750


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", "a\\b", "..", ".", ".hidden", "", " "])
def test_names_from_files_cannot_leave_the_results_folder(name):
    with pytest.raises(ModelInputError, match="not a plain folder name"):
        results_folder(name, "sweep.toml: name")


@given(st.text(min_size=1, max_size=20))
@settings(max_examples=300, deadline=None)
def test_any_accepted_name_stays_inside_results(name):
    try:
        checked_name(name)
    except ModelInputError:
        return
    inside = (Path.cwd() / RESULTS_DIR).resolve()
    assert (Path.cwd() / results_folder(name)).resolve().parent == inside


def test_a_sweep_named_outside_results_is_refused_and_writes_nothing(tmp_path):
    sweep = tmp_path / "escape.toml"
    sweep.write_text(f'name = "../../escaped"\nbase = "{SCENARIO_DIR / "unilateral_us.toml"}"\n'
                     '[[parameters]]\nkey = "world.hub_leakiness_scale"\nvalues = [0.5, 1.0]\n')
    process = run_cli("sweep", str(sweep), "--quiet", cwd=tmp_path)
    assert process.wait(timeout=300) == 2
    assert "not a plain folder name" in process.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["escape.toml"]


def test_resuming_a_folder_of_another_kind_is_refused_and_leaves_no_lock(tmp_path):
    from model.experiment.store import Store

    folder = write_atomically(tmp_path / "cmp", "comparison", lambda f: {"status": "complete"})
    with pytest.raises(FolderExistsError, match="holds a comparison, not a sweep; cannot resume it"):
        Store.open(folder, "sweep", {}, (), resume=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]


def test_a_part_interrupted_while_written_leaves_nothing_and_can_be_stored_again(tmp_path, monkeypatch):
    """Ctrl-C while a batch of runs is stored: no half-written part, and the batch is stored again
    (the runner does so on its way out) instead of failing on the leftover staging folder."""
    import pandas as pd

    from model.experiment import store as stored
    from model.experiment.store import Store

    batch = {"runs": [pd.DataFrame({"run_id": ["a", "b"], "error": [None, None]})],
             "series": [pd.DataFrame({"run_id": ["a"], "step": [0]})]}
    real, calls = stored.write_parquet, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    with Store.open(tmp_path / "out", "sweep", {}, ()) as store:
        monkeypatch.setattr(stored, "write_parquet", interrupted)
        with pytest.raises(KeyboardInterrupt):
            store.append(batch)
        assert list(store.parts_dir.iterdir()) == []
        monkeypatch.setattr(stored, "write_parquet", real)
        store.append(batch)
        assert store.done() == {"a", "b"}


@pytest.mark.skipif(fcntl is None, reason="no flock on this platform")
def test_a_writer_refused_just_as_the_holder_took_the_lock_still_names_it(tmp_path):
    out = tmp_path / "out"
    with open(out.with_name(".out.lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # taken, its line not yet written

        def write_line() -> None:
            handle.write("pid 4242, started just now\n")
            handle.flush()

        threading.Timer(0.2, write_line).start()
        with pytest.raises(ModelInputError, match=r"another process is writing this results folder \(pid 4242"):
            FolderLock(out).acquire()


# --- digests and CSV copies, rendered a block of rows at a time ------------------------------------

@given(rows=st.lists(st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
                               st.integers(-10**6, 10**6), st.dates(), st.booleans()), max_size=12),
       block=st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_blockwise_csv_is_the_whole_tables_text_and_digest(rows, block, tmp_path_factory):
    import hashlib

    import pandas as pd

    from model.experiment import folders

    table = pd.DataFrame(rows, columns=["value", "name", "count", "date", "flag"])
    table["seconds"] = 0.5  # volatile: in the copy, not in the digest
    whole = table.to_csv(index=False)
    stable = table.drop(columns="seconds").to_csv(index=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folders, "CSV_BLOCK", block)
        path = tmp_path_factory.mktemp("csv") / "t.csv"
        written = folders._write_csv(table, path)
        assert path.read_bytes() == whole.encode()
        assert written == hashlib.sha256(whole.encode()).hexdigest()
        assert folders.digest(table) == hashlib.sha256(stable.encode()).hexdigest()


@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
                               st.one_of(st.none(), st.text(max_size=6)), st.integers(-10**6, 10**6),
                               st.one_of(st.none(), st.dates()), st.booleans()), max_size=12),
       csv_rows=st.sampled_from([0, 100]))
@settings(max_examples=60, deadline=None)
def test_a_tables_digest_is_that_of_its_file_as_read(rows, csv_rows, tmp_path_factory):
    """``write_table`` digests the table it wrote without reading the file back: the digest and the
    CSV copy must be those of the file as any reader gets it."""
    import pandas as pd

    from model.experiment import folders

    table = pd.DataFrame(rows, columns=["value", "name", "count", "date", "flag"])
    table["error"] = table["name"].where(table["flag"])  # None where a run did not fail
    table["seconds"] = 0.5
    table.index = table.index * 3  # an index is not stored
    folder = tmp_path_factory.mktemp("tables")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folders, "CSV_ROWS", csv_rows)
        entry, as_read = folders.write_table(folder, "t", table)
    read = pd.read_parquet(folder / "t.parquet")
    assert entry["rows"] == len(read) == len(table)
    assert entry["digest"] == folders.digest(read)
    pd.testing.assert_frame_equal(as_read, folders.read_table(folder, "t"))  # handed back as read_table reads it
    if "csv" in entry:
        assert (folder / "t.csv").read_bytes() == read.to_csv(index=False).encode()


def test_parquet_dictionary_encodes_text_only_and_reads_back_the_same_table(tmp_path):
    """Numbers are written plain (a dictionary of measured numbers costs time and bytes), text with a
    dictionary; either way the table read back is the one written."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from model.experiment.folders import write_parquet

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"scenario": np.repeat(["baseline", "wassenaar"], 500), "step": np.tile(np.arange(500), 2),
                          "capability": rng.random(1000), "kind": pd.Categorical(["a", "b"] * 500)})
    write_parquet(pa.Table.from_pandas(table, preserve_index=False), tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), table)
    row_group = pq.ParquetFile(tmp_path / "t.parquet").metadata.row_group(0)
    encoded = {row_group.column(j).path_in_schema: row_group.column(j).has_dictionary_page for j in range(4)}
    assert encoded == {"scenario": True, "step": False, "capability": False, "kind": True}
