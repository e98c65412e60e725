"""The buyer's choice: a multinomial-logit split of spending, and the CES quantity it buys.

A logit over options with utility ``ln scale + sigma * ln(q**w / p)`` is the demand of a CES
buyer (Anderson, de Palma and Thisse 1992). Its composite quantity,
``budget * (sum scale * (q**w / p)**sigma) ** (1 / sigma)``, never rises when an option is
removed or becomes dearer — so controls can only lower what a buyer gets, and the leakage
rate stays within [0, 1].
"""

from __future__ import annotations

import numpy as np


def attraction(
    price: np.ndarray, quality: np.ndarray, scale: np.ndarray, elasticity: float, quality_weight: float
) -> np.ndarray:
    """``scale * (quality**w / price)**sigma``; zero for closed (infinite-price) or zero-quality options."""
    usable = np.isfinite(price) & (quality > 0)
    value = np.where(usable, quality, 1.0) ** quality_weight / np.where(usable, price, 1.0)
    return np.where(usable, scale * value**elasticity, 0.0)


def purchase(budget: np.ndarray, weight: np.ndarray, elasticity: float) -> tuple[np.ndarray, np.ndarray]:
    """Spending per option (logit shares of ``budget``) and the composite acquired per option.

    The composite ``budget * (sum weight)**(1/sigma)`` is attributed to options in proportion to
    their spending, so per-option acquisitions sum to the buyer's total.
    """
    total = weight.sum(axis=-1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    spend = budget[..., None] * share
    composite = budget[..., None] * total ** (1.0 / elasticity)
    return spend, composite * share
