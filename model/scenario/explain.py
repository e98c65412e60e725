"""Pydantic's validation errors, explained as one :class:`ScenarioError` naming its file."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ValidationError

from model.config.tables import Loc
from model.config.translate import translate
from model.scenario.errors import ScenarioError


def explain(exc: ValidationError, root: type[BaseModel], file_for: Callable[[Loc], str]) -> ScenarioError:
    """The first problem in ``exc`` (raised validating ``root``), located by ``file_for(key path)``."""
    loc, error = translate(exc, root)
    return ScenarioError.of(file_for(loc), error)
