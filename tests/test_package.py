"""The package itself: a light top level, lazy public names, one version, ``python -m model``."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import model

ROOT = Path(__file__).resolve().parents[1]


def python(code: str, environment: dict[str, str] | None = None) -> str:
    env = {**(os.environ if environment is None else environment), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True, timeout=120).stdout


def test_the_vocabulary_loads_without_the_heavy_libraries():
    loaded = python("import sys, model.vocabulary; print(' '.join(sorted(sys.modules)))").split()
    assert not {"scipy", "mesa", "tqdm", "pandas", "matplotlib"} & set(loaded)
    assert not [m for m in loaded if m.startswith("model.") and m not in ("model.vocabulary", "model.version")]


def test_every_public_name_resolves():
    for name in model.__all__:
        assert getattr(model, name) is not None, name
    assert model.ControlRegimeModel.__module__ == "model.simulation.model"
    assert callable(model.compare) and callable(model.sweep) and callable(model.load_results)


def test_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from model.version import SOURCE_VERSION

    assert model.__version__ == SOURCE_VERSION == project["version"]


def test_python_dash_m_model_is_run_py():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "model", "--help"], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False, timeout=120)
    assert result.returncode == 0 and "usage: run.py" in result.stdout and "sweep" in result.stdout


def test_the_command_line_runs_arrow_on_the_c_allocator_unless_told_otherwise():
    """``run.py`` sets Arrow's allocator for its own process (``model.processes.ARROW_POOL``); a
    script that imports the model keeps its process's default, and a setting in the environment wins."""
    pool = "import pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    command_line = f"import sys; from model.interfaces import cli; sys.argv = ['run.py', 'list']; cli.console(); {pool}"
    script = ("from model.scenario import SCENARIO_DIR, load_scenario; "
              f"load_scenario(SCENARIO_DIR / 'unilateral_us.toml'); {pool}")
    unset = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    default = python(pool, unset).strip()
    if default == "system":
        pytest.skip("this pyarrow allocates with the C allocator by default: nothing to tell apart")
    assert python(command_line, unset).split()[-1] == "system"
    assert python(script, unset).split()[-1] == default
    assert python(command_line, {**unset, "ARROW_DEFAULT_MEMORY_POOL": default}).split()[-1] == default


def test_the_tools_own_processes_collect_young_objects_less_often_and_a_script_keeps_its_own():
    """The command line and the local workers set ``model.processes.YOUNG_COLLECTION_THRESHOLD``; a
    script that imports the model and runs in its own process keeps Python's thresholds."""
    from model.processes import YOUNG_COLLECTION_THRESHOLD

    threshold = "import gc; print(gc.get_threshold()[0])"
    pythons = int(python(threshold).split()[-1])  # a fresh interpreter's, whatever this process has set
    command_line = f"import sys; from model.interfaces import cli; sys.argv = ['run.py', 'list']; cli.console(); {threshold}"
    script = f"from model.scenario import SCENARIO_DIR, load_scenario; load_scenario(SCENARIO_DIR / 'unilateral_us.toml'); {threshold}"
    worker = ("import gc; from model.processes import forkserver_context; "
              "from concurrent.futures import ProcessPoolExecutor; "
              "pool = ProcessPoolExecutor(1, mp_context=forkserver_context()); "
              "print(pool.submit(gc.get_threshold).result()[0]); pool.shutdown()")
    assert int(python(command_line).split()[-1]) == YOUNG_COLLECTION_THRESHOLD != pythons
    assert int(python(script).split()[-1]) == pythons
    assert int(python(worker).split()[-1]) == YOUNG_COLLECTION_THRESHOLD


def test_no_import_cycle_but_the_documented_one():
    """Modules import each other without cycles once the one documented upward import is set aside
    (``Comparison.plot`` drawing with the analysis layer: docs/architecture.md, "The one exception",
    and the contract's ``ignore_imports``); imports made only for type checking are not counted."""
    import grimp
    import networkx as nx

    documented = ("model.experiment.comparison", "model.analysis.report")
    graph = grimp.build_graph("model", exclude_type_checking_imports=True, cache_dir=None)
    edges = [(module, imported) for module in graph.modules
             for imported in graph.find_modules_directly_imported_by(module)]
    assert documented in edges  # else the documentation and the contract name an import that is gone
    imports = nx.DiGraph([edge for edge in edges if edge != documented])
    assert [sorted(cycle) for cycle in nx.strongly_connected_components(imports) if len(cycle) > 1] == []
