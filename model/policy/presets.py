"""Ready-made control regimes (docs/ODD.md, 8.4), for the Python API and tests.

The scenario files in ``scenarios/`` spell the same regimes out as data; a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable

from model.errors import check_name
from model.policy.config import Agreement, Extraterritorial, NationalControl, PolicySet
from model.world import World

US_CONTROL = NationalControl(jurisdiction="USA")
"""BIS-style licence requirement on the three layers IBM named, for destinations with repression
>= 0.5, presumption of denial, enforcement 0.8, re-export control on (assumptions: see docs/ODD.md)."""


def _none(world: World) -> PolicySet:
    return PolicySet()


def _unilateral_us(world: World) -> PolicySet:
    return PolicySet(national=[US_CONTROL])


def _unilateral_us_extraterritorial(world: World) -> PolicySet:
    return PolicySet(national=[US_CONTROL], extraterritorial=Extraterritorial())


def _us_eu(world: World) -> PolicySet:
    """US controls plus an EU 2021/821 Article 5 style catch-all in every EU member state."""
    eu = [
        NationalControl(jurisdiction=code, approval_probability=0.1, enforcement=0.7)
        for code in sorted(world.memberships["eu"])
    ]
    return PolicySet(national=[US_CONTROL, *eu])


def _wassenaar(world: World) -> PolicySet:
    """The 42 participating states, consensus list, no veto over each other's exports."""
    agreement = Agreement(
        name="wassenaar", member_groups=["wassenaar"], no_undercut=False,
        harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement])


def _echri_coalition(world: World) -> PolicySet:
    """The 25 subscribers of the Export Controls and Human Rights Initiative Code of Conduct (2023):
    non-binding, so members follow the US list with some approvals and weaker enforcement."""
    agreement = Agreement(
        name="echri", member_groups=["echri_code"], list_rule="leader",
        leader="USA", no_undercut=False, approval_probability=0.2, enforcement=0.6,
        harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement])


def _global_with_china(world: World) -> PolicySet:
    """Hypothetical: every country joins a binding agreement (no undercutting, shared information)."""
    agreement = Agreement(
        name="global", member_groups=["all"], no_undercut=True, harmonisation_lag=2,
    )
    return PolicySet(national=[US_CONTROL], agreements=[agreement])


PRESETS: dict[str, Callable[[World], PolicySet]] = {
    "none": _none,
    "unilateral_us": _unilateral_us,
    "unilateral_us_extraterritorial": _unilateral_us_extraterritorial,
    "us_eu": _us_eu,
    "wassenaar": _wassenaar,
    "echri_coalition": _echri_coalition,
    "global_with_china": _global_with_china,
}


def preset(name: str, world: World) -> PolicySet:
    """The ready-made regime ``name`` for ``world`` (its membership lists come from the data)."""
    return PRESETS[check_name(name, list(PRESETS), "policies", "preset")](world)
