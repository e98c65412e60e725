"""The scenario library: every file loads, and the main files are exactly the ready-made regimes."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.policy import PolicySet, preset
from model.scenario import SCENARIO_DIR, Scenario, list_scenarios, load_scenario
from model.world import build_world

MAIN = {
    "baseline": "none",
    "unilateral_us": "unilateral_us",
    "unilateral_us_extraterritorial": "unilateral_us_extraterritorial",
    "us_eu": "us_eu",
    "wassenaar": "wassenaar",
    "echri_coalition": "echri_coalition",
    "global_with_china": "global_with_china",
}
LAYERS = {"cameras": "camera", "algorithms": "algorithm_1n", "data": "training_data"}
FILES = sorted(SCENARIO_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def world():
    return build_world()


@pytest.fixture(scope="module")
def library() -> dict[str, Scenario]:
    return {path.stem: load_scenario(path) for path in FILES}  # checked against the world


def test_the_library_holds_the_main_files_and_layer_variants():
    expected = set(MAIN) | {f"{base}_{layer}" for base in ("unilateral_us", "wassenaar") for layer in LAYERS}
    assert {path.stem for path in FILES} == expected


@pytest.mark.parametrize("name", sorted(MAIN))
def test_main_files_express_the_presets(name, library, world):
    assert library[name].policies == preset(MAIN[name], world)


@pytest.mark.parametrize("base", ["unilateral_us", "wassenaar"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_variants_restrict_the_regime_to_one_layer(base, layer, library, world):
    full = preset(base, world)
    items = [LAYERS[layer]]
    expected = PolicySet(
        national=[c.model_copy(update={"items": items}) for c in full.national],
        agreements=[a.model_copy(update={"items": items}) for a in full.agreements],
    )
    assert library[f"{base}_{layer}"].policies == expected


def test_every_file_inherits_the_baseline_run_settings(library):
    settings = ("horizon", "warmup", "steps_per_year", "start_date", "replications", "seed",
                "target_threshold")
    base = library["baseline"]
    assert base.replications == 20 and base.horizon == 40 and base.warmup == 4
    for name, scenario in library.items():
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
