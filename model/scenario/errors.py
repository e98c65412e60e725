"""The one exception of scenario loading: a :class:`ModelInputError` that also names the file."""

from __future__ import annotations

from pathlib import Path

from model.config.tables import toml_value
from model.errors import ModelInputError

_SHOWN = 60
"""Longest rendering of a bad value in a message; longer ones are cut."""


class ScenarioError(ModelInputError):
    """Bad scenario input. ``file`` is the file the bad key is in (a parent's when it was
    inherited), ``<scenario NAME>`` for a scenario built in Python or ``<resolved scenario NAME>``
    for :meth:`model.scenario.Scenario.from_resolved`; ``key`` is a key path such as
    ``policies.national[0].enforcement`` (empty when the whole file is at fault).

    ``str(err)`` is one line: ``<file>: <key>: <problem> (expected ..., got ...); did you mean 'X'?``
    with ``got`` written as TOML.
    """

    def __init__(
        self,
        file: str | Path,
        key: str,
        problem: str,
        *,
        expected: str | None = None,
        got: object = None,
        suggestion: str | None = None,
    ) -> None:
        self.file = str(file)
        super().__init__(key, problem, expected=expected, got=got, suggestion=suggestion)

    @classmethod
    def of(cls, file: str | Path, err: ModelInputError) -> ScenarioError:
        """``err`` located in ``file``."""
        return cls(file, err.key, err.problem, expected=err.expected, got=err.got, suggestion=err.suggestion)

    def location(self) -> str:
        return f"{self.file}: {self.key}" if self.key else self.file

    def show(self, value: object) -> str:
        """A bad value as it would be written in TOML, cut to a readable length."""
        try:
            text = toml_value(value)
        except TypeError:
            text = repr(value)
        return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
