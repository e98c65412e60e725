"""The project's version: the installed distribution's, or the source tree's when not installed."""

from importlib import metadata

DISTRIBUTION = "surveillance-export-controls"
SOURCE_VERSION = "0.1.0"
"""Kept equal to ``[project] version`` in pyproject.toml (tests/test_package.py checks it)."""

try:
    __version__ = metadata.version(DISTRIBUTION)
except metadata.PackageNotFoundError:  # run from a source checkout that was never installed
    __version__ = SOURCE_VERSION
