"""TOML tables as plain data: key paths into them, merging them, writing values back as TOML."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["Loc", "deep_merge", "depth", "key_path", "parse_key", "toml_key", "toml_value"]

Loc = tuple[str | int, ...]
"""A key path as parts: table keys are strings, array indices are ints."""


def key_path(loc: Loc) -> str:
    """``('policies', 'national', 0, 'enforcement')`` -> ``'policies.national[0].enforcement'``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_key(text: str) -> Loc:
    """The inverse of :func:`key_path` (for keys named by the model's own errors)."""
    return tuple(
        int(index) if index else name for index, name in re.findall(r"\[(\d+)\]|([^.\[\]]+)", text)
    )


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``: tables merge key by key; any other value, arrays and arrays
    of tables included, replaces the base value whole."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def depth(data: Any, loc: Loc) -> int:
    """How many leading parts of ``loc`` name keys of (nested) tables in ``data``; arrays stop the walk."""
    found = 0
    for part in loc:
        if not (isinstance(data, Mapping) and part in data):
            break
        data, found = data[part], found + 1
    return found


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_value(value: Any) -> str:
    """``value`` written as an inline TOML value (strings as literal strings where possible)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(float(value))
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text)
    if isinstance(value, (int, dt.date, dt.time)):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, str):
        plain = "'" not in value and value.isprintable()
        return f"'{value}'" if plain else json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return f"{{{items}}}" if items else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def toml_key(key: str) -> str:
    """``key`` as a TOML key: bare when it can be, quoted otherwise."""
    return key if _BARE_KEY.fullmatch(key) else toml_value(key)
