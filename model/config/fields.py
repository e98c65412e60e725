"""Reading the schema: where a key path leads in the pydantic models, and their types and ranges
in TOML terms (for error messages and the generated reference)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.config.tables import Loc, toml_value

_NOUNS = {bool: "boolean", int: "integer", float: "number", str: "string", dt.date: "date"}


@dataclass(frozen=True)
class Site:
    """What a key path names in the schema."""

    loc: Loc  # the key path, without pydantic's union-member tags
    owner: type[BaseModel] | None  # the model whose key the last part is (None inside arrays and maps)
    field: FieldInfo | None  # that key's field (None for an unknown key)
    annotation: Any  # the type expected there (None for an unknown key)


def locate(root: type[BaseModel], loc: Loc) -> Site:
    """Follow ``loc`` (as pydantic reports it) from the ``root`` model down the field types."""
    annotation: Any = root
    owner: type[BaseModel] | None = None
    field: FieldInfo | None = None
    path: list[str | int] = []
    for part in loc:
        annotation = strip_none(annotation)
        origin = get_origin(annotation)
        if is_model(annotation):
            owner, field = annotation, annotation.model_fields.get(str(part))
            annotation = field.annotation if field else None
        elif origin is list and isinstance(part, int):
            owner, field, annotation = None, None, get_args(annotation)[0]
        elif origin is dict:
            owner, field, annotation = None, None, get_args(annotation)[1]
        else:
            continue  # the tag pydantic adds for a member of a union: not a key
        path.append(part)
    return Site(tuple(path), owner, field, annotation)


def type_text(annotation: Any, article: bool = False) -> str:
    """``annotation`` named for a TOML writer: 'number', 'array of strings', 'step number or date'..."""
    annotation = strip_none(annotation)
    args = get_args(annotation)
    if set(args) == {int, dt.date}:
        return "a step number or a date" if article else "step number or date"
    if get_origin(annotation) is Literal:
        return ("one of " if article else "") + " / ".join(toml_value(a) for a in args)
    if _is_union(annotation):
        return " or ".join(type_text(a, article) for a in args)
    if get_origin(annotation) is list:
        item = args[0]
        noun = f"array of {type_text(item) if get_origin(item) is Literal else _plural(item)}"
    elif get_origin(annotation) is dict:
        noun = f"table of {_plural(args[1])} by name"
    elif is_model(annotation):
        noun = "table"
    else:
        noun = _NOUNS.get(annotation, getattr(annotation, "__name__", str(annotation)))
    if not article:
        return noun
    if noun == "boolean":
        return "true or false"
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def range_text(field: FieldInfo | None) -> str:
    """The bounds of a numeric field: '[0, 1]', '>= 0', '(0, 1)'... ('' when unbounded)."""
    low = high = None
    for bound in _bounds(field):
        if isinstance(bound, at.Ge):
            low = f"[{_bound(bound.ge)}"
        elif isinstance(bound, at.Gt):
            low = f"({_bound(bound.gt)}"
        elif isinstance(bound, at.Le):
            high = f"{_bound(bound.le)}]"
        elif isinstance(bound, at.Lt):
            high = f"{_bound(bound.lt)})"
    if low and high:
        return f"{low}, {high}"
    if low:
        return (">= " if low[0] == "[" else "> ") + low[1:]
    if high:
        return ("<= " if high[-1] == "]" else "< ") + high[:-1]
    return ""


def _bounds(field: FieldInfo | None) -> list[Any]:
    """A field's constraints, or those of the ``Annotated`` type inside an optional field (``X | None``)."""
    if field is None:
        return []
    inner = [m for a in get_args(field.annotation) if get_origin(a) is Annotated for m in get_args(a)[1:]]
    return [*field.metadata, *(c for m in inner for c in (m.metadata if isinstance(m, FieldInfo) else [m]))]


def _bound(value: Any) -> str:
    """A bound as written in a file: numbers short (``0.01``, ``1e+06``), whole numbers and dates in full."""
    return f"{value:g}" if isinstance(value, float) else toml_value(value)


def strip_none(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (and ``X | Y | None`` -> ``X | Y``; ``Annotated[X, ...]`` -> ``X``)."""
    if get_origin(annotation) is Annotated:
        return get_args(annotation)[0]
    if not _is_union(annotation):
        return annotation
    args = [strip_none(a) for a in get_args(annotation) if a is not type(None)]
    return functools.reduce(operator.or_, args) if len(args) > 1 else args[0]


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _plural(annotation: Any) -> str:
    noun = type_text(annotation)
    return noun if noun.endswith("s") else noun + "s"
