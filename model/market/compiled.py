"""The market's passes over the option table ``[C, L, O]`` and the controlled sales, compiled with Numba.

Three passes over the table replace NumPy's thirty-odd: :func:`appeal` lays out the option table
(free and with controls), :func:`weigh` turns it into attractions and adds each buyer's row,
:func:`split` shares the budgets and derives what the step reports (acquisitions by route, blocked,
leaked, denied share, totals). Two small ones come first: :func:`qualities` gathers the qualities
for one power by NumPy, :func:`slip` prices the controlled sales and marks their cells. A row with
nothing controlled is its own free row: the free allocation is worked out only in the others.
The three visit only the options a step can open (:func:`model.market.options.openable`, about a
third of the table) and fill the others. Three more resolve access (:mod:`model.market.access`):
:func:`diversions` finds a policy state's best diversions, :func:`controlled_sales` a step's
controlled sales from the licences refused, :func:`enforce` what slips through.

Every number is NumPy's to the last bit (``tests/market/test_kernel_reference.py``,
``tests/market/test_access.py``): a row's total is NumPy's pairwise sum (:func:`_pairwise`, the
grouping of ``numpy.add.reduce`` over a contiguous axis, from an initial 0), sums by route add in
option order as ``numpy.bincount`` does, and the powers are taken by NumPy before and between the
passes (NumPy's vectorised ``power`` does not round as the C library's ``pow`` that compiled code calls).

Compiled once per machine: ``cache=True`` keeps the machine code beside this file, or where
:func:`_cache_dir` says when the package's folder cannot be written (an installed package).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numba
import numpy as np


def _cache_dir() -> None:
    """Point Numba's cache at a writable folder if neither ``NUMBA_CACHE_DIR`` nor this package's
    folder is one: the user's cache folder, else the temporary folder."""
    if os.environ.get("NUMBA_CACHE_DIR") or os.access(Path(__file__).parent, os.W_OK):
        return
    for base in (Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")), Path(tempfile.gettempdir())):
        folder = base / "surveillance-export-controls" / "numba"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            numba.config.CACHE_DIR = str(folder)
            return


_cache_dir()
jit = numba.njit(cache=True, nogil=True, error_model="numpy")
"""How the package's compiled functions are made (here and in :mod:`model.simulation.compiled_step`):
machine code cached on disk (beside this module, else in the user's cache folder), NumPy's error model."""
_inlined = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")  # in the caller's loop

_BLOCK = 128  # NumPy's PW_BLOCKSIZE


@_inlined
def _block(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's pairwise sum of ``a[lo:lo + n]`` for ``n <= 128``: eight running sums."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = lo + 8
    end = lo + n - n % 8
    while i < end:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        res += a[i]
        i += 1
    return res


@jit
def _pairwise(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's pairwise sum of ``a[lo:lo + n]`` (``pairwise_sum`` in ``loops_utils.h``): blocks of at
    most 128 (:func:`_block`), halves (rounded down to a multiple of 8) added. NumPy recurses; this
    walks the same tree with a stack (Numba's cache cannot load recursive functions)."""
    if n <= _BLOCK:
        return _block(a, lo, n)
    starts, sizes = np.empty(64, np.int64), np.empty(64, np.int64)
    stage, left = np.zeros(64, np.int8), np.empty(64)
    starts[0], sizes[0] = lo, n
    depth, result = 0, 0.0
    while depth >= 0:
        m = sizes[depth]
        half = m // 2 - (m // 2) % 8
        if m <= _BLOCK:
            result = _block(a, starts[depth], m)
            depth -= 1
        elif stage[depth] == 0:  # the left half first
            stage[depth] = 1
            starts[depth + 1], sizes[depth + 1], stage[depth + 1] = starts[depth], half, 0
            depth += 1
        elif stage[depth] == 1:  # the left half's sum is in hand: the right half
            left[depth], stage[depth] = result, 2
            starts[depth + 1], sizes[depth + 1], stage[depth + 1] = starts[depth] + half, m - half, 0
            depth += 1
        else:
            result = left[depth] + result
            depth -= 1
    return result


@_inlined
def _row_sum(a: np.ndarray, lo: int, n: int) -> float:
    """``a[lo:lo + n].sum()`` as ``numpy.sum`` over the last axis gives it (a row of at most 128
    options, every world of up to 63 vendors, summed in place)."""
    return 0.0 + (_block(a, lo, n) if n <= _BLOCK else _pairwise(a, lo, n))


@jit
def qualities(vendor_quality, domestic_quality, public_quality, conversion_efficiency, layer_item, converted_item,
              base, positive):
    """Gather the options' qualities for one power by NumPy into ``base``: vendors ``[L, V]`` (each
    layer's item), conversions ``[V]`` (the 1:1 item at ``conversion_efficiency``), domestic ``[C, L]``
    and the public copies, one after the other (the layout :func:`appeal` reads); 1 where a quality is
    not positive (``positive`` False there: its power counts as 0)."""
    n_v = vendor_quality.shape[0]
    n_c, n_l = domestic_quality.shape
    k = 0
    for layer in range(n_l):
        for v in range(n_v):
            k = _gather(base, positive, k, vendor_quality[v, layer_item[layer]])
    for v in range(n_v):
        k = _gather(base, positive, k, vendor_quality[v, converted_item] * conversion_efficiency)
    for c in range(n_c):
        for layer in range(n_l):
            k = _gather(base, positive, k, domestic_quality[c, layer])
    _gather(base, positive, k, public_quality)


@jit
def _gather(base, positive, k, quality):
    positive[k] = quality > 0
    base[k] = quality if quality > 0 else 1.0
    return k + 1


@jit
def slip(sales, direct_slip, hub_route, base, premium, conversion_factor, price_level, item_layer, converted_item,
         illicit, transshipment, route, controlled, denying, slot, cell_price, tag):
    """The controlled sales (flat positions ``sales`` in ``[V, C, I]``), each open at most by a direct
    slip (``direct_slip``) and one hub (``hub_route``): the cheaper of the two (direct on a tie) with
    the risk ``premium`` on the route's price ``base[v, r, c]``, into ``route`` (-1 where nothing
    slipped) and, times ``conversion_factor`` for the 1:1 item and ``price_level``, into
    ``cell_price`` (inf: nothing slipped). Each sale's option cell in ``[C, L, O]`` is marked in
    ``controlled``, its row in ``denying``, its sale's index in ``slot``, and its route tag
    (``illicit`` through the direct route, else ``transshipment``) in ``tag``."""
    n_v, _, n_c = base.shape
    n_i = route.shape[2]
    _, n_l, n_o = controlled.shape
    slipped, hubs, routes = direct_slip.reshape(-1), hub_route.reshape(-1), route.reshape(-1)
    ctl, rows, slots, tags = controlled.reshape(-1), denying.reshape(-1), slot.reshape(-1), tag.reshape(-1)
    for k in range(sales.shape[0]):
        sale = sales[k]
        v, in_market = divmod(sale, n_c * n_i)
        c, i = divmod(in_market, n_i)
        direct = base[v, 0, c] * premium if slipped[sale] else np.inf
        hub = hubs[sale]
        via_hub = base[v, hub, c] * premium if hub >= 0 else np.inf
        if via_hub < direct:
            chosen, price = hub, via_hub
        else:
            chosen, price = (0 if np.isfinite(direct) else -1), direct
        routes[sale] = chosen
        converted = i == converted_item
        cell_price[k] = price * (conversion_factor if converted else 1.0) * price_level
        row = c * n_l + item_layer[i]
        cell = row * n_o + v + (n_v if converted else 0)
        ctl[cell], rows[row], slots[cell] = True, True, k
        tags[cell] = illicit if chosen == 0 else transshipment


@jit
def appeal(free_price, scale, powered, positive, vendor_appeal, layer_item, converted_item, price_level,
           conversion_factor, domestic_price, public_price, base_tag, any_control, slot, cell_price, open_start,
           open_options, free_weight, weight, tag, controlled, denying, prices):
    """Lay out the option table: every option's attraction at unit price, its scale times its powered
    quality (``powered``, NumPy's powers of :func:`qualities`' gathering, 0 where not ``positive``;
    a vendor's times ``vendor_appeal[v, i]`` when that is given), where the option is usable (open,
    that is of finite price, and of positive appeal; 0 elsewhere): into ``weight``, and in the rows
    with a controlled option (``denying``, with ``any_control``) into ``free_weight``, ``weight``
    taking at the ``controlled`` cells (:func:`slip`'s) the slipped sale's where it is usable
    (``cell_price[slot]``); with ``any_control`` the uncontrolled cells' tags are copied from
    ``base_tag`` into ``tag``. The usable options' prices go to ``prices`` in table order (a
    controlled cell's slipped price after its free one); returns how many. Vendor prices are
    ``free_price[v, c, i]`` (the cheapest route's) times ``price_level``, conversions' also times
    ``conversion_factor``. Only the options a step can open are visited
    (:func:`model.market.options.openable`: layer ``l``'s are
    ``open_options[open_start[l]:open_start[l + 1]]``); the others are 0."""
    n_c, n_l, n_o = scale.shape
    n_v = free_price.shape[0]
    appealing = vendor_appeal.shape[0] > 0
    converted, domestic, public = n_l * n_v, n_l * n_v + n_v, n_l * n_v + n_v + n_c * n_l
    fw, aw = free_weight.reshape(-1), weight.reshape(-1)
    at, bt, ctl, slots = tag.reshape(-1), base_tag.reshape(-1), controlled.reshape(-1), slot.reshape(-1)
    n = 0
    for c in range(n_c):
        for layer in range(n_l):
            row = (c * n_l + layer) * n_o
            item = layer_item[layer]
            controls = any_control and denying[c, layer]
            aw[row:row + n_o] = 0.0
            if controls:
                fw[row:row + n_o] = 0.0
                for o in range(row, row + n_o):
                    if not ctl[o]:
                        at[o] = bt[o]
            elif any_control:
                at[row:row + n_o] = bt[row:row + n_o]
            for j in range(open_start[layer], open_start[layer + 1]):
                o = open_options[j]
                price, q = np.inf, 0.0
                if o < n_v:
                    price = free_price[o, c, item] * price_level
                    q = powered[layer * n_v + o] if positive[layer * n_v + o] else 0.0
                    if appealing:
                        q = q * vendor_appeal[o, item]
                elif o < 2 * n_v:
                    v = o - n_v
                    price = free_price[v, c, converted_item] * conversion_factor * price_level
                    q = powered[converted + v] if positive[converted + v] else 0.0
                    if appealing:
                        q = q * vendor_appeal[v, converted_item]
                elif o == 2 * n_v:
                    price = domestic_price * price_level
                    k = domestic + c * n_l + layer
                    q = powered[k] if positive[k] else 0.0
                else:
                    price = public_price * price_level
                    q = powered[public] if positive[public] else 0.0
                unit = scale[c, layer, o] * q
                usable = np.isfinite(price) and unit > 0
                if usable:
                    prices[n] = price
                    n += 1
                if not controls:
                    if usable:
                        aw[row + o] = unit
                    continue
                if usable:
                    fw[row + o] = unit
                if ctl[row + o]:
                    k = slots[row + o]
                    if np.isfinite(cell_price[k]) and unit > 0:  # slipped
                        aw[row + o] = unit
                        prices[n] = cell_price[k]
                        n += 1
    return n


@jit
def weigh(free_weight, weight, controlled, denying, any_control, powers, open_start, open_options, free_total,
          total):
    """Attractions ``appeal * price**-b_p`` from :func:`appeal`'s table, ``powers`` being the powers
    of its ``prices`` (taken by NumPy), and each row's totals. Without ``any_control``, ``weight`` is
    ``free_weight`` and ``total`` is ``free_total``; with it, ``free_weight`` is worked out in the rows
    with a controlled option (``denying``) only, and elsewhere the free total is the row's total.
    Only the options a step can open are visited (as :func:`appeal`); the others stay 0."""
    n_c, n_l, n_o = free_weight.shape
    fw, aw, ctl = free_weight.reshape(-1), weight.reshape(-1), controlled.reshape(-1)
    n = 0
    for c in range(n_c):
        for layer in range(n_l):
            row = (c * n_l + layer) * n_o
            first, last = open_start[layer], open_start[layer + 1]
            if not (any_control and denying[c, layer]):
                for j in range(first, last):
                    o = row + open_options[j]
                    if aw[o] > 0:
                        aw[o] *= powers[n]
                        n += 1
                total[c, layer] = _row_sum(aw, row, n_o)
                if any_control:
                    free_total[c, layer] = total[c, layer]
                continue
            for j in range(first, last):
                o = row + open_options[j]
                if fw[o] > 0:
                    fw[o] *= powers[n]
                    n += 1
                if not ctl[o]:
                    aw[o] = fw[o]
                elif aw[o] > 0:
                    aw[o] *= powers[n]
                    n += 1
            free_total[c, layer] = _row_sum(fw, row, n_o)
            total[c, layer] = _row_sum(aw, row, n_o)


@jit
def _share(weight, total):
    """A weight's logit share of its row's ``total`` (``purchase``): a zero's share is itself, the
    denominator being positive (1 when nothing is open)."""
    return weight / (total if total > 0 else 1.0) if weight != 0.0 else weight


@_inlined
def _share_row(weight, acquired, row, n_o, budget, composed, total, first, last, open_options):
    """Share ``budget`` over the row's options by their ``weight`` (which becomes the spending) and
    ``composed`` (budget times composite) into ``acquired``, visiting only the open options
    (``open_options[first:last]``). A closed option's share is 0: it spends ``budget * 0`` and
    acquires ``composed * 0``, +0 unless they are beyond floating point (nan) or -0 (the weights
    :func:`appeal` left there are +0). Returns the closed options' acquisition."""
    closed_spend, closed_acquired = budget * 0.0, composed * 0.0
    acquired[row:row + n_o] = closed_acquired
    if closed_spend != 0.0 or np.signbit(closed_spend):
        j = first
        for o in range(n_o):
            if j < last and open_options[j] == o:
                j += 1
            else:
                weight[row + o] = closed_spend
    for j in range(first, last):
        o = row + open_options[j]
        share = _share(weight[o], total)
        weight[o] = budget * share
        acquired[o] = composed * share
    return closed_acquired


@jit
def split(budget, free_weight, weight, free_total, total, free_composite, composite, tag, controlled, denying, home,
          any_control, open_start, open_options, free_acquired, acquired, by_route, leaked, blocked, denied_share,
          acquired_total):
    """The logit split of every row (``*_weight`` become the spending, ``*_acquired`` are filled;
    ``*_composite`` is ``total ** (1 / b_p)``, taken by NumPy), then per row: acquisitions
    ``by_route`` (summed by ``tag``), what controlled options would have delivered freely
    (``blocked``), acquisitions by route beyond the uncontrolled options' free deliveries (``leaked``,
    0 on route ``home``), the free budget's share spent on controlled options (``denied_share``) and
    the total acquired. Without ``any_control``, ``weight`` is ``free_weight`` and only the first two
    are worked out. A row with nothing controlled (not ``denying``) splits freely as it does: its free
    row is left as it is (the actual row stands for it), and nothing is blocked, leaked or denied
    there (their 0s, as given, are kept). Rows are shared visiting only the options a step can open
    (as :func:`appeal`, :func:`_share_row`), and summed by route skipping what cannot change a sum
    that is never -0: the closed options' zeros (their nan beyond floating point is added, as NumPy's
    sums by route do) and the open options' zeros."""
    n_c, n_l, n_o = weight.shape
    n_k = by_route.shape[2]
    fw, aw = free_weight.reshape(-1), weight.reshape(-1)
    fa, aa = free_acquired.reshape(-1), acquired.reshape(-1)
    tg, ctl = tag.reshape(-1), controlled.reshape(-1)
    routes, leaks = by_route.reshape(-1), leaked.reshape(-1)
    masked = np.empty(n_o)
    baseline = np.empty(n_k)
    for c in range(n_c):
        for layer in range(n_l):
            row, rk = (c * n_l + layer) * n_o, (c * n_l + layer) * n_k
            first, last = open_start[layer], open_start[layer + 1]
            b = budget[c, layer]
            closed = _share_row(aw, aa, row, n_o, b, b * composite[c, layer], total[c, layer], first, last,
                                open_options)
            every = closed != 0.0  # nan: the closed options' count too
            for kk in range(rk, rk + n_k):
                routes[kk] = 0.0
            for j in range(n_o if every else last - first):
                o = row + (j if every else open_options[first + j])
                if aa[o] != 0.0:
                    routes[rk + tg[o]] += aa[o]
            acquired_total[c, layer] = _row_sum(aa, row, n_o)
            if not any_control:
                continue
            if not denying[c, layer]:  # the free row is this row: the same weights, total and composite
                continue
            closed = _share_row(fw, fa, row, n_o, b, b * free_composite[c, layer], free_total[c, layer], first,
                                last, open_options)
            every = closed != 0.0
            baseline[:] = 0.0
            for j in range(n_o if every else last - first):
                o = row + (j if every else open_options[first + j])
                if not ctl[o] and fa[o] != 0.0:
                    baseline[tg[o]] += fa[o]
            for kk in range(n_k):
                leaks[rk + kk] = 0.0 if kk == home else routes[rk + kk] - baseline[kk]
            for o in range(n_o):
                masked[o] = fa[row + o] if ctl[row + o] else 0.0
            blocked[c, layer] = _row_sum(masked, 0, n_o)
            for o in range(n_o):
                masked[o] = fw[row + o] if ctl[row + o] else 0.0
            spent = _row_sum(fw, row, n_o)
            denied = _row_sum(masked, 0, n_o)
            denied_share[c, layer] = denied / spent if spent > 0 else 0.0


@jit
def vendor_revenue(spend, layer_item, converted_layer, converted_item, revenue):
    """Add every layer's vendor spending ``spend[c, l, v]`` over buyers to ``revenue[v, item]`` (the
    layer's item), then the 1:N layer's conversion spending to the 1:1 item's, buyer by buyer from
    the first as ``numpy.sum`` over the buyers' axis adds them."""
    n_c, n_l, _ = spend.shape
    n_v = revenue.shape[0]
    column = np.empty(n_v)
    for layer in range(n_l + 1):
        block, item = (0, layer_item[layer]) if layer < n_l else (n_v, converted_item)
        at = layer if layer < n_l else converted_layer
        for v in range(n_v):
            column[v] = spend[0, at, block + v]
        for c in range(1, n_c):
            for v in range(n_v):
                column[v] += spend[c, at, block + v]
        for v in range(n_v):
            revenue[v, item] += column[v]


@jit
def vendor_spending(spend, algorithm_layer, home_sale, share, revenue, abroad):
    """Spending by vendor, from the option table's ``spend[c, l, o]``, a vendor's own and conversion
    options added (:meth:`model.market.options.OptionLayout.per_vendor`): into ``share[c, v]`` the
    vendor's share of buyer ``c``'s spending on vendors' options in ``algorithm_layer`` (0 where ``c``
    spends nothing there), ``revenue[v]`` over every buyer and layer, and ``abroad[v]`` the part from
    buyers outside its home (not ``home_sale[v, c]``). Sums as NumPy's: over buyers and layers row
    after row from the first, a buyer's layer pairwise."""
    n_c, n_l, _ = spend.shape
    n_v = home_sale.shape[0]
    by_layer, over_layers = np.empty((n_l, n_v)), np.empty(n_v)
    for c in range(n_c):
        for layer in range(n_l):
            for v in range(n_v):
                by_layer[layer, v] = spend[c, layer, v] + spend[c, layer, n_v + v]
        over_layers[:] = by_layer[0]
        for layer in range(1, n_l):
            for v in range(n_v):
                over_layers[v] += by_layer[layer, v]
        first = 0
        if c == 0:
            for v in range(n_v):
                revenue[v] = by_layer[0, v]
                abroad[v] = 0.0 if home_sale[v, 0] else over_layers[v]
            first = 1
        else:
            for v in range(n_v):
                abroad[v] += 0.0 if home_sale[v, c] else over_layers[v]
        for layer in range(first, n_l):
            for v in range(n_v):
                revenue[v] += by_layer[layer, v]
        market = _row_sum(by_layer[algorithm_layer], 0, n_v)
        for v in range(n_v):
            share[c, v] = by_layer[algorithm_layer, v] / market if market > 0 else 0.0


@jit
def add_flows(acquired, tag, route, vendor_exporter, layer_item, converted_item, flows):
    """Add each vendor option's acquisitions ``acquired[c, l, o]`` (``o < 2V``: vendors and conversions)
    to ``flows[exporter, route, buyer, tag]``, the exporter being the vendor's home and the route its
    chosen one (``route[v, c, i]``), in the order of the table, as ``numpy.add.at`` adds them."""
    n_c, n_l, _ = acquired.shape
    n_v = vendor_exporter.shape[0]
    for c in range(n_c):
        for layer in range(n_l):
            for o in range(2 * n_v):
                a = acquired[c, layer, o]
                if a > 0:
                    vendor, item = (o - n_v, converted_item) if o >= n_v else (o, layer_item[layer])
                    flows[vendor_exporter[vendor], route[vendor, c, item], c, tag[c, layer, o]] += a


@jit
def option_tags(vendor_tag, home_sale, layer_item, conversion, domestic, public, home, out):
    """The route tags ``out[c, l, o]`` of the option table when no sale is controlled: a vendor option
    its vendor's tag ``vendor_tag[v, c, i]`` at the layer's item, a conversion ``conversion``, then
    ``domestic`` and ``public``; a vendor's options (direct or converted) in its own home country
    (``home_sale[v, c]``) are ``home``."""
    n_v, n_c, _ = vendor_tag.shape
    for c in range(n_c):
        for layer in range(layer_item.shape[0]):
            item = layer_item[layer]
            for v in range(n_v):
                at_home = home_sale[v, c]
                out[c, layer, v] = home if at_home else vendor_tag[v, c, item]
                out[c, layer, n_v + v] = home if at_home else conversion
            out[c, layer, 2 * n_v] = domestic
            out[c, layer, 2 * n_v + 1] = public


@jit
def sums_by_option(values, tag, rows, n_k):
    """``out[l, o, k]``: the ``values[c, l, o]`` of the buyers ``rows`` added by route tag (``tag[c, l, o]``),
    buyer by buyer in the order of ``rows``, as ``numpy.bincount`` adds them."""
    _, n_l, n_o = values.shape
    out = np.zeros((n_l, n_o, n_k))
    for c in rows:
        for layer in range(n_l):
            for o in range(n_o):
                v = values[c, layer, o]
                if v != 0.0:  # adding 0 leaves a sum that starts at 0 and is never -0 as it is
                    out[layer, o, tag[c, layer, o]] += v
    return out


@jit
def target_flows(acquired, tag, by_route, leaked, blocked, targets, vendor_revenue, vendor_exporter, controlling,
                 layer_item, converted_item, n_items):
    """A step's flows for the target regimes ``targets`` (ascending) as one row, in the summary's column
    order: [0] acquisitions (all routes), [1] blocked, acquisitions by route ``[K]``, leaked by route
    ``[K]``, acquisitions by item bought and route ``[item, K]`` (conversions under ``converted_item``),
    revenue of each exporting nation's vendors ``[E]`` and [-1] that of the nations ``controlling``
    exports (``[E]`` bool).

    ``acquired``, ``tag`` ``[C, L, O]`` are the step's actual allocation's, ``by_route``, ``leaked``
    ``[C, L, K]`` and ``blocked`` ``[C, L]`` its :class:`model.market.Procurement`'s, ``vendor_revenue``
    ``[V, I]``. Sums as NumPy's: over the targets' rows row after row from 0, by option as
    :func:`sums_by_option`, a vendor's revenue and [0], [1], [-1] pairwise (of the by-route row, the
    targets' blocked rows, the controlling nations' revenue), a nation's vendors as ``numpy.add.at``."""
    n_l, n_k = by_route.shape[1], by_route.shape[2]
    n_v, n_e = vendor_exporter.shape[0], controlling.shape[0]
    per_option = sums_by_option(acquired, tag, targets, n_k)
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
    gathered = np.empty(targets.shape[0] * n_l)  # ``blocked[targets].sum()``
    for j in range(targets.shape[0]):
        for layer in range(n_l):
            gathered[j * n_l + layer] = blocked[targets[j], layer]
    row[1] = _row_sum(gathered, 0, gathered.shape[0])

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
    chosen, n_chosen = np.empty(n_e), 0  # ``revenue[controlling].sum()``
    for e in range(n_e):
        if controlling[e]:
            chosen[n_chosen] = row[revenue + e]
            n_chosen += 1
    row[-1] = _row_sum(chosen, 0, n_chosen)
    return row


@jit
def add_buyer_totals(blocked, leaked, vendor_revenue, regime_blocked, regime_leaked, vendor_total):
    """Add a step's ``blocked[C, L]`` over each buyer's layers to ``regime_blocked[C]``, its
    ``leaked[C, L, K]`` over layers and routes to ``regime_leaked[C]`` and ``vendor_revenue[V, I]`` over
    items to ``vendor_total[V]``, as ``total += a.sum(axis=...)`` over the trailing axes does (each
    buyer's or vendor's numbers pairwise, then added)."""
    n_c, n_l, n_k = leaked.shape
    flat_blocked, flat_leaked, flat_revenue = blocked.ravel(), leaked.ravel(), vendor_revenue.ravel()
    for c in range(n_c):
        regime_blocked[c] += _row_sum(flat_blocked, c * n_l, n_l)
        regime_leaked[c] += _row_sum(flat_leaked, c * n_l * n_k, n_l * n_k)
    n_i = vendor_revenue.shape[1]
    for v in range(vendor_total.shape[0]):
        vendor_total[v] += _row_sum(flat_revenue, v * n_i, n_i)


# --- access (model/market/access.py): a state's best diversions, a step's controlled sales, what slips --


@jit
def controlled_sales(licensing, licence_draw, approval, enforcement, members, bounds, strength, exporters,
                     vendor_exporter, home_sale, et_exporter, et_capture, et_enforcement):
    """A step's controlled sales: ``(sales, home, enforcement)``, the flat positions in ``[V, C, I]``
    (ascending), whether the vendor's home country (else the extraterritorial jurisdiction
    ``et_exporter``, -1 none) controls each, and the chance its enforcement stops it.

    Licences are refused at ``licensing`` (ascending flat positions in ``[E, C, I]``) where the
    ``licence_draw`` is not below the ``approval``. No-undercut groups (``members[bounds[g]:bounds[g + 1]]``,
    distinct exporters, with each member's ``strength``), in order, spread a member's denial to the
    group's others, who enforce it at their strength; a later group's members enforce as the state
    says (``enforcement`` ``[E, C, I]``) where it binds them to nothing; with any group, sales at an
    exporter's home are not exports. A sale is controlled if its vendor's home denies it, or the
    extraterritorial jurisdiction does and captures the vendor for the buyer (``et_capture[v, c]``),
    unless it is a sale at home (``home_sale[v, c]``)."""
    n_e, n_c, n_i = enforcement.shape
    n_ci = n_c * n_i
    base = enforcement.reshape(-1)
    denied = np.zeros(n_e * n_ci, np.bool_)
    for k in range(licensing.shape[0]):
        denied[licensing[k]] = not licence_draw[k] < approval[k]
    by_exporter = base
    if bounds.shape[0] > 1:
        by_exporter = base.copy()
        for g in range(bounds.shape[0] - 1):
            for cell in range(n_ci):
                binds = False  # some member denies
                for j in range(bounds[g], bounds[g + 1]):
                    binds |= denied[members[j] * n_ci + cell]
                for j in range(bounds[g], bounds[g + 1]):
                    at = members[j] * n_ci + cell
                    binding = binds and not denied[at]  # denied by another member only
                    denied[at] |= binding
                    by_exporter[at] = strength[j] if binding else base[at]
        for e in range(n_e):
            for i in range(n_i):
                denied[e * n_ci + exporters[e] * n_i + i] = False
    # each exporter's denied cells of [C, I], ascending: cells[start[e]:start[e + 1]]
    cells, start = np.empty(n_e * n_ci, np.int64), np.zeros(n_e + 1, np.int64)
    n = 0
    for e in range(n_e):
        for cell in range(n_ci):
            if denied[e * n_ci + cell]:
                cells[n] = cell
                n += 1
        start[e + 1] = n
    n_v = vendor_exporter.shape[0]
    et_lo = start[et_exporter] if et_exporter >= 0 else 0
    et_hi = start[et_exporter + 1] if et_exporter >= 0 else 0
    bound = 0
    for v in range(n_v):
        bound += start[vendor_exporter[v] + 1] - start[vendor_exporter[v]] + et_hi - et_lo
    sales, home, chance = np.empty(bound, np.int64), np.empty(bound, np.bool_), np.empty(bound)
    n = 0
    for v in range(n_v):  # the union of the home's and the extraterritorial jurisdiction's denials, ascending
        e = vendor_exporter[v]
        a, a_hi, b = start[e], start[e + 1], et_lo
        while a < a_hi or b < et_hi:
            cell = cells[a] if a < a_hi else n_ci
            if b < et_hi and cells[b] < cell:
                cell, by_home = cells[b], False
                b += 1
            else:
                by_home = True
                if b < et_hi and cells[b] == cell:
                    b += 1
                a += 1
            c = cell // n_i
            if home_sale[v, c] or not (by_home or et_capture[v, c]):
                continue
            sales[n], home[n] = v * n_ci + cell, by_home
            chance[n] = by_exporter[e * n_ci + cell] if by_home else et_enforcement
            n += 1
    return sales[:n], home[:n], chance[:n]


@jit
def enforce(sales, home, enforcement, enforcement_draw, hub_draw, compliance, available, home_hub, home_chance,
            home_usable, et_hub, et_chance, et_usable):
    """``(controlled, direct_slip, hub_route)`` ``[V, C, I]`` of :func:`controlled_sales`' output: a
    sale's direct route is open (route 0 ``available[v, 0, c, i]``) where its ``enforcement_draw`` is
    below ``(1 - compliance[v]) * (1 - enforcement)``, and its controller's best hub (``home_*`` or
    ``et_*``, 0-based, so the route is one more) where the ``hub_draw`` is below the hub's chance of
    passing and some hub is usable; -1 where no diversion passes, and everywhere else."""
    n_v, n_r, n_c, n_i = available.shape
    n_ci = n_c * n_i
    controlled = np.zeros((n_v, n_c, n_i), np.bool_)
    direct_slip = np.zeros((n_v, n_c, n_i), np.bool_)
    hub_route = np.full((n_v, n_c, n_i), -1, np.int64)
    ctl, direct, route = controlled.reshape(-1), direct_slip.reshape(-1), hub_route.reshape(-1)
    offered = available.reshape(-1)
    hubs, chances, usables = (home_hub.reshape(-1), home_chance.reshape(-1), home_usable.reshape(-1))
    et_hubs, et_chances, et_usables = (et_hub.reshape(-1), et_chance.reshape(-1), et_usable.reshape(-1))
    for k in range(sales.shape[0]):
        s = sales[k]
        v = s // n_ci
        ctl[s] = True
        direct[s] = (enforcement_draw[k] < (1.0 - compliance[v]) * (1.0 - enforcement[k])
                     and offered[v * n_r * n_ci + s - v * n_ci])
        if home[k]:
            hub, chance, usable = hubs[s], chances[s], usables[s]
        else:
            hub, chance, usable = et_hubs[s], et_chances[s], et_usables[s]
        if hub_draw[k] < chance and usable:
            route[s] = hub + 1
    return controlled, direct_slip, hub_route


@jit
def diversions(routes, passing, base_price, offered):
    """Every sale's best diversion, ``(hub, chance, usable)`` ``[V, C, I]``: the hub (0-based) of the
    lowest expected cost per successful shipment (``base_price[v, 1 + k, c] / passing[v, k]`` over
    the usable hubs, those whose route exists, ``routes[v, 1 + k, c]``, and that let something pass;
    the first on a tie, as ``numpy.argmin``, 0 where none is usable or the sale is not ``offered``),
    its chance of passing (0 in a world without hubs), and whether the sale is offered and some hub
    usable at a finite cost.
    Routes differ by vendor, hub and buyer, so each best hub is found once for all the items."""
    n_v, n_r, n_c = routes.shape
    n_i = offered.shape[2]
    hub = np.empty((n_v, n_c, n_i), np.int64)
    chance = np.empty((n_v, n_c, n_i))
    usable = np.empty((n_v, n_c, n_i), np.bool_)
    for v in range(n_v):
        for c in range(n_c):
            lowest, best = np.inf, 0
            for k in range(n_r - 1):
                if routes[v, k + 1, c] and passing[v, k] > 0:
                    cost = base_price[v, k + 1, c] / passing[v, k]
                    if cost < lowest:
                        lowest, best = cost, k
            for i in range(n_i):
                h = best if offered[v, c, i] else 0
                hub[v, c, i] = h
                chance[v, c, i] = passing[v, h] if n_r > 1 else 0.0
                usable[v, c, i] = offered[v, c, i] and lowest < np.inf
    return hub, chance, usable


# --- draws (model/market/draws.py): PCG64's uniform numbers at given positions of a stream -----------

_PCG64_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG_DEFAULT_MULTIPLIER_128 of NumPy's pcg64.h
_SMALL_JUMPS = 16  # gaps up to this many numbers jump by one table row; longer ones by powers of two


def _lcg_jumps(steps: list[int]) -> np.ndarray:
    """Rows ``(A_hi, A_lo, S_hi, S_lo)``: ``n`` steps of PCG64's generator, for each ``n`` of ``steps``,
    are ``state -> A * state + S * increment (mod 2**128)`` (worked out exactly, in Python integers)."""
    rows = []
    for n in steps:
        a, s, mult, plus, left = 1, 0, _PCG64_MULTIPLIER, 1, n
        while left:  # pcg_advance_lcg_128: square-and-multiply
            if left & 1:
                a, s = a * mult % 2**128, (s * mult + plus) % 2**128
            mult, plus, left = mult * mult % 2**128, (mult + 1) * plus % 2**128, left >> 1
        rows.append((a >> 64, a % 2**64, s >> 64, s % 2**64))
    return np.array(rows, dtype=np.uint64)


_STEPS = _lcg_jumps(list(range(_SMALL_JUMPS + 1)))  # [n]: n steps, 0 to _SMALL_JUMPS
_DOUBLINGS = _lcg_jumps([2**j for j in range(63)])  # [j]: 2**j steps
_LOW = np.uint64(0xFFFFFFFF)
_HALF = np.uint64(32)


@jit
def _multiply(a_hi, a_lo, b_hi, b_lo):
    """The low 128 bits of ``a * b``, as (high, low) 64-bit words (the low words' full product from
    their 32-bit halves)."""
    a0, a1, b0, b1 = a_lo & _LOW, a_lo >> _HALF, b_lo & _LOW, b_lo >> _HALF
    middle = ((a0 * b0) >> _HALF) + ((a0 * b1) & _LOW) + ((a1 * b0) & _LOW)
    carry = a1 * b1 + ((a0 * b1) >> _HALF) + ((a1 * b0) >> _HALF) + (middle >> _HALF)
    return carry + a_hi * b_lo + a_lo * b_hi, a_lo * b_lo


@jit
def _jump(state_hi, state_lo, increment_hi, increment_lo, row):
    """``A * state + S * increment`` (mod 2**128) for the ``row`` ``(A_hi, A_lo, S_hi, S_lo)``."""
    high, low = _multiply(row[0], row[1], state_hi, state_lo)
    plus_hi, plus_lo = _multiply(row[2], row[3], increment_hi, increment_lo)
    low_sum = low + plus_lo
    return high + plus_hi + np.uint64(low_sum < low), low_sum


@jit
def pcg64_uniforms(start, skip, positions):
    """The uniform numbers ``numpy.random.Generator(PCG64)`` draws at ascending ``positions`` of its
    stream, counted from ``skip`` numbers after ``start``, the words ``(state_hi, state_lo,
    increment_hi, increment_lo)`` of its bit generator: number ``p`` is the output (XSL-RR) of the
    state ``skip + p + 1`` steps on, its top 53 bits times 2**-53, as NumPy's ``random``. The
    generator jumps from one position to the next (:func:`_lcg_jumps`' tables), so numbers between
    positions are not made."""
    state_hi, state_lo, increment_hi, increment_lo = start[0], start[1], start[2], start[3]
    out = np.empty(positions.shape[0])
    at = -1 - skip
    for k in range(positions.shape[0]):
        gap = positions[k] - at
        if gap <= _SMALL_JUMPS:
            state_hi, state_lo = _jump(state_hi, state_lo, increment_hi, increment_lo, _STEPS[gap])
        else:
            j = 0
            while gap:
                if gap & 1:
                    state_hi, state_lo = _jump(state_hi, state_lo, increment_hi, increment_lo, _DOUBLINGS[j])
                gap >>= 1
                j += 1
        at = positions[k]
        mixed, rotation = state_hi ^ state_lo, state_hi >> np.uint64(58)
        word = (mixed >> rotation) | (mixed << ((np.uint64(64) - rotation) & np.uint64(63)))
        out[k] = np.float64(word >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    return out


# --- route prices: every sale's cheapest open route, once per world and availability pattern -----


@jit
def cheapest_routes(available, base):
    """``(route, price)`` ``[V, C, I]``: for every sale the first of its cheapest routes among the
    ``available[v, r, c, i]`` ones at ``base[v, r, c]`` (what ``numpy.argmin`` over the routes picks),
    and that price; -1 and inf where no route is available."""
    n_v, n_r, n_c, n_i = available.shape
    route = np.full((n_v, n_c, n_i), -1, np.int64)
    price = np.full((n_v, n_c, n_i), np.inf)
    for v in range(n_v):
        for r in range(n_r):
            for c in range(n_c):
                p = base[v, r, c]
                for i in range(n_i):
                    if available[v, r, c, i] and p < price[v, c, i]:
                        price[v, c, i] = p
                        route[v, c, i] = r
    return route, price
