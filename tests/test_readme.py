"""The README's claims that code can check: its two commands, the extras it names, the default
executor of the Python entry points."""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import pytest

import model

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]


def two_commands() -> list[str]:
    """The shell blocks of 'The two commands': the set-up and the test command."""
    section = README.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)\n```", section, flags=re.S)[:2]


def test_the_install_is_the_dev_extra_alone_and_the_tests_are_plain_pytest():
    install, test = two_commands()
    assert re.findall(r"pip install -e '\.\[([^\]]*)\]'", install) == ["dev"]
    assert test == ".venv/bin/python -m pytest"


def test_ci_runs_the_readmes_two_commands():
    """.ci/run takes the commands from this README section, so they cannot drift apart."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "## The two commands" in ci and "REQUIRE_EXTRAS=1" in ci


def test_the_quick_subset_names_test_folders():
    quick = " ".join(README.split()).split("takes under a minute: `", 1)[1].split("`", 1)[0]
    folders = quick.removeprefix(".venv/bin/python -m pytest ").split()
    assert folders and all((ROOT / folder).is_dir() and folder.startswith("tests/") for folder in folders)


def test_every_extra_the_readme_names_exists():
    named = set(re.findall(r"pip install -e '\.\[(\w+)\]'", README))
    assert named and named <= set(EXTRAS)


def test_the_user_extra_has_every_extra_a_researcher_uses():
    user = " ".join(EXTRAS["user"])
    assert all(extra in user for extra in ("viz", "xarray", "strategy", "dask"))


@pytest.mark.parametrize("name", ["compare", "run_scenario", "sweep"])
def test_the_python_entry_points_run_in_local_processes_by_default(name):
    assert "`compare`, `run_scenario` and `sweep` run in local worker processes by default" in " ".join(README.split())
    assert inspect.signature(getattr(model, name)).parameters["executor"].default == "processes"


def test_the_test_suite_knows_every_optional_extra():
    """tests/conftest.py's marker extra(name) covers every extra but dev and user (which gathers them)."""
    from conftest import EXTRAS as KNOWN

    assert set(KNOWN) == set(EXTRAS) - {"dev", "user"}
