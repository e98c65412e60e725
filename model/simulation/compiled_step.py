"""The step's work around the market, compiled with Numba: unrest, budgets, stocks and the CES sums of
capability, vendors' learning, indigenisation, vendors' redesigns around denied inputs, the step's
flows and the running totals, one call each
instead of NumPy's five to thirty on arrays of a few hundred numbers, where the calls cost more than
the arithmetic.

Every number is NumPy's to the last bit (``tests/simulation/test_compiled_step.py``): each element's
operations in NumPy's order; a sum over a contiguous axis is NumPy's pairwise sum
(:func:`model.market.compiled._row_sum`), a sum over leading axes adds row after row from 0 as
``numpy.add.reduce`` does there, and sums by route add as :func:`model.market.compiled.sums_by_option`
does; powers and matrix products stay with NumPy (its vectorised ``power`` and BLAS round unlike
compiled loops). Compiled once per machine and cached on disk (where :mod:`model.market.compiled` says).
"""

from __future__ import annotations

import numba
import numpy as np

from model.market.compiled import _row_sum, sums_by_option

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def step_flows(by_route, leaked, blocked, acquired, tag, targets, vendor_revenue, vendor_exporter, controlling,
               layer_item, converted_item, n_items):
    """A step's flows for the target regimes ``targets`` as one row, in the summary's column order:
    acquisitions (all routes), blocked, acquisitions by route ``[K]``, leaked by route ``[K]``,
    acquisitions by item bought and route ``[item, K]`` (conversions under ``converted_item``),
    revenue of each exporting nation's vendors ``[E]`` and of the nations ``controlling``.

    ``by_route``, ``leaked`` ``[C, L, K]``, ``blocked`` ``[C, L]``, ``acquired`` and ``tag``
    ``[C, L, O]`` are the step's :class:`model.market.Procurement`'s; ``vendor_revenue`` ``[V, I]``."""
    _, n_l, n_k = by_route.shape
    n_v = vendor_exporter.shape[0]
    n_e = controlling.shape[0]
    row = np.empty(2 + 2 * n_k + n_items * n_k + n_e + 1)
    routes, leaks, items = 2, 2 + n_k, 2 + 2 * n_k
    for k in range(n_k):  # by route and leaked: ``a[targets].sum(axis=(0, 1))``, row after row
        row[routes + k] = 0.0
        row[leaks + k] = 0.0
    for c in targets:
        for layer in range(n_l):
            for k in range(n_k):
                row[routes + k] += by_route[c, layer, k]
                row[leaks + k] += leaked[c, layer, k]
    row[0] = _row_sum(row, routes, n_k)
    chosen = np.empty(targets.shape[0] * n_l)  # ``blocked[targets].sum()``: one pairwise sum
    for i in range(targets.shape[0]):
        for layer in range(n_l):
            chosen[i * n_l + layer] = blocked[targets[i], layer]
    row[1] = _row_sum(chosen, 0, chosen.shape[0])

    per_option = sums_by_option(acquired, tag, targets, n_k)  # [L, O, K]
    for j in range(n_items * n_k):
        row[items + j] = 0.0
    for layer in range(n_l):  # vendors' and own options under the layer's item, conversions apart
        item = layer_item[layer]
        for k in range(n_k):
            vendors, own, converted = 0.0, 0.0, 0.0
            for o in range(n_v):
                vendors += per_option[layer, o, k]
                converted += per_option[layer, n_v + o, k]
            for o in range(2 * n_v, per_option.shape[1]):
                own += per_option[layer, o, k]
            row[items + item * n_k + k] += vendors + own
            row[items + converted_item * n_k + k] += converted

    revenue = items + n_items * n_k  # ``numpy.add.at`` of each vendor's revenue at its home
    for e in range(n_e):
        row[revenue + e] = 0.0
    flat = vendor_revenue.ravel()
    n_i = vendor_revenue.shape[1]
    for v in range(n_v):
        row[revenue + vendor_exporter[v]] += _row_sum(flat, v * n_i, n_i)
    paying = np.empty(n_e)
    n_paying = 0
    for e in range(n_e):
        if controlling[e]:
            paying[n_paying] = row[revenue + e]
            n_paying += 1
    row[-1] = _row_sum(paying, 0, n_paying)
    return row


@_jit
def add_totals(blocked, leaked, vendor_revenue, regime_blocked, regime_leaked, vendor_revenue_total):
    """Add a step's blocked ``[C, L]`` and leaked ``[C, L, K]`` acquisitions to each regime's running
    totals and its vendor revenue ``[V, I]`` to each vendor's, as ``total += a.sum(axis=...)`` over
    all but the first axis does."""
    n_c, n_l, n_k = leaked.shape
    blocked_flat, leaked_flat = blocked.ravel(), leaked.ravel()
    for c in range(n_c):
        regime_blocked[c] += _row_sum(blocked_flat, c * n_l, n_l)
        regime_leaked[c] += _row_sum(leaked_flat, c * n_l * n_k, n_l * n_k)
    revenue_flat, n_i = vendor_revenue.ravel(), vendor_revenue.shape[1]
    for v in range(vendor_revenue.shape[0]):
        vendor_revenue_total[v] += _row_sum(revenue_flat, v * n_i, n_i)


@_jit
def _max(a, b):
    """``numpy.maximum`` of two floats: NaN if ``a`` is."""
    return a if a >= b or a != a else b


@_jit
def budgets(spending, growth, steps_per_year, elasticity, unrest, layer_shares):
    """``[C, L]`` budgets: ``spending * growth / steps_per_year * (1 + elasticity * unrest)`` split by
    ``layer_shares``, each operation in that order."""
    out = np.empty((spending.shape[0], layer_shares.shape[0]))
    for c in range(spending.shape[0]):
        total = spending[c] * growth / steps_per_year * (1.0 + elasticity * unrest[c])
        for layer in range(layer_shares.shape[0]):
            out[c, layer] = total * layer_shares[layer]
    return out


@_jit
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


@_jit
def indigenise(domestic, quality, layer_item, denied_share, rate):
    """``[C, L]`` domestic qualities after closing ``rate * denied_share`` of the gap to the frontier,
    the best vendor quality of the layer's item (NaN if any is)."""
    n_c, n_l = domestic.shape
    out = np.empty_like(domestic)
    for layer in range(n_l):
        item = layer_item[layer]
        frontier = quality[0, item]
        for v in range(1, quality.shape[0]):
            x = quality[v, item]
            if frontier == frontier and (x > frontier or x != x):
                frontier = x
        for c in range(n_c):
            gap = _max(frontier - domestic[c, layer], 0.0)
            out[c, layer] = domestic[c, layer] + rate * denied_share[c, layer] * gap
    return out


@_jit
def redesign(sourcing, cut, supplies, redesigned, exposed, stock_steps, closing, shortage_markup, cost_penalty):
    """A step of vendors' response to denied inputs (:class:`model.simulation.sourcing.VendorSourcing`),
    each ``[V, K']``: the denied share ``d`` (``(sourcing * cut).sum(axis=-1)``), steps exposed, the
    shortage, the markup on the component, and the redesigned share from the next step, closing
    ``closing[0]`` of the gap per step where some supplier ``supplies[0, k, s]`` of the component is not
    wholly cut, else ``closing[1]``."""
    n_v, n_k, n_s = sourcing.shape
    denied, shortage = np.empty((n_v, n_k)), np.empty((n_v, n_k))
    exposed_now, markup, redesigned_next = np.empty((n_v, n_k)), np.empty((n_v, n_k)), np.empty((n_v, n_k))
    products = np.empty(n_s)
    for v in range(n_v):
        for k in range(n_k):
            alternative = False
            for s in range(n_s):
                products[s] = sourcing[v, k, s] * cut[v, k, s]
                alternative = alternative or (supplies[0, k, s] and cut[v, k, s] < 1.0)
            d = _row_sum(products, 0, n_s)
            gap = _max(d - redesigned[v, k], 0.0)
            steps = exposed[v, k] + 1 if gap > 0 else 0.0
            short = gap if steps > stock_steps else 0.0
            denied[v, k], exposed_now[v, k], shortage[v, k] = d, steps, short
            markup[v, k] = shortage_markup * short + cost_penalty * redesigned[v, k]
            redesigned_next[v, k] = redesigned[v, k] + gap * (closing[0] if alternative else closing[1])
    return denied, exposed_now, shortage, markup, redesigned_next


@_jit
def unrest(previous, persistence, uniform, probability, sizes):
    """``[C]`` unrest: ``persistence * previous`` plus a shock of ``sizes`` where ``uniform < probability``
    (``(uniform < probability) * sizes``: 0 times the size elsewhere)."""
    out = np.empty_like(previous)
    for c in range(previous.shape[0]):
        out[c] = persistence * previous[c] + (1.0 if uniform[c] < probability else 0.0) * sizes[c]
    return out


@_jit
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


@_jit
def weighted_sums(weights, values):
    """``[C]``: ``(weights * values).sum(axis=1)`` of ``values[C, L]`` (NumPy's pairwise sum of a row)."""
    n_c, n_l = values.shape
    out, row = np.empty(n_c), np.empty(n_l)
    for c in range(n_c):
        for layer in range(n_l):
            row[layer] = weights[layer] * values[c, layer]
        out[c] = _row_sum(row, 0, n_l)
    return out


@_jit
def mark_capable(first_capable, capability, threshold, step):
    """Set ``first_capable`` to ``step`` where it is -2 (not yet capable) and ``capability`` reaches
    ``threshold``."""
    for c in range(first_capable.shape[0]):
        if first_capable[c] == -2 and capability[c] >= threshold:
            first_capable[c] = step
