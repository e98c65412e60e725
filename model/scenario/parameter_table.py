"""The ODD's table of behavioural parameters (docs/ODD.md, 8.1), kept current from the code.

The table is written by hand (unit, status, source or rationale) except two columns that come from
the code: ``default``, the value in ``model/parameters.py`` (left as written while it equals the
code's, rewritten when it does not), and ``calibrated``, the fitted value every run uses instead
(``model/data/calibrated.toml``; empty for a parameter the calibration leaves at its default). A
parameter without a row gets one, with its description, to be completed by hand.
``python -m model.scenario.docs`` rewrites the table; a test checks that the committed file is current.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from model.parameters import ModelParameters, default_parameters

ODD_FILE = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
SECTION = "### 8.1 "
HEADER = ("name", "default", "calibrated", "unit", "status", "source / rationale")


def calibrated_values() -> dict[str, Any]:
    """The parameters whose value in every run (the installed calibration) differs from the code's
    default: name -> that value."""
    code, used = ModelParameters(), default_parameters()
    return {name: getattr(used, name) for name in ModelParameters.model_fields
            if getattr(used, name) != getattr(code, name)}


def shown(value: Any, digits: int | None = None) -> str:
    """A parameter value as the ODD writes it: numbers (to ``digits`` significant digits if given),
    ``key=value`` pairs for layer values and per-country or per-vendor tables, ``{} (none)`` for an
    empty table."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, dict):
        return ", ".join(f"{k}={shown(v, digits)}" for k, v in value.items()) or "{} (none)"
    return f"{value:.{digits}g}" if digits else f"{value:g}"


def render_table(text: str) -> str:
    """``text`` (the ODD) with section 8.1's parameter table brought up to date."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(SECTION))
    head = next(i for i in range(start, len(lines)) if lines[i].startswith("| name |"))
    end = next((i for i in range(head + 2, len(lines)) if not lines[i].startswith("|")), len(lines))
    calibrated = calibrated_values()
    rows, seen = [], set()
    for line in lines[head + 2:end]:
        cells = _cells(line)
        name = cells[0].strip("`")
        if len(cells) == len(HEADER) - 1:  # a row written before the calibrated column
            cells.insert(2, "")
        if name in ModelParameters.model_fields:
            seen.add(name)
            default = _code_default(name)
            if not _same(cells[1], default):
                cells[1] = shown(default)
            cells[2] = shown(calibrated[name], 4) if name in calibrated else ""
        rows.append(_line(cells))
    for name, field in ModelParameters.model_fields.items():
        if name not in seen:
            value = shown(calibrated[name], 4) if name in calibrated else ""
            rows.append(_line([f"`{name}`", shown(_code_default(name)), value, "", "",
                               " ".join((field.description or "").split())]))
    table = [_line(list(HEADER)), "|" + "---|" * len(HEADER), *rows]
    return "\n".join([*lines[:head], *table, *lines[end:]])


def update(path: Path = ODD_FILE) -> bool:
    """Rewrite the parameter table of ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    new = render_table(text)
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def _code_default(name: str) -> Any:
    return ModelParameters.model_fields[name].get_default(call_default_factory=True)


def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row (``\\|`` inside a cell is not a separator)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])]


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _same(cell: str, default: Any) -> bool:
    """Whether a default cell written by hand (``0.10``, ``1/3``, ``2.1e-4``) says ``default``."""
    if isinstance(default, BaseModel):
        default = default.model_dump()
    if isinstance(default, dict):
        if not default:
            return cell.startswith("{}")
        written = {key: float(Fraction(value)) for key, value in re.findall(r"(\w+)=([\d./e-]+)", cell)}
        return written.keys() == default.keys() and all(math.isclose(written[k], default[k]) for k in default)
    try:
        return math.isclose(float(Fraction(cell)), default, rel_tol=1e-9)
    except (ValueError, ZeroDivisionError):
        return False
