"""The project's own error type for bad input, with did-you-mean suggestions."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


class ModelInputError(ValueError):
    """Bad input to the model: an unknown name or a value out of range.

    ``key`` is where the bad value sits (a dotted path), ``expected`` what was wanted,
    ``got`` what was found. ``str(error)`` is one line that names all of them.
    """

    def __init__(
        self,
        key: str,
        problem: str,
        *,
        expected: str | None = None,
        got: object = None,
        suggestion: str | None = None,
    ) -> None:
        self.key = key
        self.problem = problem
        self.expected = expected
        self.got = got
        self.suggestion = suggestion
        super().__init__(self.message())

    def location(self) -> str:
        """Where the problem is (subclasses may prefix a file)."""
        return self.key

    def show(self, value: object) -> str:
        """How a bad value is written in the message."""
        return repr(value)

    def message(self) -> str:
        """The one-line description: ``where: problem (expected ..., got ...); did you mean ...?``."""
        where = self.location()
        text = f"{where}: {self.problem}" if where else self.problem
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.got is not None:
            details.append(f"got {self.show(self.got)}")
        if details:
            text += f" ({', '.join(details)})"
        if self.suggestion:
            text += f"; did you mean {self.suggestion}?"
        return " ".join(text.splitlines())  # always one line


def closest(name: str, valid: Iterable[str], n: int = 3) -> str | None:
    """The valid names closest to ``name``, quoted and joined, or None when nothing is close."""
    target = str(name).lower()

    def score(candidate: str) -> tuple[float, int]:
        lowered = candidate.lower()
        ratio = difflib.SequenceMatcher(None, target, lowered).ratio()
        if sorted(lowered) == sorted(target):  # same letters, swapped: the likeliest typo
            ratio = max(ratio, 0.95)
        prefix = len(os.path.commonprefix([target, lowered]))  # noqa: RUF071 - a character prefix is meant
        return ratio, prefix

    candidates = dict.fromkeys(valid)  # unique, in the caller's order (ties keep it: stable sort)
    scored = sorted(((score(v), v) for v in candidates), key=lambda pair: pair[0], reverse=True)
    matches = [v for (ratio, _), v in scored if ratio >= 0.6][:n]
    return " or ".join(repr(m) for m in matches) if matches else None


def check_name(name: str, valid: Iterable[str], key: str, kind: str) -> str:
    """Return ``name`` if it is one of ``valid``; otherwise raise with the closest valid names."""
    valid = list(valid)
    if name in valid:
        return name
    raise ModelInputError(
        key,
        f"unknown {kind}",
        expected=f"one of {len(valid)} known {kind} names" if len(valid) > 8 else " / ".join(valid),
        got=name,
        suggestion=closest(name, valid),
    )
