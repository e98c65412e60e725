"""The key-by-key reference of the scenario format, generated from the schema.

``python -m model.scenario.docs`` rewrites the generated part of ``docs/scenarios.md`` and the
parameter table of ``docs/ODD.md`` (:mod:`model.scenario.parameter_table`); a test checks that the
committed files are up to date. The ``[parameters]`` table shows each parameter's code default and,
beside it, the calibrated value every run uses instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from model.config.fields import is_model, range_text, strip_none, type_text
from model.config.tables import toml_value
from model.parameters import ModelParameters
from model.scenario import parameter_table
from model.scenario.parameter_table import calibrated_values
from model.scenario.schema import Scenario

DOC_FILE = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
BEGIN = "<!-- BEGIN GENERATED REFERENCE: python -m model.scenario.docs -->"
END = "<!-- END GENERATED REFERENCE -->"

_MEANINGS: dict[tuple[str, str], str] = {
    ("LayerValues", "camera"): "Value for the camera layer.",
    ("LayerValues", "algorithm_1n"): "Value for the 1:N algorithm layer (converted 1:1 software included).",
    ("LayerValues", "training_data"): "Value for the training-data layer.",
    ("WorldOverrides", "countries"): "Countries whose data change, by ISO3 code.",
    ("WorldOverrides", "vendors"): "Vendors whose assumed values change, by name as in "
    "`model/data/vendors.csv`.",
    ("WorldOverrides", "remove_hubs"): "ISO3 codes of default transit hubs to remove.",
    ("CountryOverride", "repression"): "Digital Repression Index score, normalised to [0, 1].",
    ("CountryOverride", "gdp_usd"): "GDP in current US$ (sets the surveillance budget).",
    ("CountryOverride", "population"): "Population (weights the headline capability).",
    ("VendorOverride", "quality"): "Quality per item the vendor sells: item name -> value in (0, 1].",
    ("VendorOverride", "price_index"): "Relative price (1.0 = typical).",
    ("VendorOverride", "compliance"): "Propensity to obey its own government's export controls.",
    ("VendorOverride", "scale"): "Relative market presence: multiplies the vendor's attractiveness.",
    ("VoluntaryRestraint", "vendor"): "Vendor name, as in `model/data/vendors.csv`.",
    ("VoluntaryRestraint", "kind"): "`exit` and `moratorium`: no sales to anyone while in force; "
    "`repressive`: no sales to destinations with repression >= `threshold`.",
    ("VoluntaryRestraint", "start"): "When the restraint begins.",
    ("VoluntaryRestraint", "end"): "The step from which it no longer applies (unset: never).",
    ("VoluntaryRestraint", "threshold"): "Repression threshold of `repressive`.",
    ("PolicySet", "national"): "National export controls, one table each. Several controls of one "
    "jurisdiction (or a control and an agreement it belongs to) combine cell by cell: a licence is needed "
    "where any of them requires one, the lowest approval probability and the highest enforcement apply, "
    "and re-export control applies if any asks for it; so phases, or items with their own enforcement, "
    "are written as separate tables.",
    ("PolicySet", "extraterritorial"): "US reach over foreign-made items (unset: none).",
    ("PolicySet", "agreements"): "Multilateral agreements.",
    ("PolicySet", "data_access"): "Controls on face-image training data; several combine as national "
    "controls do, and hosted datasets are taken down if any in force says so.",
    ("Window", "start"): "When it comes into force (unset: the end of the warm-up); not inside the "
    "warm-up, not after the horizon.",
    ("Window", "end"): "The step from which it is no longer in force (unset: never); after `start`.",
    ("NationalControl", "jurisdiction"): "ISO3 code of the controlling country (a country without "
    "vendors controls nothing that moves), or a membership group of the data ('eu', 'wassenaar', "
    "'echri_code'): the same control in each member.",
    ("NationalControl", "items"): "Items that need a licence.",
    ("NationalControl", "destinations"): "Buyers that need a licence.",
    ("Extraterritorial", "jurisdiction"): "ISO3 code of the country whose rules reach abroad.",
    ("Extraterritorial", "e1_countries"): "ISO3 codes of Country Group E:1 (the lower de minimis threshold).",
    ("Extraterritorial", "foreign_direct_product"): "Apply the foreign-direct-product rule "
    "(15 CFR 736.2(b)(3)).",
    ("Agreement", "name"): "Name; a `destinations.outside` may refer to it.",
    ("Agreement", "members"): "Members one by one: ISO3 codes or tables (below).",
    ("Agreement", "items"): "Items proposed for the common list.",
    ("Agreement", "list_rule"): "`consensus`: the items every member in force accepts; `leader`: "
    "the leader's accepted items.",
    ("Agreement", "leader"): "ISO3 code of the leading member (needed by `list_rule = 'leader'`).",
    ("Agreement", "destinations"): "Buyers that need a licence from members.",
    ("Agreement", "approval_probability"): "Chance a member's licence application is approved each "
    "step; 0 = presumption of denial.",
    ("Agreement", "reexport_control"): "Members' controls follow the item through transit hubs.",
    ("Agreement", "information_sharing"): "Members share information: hubs leak less for their "
    "exports (parameter `information_sharing_gain`).",
    ("Member", "country"): "ISO3 code.",
    ("Member", "join"): "When the member joins (unset: when the agreement starts); the list applies "
    "`harmonisation_lag` steps later.",
    ("Member", "enforcement"): "This member's enforcement (unset: the agreement's).",
    ("DataAccessControl", "jurisdiction"): "ISO3 code of the controlling state, or a membership group "
    "('eu', 'wassenaar', 'echri_code'): the same control in each member.",
    ("DataAccessControl", "restrict_sales"): "Deny its vendors' training-data sales to the destinations.",
    ("DataAccessControl", "destinations"): "Buyers the sales restriction covers.",
    ("DataAccessControl", "enforcement"): "Chance an unlicensed data sale is stopped.",
}
"""Meanings of fields whose model gives no ``description`` (a model's own description wins)."""


def render_reference() -> str:
    """Markdown: one table per TOML table of the format, every key with type, default, range, meaning."""
    out = []
    calibrated = calibrated_values()
    for cls, headers in _places().items():
        title = "Top level" if headers == [""] else ", ".join(f"`{h}`" for h in headers)
        summary = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        out += [f"### {title}", "", f"{summary} ({cls.__name__})", ""]
        if cls is ModelParameters:
            out += [CALIBRATED_NOTE, "", "| key | type | default | calibrated | range | meaning |",
                    "|---|---|---|---|---|---|"]
            out += [_row(cls, name, field, calibrated) for name, field in cls.model_fields.items()]
        else:
            out += ["| key | type | default | range | meaning |", "|---|---|---|---|---|"]
            out += [_row(cls, name, field) for name, field in cls.model_fields.items()]
        out.append("")
    return "\n".join(out)


CALIBRATED_NOTE = (
    "*default* is the code's value (`model/parameters.py`); *calibrated*, where given, is the value every "
    "run uses instead: the fit to public market figures installed in `model/data/calibrated.toml` "
    "([validation.md](validation.md)). A value set in the scenario file replaces both.")


def missing_meanings() -> list[str]:
    """``Class.field`` of every key the reference cannot explain."""
    return [f"{cls.__name__}.{name}" for cls in _places() for name, field in cls.model_fields.items()
            if not _meaning(cls, name, field)]


def update(path: Path = DOC_FILE) -> bool:
    """Rewrite the generated part of ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{render_reference()}\n{END}{tail}"
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def _places() -> dict[type[BaseModel], list[str]]:
    places: dict[type[BaseModel], list[str]] = {}
    _collect(Scenario, "", places)
    return places


def _collect(cls: type[BaseModel], header: str, places: dict[type[BaseModel], list[str]]) -> None:
    """Every model reachable from ``cls`` with the TOML table headers it appears under, depth first."""
    if cls in places:
        places[cls].append(header)
        return
    places[cls] = [header]
    for name, field in cls.model_fields.items():
        annotation = strip_none(field.annotation)
        key = f"{header.strip('[]')}.{name}" if header else name
        if is_model(annotation):
            _collect(annotation, f"[{key}]", places)
        elif get_origin(annotation) is list and is_model(get_args(annotation)[0]):
            _collect(get_args(annotation)[0], f"[[{key}]]", places)
        elif get_origin(annotation) is dict and is_model(get_args(annotation)[1]):
            _collect(get_args(annotation)[1], f"[{key}.<name>]", places)


def _row(cls: type[BaseModel], name: str, field: FieldInfo, calibrated: dict | None = None) -> str:
    cells = [f"`{name}`", type_text(field.annotation), _default(field), range_text(field),
             _meaning(cls, name, field)]
    if calibrated is not None:
        cells.insert(3, f"`{toml_value(_rounded(calibrated[name]))}`" if name in calibrated else "")
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, BaseModel):
        fixed = any(f.is_required() for f in type(value).model_fields.values())
        return f"`{toml_value(value.model_dump())}`" if fixed else "its keys' defaults"
    return f"`{toml_value(value)}`"


def _rounded(value: object) -> object:
    """Numbers to four significant digits (the fit's own precision means nothing more), in tables too."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, dict):
        return {key: _rounded(v) for key, v in value.items()}
    return float(f"{value:.4g}") if isinstance(value, float) else value


def _meaning(cls: type[BaseModel], name: str, field: FieldInfo) -> str:
    if field.description:
        return " ".join(field.description.split())
    owners = [c.__name__ for c in cls.__mro__]
    return next((_MEANINGS[(o, name)] for o in owners if (o, name) in _MEANINGS), "")


if __name__ == "__main__":
    for name, write in ((DOC_FILE, update), (parameter_table.ODD_FILE, parameter_table.update)):
        print(f"{'updated' if write(name) else 'up to date'}: {name}")
