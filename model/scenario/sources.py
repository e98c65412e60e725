"""Scenario files as read: the loaded file, the chain of files it ``extends``, and their merge."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.config.tables import Loc, deep_merge, depth, key_path
from model.errors import closest
from model.scenario.errors import ScenarioError

OWN_KEYS = ("name", "description", "extends")
"""Keys that describe one file and are never inherited from its parent."""

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


@dataclass(frozen=True)
class Source:
    """One file: its path (a parent's joined to its child's folder) and its data as TOML read it."""

    path: Path
    data: dict[str, Any]


@dataclass(frozen=True)
class Sources:
    """The files a scenario comes from: the loaded file first, then each parent in turn."""

    chain: tuple[Source, ...]

    @property
    def path(self) -> Path:
        return self.chain[0].path

    def merged(self) -> dict[str, Any]:
        """The scenario's data: each file's tables merged over its parent's (:func:`deep_merge`),
        with the loaded file's own ``name`` (default: the file stem), ``description`` and ``extends``."""
        data: dict[str, Any] = {}
        for source in reversed(self.chain):
            data = deep_merge(data, {k: v for k, v in source.data.items() if k not in OWN_KEYS})
        own = self.chain[0].data
        return {"name": self.path.stem, **{k: own[k] for k in OWN_KEYS if k in own}, **data}

    def file_for(self, loc: Loc) -> str:
        """The file that set the value at ``loc``: the one whose tables reach deepest along it,
        the loaded file on a tie (arrays count as values: a child's array replaces its parent's)."""
        if loc and loc[0] in OWN_KEYS:
            return str(self.path)
        return str(max(self.chain, key=lambda source: depth(source.data, loc)).path)


def read_sources(path: str | Path) -> Sources:
    """Read ``path`` and every file it ``extends``, each relative to the file naming it."""
    chain = [Source(Path(path), read_toml(Path(path)))]
    while (parent := chain[-1].data.get("extends")) is not None:
        child = chain[-1].path
        if not isinstance(parent, str):
            raise ScenarioError(child, "extends", "wrong type",
                                expected="a path to a scenario file, as a string", got=parent)
        target = child.parent / parent
        if _same_file(target, [source.path for source in chain]):
            cycle = " -> ".join(str(s.path) for s in chain) + f" -> {target}"
            raise ScenarioError(child, "extends", f"circular extends ({cycle})",
                                expected="a chain of files that ends", got=parent)
        if not _is_file(target):
            siblings = [p.name for p in child.parent.glob("*.toml")]
            raise ScenarioError(child, "extends", "file not found",
                                expected=f"a scenario file relative to {child.parent}", got=parent,
                                suggestion=closest(parent, siblings))
        chain.append(Source(target, read_toml(target)))
    return Sources(tuple(chain))


def read_toml(path: Path) -> dict[str, Any]:
    """One file's tables; any failure to read them is a :class:`ScenarioError` naming the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, ValueError) as exc:  # a folder, no permission, a NUL byte in the name...
        reason = getattr(exc, "strerror", None) or exc
        raise ScenarioError(path, "", f"cannot read the file ({reason})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, "", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, str(exc), text) from None
    except RecursionError:
        raise ScenarioError(path, "", "invalid TOML: arrays or tables nested too deeply") from None
    for loc, value in _numbers(data):
        if not math.isfinite(value):
            raise ScenarioError(path, key_path(loc), "not a finite number",
                                expected="a finite number", got=value)
    return data


def _same_file(path: Path, others: list[Path]) -> bool:
    try:
        return any(path.resolve() == other.resolve() for other in others)
    except (OSError, ValueError):  # a name the OS cannot hold (NUL byte, too long)
        return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _syntax_error(path: Path, message: str, text: str) -> ScenarioError:
    """tomllib's message, with its position as ``line L, column C`` in the key slot."""
    found = _POSITION.search(message)
    if found and found.group(1):
        line, column = int(found.group(1)), int(found.group(2))
    else:  # at end of document
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    problem = _POSITION.sub("", message)
    problem = problem[:1].lower() + problem[1:]
    return ScenarioError(path, f"line {line}, column {column}", f"invalid TOML: {problem}")


def _numbers(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, float]]:
    """Every float in ``data`` with its key path."""
    if isinstance(data, float):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _numbers(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _numbers(value, (*loc, index))
