"""The command line and the files a user keeps inside and beside results folders: nothing of theirs
is deleted, overwritten or written through; contradictory options and unwritable places are one
``error:`` line; Ctrl-C while figures are drawn says the results are complete."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\nhorizon = 5\nreplications = 1\n')
    return path


@pytest.fixture(scope="module")
def written(small, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("written") / "r"
    assert cli("run", str(small), "--out", str(out), "--workers", "1", "--quiet")[0] == 0
    return out


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def one_error(code: int, err: str) -> str:
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: "), err
    return err


@pytest.mark.parametrize("where", ["before", "after"])
def test_resume_and_force_together_are_refused(small, tmp_path, where):
    run = ["run", str(small), "--out", str(tmp_path / "r"), "--quiet"]
    argv = ["--resume", *run, "--force"] if where == "before" else [*run, "--resume", "--force"]
    assert "--resume: given with --force" in one_error(*cli(*argv))
    assert list(tmp_path.iterdir()) == []


def test_validation_report_to_a_folder_or_into_a_missing_folder_is_one_error(tmp_path):
    assert "--out-file: is a folder" in one_error(*cli("validation-report", "--out-file", str(tmp_path)))
    missing = tmp_path / "missing" / "report.md"
    assert "--out-file: no such folder" in one_error(*cli("validation-report", "--out-file", str(missing)))
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_figures_are_drawn_says_the_results_are_complete(small, tmp_path, monkeypatch):
    from model.analysis import report

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "draw_figures", interrupted)
    out = tmp_path / "r"
    code, err = cli("run", str(small), "--out", str(out), "--workers", "1", "--quiet")
    assert code == 130 and "no results folder was written" not in err
    assert err == (f"interrupted while drawing the figures: the results in {out}/ are complete; draw the figures "
                   f"with: python run.py plot {out}\n")
    assert (out / "summary.csv").exists()


def test_analyze_where_nothing_can_be_written_is_one_error(tmp_path, monkeypatch):
    from model.experiment import folders, sweep

    out = tmp_path / "sweep"
    sweep(SCENARIO_DIR / "unilateral_us.toml", {"world.hub_leakiness_scale": [0.5, 1.0]}, replications=1,
          scenario={"horizon": 5}, out=out, progress=False)
    before = sorted(p.name for p in out.iterdir())

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")  # what a read-only folder gives (root writes anywhere)

    monkeypatch.setattr(folders.tempfile, "mkdtemp", read_only)
    assert "cannot write (Permission denied)" in one_error(*cli("analyze", str(out)))
    assert sorted(p.name for p in out.iterdir()) == before


def test_plot_never_writes_through_a_figures_symlink(written, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "effectiveness.png").write_bytes(b"my own figure")
    copy = tmp_path / "r"
    import shutil

    shutil.copytree(written, copy, ignore=shutil.ignore_patterns("figures"))
    (copy / "figures").symlink_to(mine)
    err = one_error(*cli("plot", str(copy), "--workers", "1"))
    assert "is a symbolic link; a folder of figures is never written through one" in err
    assert [p.name for p in mine.iterdir()] == ["effectiveness.png"]
    assert (mine / "effectiveness.png").read_bytes() == b"my own figure"
    (copy / "figures").unlink()
    (copy / "figures").mkdir()
    (copy / "figures" / "effectiveness.png").symlink_to(mine / "effectiveness.png")
    assert "a figure is never written through one" in one_error(*cli("plot", str(copy), "--workers", "1"))
    assert (mine / "effectiveness.png").read_bytes() == b"my own figure"


def test_a_users_files_beside_the_output_named_like_the_tools_are_kept(written, tmp_path, small):
    import shutil

    out = tmp_path / "r"
    shutil.copytree(written, out)
    lock = tmp_path / ".r.lock"
    lock.write_text("my lock notes\n")
    argv = ("run", str(small), "--out", str(out), "--workers", "1", "--quiet", "--force")
    assert "has the name of the results folder's lock; it is never replaced" in one_error(*cli(*argv))
    assert lock.read_text() == "my lock notes\n"
    lock.rename(tmp_path / "my.lock")
    users = [".r.old-backup", ".r.partial-mine", ".r.partial-1", ".r.old-1"]
    for name in users:
        (tmp_path / name).mkdir()
        (tmp_path / name / "mine.txt").write_text("mine")
    assert cli(*argv)[0] == 0
    assert all((tmp_path / name / "mine.txt").read_text() == "mine" for name in users)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r", "my.lock", *users])


def test_out_given_as_a_symlink_is_refused_and_nothing_is_left_outside(written, tmp_path, small):
    link = tmp_path / "link"
    link.symlink_to(written)
    before = sorted(os.listdir(written.parent))
    err = one_error(*cli("run", str(small), "--out", str(link), "--workers", "1", "--quiet", "--force"))
    assert "is a symbolic link; a results folder is never written through one" in err
    assert sorted(os.listdir(written.parent)) == before and sorted(os.listdir(tmp_path)) == ["link"]
