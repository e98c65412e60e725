"""File readers refuse what is not a regular file and bound nesting, with one error line, never hanging."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.limits import MAX_EXTENDS, MAX_FILE_BYTES, MAX_NESTING
from model.scenario import ScenarioError, list_scenarios, load_scenario, load_scenarios
from model.scenario.sources import read_toml

ROOT = Path(__file__).resolve().parents[2]


def refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    err = refused(pipe)  # without the check this waits forever for a writer
    assert err.problem == "not a regular file (a named pipe)"


def test_a_device_is_refused():
    err = refused(Path("/dev/zero"))  # without the check: read until memory runs out
    assert str(err) == "/dev/zero: not a regular file (a device or socket) (expected a TOML file)"


def test_a_file_too_large_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert refused(big).problem == "file too large"


@pytest.mark.parametrize("text", [
    "a" + ".b" * 3000 + " = 1\n",  # dotted keys: a RecursionError in the checks after parsing
    "[" + ".".join(["a"] * 3000) + "]\nb = 1\n",  # a table header
    "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",  # inline tables: too deep for the parser itself
])
def test_deep_nesting_is_one_error(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    err = refused(path)
    assert err.problem.startswith("invalid TOML: arrays or tables nested too deeply")
    assert err.expected == f"at most {MAX_NESTING} levels"


def test_nesting_at_the_bound_is_read(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text("a" + ".b" * (MAX_NESTING - 1) + " = 1\n")
    data = read_toml(path)
    for _ in range(MAX_NESTING):
        data = data.get("a", data.get("b"))
    assert data == 1


def test_an_extends_symlink_loop_is_one_error(tmp_path):
    (tmp_path / "b.toml").symlink_to("c.toml")
    (tmp_path / "c.toml").symlink_to("b.toml")
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    err = refused(tmp_path / "a.toml")  # Path.resolve raised RuntimeError here
    assert "Too many levels of symbolic links" in str(err)


def test_a_symlink_loop_given_twice_to_a_comparison(tmp_path):
    (tmp_path / "loop.toml").symlink_to("loop.toml")
    with pytest.raises(ScenarioError, match="Too many levels of symbolic links"):
        load_scenarios([tmp_path / "loop.toml", tmp_path / "loop.toml"])


def test_a_long_extends_chain_is_refused(tmp_path):
    for n in range(MAX_EXTENDS + 2):
        (tmp_path / f"s{n}.toml").write_text(f'extends = "s{n + 1}.toml"\n')
    (tmp_path / f"s{MAX_EXTENDS + 2}.toml").write_text("horizon = 8\n")
    with pytest.raises(ScenarioError, match="extend one another"):
        load_scenario(tmp_path / "s0.toml", validate=False)


def test_listing_a_folder_with_a_pipe_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    with pytest.raises(ScenarioError, match="named pipe"):
        list_scenarios(tmp_path)


def test_validate_and_run_on_a_pipe_give_one_line_and_exit_2(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for args in (["validate", "pipe.toml"], ["run", "pipe.toml", "--workers", "1"], ["list", "--dir", "."]):
        done = subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 2, done.stderr
        assert done.stderr == "error: pipe.toml: not a regular file (a named pipe) (expected a TOML file)\n"
