"""Coalition formation: which agreements exporting nations would join on their own account.

Country ``i``'s payoff when the coalition is ``S`` (the leader plus the partners in ``S``) is

    payoff_i(S) = w_i x denial(S) - (1 - w_i) x loss_i(S)

where ``denial(S)`` is the denial effectiveness the agreement achieves against target regimes
(0-1) and ``loss_i(S)`` is the revenue its own vendors lose, as a share of their no-controls
revenue (0-1; negative when they gain from others' controls — the free rider's gain). Both terms
are fractions, so the weight ``w_i`` in [0, 1] says how much a country values denying target
regimes against its vendors' business: 0 is a purely commercial state, 1 a purely normative one.
The weight is one number for every country, or from a data column (revealed preference: members
of ECHRI's Code of Conduct, the EU or Wassenaar get ``weight_member``, others ``weight_other``).

Stable coalitions are internally and externally stable (d'Aspremont et al. 1983); sequential
accession asks countries once each, in a given order (:mod:`model.strategy.stability`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.data import countries as country_table
from model.strategy.games import members_of
from model.strategy.shapley import Game
from model.strategy.stability import sequential_accession, stable_coalitions

MEMBERSHIPS = ("wassenaar", "eu", "echri_code")
"""Real membership columns of the country table the outcomes are compared with."""


def payoffs(game: Game, weights: np.ndarray) -> np.ndarray:
    """``(2**n, n)``: each player's payoff (replicate means) in every coalition of an exact game."""
    n = len(game.players)
    masks = range(1 << n)
    denial = game.values("denial_effectiveness", masks).mean(axis=1)
    loss = np.column_stack([game.values(f"loss_share_{p}", masks).mean(axis=1) for p in game.players])
    return weights * denial[:, None] - (1.0 - weights) * loss


def revealed_weights(players: Sequence[str], column: str, member: float, other: float) -> np.ndarray:
    """``member`` for players in the data column's group, ``other`` for the rest."""
    countries = country_table().set_index("iso3")
    return np.array([member if countries.at[p, column] else other for p in players], float)


def real_members(players: Sequence[str]) -> dict[str, set[str]]:
    """Per membership column, the players that are members."""
    countries = country_table().set_index("iso3")
    return {column: {p for p in players if countries.at[p, column]} for column in MEMBERSHIPS}


def formation_rows(game: Game, weights: np.ndarray, order: Sequence[int], tolerance: float,
                   **labels: object) -> list[dict[str, object]]:
    """The stable coalitions and the accession outcome under ``weights``, with each one's denial
    and its overlap (Jaccard index) with the real membership lists."""
    pay = payoffs(game, weights)
    denial = game.values("denial_effectiveness", range(1 << len(game.players))).mean(axis=1)
    real = real_members(game.players)
    found = [("stable", m) for m in stable_coalitions(pay, tolerance)]
    found.append(("accession", sequential_accession(pay, order, tolerance)))
    rows = []
    for kind, mask in found:
        members = set(members_of(mask, game.players))
        row = {**labels, "kind": kind, "members": "+".join(members_of(mask, game.players)),
               "size": len(members), "denial_effectiveness": float(denial[mask])}
        for column, group in real.items():
            union = members | group
            row[f"jaccard_{column}"] = len(members & group) / len(union) if union else 1.0
        rows.append(row)
    return rows


def membership_share(rows: pd.DataFrame, players: Sequence[str]) -> pd.DataFrame:
    """Per variant, weight and player: the share of stable coalitions that include the player."""
    stable = rows[rows["kind"] == "stable"]
    out = []
    for (variant, weight), group in stable.groupby(["variant", "weight"], sort=False):
        sets = [set(m.split("+")) if m else set() for m in group["members"]]
        for p in players:
            out.append({"variant": variant, "weight": weight, "partner": p,
                        "share_of_stable": sum(p in s for s in sets) / len(sets), "stable_count": len(sets)})
    return pd.DataFrame(out)
