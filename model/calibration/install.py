"""Installing a fit: copying a calibration's ``calibrated.toml`` over the shipped defaults.

``python run.py calibrate`` writes its fit into its results folder only; ``calibrate --install
FOLDER`` copies it to ``model/data/calibrated.toml`` when its loss is no higher than the installed
fit's (``--force`` installs it anyway), keeps the replaced file in FOLDER and says what it replaced.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from model.errors import ModelInputError
from model.parameters import CALIBRATED_FILE, calibrated_parameters

FIT_FILE = "calibrated.toml"
"""The fit in a calibration's results folder."""

REPLACED_FILE = "replaced-calibrated.toml"
"""The installed file a fit replaced, kept in the fit's folder."""

_LOSS_COMMENT = re.compile(r"^# Loss ([0-9.eE+-]+) over", re.MULTILINE)
"""The loss line of files written before the ``[fit]`` table existed."""


@dataclass(frozen=True)
class Installed:
    """What an installation did: the new fit's loss, and the replaced file's loss (None: unknown or none)."""

    path: Path
    loss: float
    replaced_loss: float | None
    kept: Path | None  # where the replaced file was kept (None when there was none)


def fit_loss(path: Path) -> float | None:
    """The loss recorded in a calibrated-parameters file (None when the file records none)."""
    text = path.read_text(encoding="utf-8")
    fit = tomllib.loads(text).get("fit")
    loss = fit.get("loss") if isinstance(fit, dict) else None
    if loss is None and (found := _LOSS_COMMENT.search(text)):
        loss = float(found.group(1))
    return float(loss) if isinstance(loss, (int, float)) and not isinstance(loss, bool) else None


def _installed_loss(target: Path) -> float | None:
    """:func:`fit_loss` of the installed file, None when it cannot be read (so only ``force``
    replaces a damaged one)."""
    try:
        return fit_loss(target)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def read_fit(folder: Path) -> tuple[Path, float]:
    """The fit file of a calibration folder and its loss; a :class:`ModelInputError` if it is not one."""
    path = folder / FIT_FILE
    if not path.is_file():
        raise ModelInputError(str(folder), "no fit to install here",
                              expected=f"a folder written by `python run.py calibrate` (holding {FIT_FILE})")
    calibrated_parameters(path)  # one ModelInputError if it is not a calibrated-parameters file
    loss = fit_loss(path)
    if loss is None or not math.isfinite(loss):
        raise ModelInputError(f"{path}: fit.loss", "no finite loss recorded", expected="a number", got=loss)
    return path, loss


def install(folder: Path, *, force: bool = False, target: Path = CALIBRATED_FILE) -> Installed:
    """Copy ``folder``'s fit to ``target``; refused when its loss is higher than the installed one's
    (or the installed one's is unknown) unless ``force``. The replaced file is kept in ``folder``."""
    path, loss = read_fit(Path(folder))
    installed = target.is_file()
    replaced = _installed_loss(target) if installed else None
    if installed and not force and (replaced is None or loss > replaced):
        now = "an unknown loss" if replaced is None else f"loss {replaced:.4g}"
        raise ModelInputError(str(path), f"this fit (loss {loss:.4g}) is worse than the installed "
                              f"{target} ({now}); nothing was changed",
                              expected="a fit with a lower loss, or --force to install it anyway")
    kept = None
    if installed:
        kept = Path(folder) / REPLACED_FILE
        shutil.copyfile(target, kept)
    staging = target.with_name(f".{target.name}.installing")
    shutil.copyfile(path, staging)
    os.replace(staging, target)  # atomic: readers see the old file or the new one
    return Installed(target, loss, replaced, kept)


def describe(done: Installed) -> str:
    """One line saying what an installation replaced."""
    if done.kept is None:
        return f"installed a fit with loss {done.loss:.4g} as {done.path} (there was none before)"
    before = "an unknown loss" if done.replaced_loss is None else f"loss {done.replaced_loss:.4g}"
    return (f"installed a fit with loss {done.loss:.4g} as {done.path}; it replaced a fit with {before}, "
            f"kept in {done.kept}")
