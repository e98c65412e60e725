"""Layer 4: the market — access under controls, the logit split and route accounting."""

from model.market.access import Access, Diversions, Draws, best_diversions, free_access, resolve_access
from model.market.kernel import (
    Allocation,
    Market,
    Procurement,
    RoutePrices,
    procure,
    route_prices,
    route_sums,
)
from model.market.options import OptionLayout

__all__ = [
    "Access",
    "Allocation",
    "Diversions",
    "Draws",
    "Market",
    "OptionLayout",
    "Procurement",
    "RoutePrices",
    "best_diversions",
    "free_access",
    "procure",
    "resolve_access",
    "route_prices",
    "route_sums",
]
