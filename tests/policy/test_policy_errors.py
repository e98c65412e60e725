"""Bad policy input raises the project's own ValueError subclass, naming the value and suggesting names."""

from __future__ import annotations

import datetime as dt

import pytest

from model import (
    Agreement,
    ControlRegimeModel,
    ModelInputError,
    NationalControl,
    PolicySet,
    VoluntaryRestraint,
)


def build(policies: PolicySet, **kwargs) -> ControlRegimeModel:
    return ControlRegimeModel(policies=policies, rng=0, collect_agents=False, **kwargs)


def test_error_type_is_a_value_error():
    assert issubclass(ModelInputError, ValueError)


def test_unknown_country_code_suggests_the_closest():
    with pytest.raises(ModelInputError) as err:
        build(PolicySet(national=[NationalControl(jurisdiction="UAS")]))
    assert err.value.key == "policies.national[0].jurisdiction"
    assert err.value.got == "UAS"
    assert "'USA'" in str(err.value) and "did you mean" in str(err.value)


def test_unknown_member_and_group_are_named():
    with pytest.raises(ModelInputError, match=r"members\[1\]\.country.*'CHM'.*'CHN'"):
        build(PolicySet(agreements=[Agreement(name="a", members=["USA", "CHM"])]))
    with pytest.raises(ModelInputError, match=r"member_groups.*'wasenaar'.*'wassenaar'"):
        build(PolicySet(agreements=[Agreement(name="a", member_groups=["wasenaar"])]))


def test_unknown_vendor_suggests_the_closest():
    rule = VoluntaryRestraint(vendor="Hikvison", kind="exit", start=dt.date(2021, 1, 1))
    with pytest.raises(ModelInputError, match=r"unknown vendor.*'Hikvision'"):
        build(PolicySet(restraints=[rule]))


def test_unknown_item_suggests_the_closest():
    with pytest.raises(ModelInputError, match=r"NationalControl\.items\[0\].*'camra'.*'camera'"):
        NationalControl(jurisdiction="USA", items=["camra"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("enforcement", 1.5), ("approval_probability", -0.1)],
)
def test_probability_out_of_range(field, value):
    with pytest.raises(ModelInputError, match=field) as err:
        NationalControl(jurisdiction="USA", **{field: value})
    assert err.value.got == value


def test_negative_price_is_refused():
    from model import ModelParameters

    with pytest.raises(ModelInputError, match="domestic_price"):
        ModelParameters(domestic_price=-1.0)


def test_join_date_after_the_horizon_is_refused():
    late = Agreement(name="a", members=[{"country": "JPN", "join": dt.date(2040, 1, 1)}])
    with pytest.raises(ModelInputError, match=r"members\[0\]\.join.*after the horizon"):
        build(PolicySet(agreements=[late]))


def test_a_control_during_the_warmup_is_refused():
    early = NationalControl(jurisdiction="USA", start=1)
    with pytest.raises(ModelInputError, match="warm-up"):
        build(PolicySet(national=[early]), warmup=4)


def test_run_settings_are_checked():
    with pytest.raises(ModelInputError, match="horizon"):
        ControlRegimeModel(horizon=2, warmup=4)


def test_a_misspelt_keyword_is_named_with_the_valid_keys():
    with pytest.raises(ModelInputError, match=r"NationalControl\.enforcment: unknown key.*'enforcement'"):
        NationalControl(jurisdiction="USA", enforcment=0.5)
