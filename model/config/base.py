"""The base class of every typed configuration object (parameters, policies, overrides)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from model.config.fields import strip_none
from model.config.translate import input_error

_TRUTH = (bool, np.bool_)


class Config(BaseModel):
    """A frozen pydantic model whose direct construction raises :class:`model.errors.ModelInputError`.

    Nested validation (e.g. by the scenario loader) still raises pydantic's ``ValidationError``
    with the full key path; only a direct ``SomeConfig(...)`` call is translated.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc, type(self), prefix=(type(self).__name__,)) from None

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_number_swaps(cls, value: Any, info: ValidationInfo) -> Any:
        """A true/false or text is not a number and a number or text is not a true/false: pydantic's
        lax mode would read ``replications = true`` as 1, ``horizon = "40"`` as 40 and
        ``extraterritorial = 1`` as true."""
        kind = _field_kind(cls, info.field_name) if info.field_name else None
        if kind in (int, float) and isinstance(value, _TRUTH):
            raise PydanticCustomError(f"{kind.__name__}_type", "Input should be a number, not true or false")
        if kind in (int, float) and isinstance(value, (str, bytes)):  # horizon = "40"
            raise PydanticCustomError(f"{kind.__name__}_type", "Input should be a number, not text")
        if kind is bool and value is not None and not isinstance(value, _TRUTH):
            raise PydanticCustomError("bool_type", "Input should be true or false")
        return value

    # Tell pydantic this is not a custom __init__: nested validation then bypasses it and keeps
    # full error locations (and any strictness) instead of wrapping errors in value_error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


@functools.cache
def _field_kind(cls: type[Config], name: str) -> Any:
    """A field's type without ``None`` (worked out once per class and field: the check runs on every field
    of every validation, thousands of times in a sweep's preparation)."""
    return strip_none(cls.model_fields[name].annotation)
