"""Layer 4: the market — access under controls, the logit split and route accounting."""

from model.market.access import Access, StateAccess, free_access, resolve_access, state_access
from model.market.draws import Draws
from model.market.kernel import (
    Allocation,
    Market,
    Procurement,
    RoutePrices,
    procure,
    route_prices,
)
from model.market.options import OptionLayout

__all__ = [
    "Access",
    "Allocation",
    "Draws",
    "Market",
    "OptionLayout",
    "Procurement",
    "RoutePrices",
    "StateAccess",
    "free_access",
    "procure",
    "resolve_access",
    "route_prices",
    "state_access",
]
