"""The API reference: HTML pages generated from the docstrings with pdoc, warnings treated as errors.

``python -m model.interfaces.api_docs [OUT]`` writes the reference to ``OUT`` (default ``build/api``, not in git)
and exits with status 1, listing the problems, if there are any:

- a warning from pdoc (a module that does not import, a name in ``__all__`` that does not resolve);
- a cross-reference (the roles ``:class:``, ``:func:``, ``:meth:``, ...) that names nothing, or that
  starts with ``~`` or ``.`` (which pdoc shows as they are);
- a missing docstring on a module, or on a public class, function or method of the top-level API
  (``model.__all__``).

Every module of the package is documented, not only those its parents list in ``__all__``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdoc
import pdoc.doc
import pdoc.render

PACKAGE = "model"
ROOT = Path(__file__).resolve().parents[2]
"""The repository: problems name files relative to it."""
DEFAULT_OUT = Path("build") / "api"
REFERENCE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`([~.]?[\w.]+?)(?:\(\))?`")
"""A reStructuredText cross-reference; the group is its target."""


def module_names(package: str = PACKAGE) -> list[str]:
    """The package and every module below it, in import order (parents first)."""
    root = importlib.import_module(package)
    return [package, *(m.name for m in pkgutil.walk_packages(root.__path__, f"{package}."))]


def _load_lazy_exports(name: str) -> None:
    """Resolve the names of a module's ``__all__`` that its ``__getattr__`` imports on first use, so
    that pdoc finds them in the module (``model`` re-exports the public API lazily)."""
    module = importlib.import_module(name)
    for exported in getattr(module, "__all__", ()):
        getattr(module, exported, None)


def _resolve(target: str, scopes: list[Any]) -> bool:
    """Whether ``target`` names an attribute of one of ``scopes`` or an importable dotted path."""
    first, *rest = target.split(".")
    for scope in scopes:
        if hasattr(scope, first) and _attributes(getattr(scope, first), rest):
            return True
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        return _attributes(module, parts[i:])
    return False


def _attributes(obj: Any, names: list[str]) -> bool:
    for name in names:
        if not hasattr(obj, name):
            return False
        obj = getattr(obj, name)
    return True


def _docs(doc: pdoc.doc.Module | pdoc.doc.Class, owner: type | None = None) -> Iterator[
        tuple[pdoc.doc.Doc, type | None]]:
    """``(doc, the class it is a member of)`` for ``doc`` and every member defined in it, depth first."""
    yield doc, owner
    for member in doc.own_members:
        if isinstance(member, pdoc.doc.Class):
            yield from _docs(member, doc.obj if isinstance(doc, pdoc.doc.Class) else None)
        else:
            yield member, doc.obj if isinstance(doc, pdoc.doc.Class) else None


def _where(doc: pdoc.doc.Doc) -> str:
    line = doc.source_lines[0] if doc.source_lines else 0
    file = doc.source_file
    shown = file.relative_to(ROOT) if file and file.is_relative_to(ROOT) else file
    return f"{shown}:{line}: {doc.fullname}"


def broken_references(modules: dict[str, pdoc.doc.Module]) -> list[str]:
    """Cross-references in docstrings that name nothing (looked up from the class, the module, or as
    an absolute dotted path)."""
    problems, seen = [], set()
    for module in modules.values():
        for doc, owner in _docs(module):
            if doc.taken_from in seen:  # a re-export: checked where it is defined
                continue
            seen.add(doc.taken_from)
            home = sys.modules.get(doc.taken_from[0], module.obj)
            own = doc.obj if isinstance(doc, pdoc.doc.Class) else None  # a class names its own members
            scopes = [s for s in (own, owner, home) if s is not None]
            for target in REFERENCE.findall(doc.docstring):
                if target[0] in "~.":
                    problems.append(f"{_where(doc)}: pdoc shows the {target[0]!r} of {target!r}: drop it")
                elif not _resolve(target, scopes):
                    problems.append(f"{_where(doc)}: reference to {target!r} names nothing")
    return problems


def _public(doc: pdoc.doc.Doc) -> bool:
    return not doc.name.startswith("_")


def missing_docstrings(modules: dict[str, pdoc.doc.Module], package: str = PACKAGE) -> list[str]:
    """Modules without a docstring, and public classes, functions and methods of ``package.__all__``
    without one."""
    problems = [f"{_where(m)}: module without a docstring" for m in modules.values() if not m.docstring]
    top = modules[package]
    exported = [m for m in top.members.values() if m.name in getattr(top.obj, "__all__", ())]
    for doc in exported:
        members = _docs(doc) if isinstance(doc, pdoc.doc.Class) else iter([(doc, None)])
        for member, _ in members:
            callable_ = isinstance(member, pdoc.doc.Function | pdoc.doc.Class)
            if callable_ and _public(member) and not member.docstring:
                problems.append(f"{_where(member)}: no docstring")
    return problems


def build(out: Path | None = DEFAULT_OUT, package: str = PACKAGE) -> list[str]:
    """Render the reference into ``out`` (``None``: check only) and return every problem found."""
    pdoc.render.configure(docformat="restructuredtext", search=True, show_source=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        names = module_names(package)
        for name in names:
            _load_lazy_exports(name)
        modules = {name: pdoc.doc.Module.from_name(name) for name in names}
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for name, module in modules.items():
                page = out / f"{name.replace('.', '/')}.html"
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(pdoc.render.html_module(module, modules), encoding="utf-8")
            (out / "index.html").write_text(pdoc.render.html_index(modules), encoding="utf-8")
            (out / "search.js").write_text(pdoc.render.search_index(modules), encoding="utf-8")
        problems = broken_references(modules) + missing_docstrings(modules, package)
    own = str(Path(pdoc.__file__).parent)  # warnings of the libraries the package imports are not ours
    pdoc_warnings = [f"pdoc: {w.message}" for w in caught if w.filename.startswith(own)]
    return pdoc_warnings + problems


def main(argv: list[str] | None = None) -> int:
    """Write the reference; exit status 1, with the problems on stderr, if there are any."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    problems = build(out)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"wrote {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
