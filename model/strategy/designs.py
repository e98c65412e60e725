"""Control designs: a US-led (or other-led) agreement template from a scenario, and the policy set
of one design built from it — which partners join, which layers are controlled, how strictly, with
or without extraterritorial rules and the no-undercut commitment."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from model.errors import closest
from model.policy import PolicySet
from model.scenario import Scenario, ScenarioError
from model.vocabulary import CONTROLLABLE_LAYERS


@dataclass(frozen=True)
class Design:
    """One design. ``partners`` join the leader's agreement; ``items`` are the controlled layers (in
    the agreement and in every national control); ``None`` keeps the template scenario's setting."""

    partners: tuple[str, ...] = ()
    items: tuple[str, ...] | None = None
    enforcement: float | None = None
    extraterritorial: bool | None = None
    no_undercut: bool | None = None

    def label(self) -> str:
        parts = ["+".join(self.partners) or "leader alone"]
        if self.items is not None:
            parts.append("/".join(self.items))
        if self.enforcement is not None:
            parts.append(f"enforcement {self.enforcement:g}")
        if self.extraterritorial is not None:
            parts.append("extraterritorial" if self.extraterritorial else "no extraterritorial")
        if self.no_undercut is not None:
            parts.append("no-undercut" if self.no_undercut else "undercut allowed")
        return ", ".join(parts)


@dataclass(frozen=True)
class Template:
    """The scenario an analysis varies, the index of its agreement and the agreement's leader."""

    scenario: Scenario
    agreement: int
    leader: str

    def policies(self, design: Design) -> dict[str, Any]:
        """The resolved ``policies`` table of ``design``."""
        policies = copy.deepcopy(self.scenario.resolved()["policies"])
        agreement = policies["agreements"][self.agreement]
        agreement["members"] = [{"country": c} for c in (self.leader, *design.partners)]
        agreement["member_groups"] = []
        if design.items is not None:
            for control in [agreement, *policies["national"]]:
                control["items"] = list(design.items)
        if design.no_undercut is not None:
            agreement["no_undercut"] = design.no_undercut
        if design.extraterritorial is not None:
            current = policies["extraterritorial"]
            policies["extraterritorial"] = (current or {"jurisdiction": self.leader}) if design.extraterritorial \
                else None
        if design.enforcement is not None:  # as the dashboard varies it: every instrument's own method
            policies = PolicySet.model_validate(policies).with_enforcement(design.enforcement).model_dump(mode="json")
        return policies

    def controlling(self, design: Design) -> tuple[str, ...]:
        """The countries whose vendors a design controls: agreement members and national jurisdictions."""
        policies = self.policies(design)
        national = [c["jurisdiction"] for c in policies["national"]]
        return tuple(dict.fromkeys([self.leader, *design.partners, *national]))


def template(scenario: Scenario, agreement: str | None, leader: str | None, origin: str) -> Template:
    """The agreement named ``agreement`` (default: the scenario's only one) of ``scenario``, led by
    ``leader`` (default: the agreement's own leader, else the first national control's jurisdiction)."""
    agreements = scenario.resolved()["policies"]["agreements"]
    names = [a["name"] for a in agreements]
    if agreement is None:
        if len(agreements) != 1:
            raise ScenarioError(origin, "agreement", "name the agreement to vary" if agreements else
                                "the scenario has no agreement to vary",
                                expected="one of " + ", ".join(names) if names else "a scenario with an "
                                "[[policies.agreements]] table")
        index = 0
    elif agreement not in names:
        raise ScenarioError(origin, "agreement", "unknown agreement", expected="one of " + ", ".join(names),
                            got=agreement, suggestion=closest(agreement, names))
    else:
        index = names.index(agreement)
    chosen = agreements[index]
    national = scenario.resolved()["policies"]["national"]
    leader = leader or chosen.get("leader") or (national[0]["jurisdiction"] if national else None)
    if leader is None:
        raise ScenarioError(origin, "leader", "required key is missing",
                            expected="the ISO3 code of the leading country")
    return Template(scenario, index, leader)


LAYERS = tuple(CONTROLLABLE_LAYERS)
"""The three controllable layers: cameras, 1:N algorithms, training data."""
