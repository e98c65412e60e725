"""Scenario files as read: the loaded file, the chain of files it ``extends``, and their merge."""

from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.config.tables import Loc, deep_merge, depth, key_path
from model.errors import closest
from model.limits import MAX_EXTENDS, MAX_FILE_BYTES, MAX_NESTING
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
        if len(chain) > MAX_EXTENDS:
            raise ScenarioError(child, "extends", f"more than {MAX_EXTENDS} files extend one another",
                                expected="a shorter chain of files", got=parent)
        if target.is_dir():  # "", "." or a folder's name: the error is the naming file's
            raise ScenarioError(child, "extends", "names a folder, not a file",
                                expected=f"a scenario file relative to {child.parent}", got=parent)
        if not _exists(target):
            siblings = [p.name for p in child.parent.glob("*.toml")]
            raise ScenarioError(child, "extends", "file not found",
                                expected=f"a scenario file relative to {child.parent}", got=parent,
                                suggestion=closest(parent, siblings))
        chain.append(Source(target, read_toml(target)))
    return Sources(tuple(chain))


def read_toml(path: Path) -> dict[str, Any]:
    """One file's tables; any failure to read them is a :class:`ScenarioError` naming the file.

    Only a regular file is read (a named pipe would wait forever for a writer, a device such as
    ``/dev/zero`` never ends), of at most :data:`model.limits.MAX_FILE_BYTES`, with tables and arrays
    nested at most :data:`model.limits.MAX_NESTING` deep.
    """
    raw = _read_regular(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, "", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, str(exc), text) from None
    except RecursionError:
        data = None
    if data is None or (deep := _too_deep(data)) is not None:
        where = f" (at {key_path(deep)[:60]}...)" if data is not None and deep else ""
        raise ScenarioError(path, "", f"invalid TOML: arrays or tables nested too deeply{where}",
                            expected=f"at most {MAX_NESTING} levels")
    for loc, value in _numbers(data):
        if not math.isfinite(value):
            raise ScenarioError(path, key_path(loc), "not a finite number",
                                expected="a finite number", got=value)
    return data


def _read_regular(path: Path) -> bytes:
    """The bytes of the regular file ``path`` (opened without waiting, so a named pipe is refused
    rather than waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (OSError, ValueError) as exc:  # a NUL byte in the name, no permission, a symlink loop...
        raise ScenarioError(path, "", f"cannot read the file ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else \
                "a device or socket"
            raise ScenarioError(path, "", f"not a regular file ({kind})", expected="a TOML file")
        with os.fdopen(os.dup(fd), "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read the file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(path, "", "file too large", expected=f"at most {MAX_FILE_BYTES // 2**20} MB")
    return raw


def _too_deep(data: dict[str, Any]) -> Loc | None:
    """The key path of a value nested more than :data:`MAX_NESTING` deep in ``data``, or None
    (walked without recursion, so any depth is safe to look at)."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if len(loc) > MAX_NESTING:
            return loc
        if isinstance(value, dict):
            stack.extend(((*loc, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in enumerate(value))
    return None


def _same_file(path: Path, others: list[Path]) -> bool:
    try:
        return any(path.resolve() == other.resolve() for other in others)
    except (OSError, ValueError, RuntimeError):  # a name the OS cannot hold (NUL byte, too long), a link loop
        return False


def _exists(path: Path) -> bool:
    """Whether anything (a file, a folder, a broken or looping link) has the name ``path``."""
    try:
        return os.path.lexists(path)
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
