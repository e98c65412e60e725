"""Layer 4: the market — access under controls, the logit split and route accounting."""

from model.market.access import Access, Draws, free_access, resolve_access
from model.market.kernel import Allocation, Market, Procurement, procure, route_sums

__all__ = [
    "Access",
    "Allocation",
    "Draws",
    "Market",
    "Procurement",
    "free_access",
    "procure",
    "resolve_access",
    "route_sums",
]
