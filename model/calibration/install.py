"""Installing a fit: copying a calibration's fitted point and posterior sample over the shipped ones.

``python run.py calibrate`` writes its fit into its results folder only; ``calibrate --install
FOLDER`` copies its ``calibrated.toml``, ``posterior.csv`` and ``posterior.json`` to ``model/data/``
when the fit is over the same targets and settings as the installed one and its loss is no higher
(``--force`` installs it anyway). The files it replaces are kept in a new numbered folder
``FOLDER/replaced-N/`` (an earlier backup is never overwritten), and nothing is written through a
symbolic link: every file is created anew (exclusively) and then renamed into place.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from model.calibration.fit import FIT_FILE, POSTERIOR_FILE, POSTERIOR_MANIFEST
from model.errors import ModelInputError
from model.parameters import CALIBRATED_FILE, calibrated_parameters

FILES = (FIT_FILE, POSTERIOR_FILE, POSTERIOR_MANIFEST)
"""What a fit consists of, in the order they are installed (the fit file last)."""
REPLACED = "replaced-{}"
"""The numbered folder, in the fit's folder, keeping the files an installation replaced."""

_LOSS_COMMENT = re.compile(r"^# Loss ([0-9.eE+-]+) over", re.MULTILINE)
"""The loss line of files written before the ``[fit]`` table existed."""


@dataclass(frozen=True)
class Fit:
    """What a fit file records: its loss and the digest of its targets and settings (None: unknown)."""

    loss: float | None
    digest: str | None


@dataclass(frozen=True)
class Installed:
    """What an installation did: the new fit's loss, and the replaced file's loss (None: unknown or none)."""

    path: Path
    loss: float
    replaced_loss: float | None
    kept: Path | None  # where the replaced files were kept (None when there were none)


def fit_record(path: Path) -> Fit:
    """The loss and targets digest recorded in a calibrated-parameters file."""
    text = path.read_text(encoding="utf-8")
    fit = tomllib.loads(text).get("fit")
    fit = fit if isinstance(fit, dict) else {}
    loss = fit.get("loss")
    if loss is None and (found := _LOSS_COMMENT.search(text)):
        loss = float(found.group(1))
    digest = fit.get("targets_digest")
    return Fit(float(loss) if isinstance(loss, (int, float)) and not isinstance(loss, bool) else None,
               digest if isinstance(digest, str) else None)


def fit_loss(path: Path) -> float | None:
    """The loss recorded in a calibrated-parameters file (None when the file records none)."""
    return fit_record(path).loss


def _installed(target: Path) -> Fit:
    """:func:`fit_record` of the installed file; unknown when it cannot be read (so only ``force``
    replaces a damaged one)."""
    try:
        return fit_record(target)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Fit(None, None)


def read_fit(folder: Path) -> tuple[Path, Fit]:
    """The fit file of a calibration folder and what it records; a :class:`ModelInputError` if it is not one."""
    path = folder / FIT_FILE
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        raise ModelInputError(str(folder), f"no fit to install here ({', '.join(missing)} missing)",
                              expected=f"a folder written by `python run.py calibrate` (holding {', '.join(FILES)})")
    calibrated_parameters(path)  # one ModelInputError if it is not a calibrated-parameters file
    fit = fit_record(path)
    if fit.loss is None or not math.isfinite(fit.loss):
        raise ModelInputError(f"{path}: fit.loss", "no finite loss recorded", expected="a number", got=fit.loss)
    return path, fit


def refusal(new: Fit, installed: Fit, target: Path) -> str | None:
    """Why ``new`` may not replace ``installed`` without ``--force`` (None: it may)."""
    if installed.digest is None:
        return (f"the installed {target} does not record its targets and settings (an older or damaged fit), "
                "so the losses are not comparable")
    if new.digest != installed.digest:
        return (f"this fit is over other targets or settings (digest {new.digest}) than the installed {target} "
                f"(digest {installed.digest}), so the losses are not comparable")
    if installed.loss is None or new.loss is None or new.loss > installed.loss:
        now = "an unknown loss" if installed.loss is None else f"loss {installed.loss:.4g}"
        return f"this fit (loss {new.loss:.4g}) is worse than the installed {target} ({now})"
    return None


def install(folder: Path, *, force: bool = False, target: Path = CALIBRATED_FILE) -> Installed:
    """Copy ``folder``'s fit beside ``target`` (its fit file becomes ``target``); refused, with the
    reason, when :func:`refusal` gives one, unless ``force``. Replaced files go to a new
    ``folder/replaced-N/``."""
    folder = Path(folder)
    path, fit = read_fit(folder)
    destinations = {name: target if name == FIT_FILE else target.with_name(name) for name in FILES}
    installed = _installed(target) if target.is_file() else None
    if installed is not None and not force and (why := refusal(fit, installed, target)):
        raise ModelInputError(str(path), f"{why}; nothing was changed",
                              expected="a fit over the same targets with a loss no higher, or --force to install it anyway")
    present = {name: dest for name, dest in destinations.items() if dest.is_file()}
    kept = _keep(present, folder) if present else None
    for name, dest in destinations.items():
        _put((folder / name).read_bytes(), dest)
    return Installed(target, fit.loss, installed.loss if installed else None, kept)


def _keep(files: dict[str, Path], folder: Path) -> Path:
    """Copy ``files`` into a new numbered ``folder/replaced-N/`` (the first N free); returns it."""
    n = 1
    while True:
        kept = folder / REPLACED.format(n)
        try:
            kept.mkdir()  # fails on anything already there, a symbolic link included
        except FileExistsError:
            n += 1
            continue
        break
    for name, path in files.items():
        descriptor = os.open(kept / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(path.read_bytes())
    return kept


def _put(data: bytes, dest: Path) -> None:
    """Write ``data`` to a new file beside ``dest`` and rename it over ``dest`` (atomic; a symbolic
    link at ``dest`` is replaced, never written through)."""
    descriptor, staging = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".installing")
    try:
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(data)
        os.chmod(staging, 0o644)
        os.replace(staging, dest)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def describe(done: Installed) -> str:
    """One line saying what an installation replaced."""
    if done.kept is None:
        return f"installed a fit with loss {done.loss:.4g} as {done.path} (there was none before)"
    before = "an unknown loss" if done.replaced_loss is None else f"loss {done.replaced_loss:.4g}"
    return (f"installed a fit with loss {done.loss:.4g} as {done.path}; it replaced a fit with {before}, "
            f"kept in {done.kept}")
