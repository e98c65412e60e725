"""The fixed vocabulary of the model: items, capability layers and acquisition routes."""

from __future__ import annotations

from typing import Literal

Item = Literal["camera", "algorithm_1n", "algorithm_11", "training_data"]
ITEMS: tuple[str, ...] = ("camera", "algorithm_1n", "algorithm_11", "training_data")
"""What vendors sell. ``algorithm_11`` (1:1 verification) only enters capability by conversion."""

LAYERS: tuple[str, ...] = ("camera", "algorithm_1n", "training_data")
"""The three layers of a 1:N system: what regimes demand and what capability aggregates."""

CONTROLLABLE_LAYERS: tuple[str, ...] = LAYERS
"""The items IBM asked to control (its comment to BIS, 11 Sept 2020); the default control list."""

ROUTES: tuple[str, ...] = (
    "legal",
    "foreign_availability",
    "transshipment",
    "extraterritorial_gap",
    "illicit",
    "conversion",
    "public_copies",
    "domestic",
    "home_market",
)
"""Every unit acquired is tagged with exactly one of these routes (docs/ODD.md, 7.7). ``home_market``:
a vendor selling in its own home country, which is not an export (never blocked, never leakage)."""

ITEM_INDEX = {name: i for i, name in enumerate(ITEMS)}
LAYER_INDEX = {name: i for i, name in enumerate(LAYERS)}
ROUTE_INDEX = {name: i for i, name in enumerate(ROUTES)}
LAYER_ITEM = tuple(ITEM_INDEX[layer] for layer in LAYERS)
"""For each layer, the index of the item that serves it directly."""
