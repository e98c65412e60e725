"""Ending a Mesa model's life: what a process that builds many models calls when one is finished."""

from __future__ import annotations

import mesa


def release(model: mesa.Model) -> None:
    """Drop Mesa's reference to a finished model (Mesa < 3.4.2 keeps every model alive through
    ``Agent._ids``), so processes that build many models do not grow without bound."""
    mesa.Agent._ids.pop(model, None)


def dispose(model: mesa.Model) -> None:
    """Free a finished model at once: :func:`release`, then drop its state (it is unusable after).
    A Mesa model sits in reference cycles (its wrapped ``step``, its agents) that only Python's cyclic
    collector breaks, so a process running many models would otherwise hold dozens of finished ones,
    about 3 MB each, until the next full collection."""
    release(model)
    model.__dict__.clear()
