"""The one translator from pydantic's validation errors to :class:`model.errors.ModelInputError`,
in TOML terms: used by direct construction (``Config.__init__``) and by every file reader alike."""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from model.config.fields import Site, locate, range_text, strip_none, type_text
from model.config.tables import Loc, key_path
from model.errors import ModelInputError, closest

_LISTED_KEYS = 16
"""Unknown-key messages list the valid keys when there are at most this many."""

_RANGE_ERRORS = frozenset(
    {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number"}
)


def translate(exc: ValidationError, root: type[BaseModel], prefix: Loc = ()) -> tuple[Loc, ModelInputError]:
    """The first problem in ``exc`` (raised validating ``root``): its key path below ``root`` and the
    error, whose key is that path after ``prefix``.

    What was expected is named from the field's type, so a union (``start = 'soon'`` is neither a
    step nor a date) gives one message rather than one per alternative.
    """
    loc, err = _flatten(exc)[0]
    site = locate(root, loc)
    return site.loc, _describe(site, err, prefix)


def input_error(exc: ValidationError, root: type[BaseModel], prefix: Loc = ()) -> ModelInputError:
    """:func:`translate`'s error alone (``prefix``: e.g. the model's name for direct construction)."""
    return translate(exc, root, prefix)[1]


def _flatten(exc: ValidationError, prefix: Loc = ()) -> list[tuple[Loc, ErrorDetails]]:
    """Every error with its full key path.

    ``model.config.base.Config.__init__`` turns a nested model's ``ValidationError`` into a
    ``ModelInputError`` that pydantic reports as a ``value_error`` of the enclosing table; the
    original errors are that exception's ``__context__``, so they are followed back here.
    """
    out: list[tuple[Loc, ErrorDetails]] = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        cause = (err.get("ctx") or {}).get("error")
        inner = cause.__context__ if isinstance(cause, ModelInputError) else None
        if isinstance(inner, ValidationError):
            out += _flatten(inner, loc)
        else:
            out.append((loc, err))
    return out


def _describe(site: Site, err: ErrorDetails, prefix: Loc) -> ModelInputError:
    key, kind, got = key_path(prefix + site.loc), err["type"], err.get("input")
    if kind == "extra_forbidden":
        valid = list(site.owner.model_fields) if site.owner else []
        expected = (
            "one of " + ", ".join(valid) if len(valid) <= _LISTED_KEYS
            else f"one of the {len(valid)} keys listed in docs/scenarios.md"
        )
        return ModelInputError(key, "unknown key", expected=expected,
                               suggestion=closest(str(site.loc[-1]), valid))
    if kind == "missing":
        return ModelInputError(key, "required key is missing", expected=_expected(site))
    if kind == "literal_error":
        annotation = strip_none(site.annotation)
        allowed = [str(a) for a in get_args(annotation)] if get_origin(annotation) is Literal else []
        return ModelInputError(key, "not an allowed value", expected=_expected(site), got=got,
                               suggestion=closest(str(got), allowed))
    if kind in _RANGE_ERRORS:
        bounds = range_text(site.field) or err["msg"].removeprefix("Input should be ")
        return ModelInputError(key, "out of range", expected=f"{_expected(site)} {_in(bounds)}", got=got)
    if kind == "too_short":  # an empty array where one entry is needed
        least = (err.get("ctx") or {}).get("min_length", 1)
        return ModelInputError(key, "too few entries", expected=f"{_expected(site)} of at least {least}",
                               got=got if isinstance(got, list) and not got else None)
    if _is_type_error(kind):
        return ModelInputError(key, "wrong type", expected=_expected(site), got=got)
    if kind in ("value_error", "assertion_error"):
        cause = (err.get("ctx") or {}).get("error")
        return ModelInputError(key, str(cause) if cause else err["msg"], got=_scalar(got))
    return ModelInputError(key, err["msg"][:1].lower() + err["msg"][1:], got=_scalar(got))


def _is_type_error(kind: str) -> bool:
    return "_type" in kind or "_parsing" in kind or kind.startswith(("int_from_", "date_from_", "is_instance_of"))


def _expected(site: Site) -> str:
    return type_text(site.annotation, article=True) if site.annotation is not None else "a value"


def _in(bounds: str) -> str:
    return f"in {bounds}" if bounds[0] in "[(" else bounds


def _scalar(value: Any) -> Any:
    """``value`` unless it is a whole table or array (already named by the key path)."""
    return None if isinstance(value, (dict, list)) else value
