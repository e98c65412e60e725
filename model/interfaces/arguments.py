"""Command-line values checked as argparse parses them, with the bounds of :mod:`model.limits`.

A bad value is one line on stderr, ``error: argument --replications: ...``, and exit code 2, as
for bad files: :class:`Parser` replaces argparse's usage dump with that line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit

from pydantic import Field, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from model.config.fields import range_text, type_text
from model.limits import Chunk, Dpi, IntervalReplications, Port, Replications, Samples, Seed, Workers

SCHEMES = ("tcp", "tls", "ucx", "ws", "wss")
"""Dask's protocols for a scheduler address."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one ``error:`` line (subcommand parsers inherit it)."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {' '.join(message.split())} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


@cache
def bounded(annotation: Any) -> Callable[[str], Any]:
    """An argparse ``type`` for ``annotation`` (a type of :mod:`model.limits`): the text as that
    type, within its bounds, or an ``ArgumentTypeError`` naming them."""
    adapter = TypeAdapter(annotation)
    field = FieldInfo.from_annotation(annotation)
    expected = f"{type_text(field.annotation, article=True)} in {range_text(field)}"

    def parse(text: str) -> Any:
        try:
            return adapter.validate_python(field.annotation(text))
        except (ValueError, ValidationError):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None

    parse.__name__ = type_text(field.annotation)  # argparse names the type in some messages
    return parse


replications = bounded(Replications)
interval_replications = bounded(IntervalReplications)
seed = bounded(Seed)
samples = bounded(Samples)
workers = bounded(Workers)
chunk = bounded(Chunk)
dpi = bounded(Dpi)
port = bounded(Port)
draws = bounded(Annotated[int, Field(ge=0, le=10_000)])


def output_folder(text: str) -> str:
    """A folder to write: a path with a final name (not empty, ``.`` or ``..``), ``~`` expanded."""
    path = Path(os.path.expanduser(text))
    if "\0" in text or path.name in ("", ".", "..") or path.parts[0].startswith("~"):  # ~unknown_user
        raise argparse.ArgumentTypeError(f"expected a folder path with a name, such as results/mine, got {text!r}")
    return str(path)


def scheduler(text: str) -> str:
    """A Dask scheduler address, ``tcp://HOST:PORT`` (or another of :data:`SCHEMES`)."""
    expected = f"expected an address such as tcp://HOST:PORT ({' / '.join(SCHEMES)}), got {text!r}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # a port that is not a number in [0, 65535]
        raise argparse.ArgumentTypeError(expected) from None
    if parts.scheme not in SCHEMES or not parts.hostname or not port or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(expected)
    return text
