"""The buyer's choice: a multinomial-logit split of spending, and the CES quantity it buys.

Options have logit utility ``ln scale + b_q ln q - b_p ln p``. This is the demand of a CES buyer
whose price per effective unit is ``p / q**(b_q / b_p)`` and whose elasticity of substitution is
``b_p + 1`` (Anderson, de Palma and Thisse 1992). The buyer's composite quantity is
``budget * (sum of attractions) ** (1 / b_p)``: it never rises when an option is removed or
becomes dearer, so controls can only lower what a buyer gets, and with ``b_p >= 1`` the leakage
rate stays within [0, 1].

These are the definitions in NumPy. The kernel's compiled passes (:mod:`model.market.compiled`)
compute the same numbers, to the last bit; ``tests/market/test_kernel_reference.py`` checks them
against these.
"""

from __future__ import annotations

import numpy as np


def attraction(price: np.ndarray, appeal: np.ndarray, price_sensitivity: float) -> np.ndarray:
    """``appeal * price**-b_p``, the attraction of options whose ``appeal`` (attraction at unit
    price) is ``scale * quality**b_q``; zero for closed (infinite-price) options or zero appeal."""
    usable = np.isfinite(price) & (appeal > 0)
    out = np.zeros(np.broadcast_shapes(price.shape, appeal.shape))
    out[usable] = appeal[usable] * np.power(price[usable], -price_sensitivity)
    return out


def purchase(
    budget: np.ndarray, weight: np.ndarray, price_sensitivity: float
) -> tuple[np.ndarray, np.ndarray]:
    """Spending per option (logit shares of ``budget``) and the composite acquired per option.

    The composite ``budget * (sum weight)**(1/b_p)`` is attributed to options in proportion to
    their spending, so per-option acquisitions sum to the buyer's total.
    """
    total = weight.sum(axis=-1, keepdims=True)
    share = weight / np.where(total > 0, total, 1.0)  # no open option: every weight is 0, and so its share
    spend = budget[..., None] * share
    composite = budget[..., None] * total ** (1.0 / price_sensitivity)
    return spend, composite * share
