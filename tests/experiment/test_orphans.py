"""No orphans: the worker processes of a command end with it, however it ends (kill -9, Ctrl-C)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

SMALL = 'extends = "{scenarios}/unilateral_us.toml"\nhorizon = 8\nreplications = 400\n'


def living(group: int) -> list[str]:
    """The processes of a process group that are not yet dead (zombies are dead)."""
    ps = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(group)], capture_output=True, text=True,
                        check=False)
    return [line for line in ps.stdout.splitlines() if line.split()[1][0] != "Z"]


def start(tmp_path: Path) -> subprocess.Popen:
    """``run.py run`` with two workers, returned once its workers are running."""
    (tmp_path / "small.toml").write_text(SMALL.format(scenarios=ROOT / "scenarios"))
    command = [sys.executable, str(ROOT / "run.py"), "run", "small.toml", "--workers", "2", "--quiet",
               "--out", "out"]
    process = subprocess.Popen(command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while len(living(process.pid)) < 5:  # main, resource tracker, forkserver, two workers
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.2)
    time.sleep(1.0)  # the workers are running a model
    return process


def wait_until_gone(group: int, seconds: float = 20.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := living(group)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_kill_9_of_the_main_process_leaves_no_worker(tmp_path):
    process = start(tmp_path)
    process.kill()
    try:
        process.communicate(timeout=30)  # end of file on its pipes: no process holds them open
        assert wait_until_gone(process.pid) == []
    finally:
        for line in living(process.pid):  # a failed test leaves no orphans either
            os.kill(int(line.split()[0]), signal.SIGKILL)


def test_ctrl_c_prints_one_line_and_leaves_nothing_behind(tmp_path):
    process = start(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to the whole foreground group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    [line] = err.strip().splitlines()  # one line, no worker's traceback
    assert line == "interrupted: finished runs are stored in out/; continue with --resume", err
    assert wait_until_gone(process.pid) == []
