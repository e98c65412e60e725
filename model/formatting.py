"""Numbers for people: one formatter for the command line, the dashboard, the figures and the
README tables, whose precision follows the size of the number.

Most policies move denial by a fraction of a percent, so a fixed one decimal would print 0.15%
and 0.05% alike as "0.1%" (and -0.004% as "-0.0%"). Here a number keeps two significant figures
(at least one decimal, at most :data:`MOST_DECIMALS`), an interval is printed with its mean's
decimals, and a number that rounds to zero is printed without a sign.
"""

from __future__ import annotations

import math

SIGNIFICANT = 2
"""Significant figures a number keeps (when it needs more than one decimal for them)."""
LEAST_DECIMALS = 1
MOST_DECIMALS = 6


def decimals(value: float, significant: int = SIGNIFICANT, least: int = LEAST_DECIMALS) -> int:
    """Decimals that show ``value`` with ``significant`` significant figures, at least ``least``
    and at most :data:`MOST_DECIMALS` (``least`` for zero, NaN and infinities)."""
    if not math.isfinite(value) or value == 0:
        return least
    return min(MOST_DECIMALS, max(least, significant - 1 - math.floor(math.log10(abs(value)))))


def fixed(value: float, places: int, *, signed: bool = False) -> str:
    """``value`` with ``places`` decimals; never "-0.0" (a value that rounds to zero has no sign);
    ``signed``: "+" before positive values; "n/a" for NaN."""
    if math.isnan(value):
        return "n/a"
    text = f"{value:{'+' if signed else ''}.{places}f}"
    if float(text) == 0:
        text = f"{0:.{places}f}"
    return text


def number(value: float, *, signed: bool = False, significant: int = SIGNIFICANT, least: int = LEAST_DECIMALS) -> str:
    """``value`` with the precision :func:`decimals` gives it, e.g. 0.36, 31.7, 0.0046."""
    return fixed(value, decimals(value, significant, least), signed=signed)


def percent(share: float, *, signed: bool = False, unit: str = "%") -> str:
    """A share (0-1) as a percentage with adaptive precision: 0.317 -> "31.7%", 0.0015 -> "0.15%",
    -0.00004 -> "-0.0040%", 0 -> "0.0%"."""
    return number(100 * share, signed=signed) + unit


def interval(mean: float, low: float, high: float, *, scale: float = 1.0, unit: str = "",
             signed: bool = False) -> str:
    """``mean [low, high]`` (each times ``scale``) with the mean's precision (the wider bound's
    when the mean is zero): e.g. ``0.15% [0.14, 0.16]`` with ``scale=100, unit="%"``."""
    values = [scale * v for v in (mean, low, high)]
    reference = values[0] if values[0] != 0 and math.isfinite(values[0]) else max(
        (abs(v) for v in values if math.isfinite(v)), default=0.0)
    places = decimals(reference)
    mean_text, low_text, high_text = (fixed(v, places, signed=signed) for v in values)
    return f"{mean_text}{unit} [{low_text}, {high_text}]"


def percent_interval(mean: float, low: float, high: float, *, signed: bool = False) -> str:
    """A share's mean and 95% interval as percentages: ``31.7% [31.2, 32.5]``, ``0.15% [0.14, 0.16]``."""
    return interval(mean, low, high, scale=100, unit="%", signed=signed)
