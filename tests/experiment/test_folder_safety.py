"""A results folder under damage and a full disk: committed parts are checked on resume, reproduce
checks every manifest field it relies on, and a failed write is one error naming the folder that
leaves it resumable (or removes it when nothing was stored)."""

from __future__ import annotations

import contextlib
import errno
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from model.errors import ModelInputError
from model.experiment import executors, sweep_file
from model.experiment.folders import CannotWriteError, read_table, write_failure
from model.experiment.store import Store
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

SMALL = f"""
name = "small"
base = "{SCENARIO_DIR / 'unilateral_us.toml'}"
replications = 2
series = ["target_capability"]
[scenario]
horizon = 5
[[parameters]]
key = "world.hub_leakiness_scale"
values = [0.5, 1.0]
"""
"""2 points x 2 replicates, each point with its own baseline: 8 runs of 5 steps."""


def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def tree(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


@pytest.fixture
def interrupted(tmp_path, interrupt_run) -> Path:
    """The small sweep stopped by Ctrl-C at its 4th run, one run per part: three parts committed."""
    interrupt_run(4)
    with pytest.raises(KeyboardInterrupt):
        sweep_file(small(tmp_path), out=tmp_path / "out", progress=False, chunk=1)
    return tmp_path / "out"


# --- committed parts carry digests checked on resume --------------------------------------------

def test_a_part_edited_after_it_was_stored_is_never_trusted_on_resume(interrupted, monkeypatch):
    part = interrupted / "parts" / "part-000002"
    runs = read_table(part, "runs")
    runs["seed"] = runs["seed"] + 1  # the kind of edit that silently changed a resumed sweep's numbers
    runs.to_parquet(part / "runs.parquet", index=False)
    before = tree(interrupted)
    monkeypatch.undo()  # the real runs again
    code, err = cli("sweep", str(interrupted.parent / "small.toml"), "--out", str(interrupted), "--resume",
                    "--workers", "1", "--quiet")
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"error: {part}: changed since it was stored (runs.parquet differs from its digest)")
    assert tree(interrupted) == before  # status and every file as they were


@pytest.mark.parametrize("damage", ["missing digests", "extra file", "removed file"])
def test_a_part_whose_files_are_not_those_it_was_stored_with_is_refused(interrupted, damage):
    part = interrupted / "parts" / "part-000001"
    if damage == "missing digests":
        (part / "digests.json").unlink()
    elif damage == "extra file":
        (part / "series-2.parquet").write_bytes((part / "series.parquet").read_bytes())
    else:
        (part / "series.parquet").unlink()
    with pytest.raises(ModelInputError, match="part-000001: changed since it was stored"):
        Store.open(interrupted, "sweep", {}, (), resume=True)
    assert json.loads((interrupted / "manifest.json").read_text())["status"] == "running"
    assert not (interrupted.parent / ".out.lock").exists()


def test_resume_when_parts_is_a_file_is_one_error_and_leaves_the_status(interrupted):
    import shutil

    shutil.rmtree(interrupted / "parts")
    (interrupted / "parts").write_text("not a folder")
    before = tree(interrupted)
    code, err = cli("sweep", str(interrupted.parent / "small.toml"), "--out", str(interrupted), "--resume",
                    "--workers", "1", "--quiet")
    expected = "is not a folder (expected the folder of the runs stored so far, as this tool wrote it)"
    assert code == 2 and err == f"error: {interrupted / 'parts'}: {expected}\n"
    assert tree(interrupted) == before


def test_a_users_file_in_parts_outlives_the_finished_resume(interrupted, monkeypatch):
    (interrupted / "parts" / "mine.txt").write_text("my notes on these runs")
    monkeypatch.undo()
    code, err = cli("sweep", str(interrupted.parent / "small.toml"), "--out", str(interrupted), "--resume",
                    "--workers", "1", "--quiet")
    assert code == 0, err
    assert [p.name for p in (interrupted / "parts").iterdir()] == ["mine.txt"]  # the stored parts dropped
    assert (interrupted / "parts" / "mine.txt").read_text() == "my notes on these runs"


# --- reproduce checks every manifest field it relies on ------------------------------------------

@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("finished")
    sweep_file(small(folder), out=folder / "out", executor="serial", progress=False)
    return folder / "out"


def edited(finished: Path, tmp_path: Path, edit) -> Path:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(finished, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    edit(manifest)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


@pytest.mark.parametrize("table", ["runs", "columns"])
def test_reproduce_is_not_identical_when_row_counts_were_edited(finished, tmp_path, table):
    copy = edited(finished, tmp_path, lambda m: m["tables"][table].update(rows=m["tables"][table]["rows"] + 1))
    code, err = cli("reproduce", str(copy), "--workers", "1", "--quiet")
    assert code == 1 and "rows, the manifest says" in err, err


def test_reproduce_refuses_a_settings_digest_that_no_longer_covers_what_it_reads(finished, tmp_path):
    from model.experiment.manifest import settings_digest

    def narrow(manifest: dict) -> None:  # seeds left out of the digest, then edited
        keys = [k for k in manifest["settings_digest"]["keys"] if k != "seed"]
        manifest["seed"] += 1
        manifest["settings_digest"] = {"keys": keys, "sha256": settings_digest({k: manifest[k] for k in keys})}

    code, err = cli("reproduce", str(edited(finished, tmp_path, narrow)), "--workers", "1", "--quiet")
    assert code == 2 and "the digest does not cover seed" in err and err.count("\n") == 1, err


# --- a full disk, a file-size limit --------------------------------------------------------------

@pytest.mark.parametrize(("code", "cause"), [(errno.ENOSPC, "no space left on the device"),
                                             (errno.EFBIG, "a file would exceed the file-size limit, ulimit -f")])
def test_write_failures_are_named_in_words(code, cause):
    assert write_failure(OSError(code, "x")) == cause
    assert write_failure(OSError(f"Error writing bytes to file. Detail: [errno {code}] x")) == cause  # pyarrow's


def full_after(monkeypatch, parts: int) -> None:
    """Every Parquet write after the first ``parts`` fails as on a full disk."""
    from model.experiment import store

    real, written = store.write_parquet, []

    def write(table, path, *args, **kwargs):
        if len({Path(p).parent for p in written} - {Path(path).parent}) >= parts:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        return real(table, path, *args, **kwargs)

    monkeypatch.setattr(store, "write_parquet", write)


def test_a_full_disk_before_anything_was_stored_removes_the_folder(tmp_path, monkeypatch):
    full_after(monkeypatch, 0)
    code, err = cli("sweep", str(small(tmp_path)), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert code == 2 and err == (f"error: {tmp_path / 'out'}: cannot write the results folder (no space left on "
                                 "the device); nothing was stored: the folder is removed\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.toml"]


def test_a_full_disk_keeps_the_stored_runs_and_resume_finishes_once_there_is_space(tmp_path, monkeypatch):
    out = tmp_path / "out"
    full_after(monkeypatch, 2)
    code, err = cli("sweep", str(small(tmp_path)), "--out", str(out), "--workers", "1", "--quiet", "--chunk", "1")
    assert code == 2 and err == (f"error: {out}: cannot write the results folder (no space left on the device); "
                                 "the runs finished so far are stored: free space, then resume it with --resume\n")
    assert sorted(p.name for p in (out / "parts").iterdir()) == ["part-000001", "part-000002"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "small.toml"]
    monkeypatch.undo()
    ran: list[str] = []
    real = executors.run_one
    monkeypatch.setattr(executors, "run_one", lambda spec: ran.append(spec.run_id) or real(spec))
    assert cli("sweep", str(small(tmp_path)), "--out", str(out), "--resume", "--workers", "1", "--quiet")[0] == 0
    assert len(ran) == 6  # 8 runs, 2 stored
    whole = tmp_path / "whole"
    sweep_file(small(tmp_path), out=whole, executor="serial", progress=False)
    for name in ("runs", "baselines", "timeseries"):
        pd.testing.assert_frame_equal(read_table(out, name).drop(columns="seconds", errors="ignore"),
                                      read_table(whole, name).drop(columns="seconds", errors="ignore"))


def test_a_full_disk_while_a_folder_is_written_in_one_go_leaves_nothing(tmp_path, monkeypatch):
    from model.experiment.folders import write_atomically, write_tables

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pyarrow.parquet.write_table", full)
    with pytest.raises(CannotWriteError, match=r"no space left on the device.*nothing was written"):
        write_atomically(tmp_path / "out", "comparison", lambda f: write_tables(f, {"t": pd.DataFrame({"x": [1]})}))
    assert list(tmp_path.iterdir()) == []
