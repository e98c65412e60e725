"""The command line under random subcommands, flags and values: exit code 0 or 2, a bad value is one
``error:`` line, never a traceback, and never a new file or folder after an error.

Runs in-process (``model.interfaces.cli.main``) in a fresh folder per example, with tiny scenario and
sweep files so that the commands that do succeed stay fast. More examples under ``--run-slow``.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.interfaces.cli import main
from model.scenario import SCENARIO_DIR

TINY = f'extends = "{SCENARIO_DIR / "unilateral_us.toml"}"\nhorizon = 3\nwarmup = 1\nreplications = 1\n'
TINY_SWEEP = ('base = "tiny.toml"\nreplications = 1\n[[parameters]]\nkey = "world.hub_leakiness_scale"\n'
              'values = [0.5, 1.0]\n')
FILES = {"tiny.toml": TINY, "other.toml": TINY.replace("horizon = 3", 'name = "other"\nhorizon = 3'),
         "sweep.toml": TINY_SWEEP, "broken.toml": "horizon = = 3\n", "empty.toml": ""}

SMALL_COUNTS = ["1", "2"]
BAD_NUMBERS = ["0", "-1", "-5", "1000000000000", "1e3", "1.5", "nan", "inf", "x", "", " ", "0x10", "99999999999999999999"]


def text() -> st.SearchStrategy[str]:
    """Random text that never asks for more than a few runs (a number above 3 is filtered out)."""
    return st.text(max_size=10).filter(lambda t: not _asks_for_many(t))


def _asks_for_many(text: str) -> bool:
    try:
        return int(text) > 3  # what the command line's integer arguments accept
    except ValueError:
        return False


def number() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(SMALL_COUNTS + BAD_NUMBERS), text())


def path() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([*FILES, "missing.toml", "results", "folder", ".", "/", "tiny.toml/x"]),
                     text())


FLAGS: dict[str, st.SearchStrategy[str] | None] = {
    "--replications": number(), "--seed": st.one_of(number(), st.sampled_from(["-1", "9223372036854775808"])),
    "--workers": st.sampled_from(["1", "0", "-1", "2000", "x"]), "--samples": number(),
    "--chunk": number(), "--scheduler": st.one_of(st.sampled_from(
        ["tcp://", "tcp://host", "tcp://host:0", "tcp://host:99999", "http://host:8786", "host:8786"]), text()),
    "--dask-local": st.sampled_from(["0", "-1", "x", "100000"]), "--dpi": number(),
    "--out": st.sampled_from(["out", "out2", "nowhere/out", "tiny.toml", "", ".", "..", "folder/.."]), "--file": path(),
    "--install": path(), "--figure": text(), "--format": text(), "--port": number(),
    "--force": None, "--resume": None, "--quiet": None, "--dry-run": None, "--no-figures": None,
    "--bogus": None, "-x": None,
}
LEADING = ["--replications", "--seed", "--workers", "--quiet", "--out", "--resume", "--force"]
"""The options the command line takes before a subcommand too."""
SUBCOMMANDS = {
    "run": 1, "compare": 2, "validate": 2, "list": 0, "reproduce": 1, "sweep": 1, "analyze": 1, "plot": 1,
    "calibrate": 0, "validation-report": 0, "nonsense": 0,
}
SLOW_WHEN_VALID = {"calibrate": "--install", "validation-report": "--replications", "": "--replications"}
"""Commands that run for minutes when their arguments are valid: fuzzed only with the flag named here
set to a bad value (so that the example is about the checking, not the running)."""


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(["", *SUBCOMMANDS]))
    argv = []
    for flag in draw(st.lists(st.sampled_from(LEADING), max_size=2)):
        argv += [flag] if FLAGS[flag] is None else [flag, draw(FLAGS[flag])]
    argv += [command] if command else []
    argv += [draw(path()) for _ in range(draw(st.integers(0, SUBCOMMANDS.get(command, 0) + 1)))]
    for flag in draw(st.lists(st.sampled_from(sorted(FLAGS)), max_size=4)):
        argv.append(flag)
        if FLAGS[flag] is not None:
            argv.append(draw(FLAGS[flag]))
    if command in SLOW_WHEN_VALID:
        argv += [SLOW_WHEN_VALID[command], draw(st.sampled_from(BAD_NUMBERS[:4]))]
    if command == "sweep" and "--dry-run" not in argv and "--workers" not in argv:
        argv += ["--workers", "1"]
    if command in ("run", "compare") and "--workers" not in argv:
        argv += ["--workers", "1"]
    return argv


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def check(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for file, content in FILES.items():
            (folder / file).write_text(content)
        (folder / "folder").mkdir()
        before = tree(folder)
        err = io.StringIO()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                try:
                    code = main(argv)
                except SystemExit as exit_:  # argparse: --help (0) or a bad argument (2)
                    code = exit_.code
        finally:
            os.chdir(cwd)
        message = err.getvalue()
        assert code in (0, 2), (argv, code, message)
        assert "Traceback" not in message, (argv, message)
        if code == 2:
            lines = [line for line in message.splitlines() if line and not line.startswith("warning:")]
            several = "validate" in argv  # one line per bad file
            assert (several or len(lines) == 1) and all(line.startswith("error: ") for line in lines), (argv, message)
            assert tree(folder) == before, (argv, tree(folder) - before)
    return code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_random_command_lines_exit_0_or_2_cleanly(argv):
    check(argv)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_lines())
def test_many_random_command_lines_exit_0_or_2_cleanly(argv):
    check(argv)


@pytest.mark.parametrize("argv", [
    ["run", "tiny.toml", "--replications", "0"], ["run", "tiny.toml", "--replications", "-1"],
    ["run", "tiny.toml", "--replications", "1000000000000"], ["run", "tiny.toml", "--seed", "-5"],
    ["sweep", "sweep.toml", "--scheduler", "tcp://host:99999"], ["validation-report", "--replications", "-1"],
    ["sweep", "sweep.toml", "--samples", "1000000000"], ["plot", "folder", "--dpi", "1e9"],
    ["reproduce", "folder", "--replications", "3"], ["compare", "tiny.toml", "tiny.toml"],
    ["compare", "tiny.toml", "./tiny.toml"], ["validate", "empty.toml"],
])
def test_the_reported_bad_command_lines(argv):
    assert check(argv) == 2


@given(st.text(max_size=30))
def test_an_output_folder_is_a_path_with_a_name_or_refused(text):
    from argparse import ArgumentTypeError

    from model.interfaces.arguments import output_folder

    try:
        folder = Path(output_folder(text))
    except ArgumentTypeError as refused:
        assert "expected a folder path with a name" in str(refused)
    else:
        assert folder.name not in ("", ".", "..") and "\0" not in str(folder) and not str(folder).startswith("~/")
