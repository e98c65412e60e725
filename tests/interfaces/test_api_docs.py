"""The API reference builds from the docstrings without warnings, and its checks catch what they say."""

from __future__ import annotations

import sys
import types

import pdoc.doc
import pytest

from model.interfaces.api_docs import broken_references, build, missing_docstrings, module_names


def test_every_module_of_the_package_is_documented():
    names = module_names()
    assert names[0] == "model"
    assert {"model.scenario.loader", "model.experiment.api", "model.interfaces.api_docs"} <= set(names)


@pytest.mark.slow
@pytest.mark.extra("viz")  # the reference documents the dashboard (model.interfaces.app), which imports solara
def test_the_reference_builds_without_warnings(tmp_path):
    assert build(tmp_path) == []
    page = (tmp_path / "model.html").read_text(encoding="utf-8")
    assert "load_scenario" in page and "run_scenario" in page
    assert (tmp_path / "model" / "scenario" / "loader.html").is_file()
    assert (tmp_path / "index.html").is_file() and (tmp_path / "search.js").is_file()


@pytest.fixture
def fake_package(monkeypatch):
    """A two-module package with good and bad references and one undocumented function."""
    package = types.ModuleType("fakepkg", "A package.")
    package.__path__ = []
    inner = types.ModuleType("fakepkg.inner", "Module. See :func:`helper` and :class:`~fakepkg.inner.Thing`.")
    source = '''
def helper():
    """Calls :func:`missing` and :meth:`Thing.nowhere`."""

def undocumented():
    pass

class Thing:
    """A thing; :meth:`go` goes."""

    def go(self):
        """Go."""
'''
    exec(compile(source, "fakepkg/inner.py", "exec"), inner.__dict__)
    inner.__dict__["__file__"] = "fakepkg/inner.py"
    for fn in (inner.helper, inner.undocumented, inner.Thing):
        fn.__module__ = "fakepkg.inner"
    package.helper, package.undocumented, package.Thing = inner.helper, inner.undocumented, inner.Thing
    package.__all__ = ["helper", "undocumented", "Thing"]
    monkeypatch.setitem(sys.modules, "fakepkg", package)
    monkeypatch.setitem(sys.modules, "fakepkg.inner", inner)
    return {name: pdoc.doc.Module(sys.modules[name]) for name in ("fakepkg", "fakepkg.inner")}


def test_broken_references_are_found(fake_package):
    problems = sorted(p.split(": ", 2)[2] for p in broken_references(fake_package))
    assert problems == ["pdoc shows the '~' of '~fakepkg.inner.Thing': drop it",
                        "reference to 'Thing.nowhere' names nothing", "reference to 'missing' names nothing"]


def test_missing_docstrings_of_the_top_level_api_are_found(fake_package):
    problems = missing_docstrings(fake_package, package="fakepkg")
    assert [p.rsplit(": ", 1)[1] for p in problems] == ["no docstring"]
    assert "fakepkg.undocumented" in problems[0]
