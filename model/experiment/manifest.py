"""Manifests: what produced a results folder, enough to produce the same numbers again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from model.errors import ModelInputError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mesa", "numpy", "pandas", "networkx", "pydantic", "scipy", "SALib", "pyarrow")


def git_commit(root: Path = PROJECT_ROOT) -> dict[str, Any] | None:
    """The checkout's commit and whether it had uncommitted changes, or None outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                capture_output=True, text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def environment() -> dict[str, Any]:
    """Project, Python and package versions."""
    from model.version import __version__

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "project_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": versions,
        "git": git_commit(),
    }


def build_manifest(kind: str, settings: dict[str, Any], command: list[str]) -> dict:
    """The manifest of a results folder of ``kind`` ("comparison", "sweep", ...), with a digest of
    its ``settings`` (so a damaged or edited manifest is never re-run); the folder's writer adds
    the tables and their digests (:mod:`model.experiment.folders`)."""
    return {
        "kind": kind,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command,
        **settings,
        "environment": environment(),
        "settings_digest": {"keys": sorted(settings), "sha256": settings_digest(settings)},
    }


def settings_digest(settings: dict[str, Any]) -> str:
    """SHA-256 of the settings as JSON (keys sorted)."""
    plain = json.loads(json.dumps(settings, default=str))
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


def settings_intact(manifest: dict[str, Any]) -> bool:
    """Whether the manifest's settings are those it was written with."""
    recorded = manifest.get("settings_digest")
    if not isinstance(recorded, dict) or not isinstance(recorded.get("keys"), list):
        return False
    keys = [k for k in recorded["keys"] if isinstance(k, str)]
    return settings_digest({k: manifest.get(k) for k in keys}) == recorded.get("sha256")


def require_intact_settings(manifest: dict[str, Any], where: str) -> None:
    """A :class:`ModelInputError` located at ``where`` unless :func:`settings_intact`."""
    if not settings_intact(manifest):
        raise ModelInputError(f"{where}: settings_digest", "damaged settings: they differ from the digest "
                              "recorded when the folder was written", expected="the manifest as it was written")
