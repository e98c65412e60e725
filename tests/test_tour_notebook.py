"""docs/tour.ipynb runs from top to bottom in a headless kernel, and is committed without outputs."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tour.ipynb"


def test_the_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "the tour has no code"
    assert all(not cell.outputs and cell.execution_count is None for cell in code), (
        "clear the outputs before committing (Jupyter: Edit > Clear Outputs of All Cells)"
    )


@pytest.mark.slow
def test_the_tour_runs_headless(tmp_path):
    """Every cell runs without a widget frontend (progress bars included), within the CI budget."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    started = time.perf_counter()
    # the kernel imports this checkout's package, whichever one the environment has installed
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    client.execute(env=os.environ | {"PYTHONPATH": path})  # raises CellExecutionError, naming the cell, on the first error
    seconds = time.perf_counter() - started
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert figures, "the tour draws no figure"
    assert not any(o.output_type == "error" for o in outputs)
    assert seconds < 120, f"the tour took {seconds:.0f} s; keep it under a minute"
    assert list(tmp_path.iterdir()) == [], "the tour left files behind in its working folder"


def test_the_tours_module_commands_are_the_readmes():
    """A ``python -m`` command the tour names (the API reference's, say) is the one the README gives."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    commands = re.findall(r"`(python -m [^`]+)`", text)
    assert commands, "the tour names no python -m command"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [c for c in commands if c not in readme] == []
