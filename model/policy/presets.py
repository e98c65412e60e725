"""Ready-made control regimes (docs/ODD.md, 8.4), for the Python API and tests.

The scenario files in ``scenarios/`` spell the same regimes out as data; a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable

from model.errors import check_name
from model.policy.config import Agreement, Extraterritorial, Member, NationalControl, PolicySet
from model.policy.inputs import ComponentControl, EntityList, ProcurementBan
from model.world import World

US_CONTROL = NationalControl(jurisdiction="USA")
"""BIS-style licence requirement on the three layers IBM named, for destinations with repression
>= 0.5, presumption of denial, enforcement 0.8, re-export control on (assumptions: see docs/ODD.md)."""

US_INPUT_MEASURES = {
    "entity_lists": [
        EntityList(entities=["Hikvision", "Dahua", "SenseTime", "Megvii", "Yitu", "CloudWalk"]),
        EntityList(entities=["Huawei"], foreign_direct_product=True, enforcement_abroad=0.95),
    ],
    "component_controls": [ComponentControl(destinations=["CHN"])],
    "procurement_bans": [ProcurementBan(vendors=["Hikvision", "Dahua", "Huawei", "ZTE"])],
}
"""What the United States did to vendors' inputs (docs/ODD.md 8.4; scenarios/unilateral_us.toml): the
Entity List (84 FR 54002, Oct 2019; 85 FR 34495, June 2020), the foreign-direct-product rule on Huawei
(Aug 2020), the advanced-computing rule (87 FR 62186, Oct 2022) and the procurement ban of section 889
of the FY2019 NDAA, all from the end of the warm-up (so the regime holds for any horizon; the real
dates are in scenarios/entity_list_2019.toml)."""
CHINA_ENFORCEMENT = 0.7
"""China's enforcement of a global agreement: a named assumption (the members' default), varied by
scenarios/global_with_china_weak_enforcement.toml."""


def _none(world: World) -> PolicySet:
    return PolicySet()


def _unilateral_us(world: World) -> PolicySet:
    """What the US can do alone: its own exports, the Entity List, the foreign-direct-product rules."""
    return PolicySet(national=[US_CONTROL], **US_INPUT_MEASURES)


def _unilateral_us_finished_goods(world: World) -> PolicySet:
    """The US control of its own vendors' finished goods only (no instrument on inputs)."""
    return PolicySet(national=[US_CONTROL])


def _unilateral_us_extraterritorial(world: World) -> PolicySet:
    return PolicySet(national=[US_CONTROL], extraterritorial=Extraterritorial(), **US_INPUT_MEASURES)


def _us_eu(world: World) -> PolicySet:
    """US controls plus an EU 2021/821 Article 5 style catch-all in every EU member state (the group
    jurisdiction "eu": the same control in each member)."""
    return PolicySet(national=[US_CONTROL, NationalControl(jurisdiction="eu", approval_probability=0.1,
                                                           enforcement=0.7)],
                     **US_INPUT_MEASURES)


def _wassenaar(world: World) -> PolicySet:
    """The 42 participating states, consensus list, no veto over each other's exports."""
    agreement = Agreement(
        name="wassenaar", member_groups=["wassenaar"], no_undercut=False,
        harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement], **US_INPUT_MEASURES)


def _echri_coalition(world: World) -> PolicySet:
    """The 25 subscribers of the Export Controls and Human Rights Initiative Code of Conduct (2023):
    non-binding, so members follow the US list with some approvals and weaker enforcement."""
    agreement = Agreement(
        name="echri", member_groups=["echri_code"], list_rule="leader",
        leader="USA", no_undercut=False, approval_probability=0.2, enforcement=0.6,
        harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement], **US_INPUT_MEASURES)


def _global_with_china(world: World) -> PolicySet:
    """Hypothetical: every country joins a binding agreement (no undercutting, shared information)."""
    agreement = Agreement(
        name="global", members=[Member(country="CHN", enforcement=CHINA_ENFORCEMENT)], member_groups=["all"],
        no_undercut=True, harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement], **US_INPUT_MEASURES)


PRESETS: dict[str, Callable[[World], PolicySet]] = {
    "none": _none,
    "unilateral_us": _unilateral_us,
    "unilateral_us_finished_goods": _unilateral_us_finished_goods,
    "unilateral_us_extraterritorial": _unilateral_us_extraterritorial,
    "us_eu": _us_eu,
    "wassenaar": _wassenaar,
    "echri_coalition": _echri_coalition,
    "global_with_china": _global_with_china,
}


def preset(name: str, world: World) -> PolicySet:
    """The ready-made regime ``name`` for ``world`` (its membership lists come from the data)."""
    return PRESETS[check_name(name, list(PRESETS), "policies", "preset")](world)
