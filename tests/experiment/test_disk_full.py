"""A file-size limit (``ulimit -f``: EFBIG, what a full disk's ENOSPC also gives) in a real process:
``run``, ``sweep``, ``coalitions`` and ``calibrate``, with 1 and 2 workers, end with one ``error:``
line naming the folder and the cause and exit code 2; the folder is removed when nothing was stored,
and otherwise ``--resume`` finishes it once the limit is gone. Nothing is left beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_calibration_file

resource = pytest.importorskip("resource", reason="no file-size limits on this platform")

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

FILES = {
    "tiny.toml": f'extends = "{ROOT / "scenarios" / "unilateral_us.toml"}"\nhorizon = 5\nreplications = 2\n',
    "sweep.toml": ('name = "sw"\nbase = "tiny.toml"\nreplications = 2\n[[parameters]]\n'
                   'key = "world.hub_leakiness_scale"\nvalues = [0.5, 1.0, 1.5]\n'),
    "coalitions.toml": (f'scenario = "{ROOT / "scenarios" / "echri_coalition.toml"}"\ncandidates = ["DEU", "CHN"]\n'
                        'replications = 1\nhorizon = 5\n'),
    "calibration.toml": tiny_calibration_file(horizon=5, population=10, simulations=20, generations=1),
}
COMMANDS = {
    "run": (["run", "tiny.toml"], 40),
    "sweep": (["sweep", "sweep.toml", "--chunk", "1"], 40),
    "coalitions": (["coalitions", "coalitions.toml", "--no-figures"], 40),
    "calibrate": (["calibrate", "--file", "calibration.toml"], 20),
}
"""Each command and a limit in kB its first writes exceed."""
AFTER_FIRST_PART = """
import resource, sys
from model.experiment import store
from model.interfaces.cli import console
stored = store.Store.append
def append(self, tables):
    stored(self, tables)
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
store.Store.append = append
sys.argv = ["run.py", *sys.argv[1:]]
sys.exit(console())
"""
"""A process whose file-size limit falls once it has stored its first part of runs."""


def start(cwd: Path, argv: list[str], limit_kb: int | None = None, script: str | None = None) -> tuple[int, str]:
    def limited() -> None:
        if limit_kb is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_kb * 1024, limit_kb * 1024))

    command = [sys.executable, "-c", script] if script else [sys.executable, str(ROOT / "run.py")]
    process = subprocess.run([*command, *argv], check=False, cwd=cwd, capture_output=True, text=True, timeout=600,
                             preexec_fn=limited, env=os.environ | {"PYTHONPATH": str(ROOT)})
    return process.returncode, process.stderr


@pytest.fixture
def place(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def check_refused_then_resumed(place: Path, argv: list[str], code: int, err: str) -> None:
    out = place / "out"
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("error: out: cannot write the results folder ("), err
    assert "file-size limit" in err, err
    assert sorted(p.name for p in place.iterdir()) == sorted([*FILES, *(["out"] if out.exists() else [])])
    if not out.exists():
        assert "nothing was stored: the folder is removed" in err
        return
    assert err.endswith("free space, then resume it with --resume\n")
    code, err = start(place, [*argv, "--resume"])
    assert code == 0, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert sorted(p.name for p in place.iterdir()) == sorted([*FILES, "out"])


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_size_limit_is_one_error_and_the_folder_is_removed_or_resumable(place, command, workers):
    args, limit = COMMANDS[command]
    argv = [*args, "--out", "out", "--workers", workers, "--quiet"]
    check_refused_then_resumed(place, argv, *start(place, argv, limit))


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_limit_reached_after_runs_were_stored_keeps_them_for_resume(place, command, workers):
    args, _ = COMMANDS[command]
    argv = [*args, "--out", "out", "--workers", workers, "--quiet"]
    code, err = start(place, argv, script=AFTER_FIRST_PART.format(limit=20 * 1024))
    assert (place / "out" / "parts" / "part-000001").is_dir(), err
    check_refused_then_resumed(place, argv, code, err)
