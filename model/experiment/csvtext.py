"""A table's CSV text as pandas writes it (``to_csv(index=False)``), rendered column by column.

pandas formats each float with NumPy (``astype(str)``: the shortest text that reads back as the
same number, Python's ``repr``) and passes every row through the ``csv`` module. :func:`csv_text`
renders the same text for the tables results folders hold (float64, integer, bool, string and
object columns whose text needs no quoting) with Arrow's shortest float text where it is ``repr``'s
(:func:`float_text`) and one join per row; for anything else it returns None and the caller lets
pandas write the table (tests compare the two on generated tables and every float bit pattern).
"""

from __future__ import annotations

import functools
import os
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_QUOTED = re.compile(r'[,"\r\n]')
"""Characters that make the ``csv`` module quote a field (delimiter, quote character, line ends)."""


def csv_text(table: pd.DataFrame, header: bool = True) -> str | None:
    """``table.to_csv(index=False, header=header)``, or None where pandas must write it (a column
    of another type, text that needs quoting, fewer than two columns)."""
    names = list(table.columns)
    if len(names) < 2 or not all(type(name) is str for name in names) or _QUOTED.search("".join(names)):
        return None  # a one-field row of "" is quoted; only plain names are written as they are
    columns = _columns(table)
    if columns is None:
        return None
    end = os.linesep  # pandas' line terminator
    lines = [",".join(names)] if header else []
    lines += map(",".join, zip(*columns))
    return end.join(lines) + end if lines else ""


def _columns(table: pd.DataFrame) -> list[list[str]] | None:
    """Every column's fields as pandas writes them (missing values empty), or None."""
    n = len(table)
    columns: list[list[str] | None] = [None] * table.shape[1]
    floats = [j for j, dtype in enumerate(table.dtypes) if dtype == np.float64]
    if floats:  # one pass over all float columns, read column after column
        text = float_text(table.iloc[:, floats].to_numpy(dtype=np.float64).T.ravel())
        for k, j in enumerate(floats):
            columns[j] = text[k * n:(k + 1) * n]
    for j, dtype in enumerate(table.dtypes):
        if columns[j] is not None:
            continue
        column = table.iloc[:, j]
        if dtype.kind in "iu" and isinstance(dtype, np.dtype):
            columns[j] = list(map(str, column.to_numpy().tolist()))
        elif dtype == np.bool_:
            columns[j] = ["True" if value else "False" for value in column.to_numpy().tolist()]
        elif isinstance(dtype, pd.StringDtype) or dtype == np.object_:
            missing = column.isna().to_numpy().tolist()
            values = column.to_numpy(dtype=object).tolist()
            text = ["" if gone else value if type(value) is str else str(value)
                    for value, gone in zip(values, missing)]
            if _QUOTED.search("".join(text)):
                return None
            columns[j] = text
        else:
            return None
    return columns  # type: ignore[return-value]


def float_text(values: np.ndarray) -> list[str]:
    """``float.__repr__`` of each value (NaN: empty), by Arrow where its text is that one.

    Arrow writes a number in its shortest text that reads back as the same number, as ``repr`` does;
    the shortest text is unique (of two as short, one is nearer the number: they cannot be equally
    near, since the number would then end in a 5 one digit further, below the resolution its
    binary exponent allows). Only the layout differs: Arrow writes an exponent from 1e10 and below
    1e-7 (``repr`` from 1e16 and below 1e-4) and no ``.0`` after a whole number. So a number Arrow
    writes without an exponent, at least 1e-4 in size or 0, is ``repr``'s text (with ``.0`` when it
    has no point); the others (about 1% of a headline's values) are formatted by ``repr``."""
    values = np.asarray(values, dtype=np.float64)
    if not _arrow_writes_shortest():
        return ["" if value != value else float.__repr__(value) for value in values.tolist()]
    arrow = pc.cast(pa.array(values), pa.string())
    whole = ~pc.match_substring(arrow, ".").to_numpy(zero_copy_only=False)
    text = pc.if_else(whole, pc.binary_join_element_wise(arrow, ".0", ""), arrow).to_pylist()
    same = (np.abs(values) >= 1e-4) | (values == 0)
    same &= np.isfinite(values) & ~pc.match_substring(arrow, "e").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~same).tolist():
        value = float(values[i])
        text[i] = "" if value != value else float.__repr__(value)
    return text


@functools.cache
def _arrow_writes_shortest() -> bool:
    """Whether this Arrow writes numbers as :func:`float_text` expects (checked once on numbers whose
    shortest text is long, short, near a power of 2 or 10, or whole)."""
    probe = [0.1, 1 / 3, 2 / 3 * 1e5, 0.30000000000000004, 123.456, 1e-4, 0.00012345678901234567, 5e-324,
             9007199254740993.0, 2.0**-20, 1e9 - 0.5, 7.0, -0.0, 0.0, 1e22, 1.7976931348623157e308]
    text = pc.cast(pa.array(probe), pa.string()).to_pylist()
    return all(t == r or t + ".0" == r or "e" in t or abs(p) < 1e-4
               for t, r, p in zip(text, map(float.__repr__, probe), probe))
