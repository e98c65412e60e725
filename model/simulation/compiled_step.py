"""The step's work around the market, compiled with Numba: unrest, budgets, stocks and the CES sums of
capability, vendors' learning, indigenisation, vendors' redesigns around denied inputs and the
observables' reach counts (the one definition of "reached"), one call each instead of NumPy's five to
twenty on arrays of a few hundred numbers, where the calls cost more than the arithmetic.

Every number is NumPy's to the last bit (``tests/simulation/test_compiled_step.py``): each element's
operations in NumPy's order; a sum over leading axes adds row after row from 0 as ``numpy.add.reduce``
does there; a row of fewer than 8 numbers is added in order (:func:`_short_sum`, NumPy's pairwise sum
at that length). Longer pairwise sums, and so the step's flows and running totals
(:func:`model.market.compiled.target_flows`, :func:`model.market.compiled.add_buyer_totals`), powers
and matrix products stay outside, with NumPy or :mod:`model.market.compiled`: Numba checks a cached
function against its own file only, so code compiled here must not call compiled code of another
module (a change there would leave a stale copy here). Compiled once per machine and cached on disk,
where the kernel's machine code is (:data:`model.market.compiled.jit`).
"""

from __future__ import annotations

import numpy as np

from model.market.compiled import jit  # the decorator only: no compiled code of that module is called


@jit
def _short_sum(a, lo, n):
    """``a[lo:lo + n].sum()`` for ``n < 8``: NumPy adds so few in order, from -0, to an initial 0."""
    total = -0.0
    for i in range(lo, lo + n):
        total += a[i]
    return 0.0 + total


@jit
def _max(a, b):
    """``numpy.maximum`` of two floats: NaN if either is, ``b`` if they are equal (``-0.0`` and ``0.0``)."""
    return a if a > b or a != a else b


@jit
def budgets(spending, growth, steps_per_year, elasticity, unrest, layer_shares):
    """``[C, L]`` budgets: ``spending * growth / steps_per_year * (1 + elasticity * unrest)`` split by
    ``layer_shares``, each operation in that order."""
    out = np.empty((spending.shape[0], layer_shares.shape[0]))
    for c in range(spending.shape[0]):
        total = spending[c] * growth / steps_per_year * (1.0 + elasticity * unrest[c])
        for layer in range(layer_shares.shape[0]):
            out[c, layer] = total * layer_shares[layer]
    return out


@jit
def learn(quality, revenue, sellers, sells, noise, rate):
    """``[V, I]`` vendor qualities after learning: ``q + rate (1 - q) sqrt(relative revenue) noise``, at
    most 1, 0 where the vendor does not sell the item; the relative revenue is the vendor's over the
    mean of the item's sellers (0 where the mean is not positive)."""
    n_v, n_i = quality.shape
    mean = np.zeros(n_i)
    for i in range(n_i):
        total = 0.0  # ``revenue.sum(axis=0)``: vendor after vendor
        for v in range(n_v):
            total += revenue[v, i]
        if sellers[i] > 0:
            mean[i] = total / sellers[i]
    out = np.empty_like(quality)
    for v in range(n_v):
        for i in range(n_i):
            if not sells[v, i]:
                out[v, i] = 0.0
                continue
            q = quality[v, i]
            relative = revenue[v, i] / mean[i] if mean[i] > 0 else 0.0
            raised = q + rate * (1.0 - q) * np.sqrt(relative) * noise[v, i]
            out[v, i] = 1.0 if raised > 1.0 else raised  # ``numpy.minimum``: NaN stays NaN
    return out


@jit
def indigenise(domestic, quality, layer_item, denied_share, rate):
    """``[C, L]`` domestic qualities after closing ``rate * denied_share`` of the gap to the frontier,
    the best vendor quality of the layer's item (NaN if any is)."""
    n_c, n_l = domestic.shape
    out = np.empty_like(domestic)
    for layer in range(n_l):
        item = layer_item[layer]
        frontier = quality[0, item]  # ``max(axis=0)``: ``numpy.maximum`` of the running value and the next
        for v in range(1, quality.shape[0]):
            frontier = _max(frontier, quality[v, item])
        for c in range(n_c):
            gap = _max(frontier - domestic[c, layer], 0.0)
            out[c, layer] = domestic[c, layer] + rate * denied_share[c, layer] * gap
    return out


@jit
def redesign(denied, cut, supplies, redesigned, exposed, stock_steps, closing, shortage_markup, cost_penalty):
    """A step of vendors' response to the denied share ``denied`` of each component
    (:class:`model.simulation.sourcing.VendorSourcing`), each ``[V, K']``: steps exposed, the shortage,
    the markup on the component, and the redesigned share from the next step, closing ``closing[0]`` of
    the gap per step where some supplier ``supplies[0, k, s]`` of the component is not wholly cut
    (``cut[v, k, s] < 1``), else ``closing[1]``."""
    n_v, n_k, n_s = cut.shape
    shortage, exposed_now = np.empty((n_v, n_k)), np.empty((n_v, n_k))
    markup, redesigned_next = np.empty((n_v, n_k)), np.empty((n_v, n_k))
    for v in range(n_v):
        for k in range(n_k):
            alternative = False
            for s in range(n_s):
                alternative = alternative or (supplies[0, k, s] and cut[v, k, s] < 1.0)
            gap = _max(denied[v, k] - redesigned[v, k], 0.0)
            steps = exposed[v, k] + 1 if gap > 0 else 0.0
            short = gap if steps > stock_steps else 0.0
            exposed_now[v, k], shortage[v, k] = steps, short
            markup[v, k] = shortage_markup * short + cost_penalty * redesigned[v, k]
            redesigned_next[v, k] = redesigned[v, k] + gap * (closing[0] if alternative else closing[1])
    return exposed_now, shortage, markup, redesigned_next


@jit
def unrest(previous, persistence, uniform, probability, sizes):
    """``[C]`` unrest: ``persistence * previous`` plus a shock of ``sizes`` where ``uniform < probability``
    (``(uniform < probability) * sizes``: 0 times the size elsewhere)."""
    out = np.empty_like(previous)
    for c in range(previous.shape[0]):
        out[c] = persistence * previous[c] + (1.0 if uniform[c] < probability else 0.0) * sizes[c]
    return out


@jit
def advance_stocks(stocks, retained, acquired, scale):
    """``[C, L]`` stocks after a step, ``retained * stocks + acquired`` (``retained`` per layer), and the
    same relative to ``scale`` (the stock at the world's starting per-capita level)."""
    n_c, n_l = stocks.shape
    out, relative = np.empty_like(stocks), np.empty_like(stocks)
    for c in range(n_c):
        for layer in range(n_l):
            out[c, layer] = retained[layer] * stocks[c, layer] + acquired[c, layer]
            relative[c, layer] = out[c, layer] / scale[c, layer]
    return out, relative


@jit
def weighted_sums(weights, values):
    """``[C]``: ``(weights * values).sum(axis=1)`` of ``values[C, L]``, ``L < 8`` (a layer each)."""
    n_c, n_l = values.shape
    out, row = np.empty(n_c), np.empty(n_l)
    for c in range(n_c):
        for layer in range(n_l):
            row[layer] = weights[layer] * values[c, layer]
        out[c] = _short_sum(row, 0, n_l)
    return out


@jit
def mark_capable(first_capable, capability, threshold, step):
    """Set ``first_capable`` to ``step`` where it is -2 (not yet capable) and ``capability`` reaches
    ``threshold``."""
    for c in range(first_capable.shape[0]):
        if first_capable[c] == -2 and capability[c] >= threshold:
            first_capable[c] = step


@jit
def reach_counts(capability, adoption_threshold, reach_share, share, home_sale, nation_share, exporters, aigs,
                 supplied, by_home):
    """The observables' counts, by the one definition of "reached": a supplier supplies buyer ``c``
    when ``c`` uses AI surveillance (``capability[c] >= adoption_threshold``), is not the supplier's
    home, and the supplier takes at least ``reach_share`` of ``c``'s spending on vendors' 1:N
    algorithms. Into ``supplied[v]`` the buyers vendor ``v`` supplies (its share ``share[c, v]``; its
    home: ``home_sale[v, c]``), into ``by_home[e]`` those exporting nation ``e``'s vendors together
    supply (their shares added, ``nation_share[c, e]``; its home: ``exporters[e]``). Returns the
    number of buyers using AI surveillance and how many of them ``aigs`` marks (the AIGS 2019 adopters)."""
    supplied[:] = 0
    by_home[:] = 0
    adopters, matched = 0, 0
    for c in range(share.shape[0]):
        if capability[c] >= adoption_threshold:
            adopters += 1
            if aigs[c]:
                matched += 1
            for v in range(share.shape[1]):
                if share[c, v] >= reach_share and not home_sale[v, c]:
                    supplied[v] += 1
            for e in range(nation_share.shape[1]):
                if nation_share[c, e] >= reach_share and exporters[e] != c:
                    by_home[e] += 1
    return adopters, matched
