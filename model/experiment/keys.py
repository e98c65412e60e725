"""Key paths into a resolved scenario, with list entries chosen by index or by name.

``policies.national[0].enforcement`` and ``policies.national[USA].enforcement`` name the same value
when the first national control's ``jurisdiction`` is USA; ``policies.agreements[wassenaar]``
matches the agreement whose ``name`` is wassenaar; ``world.vendors[Clearview AI].compliance``
selects a table entry whose key has a space in it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_origin

from model.config.fields import is_model, locate, strip_none
from model.config.tables import Loc, key_path
from model.errors import ModelInputError, closest
from model.scenario.schema import Scenario

NAME_FIELDS = ("name", "jurisdiction", "country", "vendor")
"""Fields that name a list entry, tried in this order: agreements by ``name``, national controls and
data-access controls by ``jurisdiction``, agreement members by ``country``, restraints by ``vendor``."""

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\]]*\])*)")
_SELECTOR = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class Name:
    """A list entry (or table key) chosen by name, written ``[name]``."""

    text: str


Part = str | int | Name


def parse(text: str) -> tuple[Part, ...]:
    """``'policies.national[USA].enforcement'`` ->
    ``('policies', 'national', Name('USA'), 'enforcement')``."""
    parts: list[Part] = []
    for segment in text.split("."):
        found = _SEGMENT.fullmatch(segment)
        if not found:
            raise ModelInputError(text, "malformed key path", expected="keys joined by '.', list entries "
                                  "as [index] or [name], e.g. policies.national[USA].enforcement")
        parts.append(found.group(1).strip())
        for raw in _SELECTOR.findall(found.group(2)):
            selector = raw.strip().strip("'\"")
            if not selector:
                raise ModelInputError(text, "empty [] in key path", expected="[index] or [name]")
            parts.append(int(selector) if selector.isdigit() else Name(selector))
    return tuple(parts)


def resolve(data: Mapping[str, Any], text: str) -> Loc:
    """The concrete key path (names replaced by indices) that ``text`` names in the resolved
    scenario ``data``. Entries of tables of values (``world.hubs``, ``world.countries``...) need not
    exist yet; every other key must. Raises :class:`ModelInputError` with the closest valid names."""
    loc: list[str | int] = []
    node: Any = data
    for part in parse(text):
        here = key_path(tuple(loc)) or "the scenario"
        if node is None:
            raise ModelInputError(text, f"{here} is unset in the base scenario",
                                  expected=f"a base scenario (or [scenario] table) that sets {here}")
        if isinstance(node, list):
            index = _index(node, part, text, here)
            loc.append(index)
            node = node[index]
        elif isinstance(node, Mapping):
            key = part.text if isinstance(part, Name) else part
            if not isinstance(key, str):
                raise ModelInputError(text, f"{here} is a table, not a list", expected="a key, not an index",
                                      got=key)
            valid = _keys(tuple(loc), node)
            if valid is not None and key not in valid:
                raise ModelInputError(text, f"{here} has no key {key!r}", suggestion=closest(key, valid))
            loc.append(key)
            node = node.get(key, {})
        else:
            raise ModelInputError(text, f"{here} is a single value, not a table or list", got=str(part))
    return tuple(loc)


def with_values(data: Mapping[str, Any], values: Mapping[Loc, Any]) -> dict[str, Any]:
    """``data`` with each value set at its concrete key path (missing map entries made). The maps and
    lists on those paths are new; the rest is shared with ``data``, which is left as it was (a sweep
    makes one of these per point: copying the whole scenario each time cost as much as checking it)."""
    out = dict(data)
    copied = {id(out)}  # the containers made here, safe to change
    for loc, value in values.items():
        node: Any = out
        for part in loc[:-1]:
            if isinstance(node, dict) and part not in node:
                child: Any = {}
            else:
                child = node[part]
                if id(child) not in copied:
                    child = dict(child) if isinstance(child, dict) else list(child)
            copied.add(id(child))
            node[part] = child
            node = child
        node[loc[-1]] = value
    return out


def _index(entries: list, part: Part, text: str, here: str) -> int:
    """The position in ``entries`` of the entry ``part`` names."""
    if isinstance(part, int):
        if part >= len(entries):
            raise ModelInputError(text, f"no entry [{part}] in {here}",
                                  expected=f"an index from 0 to {len(entries) - 1}" if entries else
                                  "a base scenario with entries there")
        return part
    if not isinstance(part, Name):
        raise ModelInputError(text, f"{here} is a list", expected="[index] or [name] after it", got=part)
    tables = entries and all(isinstance(e, Mapping) for e in entries)
    field = next((f for f in NAME_FIELDS if tables and all(f in e for e in entries)), None)
    names = [str(e[field]) for e in entries] if field else []
    matches = [i for i, name in enumerate(names) if name == part.text]
    if len(matches) > 1:
        raise ModelInputError(text, f"{len(matches)} entries of {here} have {field} {part.text!r}",
                              expected="an index: " + " or ".join(f"[{i}]" for i in matches))
    if not matches:
        expected = (f"the {field} of an entry: " + ", ".join(names) if names
                    else "an index" if entries else "a base scenario with entries there")
        raise ModelInputError(text, f"no entry named {part.text!r} in {here}", expected=expected,
                              suggestion=closest(part.text, names))
    return matches[0]


def _keys(loc: Loc, node: Mapping[str, Any]) -> list[str] | None:
    """The keys the table at ``loc`` may hold: its schema's fields, or None for a table of free
    names (``world.hubs``: new entries allowed); the keys present when the schema does not say."""
    annotation = strip_none(locate(Scenario, loc).annotation)
    if is_model(annotation):
        return list(annotation.model_fields)
    if get_origin(annotation) is dict:
        return None
    return list(node)
