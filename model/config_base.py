"""The base class of every typed configuration object (parameters, policies, overrides)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from model.errors import ModelInputError, closest


class Config(BaseModel):
    """A frozen pydantic model whose direct construction raises :class:`ModelInputError`.

    Nested validation (e.g. by the scenario loader) still raises pydantic's ``ValidationError``
    with the full key path; only a direct ``SomeConfig(...)`` call is translated.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc, type(self)) from None

    # Tell pydantic this is not a custom __init__: nested validation then bypasses it and keeps
    # full error locations (and any strictness) instead of wrapping errors in value_error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``: tables merge key by key; any other value, arrays and arrays
    of tables included, replaces the base value whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def input_error(exc: ValidationError, model: type[BaseModel] | None = None) -> ModelInputError:
    """The first problem of a pydantic ``ValidationError`` as a :class:`ModelInputError`; the key
    path starts with ``model``'s name when given (which also lets unknown keys get suggestions)."""
    err = exc.errors()[0]
    loc = err["loc"]
    path = ".".join(str(p) for p in loc)
    key = ".".join(part for part in (model.__name__ if model else "", path) if part)
    ctx = err.get("ctx") or {}
    if err["type"] == "extra_forbidden":
        fields = _fields_at(model, loc[:-1])
        return ModelInputError(key, "unknown key", expected="one of " + ", ".join(fields) if fields else None,
                               suggestion=closest(str(loc[-1]), fields))
    if err["type"] == "literal_error":
        expected = ctx.get("expected")
        allowed = [a.strip(" '") for a in str(expected).replace(" or ", ",").split(",")]
        return ModelInputError(key, "not an allowed value", expected=expected, got=err.get("input"),
                               suggestion=closest(str(err.get("input")), allowed))
    return ModelInputError(key, err["msg"][0].lower() + err["msg"][1:], got=err.get("input"))


def _fields_at(model: type[BaseModel] | None, parents: tuple) -> list[str]:
    """The valid keys of the (nested) model at ``parents`` below ``model``."""
    for part in parents:
        if model is None:
            return []
        field = model.model_fields.get(str(part))
        if field is not None:  # else a list index or dict key: stay on the item type
            model = _model_type(field.annotation)
    return list(model.model_fields) if model is not None else []


def _model_type(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model class inside a (possibly generic) annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_type(arg)
        if found is not None:
            return found
    return None
