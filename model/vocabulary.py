"""The fixed vocabulary of the model: items, capability layers and acquisition routes."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Literal

Item = Literal["camera", "algorithm_1n", "algorithm_11", "training_data"]
ITEMS: tuple[str, ...] = ("camera", "algorithm_1n", "algorithm_11", "training_data")
"""What vendors sell. ``algorithm_11`` (1:1 verification) only enters capability by conversion."""

LAYERS: tuple[str, ...] = ("camera", "algorithm_1n", "training_data")
"""The three layers of a 1:N system: what regimes demand and what capability aggregates."""

CONTROLLABLE_LAYERS: tuple[str, ...] = LAYERS
"""The items IBM asked to control (its comment to BIS, 11 Sept 2020); the default control list."""

@dataclass(frozen=True)
class Route:
    """An acquisition route: its name (in column names), its label (in figures) and its meaning. Its
    tagging rule is the one place in the market that claims it with :func:`tagged_by`."""

    name: str
    label: str
    meaning: str


ROUTE_DECLARATIONS: tuple[Route, ...] = (
    Route("legal", "legal (licensed or uncontrolled)", "a sale no control required a licence for, or a licensed one"),
    Route("foreign_availability", "foreign availability",
          "a sale by a vendor of a country that does not control it, to a destination others control"),
    Route("transshipment", "transshipment via hubs", "a controlled sale that passed a transit hub undetected"),
    Route("extraterritorial_gap", "extraterritorial gap",
          "a foreign vendor's sale that US rules would reach but for its US content below the threshold"),
    Route("illicit", "illicit (enforcement failure)", "a controlled direct sale that enforcement failed to stop"),
    Route("conversion", "1:1 converted to 1:N", "1:1 verification software converted to 1:N identification"),
    Route("public_copies", "public dataset copies", "training data from persistent public copies of face datasets"),
    Route("domestic", "domestic industry", "the regime's own industry"),
    Route("home_market", "home market (vendor's own country)",
          "a vendor selling in its own home country, which is not an export (never blocked, never leakage)"),
)
"""Every route, declared once (docs/ODD.md, 7.7)."""

ROUTES: tuple[str, ...] = tuple(route.name for route in ROUTE_DECLARATIONS)
"""Every unit acquired is tagged with exactly one of these routes (docs/ODD.md, 7.7). ``home_market``:
a vendor selling in its own home country, which is not an export (never blocked, never leakage)."""

ROUTE_RULES: dict[str, str] = {}
"""Route -> where its tagging rule is (filled by :func:`tagged_by` as the market's modules load)."""


def declare_route(route: Route) -> None:
    """Declare ``route`` from outside the package (an extension), after the shipped routes. Arrays,
    column names and metrics are sized by :data:`ROUTES` as their modules load, so this is refused
    once any module has taken the routes (declare before importing anything but this module);
    claim the route with a tagging rule (:func:`model.market.access.retag`): a model refuses to run
    with a route no rule claims (:func:`check_routes_claimed`)."""
    global ROUTE_DECLARATIONS, ROUTES, ROUTE_INDEX  # noqa: PLW0603 (rebound before any module takes them)
    if not route.name.isidentifier() or route.name in ROUTES:
        raise ValueError(f"route {route.name!r} is already declared or is not a name (letters, digits, _)")
    taken = sorted(name for name, module in list(sys.modules.items()) if name.startswith("model.") and name != __name__
                   and any(getattr(module, held, None) is globals()[held] for held in _ROUTE_TABLES))
    if taken or ROUTE_RULES:
        raise ValueError(f"route {route.name!r} is declared after {', '.join(taken) or 'the market'} took the "
                         "routes: declare routes before importing anything of the model but model.vocabulary")
    ROUTE_DECLARATIONS = (*ROUTE_DECLARATIONS, route)
    ROUTES = tuple(declared.name for declared in ROUTE_DECLARATIONS)
    ROUTE_INDEX = {name: k for k, name in enumerate(ROUTES)}


def check_routes_claimed() -> None:
    """Refuse routes that no tagging rule claims (a declared route nothing tags: its columns would
    stay zero without a word)."""
    unclaimed = [route for route in ROUTES if route not in ROUTE_RULES]
    if unclaimed:
        raise ValueError(f"route {unclaimed[0]!r} is declared but no tagging rule claims it: claim it in the "
                         "market with model.vocabulary.tagged_by (or model.market.access.retag)")


def tagged_by(route: str, rule: str) -> int:
    """Claim ``route`` for the tagging rule ``rule`` (module and what it tags) and return the route's
    index. An undeclared route, or one claimed twice, is refused here, at import; a route no rule
    claims, when a model is built (:func:`check_routes_claimed`)."""
    if route not in ROUTES:
        raise ValueError(f"tagging rule {rule!r} claims route {route!r}, which model.vocabulary.ROUTE_DECLARATIONS "
                         f"does not declare (one of {', '.join(ROUTES)})")
    if ROUTE_RULES.get(route, rule) != rule:
        raise ValueError(f"route {route!r} is claimed by two tagging rules: {ROUTE_RULES[route]!r} and {rule!r}")
    ROUTE_RULES[route] = rule
    return ROUTES.index(route)


_ROUTE_TABLES = ("ROUTE_DECLARATIONS", "ROUTES", "ROUTE_INDEX")
"""What :func:`declare_route` extends: a module holding one of them has taken the routes."""

ITEM_INDEX = {name: i for i, name in enumerate(ITEMS)}
LAYER_INDEX = {name: i for i, name in enumerate(LAYERS)}
ROUTE_INDEX = {name: i for i, name in enumerate(ROUTES)}
LAYER_ITEM = tuple(ITEM_INDEX[layer] for layer in LAYERS)
"""For each layer, the index of the item that serves it directly."""
