"""The base class of every typed configuration object (parameters, policies, overrides)."""

from __future__ import annotations

from typing import Any

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
            raise input_error(exc, type(self).__name__) from None

    # Tell pydantic this is not a custom __init__: nested validation then bypasses it and keeps
    # full error locations (and any strictness) instead of wrapping errors in value_error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


def input_error(exc: ValidationError, root: str = "") -> ModelInputError:
    """The first problem of a pydantic ``ValidationError`` as a :class:`ModelInputError`."""
    err = exc.errors()[0]
    path = ".".join(str(p) for p in err["loc"])
    key = f"{root}.{path}" if root and path else (root or path)
    ctx = err.get("ctx") or {}
    suggestion = None
    expected = None
    if err["type"] == "extra_forbidden":
        fields = exc.title and _fields_at(exc, err["loc"])
        problem = "unknown key"
        suggestion = closest(str(err["loc"][-1]), fields or [])
        expected = "one of " + ", ".join(fields) if fields else None
        got = None
    elif err["type"] == "literal_error":
        problem = "not an allowed value"
        expected = ctx.get("expected")
        got = err.get("input")
        allowed = [a.strip(" '") for a in str(expected).replace(" or ", ",").split(",")]
        suggestion = closest(str(got), allowed)
    else:
        problem = err["msg"][0].lower() + err["msg"][1:]
        got = err.get("input")
    return ModelInputError(key, problem, expected=expected, got=got, suggestion=suggestion)


def _fields_at(exc: ValidationError, loc: tuple) -> list[str]:
    """The valid keys at the parent of ``loc``, found on the model class that raised."""
    from pydantic import BaseModel as _Base

    cls = _CLASSES.get(exc.title)
    for part in loc[:-1]:
        if cls is None:
            return []
        field = cls.model_fields.get(str(part))
        if field is None:
            continue  # a list index or dict key: stay on the item type found below
        cls = _model_type(field.annotation)
    if cls is None or not issubclass(cls, _Base):
        return []
    return list(cls.model_fields)


def _model_type(annotation: Any) -> type | None:
    """The first pydantic model class inside a (possibly generic) annotation."""
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_type(arg)
        if found is not None:
            return found
    return None


class _Registry(dict):
    def __missing__(self, name: str) -> type | None:
        for cls in _all_subclasses(Config):
            if cls.__name__ == name:
                self[name] = cls
                return cls
        return None


def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_all_subclasses(sub))
    return out


_CLASSES = _Registry()
