"""Behavioural parameters of the model, each with its default and the reason for it.

Every ``description`` says whether the default is a sourced figure or a named assumption;
``docs/ODD.md`` lists them all. Calibrated values (``model/data/calibrated.toml``, written by
``python run.py calibrate``) replace the defaults when present.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from model.config.base import Config
from model.config.tables import deep_merge
from model.config.translate import input_error
from model.errors import ModelInputError

CALIBRATED_FILE = Path(__file__).parent / "data" / "calibrated.toml"

SHARE_TOLERANCE = 1e-6
"""How far from 1 shares of one whole may sum (rounding in a hand-written file)."""

MIN_PRICE, MAX_PRICE = 1e-3, 1e3
"""Range of relative prices, price factors and scales: beyond it the logit's powers overflow."""


class LayerValues(Config):
    """One value per capability layer."""

    camera: float = Field(ge=0.0, le=1.0)
    algorithm_1n: float = Field(ge=0.0, le=1.0)
    training_data: float = Field(ge=0.0, le=1.0)

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.camera, self.algorithm_1n, self.training_data)


class ModelParameters(Config):
    """All behavioural parameters. Money in US$; rates are per year unless their description says
    per step (one step is a quarter by default)."""

    # --- demand -----------------------------------------------------------------------------
    budget_share: float = Field(
        2.1e-4, gt=0.0, le=0.01,
        description="Share of GDP spent per year on surveillance items at the start (2019). Sourced: "
        "about US$24 bn world video-surveillance revenue in 2021 (Omdia), taken back to 2019 at "
        "budget_growth, over about US$101 tn world GDP (World Bank).",
    )
    budget_growth: float = Field(
        0.074, ge=-0.5, le=1.0,
        description="Yearly growth of surveillance budgets. Sourced: world video-surveillance revenue "
        "about US$24 bn in 2021 rising to about US$31.9 bn by 2025 (Omdia), i.e. 7.4% a year.",
    )
    price_decline: float = Field(
        0.0, ge=0.0, lt=1.0,
        description="Yearly fall of every price (vendors, domestic industry, public-copy use): cheaper "
        "cameras, compute and software over time. Assumption; calibrated to the growth of adoption "
        "between the AIGS 2019 and 2022 indices.",
    )
    layer_budget_shares: LayerValues = Field(
        LayerValues(camera=0.6, algorithm_1n=0.25, training_data=0.15),
        description="Split of the surveillance budget across layers: every layer's share, summing to 1. "
        "Assumption: hardware dominates video-surveillance spending; algorithms and data take the rest.",
    )
    unrest_shock_probability: float = Field(
        0.05, ge=0.0, le=1.0,
        description="Chance per step that a regime is hit by an unrest shock. Assumption.",
    )
    unrest_shock_size: float = Field(
        1.0, ge=0.0, le=100.0,
        description="Mean size of an unrest shock (exponential). Assumption; scale only.",
    )
    unrest_persistence: float = Field(
        0.6, ge=0.0, lt=1.0,
        description="Share of unrest carried to the next step. Assumption: unrest fades within a year.",
    )
    unrest_demand_elasticity: float = Field(
        0.5, ge=0.0, le=100.0,
        description="Relative rise in surveillance budget per unit of unrest. Assumption on magnitude; "
        "the direction is sourced (Beraja, Yang, Yuchtman, QJE 2023).",
    )
    budget_repression: float = Field(
        0.0, ge=0.0, le=10.0,
        description="Regime-dependent demand: a country's budget share of GDP is proportional to "
        "exp(budget_repression x repression), rescaled so that the world's share stays budget_share. "
        "Assumption 0 (every country spends the same share of GDP) unless calibrated: China's share of "
        "world spending (more than 40%, IHS Markit 2016) against its 17.7% of world GDP says that more "
        "repressive states spend more; about 3 matches it.",
    )
    # --- choice -----------------------------------------------------------------------------
    price_sensitivity: float = Field(
        4.0, ge=1.0, le=50.0,
        description="Logit coefficient on log effective price (the equivalent CES buyer's elasticity of "
        "substitution is this + 1). Assumption (calibrated); >= 1 so that controls never raise "
        "what a buyer gets.",
    )
    quality_sensitivity: float = Field(
        8.0, ge=0.0, le=100.0,
        description="Logit coefficient on log quality. Assumption (calibrated); default twice the price "
        "coefficient, i.e. accuracy matters more than proportionally for 1:N identification at scale.",
    )
    data_quality_weight: float = Field(
        1.0, ge=0.0, le=1.0,
        description="Quality coefficient of the training-data layer relative to quality_sensitivity. "
        "Assumption: 1 (buyers weigh data quality as they weigh camera and algorithm quality); "
        "calibrated below 1 when the share of public copies says that data buyers weigh volume and "
        "cost more than curation.",
    )
    price_factor_by_home: dict[str, float] = Field(
        default_factory=dict,
        description="Multiplies the price index of every vendor based in a country (ISO3 -> factor > 0). "
        "Calibration knob for the vendors' assumed prices; empty = the data table's prices.",
    )
    scale_factor_by_vendor: dict[str, float] = Field(
        default_factory=dict,
        description="Multiplies a vendor's market presence (vendor -> factor > 0). Calibration knob for "
        "the assumed scales; empty = the data table's scales.",
    )
    algorithm_scale_factor_by_vendor: dict[str, float] = Field(
        default_factory=dict,
        description="Further multiplies a vendor's market presence in the 1:N algorithm layer only (vendor "
        "-> factor > 0). Calibration knob: the shares behind the assumed scales (Hikvision 26%, Hikvision "
        "+ Dahua 30%) are video-surveillance revenue, mostly cameras; empty = one presence for all layers.",
    )
    tie_political: float = Field(
        0.5, ge=0.0, le=2.0,
        description="Logit coefficient on political alignment: the mean distance of UN General Assembly "
        "ideal points (Bailey, Strezhnev, Voeten) minus the buyer's distance to the vendor's home country. "
        "Assumption (calibrated to the AIGS supplier counts); upper bound: a pair at the largest distance "
        "(about 4.6) keeps at least exp(-2 * 4.6) of its attraction.",
    )
    tie_security: float = Field(
        1.0, ge=0.0, le=4.0,
        description="Logit coefficient on security ties: the share of the buyer's arms imports 2013-2021 "
        "that came from the vendor's home country (SIPRI). Assumption (calibrated); upper bound: a sole "
        "arms supplier is at most exp(4) = 55 times as attractive, all else equal.",
    )
    tie_finance: float = Field(
        1.0, ge=0.0, le=4.0,
        description="Logit coefficient on Chinese development finance 2000-2021 relative to GDP (AidData), "
        "for Chinese vendors only: soft loans that come with Chinese offers (Carnegie AIGS 2019). "
        "Assumption (calibrated); same bound as tie_security.",
    )
    tie_home: float = Field(
        0.0, ge=0.0, le=4.0,
        description="Logit coefficient on buying from vendors of the buyer's own country (home bias: "
        "procurement rules and security vetting favour national vendors). Assumption (calibrated to "
        "the Hikvision and Chinese market shares against their foreign reach); 0 = no home bias beyond "
        "trade costs and political alignment.",
    )
    ties_scale: float = Field(
        1.0, ge=0.0, le=5.0,
        description="Multiplies every tie coefficient: 0 switches ties off (the allocation of a world "
        "without ties, bit for bit), other values scale them for sensitivity analysis. Definition.",
    )
    # --- routes and trade costs ---------------------------------------------------------------
    border_cost: float = Field(
        0.10, ge=0.0, le=100.0,
        description="Trade-cost markup for crossing any border (logistics, tariffs, integration). "
        "Assumption; at least the two discounts below so imports never undercut home supply.",
    )
    distance_cost: float = Field(
        0.15, ge=0.0, le=100.0,
        description="Trade-cost markup per 10,000 km great-circle distance. Assumption (gravity-style).",
    )
    contiguity_discount: float = Field(
        0.05, ge=0.0, lt=1.0,
        description="Trade-cost reduction between countries sharing a land border. Assumption.",
    )
    region_discount: float = Field(
        0.03, ge=0.0, lt=1.0,
        description="Trade-cost reduction within the same world region. Assumption.",
    )
    hub_markup: float = Field(
        0.10, ge=0.0, le=100.0,
        description="Extra cost of routing through a transit hub (per extra hop). Assumption.",
    )
    risk_premium: float = Field(
        0.25, ge=0.0, le=100.0,
        description="Price markup on units obtained despite a control (illicit or transshipped). Assumption.",
    )
    hub_cooperation_gain: float = Field(
        0.5, ge=0.0, le=1.0,
        description="Share of a hub's leakiness removed when the hub belongs to the exporter's "
        "agreement. Assumption.",
    )
    information_sharing_gain: float = Field(
        0.3, ge=0.0, le=1.0,
        description="Share of a hub's leakiness removed when the exporter shares information within "
        "an agreement (Wassenaar exchanges information every six months). Assumption on magnitude.",
    )
    # --- leak routes outside the vendor market --------------------------------------------------
    conversion_efficiency: float = Field(
        0.6, gt=0.0, lt=1.0,
        description="Quality of a 1:1 algorithm converted to 1:N use, relative to the original. "
        "Assumption (docs/ODD.md: < 1).",
    )
    conversion_cost: float = Field(
        0.3, ge=0.0, le=100.0,
        description="Extra cost of converting 1:1 software to 1:N use, as a price markup. Assumption.",
    )
    public_copy_quality: float = Field(
        0.6, ge=0.0, le=1.0,
        description="Quality of persistent public copies of taken-down face datasets (MS-Celeb-1M, "
        "DukeMTMC, MegaFace derivatives). Assumption: below curated commercial data.",
    )
    public_copy_price: float = Field(
        0.2, ge=MIN_PRICE, le=MAX_PRICE,
        description="Price index of using public copies (compute and curation only). Assumption.",
    )
    public_copy_decay: float = Field(
        0.02, ge=0.0, lt=1.0,
        description="Yearly loss of the public copies' quality as they age. Assumption: 'decays slowly'.",
    )
    data_persistence: float = Field(
        0.9, ge=0.0, le=1.0,
        description="Share of a taken-down dataset's use that continues through copies: a takedown "
        "scales the public copies' attraction by this. Sourced range 80-99% (Peng, Mathur, Narayanan, "
        "NeurIPS 2021); 0.9 is its midpoint.",
    )
    # --- domestic industry ------------------------------------------------------------------------
    domestic_quality: LayerValues = Field(
        LayerValues(camera=0.3, algorithm_1n=0.2, training_data=0.4),
        description="Initial quality of a regime's own industry per layer; training data stands for "
        "national ID photo databases. Assumption.",
    )
    domestic_price: float = Field(
        1.5, ge=MIN_PRICE, le=MAX_PRICE,
        description="Price index of domestic production relative to a typical import. Assumption.",
    )
    indigenisation_rate: float = Field(
        0.05, ge=0.0, le=1.0,
        description="Per step, the share of the gap to the frontier a domestic industry closes when "
        "all its imports are denied. Assumption.",
    )
    # --- stocks and capability --------------------------------------------------------------------
    depreciation: LayerValues = Field(
        LayerValues(camera=0.2, algorithm_1n=0.3, training_data=0.1),
        description="Yearly depreciation of stocks. Assumption: cameras last about five years, "
        "algorithms are overtaken quickly, data ages slowly.",
    )
    ces_rho: float = Field(
        -2.0, ge=-100.0, lt=1.0,
        description="CES exponent of the capability aggregate; negative = complements (weak link). "
        "Assumption (docs/ODD.md: a weak-link default).",
    )
    ces_weights: LayerValues = Field(
        LayerValues(camera=1 / 3, algorithm_1n=1 / 3, training_data=1 / 3),
        description="CES weights of the layers. Assumption: equal.",
    )
    capable_threshold: float = Field(
        1.0, gt=0.0, le=1000.0,
        description="Capability at which a regime counts as 'mass-surveillance capable'; 1.0 = the "
        "world's per-capita stock of every layer at the start. Assumption.",
    )
    adoption_threshold: float = Field(
        0.5, gt=0.0, le=1000.0,
        description="Capability at which a country counts as using AI surveillance (for comparison with "
        "the Carnegie AIGS adoption counts: 75 of 176 countries in 2019). Definition; calibrated.",
    )
    reach_share: float = Field(
        0.05, gt=0.0, le=1.0,
        description="Share of an adopting country's spending on vendors at which a vendor (or a home "
        "country's vendors) counts as supplying it (for the AIGS supplier counts). Definition.",
    )

    # --- vendors ----------------------------------------------------------------------------------
    learning_rate: float = Field(
        0.02, ge=0.0, le=1.0,
        description="Per step, the share of the gap to perfect quality a vendor with an average "
        "sales volume closes through R&D and deployment data. Assumption (direction: Beraja et al.).",
    )
    rd_noise: float = Field(
        0.2, ge=0.0, le=10.0,
        description="Standard deviation of the log-normal noise on R&D progress. Assumption.",
    )
    # --- vendors' response to denied inputs (docs/ODD.md, 7.17; ranges in INPUT_RESPONSE_RANGES) ---
    shortage_markup: float = Field(
        3.0, ge=0.0, le=100.0,
        description="Extra price of a denied component's supply before the vendor has redesigned around "
        "it (remaining stocks, grey market), as a markup: 3 = four times the price. Sourced range 3-4: "
        "HiSilicon camera SoCs rose four- to five-fold in Aug 2020.",
    )
    redesign_lag: float = Field(
        0.375, gt=0.0, le=10.0,
        description="Years a vendor takes to redesign a product around a mature alternative component (its "
        "own nation's or a third country's supplier the control does not reach). Sourced range 0.25-0.5: "
        "industry estimate of 3-6 months to switch a camera to a mature alternative chip.",
    )
    redesign_lag_new: float = Field(
        2.0, gt=0.0, le=10.0,
        description="Years to redesign when no supplier of the component is out of the control's reach (a "
        "newly developed chip). Sourced: about 2 years (industry estimate); range 1-3.",
    )
    redesign_cost_penalty: float = Field(
        0.2, ge=0.0, le=10.0,
        description="Lasting extra cost of a redesigned component (alternative chips dearer or needing more "
        "of them), as a markup on its cost share. Assumption, range 0-0.5.",
    )
    redesign_quality_penalty: float = Field(
        0.03, ge=0.0, le=1.0,
        description="Lasting loss of an item's quality when all its chips are redesigned (proportionally "
        "less for part of them): alternative SoCs lagged HiSilicon's. Assumption, range 0-0.1.",
    )
    stockpile: float = Field(
        0.25, ge=0.0, le=10.0,
        description="Years of a denied component's supply a vendor holds when a control takes effect "
        "(stockpiled before the effective date): the shortage price bites after it. Assumption, range 0-1 "
        "(Huawei's stockpiling before Sept 2020 was reported; the camera makers' is not documented).",
    )

    @field_validator("price_factor_by_home", "scale_factor_by_vendor", "algorithm_scale_factor_by_vendor")
    @classmethod
    def _positive_factors(cls, factors: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in factors.items() if not MIN_PRICE <= v <= MAX_PRICE}
        if bad:
            raise ValueError(f"factors must be in [{MIN_PRICE:g}, {MAX_PRICE:g}], got {bad}")
        return factors

    @field_validator("layer_budget_shares")
    @classmethod
    def _shares_of_one_budget(cls, shares: LayerValues) -> LayerValues:
        total = sum(shares.as_tuple())
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise ValueError(f"the layers' shares of the budget must sum to 1 (they sum to {total:.6g}); "
                             "give every layer's share")
        return shares

    @field_validator("depreciation")
    @classmethod
    def _positive_depreciation(cls, rates: LayerValues) -> LayerValues:
        if min(rates.as_tuple()) <= 0.0:
            raise ValueError("depreciation rates must be > 0 (stocks start at their steady state)")
        return rates

    @field_validator("ces_rho")
    @classmethod
    def _not_zero(cls, rho: float) -> float:
        if rho == 0.0:
            raise ValueError("ces_rho = 0 is the Cobb-Douglas limit; use a small non-zero value")
        return rho


WHOLE_TABLES = frozenset({"layer_budget_shares"})
"""Nested tables given whole, never merged key by key over the defaults: shares of one budget (a
``camera = 1.0`` alone would keep the other layers' default shares and spend 40% more)."""


INPUT_RESPONSE_RANGES: dict[str, tuple[float, float]] = {
    "shortage_markup": (3.0, 4.0),
    "redesign_lag": (0.25, 0.5),
    "redesign_lag_new": (1.0, 3.0),
    "redesign_cost_penalty": (0.0, 0.5),
    "redesign_quality_penalty": (0.0, 0.1),
    "stockpile": (0.0, 1.0),
}
"""The sourced or judged ranges of the vendors' response parameters (their descriptions say which):
priors for calibration and the bounds of sensitivity analyses, unlike the fields' bounds, which only
keep the arithmetic sound. The input tables' ranges are in :func:`model.world.inputs.input_priors`."""


def over_defaults(partial: Mapping[str, Any]) -> dict[str, Any]:
    """A partial table of parameters merged over the defaults (nested tables, such as
    ``depreciation``, key by key; those in :data:`WHOLE_TABLES` replaced whole): what the model and
    the scenario files both accept."""
    defaults = default_parameters().model_dump()
    return deep_merge({k: v for k, v in defaults.items() if not (k in WHOLE_TABLES and k in partial)}, partial)


@cache
def default_parameters() -> ModelParameters:
    """The defaults, with calibrated values from ``model/data/calibrated.toml`` when it exists."""
    return calibrated_parameters(CALIBRATED_FILE) if CALIBRATED_FILE.exists() else ModelParameters()


def calibrated_parameters(path: Path) -> ModelParameters:
    """The parameters of a calibrated-parameters file (its ``[parameters]`` table over the code's
    defaults, as ``python run.py calibrate`` writes it); one :class:`ModelInputError` naming the file
    and key when it is not one."""
    try:
        return ModelParameters.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))["parameters"])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ModelInputError(str(path), f"not a calibrated-parameters file ({type(exc).__name__}: {exc})",
                              expected="[parameters] and [fit] tables as `calibrate` writes them") from None
    except ValidationError as exc:
        err = input_error(exc, ModelParameters)
        raise ModelInputError(f"{path}: " + ".".join(filter(None, ("parameters", err.key))), err.problem,
                              expected=err.expected, got=err.got, suggestion=err.suggestion) from None
