"""Routes as units: each route is declared once (name, label, meaning) in model.vocabulary and claimed
by exactly one tagging rule of the market; the figures' labels come from the declaration (a rule for an undeclared
route, or a second rule for one, is refused: tests/test_extension_refused.py)."""

from __future__ import annotations

import model.market  # noqa: F401  (loads every tagging rule)
from model.analysis.plots import ROUTE_LABELS
from model.vocabulary import ROUTE_DECLARATIONS, ROUTE_RULES, ROUTES


def test_every_declared_route_has_exactly_one_tagging_rule():
    assert len(set(ROUTES)) == len(ROUTES)
    missing = [route for route in ROUTES if route not in ROUTE_RULES]
    assert not missing, f"routes without a tagging rule (claim them with model.vocabulary.tagged_by): {missing}"
    assert set(ROUTE_RULES) == set(ROUTES)


def test_labels_and_meanings_come_from_the_declaration():
    assert {route.name: route.label for route in ROUTE_DECLARATIONS} == ROUTE_LABELS
    assert all(route.label and route.meaning for route in ROUTE_DECLARATIONS)
