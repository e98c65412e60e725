"""The option table: what a buyer chooses between, per layer, laid out along one axis.

Every array ``[..., C, L, O]`` of the market (prices, qualities, spending, acquisitions, route tags)
shares one layout of its last axis::

    [ vendors (the layer's item) | vendors (1:1 item, converted) | domestic | public copies ]
      0 .. V-1                     V .. 2V-1                        2V         2V+1

Only the 1:N algorithm layer has conversion options and only the training-data layer has public
copies; elsewhere those options are closed (infinite price). Everything that slices the table goes
through :class:`OptionLayout`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.vocabulary import ITEM_INDEX, LAYER_INDEX, LAYER_ITEM, tagged_by

CONVERTED_LAYER = LAYER_INDEX["algorithm_1n"]
"""The layer 1:1 algorithms can be converted into."""
CONVERTED_ITEM = ITEM_INDEX["algorithm_11"]
"""The item bought for conversion."""
PUBLIC_LAYER = LAYER_INDEX["training_data"]
"""The layer public copies serve."""
CONVERSION = tagged_by("conversion", "market/options.py: a converted 1:1 vendor's option")
DOMESTIC = tagged_by("domestic", "market/options.py: the regime's own industry's option")
PUBLIC_COPIES = tagged_by("public_copies", "market/options.py: the public copies' option")
ITEM_LAYER = np.array([LAYER_ITEM.index(i) if i in LAYER_ITEM else CONVERTED_LAYER for i in range(len(ITEM_INDEX))])
"""The layer each item's vendor options sit in."""


@dataclass(frozen=True)
class OptionLayout:
    """The last axis of the option table for a world of ``n_vendors`` vendors."""

    n_vendors: int

    @property
    def vendors(self) -> slice:
        """Vendors selling the layer's own item."""
        return slice(0, self.n_vendors)

    @property
    def converted(self) -> slice:
        """Vendors selling the 1:1 item, bought for conversion (open in the 1:N layer only)."""
        return slice(self.n_vendors, 2 * self.n_vendors)

    @property
    def domestic(self) -> int:
        return 2 * self.n_vendors

    @property
    def public(self) -> int:
        return 2 * self.n_vendors + 1

    @property
    def size(self) -> int:
        return 2 * self.n_vendors + 2

    def per_vendor(self, values: np.ndarray) -> np.ndarray:
        """``[..., V]``: an option array's vendor and conversion blocks added (conversions under
        the vendor that sold the 1:1 item)."""
        return values[..., self.vendors] + values[..., self.converted]


def openable(sells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(start, options)``: the options of layer ``l`` that some step can open are
    ``options[start[l]:start[l + 1]]`` (ascending) in a world whose vendors sell ``sells[v, i]``:
    vendors selling the layer's item, in the 1:N layer conversions of vendors selling the 1:1
    item, domestic, and in the training-data layer public copies. A vendor option of an item its
    vendor does not sell has no open route and no controlled sale that slips, at any step."""
    layout = OptionLayout(sells.shape[0])
    per_layer = []
    for layer, item in enumerate(LAYER_ITEM):
        vendors = np.flatnonzero(sells[:, item])
        converted = np.flatnonzero(sells[:, CONVERTED_ITEM]) + layout.n_vendors if layer == CONVERTED_LAYER else []
        public = [layout.public] if layer == PUBLIC_LAYER else []
        per_layer.append(np.concatenate([vendors, converted, [layout.domestic], public]).astype(np.intp))
    start = np.cumsum([0] + [len(options) for options in per_layer])
    return start, np.concatenate(per_layer)
