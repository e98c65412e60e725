"""Buyer-exporter ties: the affinity ``A[c, e]`` of buyer ``c`` for the vendors of exporting nation ``e``.

``A[c, e] = s * (b_pol * (mean_d - d[c, e]) + b_sec * arms[c, e] + b_fin * finance[c] * [e is CHN]
             + b_home * [c is e])``

- ``d[c, e] = |ideal_c - ideal_e|``: distance of UN General Assembly ideal points; ``mean_d`` is its
  mean over the world's (buyer, exporter) pairs, so an average pair has no political term. A pair
  where either side has no UN votes gets the neutral political term 0.
- ``arms[c, e]``: share of the buyer's arms imports that came from ``e`` (0 without arms imports).
- ``finance[c]``: Chinese development finance received relative to GDP (capped at 1), for Chinese
  vendors only.
- ``[c is e]``: home bias, a government's preference for its own nation's vendors (procurement
  rules, security vetting), which the ties data cannot show since they record only foreign ties.
- ``s = ties_scale`` (0 switches ties off: ``A = 0`` and the buyers' choice is that of a world
  without ties, bit for bit).

A vendor option's logit attraction is multiplied by ``exp(A[c, e(v)])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.world.parameters import WorldParameters

FINANCE_EXPORTER = "CHN"
"""The only exporting nation whose development finance the data record (AidData)."""


@dataclass(frozen=True)
class TieTerms:
    """The terms of the affinity ``[C, E]`` before their weights (see the module's formula)."""

    political: np.ndarray | float
    arms: np.ndarray
    finance: np.ndarray
    home: np.ndarray

    def affinity(self, params: WorldParameters) -> np.ndarray:
        """``[C, E]`` the weighted sum, scaled by ``ties_scale``."""
        affinity = (params.tie_political * self.political + params.tie_security * self.arms
                    + params.tie_finance * self.finance + params.tie_home * self.home)
        return params.ties_scale * affinity


def tie_terms(ties: pd.DataFrame, iso3: list[str], exporters: np.ndarray) -> TieTerms:
    """The :class:`TieTerms` of every country for every exporting nation (indices into ``iso3``).

    ``ties`` has the columns of ``model/data/ties.csv``; countries without a row have no ties.
    """
    table = ties.set_index("iso3").reindex(iso3)
    codes = [iso3[c] for c in exporters]
    ideal = table["un_ideal_point"].to_numpy(float)
    distance = np.abs(ideal[:, None] - ideal[exporters][None, :])  # NaN where either has no votes
    political = np.nan_to_num(np.nanmean(distance) - distance) if np.isfinite(distance).any() else 0.0
    arms = np.column_stack([
        table[f"arms_share_{code}"].fillna(0.0).to_numpy(float) if f"arms_share_{code}" in table
        else np.zeros(len(iso3))
        for code in codes
    ]) if codes else np.zeros((len(iso3), 0))
    finance = np.outer(table["china_finance_gdp"].fillna(0.0).to_numpy(float),
                       [code == FINANCE_EXPORTER for code in codes])
    home = np.arange(len(iso3))[:, None] == exporters[None, :]
    return TieTerms(political, arms, finance, home)
