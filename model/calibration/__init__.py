"""Calibration of the default world to public figures, and the validation report."""

from model.calibration.fit import (
    CalibrationResult,
    calibrate,
    calibrate_into,
    evaluate_round,
    search_base,
    write_calibrated,
)
from model.calibration.measure import loss, measure, within
from model.calibration.spec import CALIBRATION_FILE, CalibrationSpec, FreeParameter, Target, load_spec

__all__ = [
    "CALIBRATION_FILE",
    "CalibrationResult",
    "CalibrationSpec",
    "FreeParameter",
    "Target",
    "calibrate",
    "calibrate_into",
    "evaluate_round",
    "load_spec",
    "loss",
    "measure",
    "search_base",
    "within",
    "write_calibrated",
]
