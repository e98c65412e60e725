"""Calibration of the default world to public figures (a posterior by ABC-SMC), and the validation report."""

from model.calibration.fit import CalibrationResult, calibrate_into, write_fit
from model.calibration.measure import loss, measure, within
from model.calibration.posterior import run_abc
from model.calibration.spec import CALIBRATION_FILE, CalibrationSpec, FreeParameter, Target, load_spec

__all__ = [
    "CALIBRATION_FILE",
    "CalibrationResult",
    "CalibrationSpec",
    "FreeParameter",
    "Target",
    "calibrate_into",
    "load_spec",
    "loss",
    "measure",
    "run_abc",
    "within",
    "write_fit",
]
