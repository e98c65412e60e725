"""The base class of every typed configuration object (parameters, policies, overrides)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from model.config.translate import input_error


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

    # Tell pydantic this is not a custom __init__: nested validation then bypasses it and keeps
    # full error locations (and any strictness) instead of wrapping errors in value_error.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]
