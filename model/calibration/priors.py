"""The prior: a uniform distribution over each free parameter's sourced range.

The ranges are the calibration file's ``[[free]]`` bounds and, for every other parameter, the range
it declares in its field (``json_schema_extra={"range": (low, high)}`` on a field of
:class:`model.parameters.ModelParameters`, as the input layer's parameters do), so a parameter that
declares a range is calibrated without being listed in the file.
"""

from __future__ import annotations

from pydantic import BaseModel

from model.calibration.spec import CalibrationSpec, FreeParameter
from model.parameters import ModelParameters


def declared_ranges(model: type[BaseModel] = ModelParameters, prefix: str = "parameters") -> dict[str, tuple[float, float]]:
    """``{key: (low, high)}`` of every field of ``model`` (and of its nested tables) that declares a
    ``range``; keys as in the calibration file (``parameters.<name>[.<field>]``)."""
    out = {}
    for name, field in model.model_fields.items():
        key = f"{prefix}.{name}"
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "range" in extra:
            low, high = extra["range"]  # type: ignore[misc]
            out[key] = (float(low), float(high))
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out |= declared_ranges(field.annotation, key)
    return out


def free_parameters(spec: CalibrationSpec) -> list[FreeParameter]:
    """The calibration file's free parameters, then every declared range it does not list."""
    listed = {f.key for f in spec.free}
    extra = [FreeParameter(key=key, low=low, high=high, rationale="range declared by the parameter")
             for key, (low, high) in declared_ranges().items() if key not in listed]
    return [*spec.free, *extra]


def with_declared(spec: CalibrationSpec) -> CalibrationSpec:
    """``spec`` with :func:`free_parameters` as its free parameters."""
    return spec.model_copy(update={"free": free_parameters(spec)})
