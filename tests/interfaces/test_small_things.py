"""Issue 29's small things: Ctrl-C while the command line loads, NumPy's warnings before an error
line, empty figure formats, and plot's errors naming its flags."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from model import ModelInputError
from model.experiment import sweep
from model.interfaces import start
from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR
from model.strategy import discover

ROOT = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))

EXTREME = """\
horizon = 12
[parameters]
budget_growth = 1.0
unrest_shock_size = 0.0
unrest_persistence = 0.999999
budget_repression = 10.0
price_sensitivity = 1.0
tie_security = 4.0
tie_finance = 4.0
ties_scale = 5.0
border_cost = 100.0
distance_cost = 100.0
conversion_efficiency = 1e-09
public_copy_price = 1000.0
domestic_price = 0.001
ces_rho = -100.0
capable_threshold = 1000.0
learning_rate = 1.0
rd_noise = 0.0
"""
"""Parameters at their bounds whose arithmetic overflows (found by drawing bounds at random)."""


@pytest.fixture
def unfrozen():
    """start.console() freezes the process's objects as it returns; the test process is unfrozen after."""
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_ctrl_c_while_loading_is_one_line(monkeypatch, capsys, unfrozen):
    def interrupted() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("model.interfaces.cli.console", interrupted)
    assert start.console() == 130
    assert capsys.readouterr().err == "interrupted while starting: nothing was run or written\n"


def test_the_process_leaves_the_collector_nothing_to_walk_at_exit(monkeypatch, unfrozen):
    """Python's full collection at exit walked every object of the libraries (0.2 s of a command)."""
    monkeypatch.setattr("model.interfaces.cli.console", lambda: 0)
    assert start.console() == 0
    assert gc.get_freeze_count() > 0 and gc.isenabled()


def test_ctrl_c_in_the_first_moments_of_a_process(tmp_path):
    """The imports in cli.py sat before the try: a KeyboardInterrupt traceback. The signal is sent
    once the process is importing the command line (``-X importtime`` reports pydantic loaded)."""
    process = subprocess.Popen([sys.executable, "-X", "importtime", str(ROOT / "run.py"), "list"], env=ENV,
                               cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.split("|")[-1].strip() == "pydantic":
            process.send_signal(signal.SIGINT)
            break
    lines += process.stderr.read().splitlines(keepends=True)
    process.wait(timeout=60)
    messages = [line for line in lines if not line.startswith("import time:")]
    assert process.returncode == 130, messages
    assert len(messages) == 1 and messages[0].startswith("interrupted"), messages


def test_no_numpy_warnings_from_the_command_line(tmp_path):
    """11 lines of 'RuntimeWarning: overflow encountered in power' came before the result or error."""
    path = tmp_path / "extreme.toml"
    path.write_text(f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\n' + EXTREME)
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "run", str(path), "--replications", "1",
                           "--workers", "1", "--quiet", "--out", str(tmp_path / "out")], env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)
    assert "Warning" not in done.stderr, done.stderr
    assert done.returncode == 0 or done.stderr.startswith("error: ")


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plot") / "sw"
    sweep(SCENARIO_DIR / "unilateral_us.toml", {"world.hub_leakiness_scale": [0.5, 1.0]}, replications=1,
          scenario={"horizon": 6}, executor=None, progress=False, out=out)
    return out


@pytest.mark.parametrize("formats", ["", "png,,svg", ","])
def test_an_empty_figure_format_is_refused(swept, capsys, formats):
    assert main(["plot", str(swept), "--format", formats]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --format: an empty format") and err.count("\n") == 1


def test_plot_names_the_flag_not_the_python_argument(swept, capsys):
    assert main(["plot", str(swept), "--figure", "heatmapp"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --figure: no such figure for this sweep"), err
    assert "only" not in err


def test_output_piped_to_a_reader_that_stops_is_not_a_traceback(tmp_path):
    """run.py list | head -1: a BrokenPipeError traceback."""
    done = subprocess.run(f"{sys.executable} {ROOT / 'run.py'} list | head -1", shell=True, env=ENV, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.startswith("baseline") and done.stderr == ""


@pytest.mark.extra("strategy")
def test_discover_names_out_in_python_and_the_flag_on_the_command_line(swept, capsys):
    """The library's message named the flag (--out) in Python too."""
    with pytest.raises(ModelInputError, match=r"^out: the output folder is the sweep's results folder"):
        discover(swept, "denial_effectiveness > 0", out=swept)
    assert main(["discover", str(swept), "--outcome", "denial_effectiveness > 0", "--out", str(swept)]) == 2
    assert capsys.readouterr().err.startswith("error: --out: the output folder is the sweep's results folder")
