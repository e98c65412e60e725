"""A table's CSV text as pandas writes it (``to_csv(index=False)``), rendered column by column.

pandas formats each float with NumPy (``astype(str)``: the shortest text that reads back as the
same number, Python's ``repr``) and passes every row through the ``csv`` module; about half of
that time is spent on work a results table does not need. :func:`csv_text` renders the same text
for the tables results folders hold (float64, integer, bool, string and object columns whose text
needs no quoting) with ``float.__repr__`` and one join per row; for anything else it returns None
and the caller lets pandas write the table (tests compare the two on generated tables).
"""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

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
        values = table.iloc[:, floats].to_numpy(dtype=np.float64).T.ravel()
        text = list(map(float.__repr__, values.tolist()))
        for i in np.flatnonzero(np.isnan(values)).tolist():
            text[i] = ""
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
