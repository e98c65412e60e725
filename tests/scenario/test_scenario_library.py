"""The scenario library: every file loads, and the main files are exactly the ready-made regimes."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.policy import preset
from model.scenario import SCENARIO_DIR, Scenario, list_scenarios, load_scenario
from model.world import build_world

MAIN = {
    "baseline": "none",
    "unilateral_us": "unilateral_us",
    "unilateral_us_finished_goods": "unilateral_us_finished_goods",
    "unilateral_us_extraterritorial": "unilateral_us_extraterritorial",
    "us_eu": "us_eu",
    "wassenaar": "wassenaar",
    "echri_coalition": "echri_coalition",
    "global_with_china": "global_with_china",
}
LAYERS = {"cameras": "camera", "algorithms": "algorithm_1n", "data": "training_data"}
VARIANTS = {"wassenaar_without_russia", "global_with_china_weak_enforcement"}
HISTORICAL = {"entity_list_2019"}  # real dates from 2018: its own start and horizon
FILES = sorted(SCENARIO_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def library() -> dict[str, Scenario]:
    return {path.stem: load_scenario(path) for path in FILES}  # checked against the world


def test_the_library_holds_the_main_files_and_layer_variants():
    expected = set(MAIN) | VARIANTS | HISTORICAL | {
        f"{base}_{layer}" for base in ("unilateral_us", "wassenaar") for layer in LAYERS}
    assert {path.stem for path in FILES} == expected


@pytest.mark.parametrize("name", sorted(MAIN))
def test_main_files_express_the_presets(name, library, world):
    assert library[name].policies == preset(MAIN[name], world)


@pytest.mark.parametrize("base", ["unilateral_us", "wassenaar"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_variants_restrict_the_regime_to_one_layer(base, layer, library, world):
    full = preset(base, world)
    items = [LAYERS[layer]]
    expected = full.model_copy(update=dict(
        national=[c.model_copy(update={"items": items}) for c in full.national],
        agreements=[a.model_copy(update={"items": items}) for a in full.agreements],
    ))  # the US measures on inputs are kept
    assert library[f"{base}_{layer}"].policies == expected


def test_every_file_inherits_the_baseline_run_settings(library):
    settings = ("horizon", "warmup", "steps_per_year", "start_date", "replications", "seed",
                "target_threshold")
    base = library["baseline"]
    assert base.replications == 20 and base.horizon == 40 and base.warmup == 4
    for name, scenario in library.items():
        if name in HISTORICAL:
            continue
        assert {k: getattr(scenario, k) for k in settings} == {k: getattr(base, k) for k in settings}, name
        assert scenario.parameters == base.parameters and scenario.world == base.world, name
        assert scenario.name == name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_opens_with_its_source_and_assumptions(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    comment = "\n".join(lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    assert comment.startswith("# ") and "Source" in comment and "Assumption" in comment


def test_listing_gives_one_line_descriptions_by_name():
    listed = list_scenarios()
    assert [name for name, _, _ in listed] == sorted(path.stem for path in FILES)
    for name, description, path in listed:
        assert description and "\n" not in description and path.stem == name


def test_listing_another_folder(tmp_path):
    (tmp_path / "b.toml").write_text('description = """\nTwo lines,\nthe first listed."""\n')
    (tmp_path / "a.toml").write_text("horizon = 40\n")  # no description; an empty file is refused
    assert list_scenarios(tmp_path) == [
        ("a", "", tmp_path / "a.toml"), ("b", "Two lines,", tmp_path / "b.toml")
    ]


def test_variants_differ_from_their_main_scenario_only_where_they_say(library, world):
    wassenaar = library["wassenaar_without_russia"].policies.agreements[0]
    assert "RUS" not in [m.country for m in wassenaar.members] and not wassenaar.member_groups
    assert len(wassenaar.members) == len(world.memberships["wassenaar"]) - 1
    weak = library["global_with_china_weak_enforcement"].policies
    main = library["global_with_china"].policies
    assert weak.agreements[0].members[0].enforcement == 0.3 and main.agreements[0].members[0].enforcement == 0.7
    assert weak.model_copy(update={"agreements": main.agreements}) == main
    finished = library["unilateral_us_finished_goods"].policies
    assert finished == library["unilateral_us"].policies.model_copy(
        update=dict(entity_lists=[], component_controls=[], procurement_bans=[]))


def test_the_historical_scenario_has_the_real_dates(library):
    import datetime as dt

    s = library["entity_list_2019"]
    assert s.start_date == dt.date(2018, 1, 1) and s.warmup == 4
    starts = {tuple(e.entities): e.start for e in s.policies.entity_lists if not e.foreign_direct_product}
    assert starts[("Hikvision", "Dahua", "SenseTime", "Megvii", "Yitu")] == dt.date(2019, 10, 9)
    assert starts[("CloudWalk",)] == dt.date(2020, 6, 5)
    fdp = [e for e in s.policies.entity_lists if e.foreign_direct_product]
    assert [e.entities for e in fdp] == [["Huawei"]] and fdp[0].start == dt.date(2020, 9, 15)
    assert s.policies.component_controls[0].start == dt.date(2022, 10, 7)
    assert not s.policies.national  # cameras and algorithms stayed EAR99
