"""Bad input to the input layer and its instruments: one `error:` line naming the file and key, exit
code 2, nothing written (issue: Entity List names that are not vendors, dates outside the horizon,
shares that do not sum to one, a foreign-direct-product threshold outside [0, 1])."""

from __future__ import annotations

import pytest

from model.interfaces.cli import main

BAD = [
    ('[[policies.entity_lists]]\nentities = ["Hikvison"]', "policies.entity_lists[0].entities: unknown vendor",
     "did you mean 'Hikvision'"),
    ('[[policies.entity_lists]]\nentities = ["Huawei"]\nstart = 2031-01-01', "policies.entity_lists[0].start",
     "after the horizon"),
    ('[[policies.component_controls]]\ndestinations = ["CHN"]\nstart = 2019-03-01',
     "policies.component_controls[0].start", "warm-up"),
    ('[[policies.procurement_bans]]\nvendors = ["Dahua"]\ncountries = ["USX"]',
     "policies.procurement_bans[0].countries", "unknown country"),
    ('[world.inputs.sourcing.Hikvision]\ncamera_soc = { HiSilicon = 0.5, "US SoCs" = 0.4 }',
     "world.inputs.sourcing.Hikvision.camera_soc", "do not sum to one"),
    ("[world.inputs.us_technology]\nSony = 1.5", "world.inputs.us_technology.Sony", "out of range"),
    ("[policies.extraterritorial]\nfdp_min_us_content = 1.5", "policies.extraterritorial.fdp_min_us_content",
     "out of range"),
]


@pytest.mark.parametrize(("content", "key", "problem"), BAD)
def test_bad_input_layer_is_one_line_naming_file_and_key(tmp_path, capsys, content, key, problem):
    bad = tmp_path / "bad.toml"
    bad.write_text(content + "\n")
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out), "--quiet", "--replications", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: {key}") and problem in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
