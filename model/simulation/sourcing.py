"""Vendors' response to denied inputs: shortage, redesign and its lasting penalty (docs/ODD.md, 7.17).

Each step the instruments on inputs in force deny a share ``d[v, k]`` of vendor ``v``'s supply of
component ``k`` (``PolicyState.supply_cut``: :mod:`model.policy.inputs`). This step it buys the share it has
redesigned, ``r``, from alternative suppliers and the rest of the denied share, ``d - r``, at the
shortage price; then it redesigns around the denied share, closing ``1 / lag`` of the gap per step (``lag``: ``redesign_lag`` where some supplier of
the component is out of reach, else ``redesign_lag_new``). The redesigned share carries a lasting
cost (``redesign_cost_penalty``) and quality (``redesign_quality_penalty``) penalty. The shortage
price is ``1 + shortage_markup`` times the component's, once the stockpile (``stockpile`` years of
supply) is used up. An item's cost rises by its components' cost
shares times these markups.

The kernel sees the response as one factor per vendor and item on the option's attraction: a price
``m`` times higher and a quality ``g`` times lower multiply it by ``m**-b_p * g**b_q``
(:mod:`model.market.choice`), so buyers pay more or switch, and lost revenue slows the vendor's learning.
"""

from __future__ import annotations

import numpy as np

from model.market.kernel import quality_exponent
from model.parameters import ModelParameters
from model.vocabulary import ITEMS, LAYER_ITEM
from model.world import World


class VendorSourcing:
    """The input state of every vendor in one run: redesigned shares and time under denial."""

    def __init__(self, world: World, params: ModelParameters, steps_per_year: int) -> None:
        inputs = world.inputs
        self.world, self.params = world, params
        self.cost = inputs.cost[:, :-1]  # [I, K']: bought components only
        chips = self.cost.sum(axis=1, keepdims=True)
        self.chip_weight = np.divide(self.cost, chips, out=np.zeros_like(self.cost), where=chips > 0)
        self.sourcing = inputs.sourcing[:, :-1]  # [V, K', S]
        n_v, n_k = self.sourcing.shape[:2]
        self.redesigned = np.zeros((n_v, n_k))
        self.exposed = np.zeros((n_v, n_k))  # steps the vendor has had an unresolved denial
        self.denied = np.zeros((n_v, n_k))
        self.shortage = np.zeros((n_v, n_k))
        lag_steps = (params.redesign_lag * steps_per_year, params.redesign_lag_new * steps_per_year)
        self.closing = tuple(min(1.0, 1.0 / lag) for lag in lag_steps)  # share of the gap closed per step
        # [1, K', S]: supplier s makes component k
        self.supplies = inputs.supplier_component[None, None, :] == np.arange(n_k)[None, :, None]
        self.stock_steps = params.stockpile * steps_per_year
        exponent = np.zeros(len(ITEMS))
        exponent[list(LAYER_ITEM)] = quality_exponent(params)
        exponent[ITEMS.index("algorithm_11")] = exponent[ITEMS.index("algorithm_1n")]  # converted 1:1 (7.5)
        self.quality_exponent = exponent

    def step(self, supply_cut: np.ndarray) -> np.ndarray:
        """Advance one step under the step's ``supply_cut[V, K, S]`` (the share of each vendor's
        purchases of each component from each supplier denied); the ``[V, I]`` factor on each vendor
        item's attraction."""
        from model.simulation import compiled_step  # Numba on first use: importing the package stays light

        params = self.params
        cut = supply_cut[:, :-1]  # [V, K', S]
        self.denied = (self.sourcing * cut).sum(axis=-1)  # [V, K']: denied share of each component
        quality = 1.0 - params.redesign_quality_penalty * (self.redesigned @ self.chip_weight.T)
        # steps under denial, shortage and markup [V, K']; the redesign closes the gap faster where some
        # supplier of the component is not wholly denied, and is in use from the next step
        self.exposed, self.shortage, markup, self.redesigned = compiled_step.redesign(
            self.denied, cut, self.supplies, self.redesigned, self.exposed, self.stock_steps, self.closing,
            params.shortage_markup, params.redesign_cost_penalty)
        price = 1.0 + markup @ self.cost.T  # [V, I]
        return price ** -params.price_sensitivity * np.maximum(quality, 0.0) ** self.quality_exponent

    def supplier_shares(self, revenue: np.ndarray, supply_cut: np.ndarray) -> np.ndarray:
        """``[S]``: each supplier's share of its component's purchases by all vendors this step, with
        vendors' spending on a component = their revenue ``[V, I]`` times its cost share. A denied share
        not yet redesigned is bought from the denied supplier's stocks; a redesigned share goes to the
        suppliers no instrument reaches, in proportion to the vendor's own sourcing of them (where it
        had none, to every vendor's; where every supplier is reached, to what is left of them)."""
        cut = supply_cut[:, :-1]
        free = self.sourcing * (1.0 - cut)  # [V, K', S]
        untouched = self.sourcing * (cut == 0)  # suppliers no instrument reaches: where redesigns go
        alternative = untouched
        for wider in (untouched.sum(axis=0, keepdims=True), free, free.sum(axis=0, keepdims=True)):
            alternative = np.where(alternative.sum(axis=-1, keepdims=True) > 0, alternative, wider)
        alternative = alternative / np.maximum(alternative.sum(axis=-1, keepdims=True), 1e-300)
        unresolved = self.sourcing * cut * np.divide(
            np.maximum(self.denied - self.redesigned, 0.0), self.denied, out=np.zeros_like(self.denied),
            where=self.denied > 0)[..., None]
        bought = free + self.redesigned[..., None] * alternative + unresolved
        bought = bought / np.maximum(bought.sum(axis=-1, keepdims=True), 1e-300)
        spending = revenue @ self.cost  # [V, K']
        purchases = (spending[..., None] * bought).sum(axis=(0, 1))  # [S]
        totals = np.bincount(self.world.inputs.supplier_component, purchases)
        component_total = totals[self.world.inputs.supplier_component]
        return np.divide(purchases, component_total, out=np.zeros_like(purchases), where=component_total > 0)
