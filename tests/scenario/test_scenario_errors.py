"""Every bad input is one ScenarioError whose one-line message names file, key, expected and got."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.errors import ModelInputError
from model.parameters import ModelParameters
from model.policy import NationalControl
from model.scenario import ScenarioError, load_scenario


def error(folder: Path, text: str, name: str = "bad.toml", **files: str) -> ScenarioError:
    """The error of loading ``text`` saved as ``name`` in ``folder`` (next to any ``files``)."""
    for other, content in files.items():
        (folder / f"{other}.toml").write_text(content, encoding="utf-8")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{caught.value.file}: ")
    return caught.value


def test_it_is_a_model_input_error():
    assert issubclass(ScenarioError, ModelInputError) and issubclass(ScenarioError, ValueError)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "nope.toml")
    assert str(err.value) == f"{tmp_path / 'nope.toml'}: file not found"


def test_malformed_toml_gives_line_and_column(tmp_path):
    err = error(tmp_path, "horizon = 40\nwarmup = = 4\n")
    assert str(err) == f"{tmp_path / 'bad.toml'}: line 2, column 10: invalid TOML: invalid value"


def test_malformed_toml_at_the_end_of_the_document(tmp_path):
    err = error(tmp_path, 'description = "unterminated')
    assert err.key == "line 1, column 28" and "invalid TOML" in err.problem


def test_not_utf8(tmp_path):
    (tmp_path / "bad.toml").write_bytes(b'description = "\xff"\n')
    with pytest.raises(ScenarioError, match=r"bad\.toml: not UTF-8 text"):
        load_scenario(tmp_path / "bad.toml")


def test_unknown_top_level_key_lists_the_valid_ones(tmp_path):
    err = error(tmp_path, "horizn = 30\n")
    assert str(err).startswith(
        f"{tmp_path / 'bad.toml'}: horizn: unknown key (expected one of name, description,"
    )
    assert str(err).endswith("; did you mean 'horizon'?")


def test_unknown_key_in_an_array_of_tables(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "USA"\nenforcment = 0.9\n')
    assert err.key == "policies.national[0].enforcment" and err.problem == "unknown key"
    assert "expected one of start, end, lag, jurisdiction, items" in str(err)
    assert str(err).endswith("did you mean 'enforcement'?")


def test_unknown_parameter_points_to_the_docs(tmp_path):
    err = error(tmp_path, "[parameters]\nhub_markupp = 0.1\n")
    assert str(err) == (
        f"{tmp_path / 'bad.toml'}: parameters.hub_markupp: unknown key (expected one of the "
        f"{len(ModelParameters.model_fields)} keys listed in "
        "docs/scenarios.md); did you mean 'hub_markup' or 'shortage_markup'?"
    )


def test_unknown_key_in_a_table_by_name(tmp_path):
    err = error(tmp_path, "[world.countries.CHN]\nrepresion = 0.9\n")
    assert err.key == "world.countries.CHN.represion" and "did you mean 'repression'?" in str(err)


def test_wrong_type(tmp_path):
    err = error(tmp_path, 'horizon = "forty"\n')
    assert str(err) == f"{tmp_path / 'bad.toml'}: horizon: wrong type (expected an integer, got 'forty')"


def test_wrong_type_of_a_date_names_both_alternatives(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "USA"\nstart = "soon"\n')
    assert str(err).endswith(
        "policies.national[0].start: wrong type (expected a step number or a date, got 'soon')"
    )


def test_a_table_where_an_array_belongs(tmp_path):
    err = error(tmp_path, '[policies.national]\njurisdiction = "USA"\n')
    assert err.key == "policies.national"
    assert "expected an array of tables, got {jurisdiction = 'USA'}" in str(err)


def test_out_of_range(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "USA"\nenforcement = 1.5\n')
    assert str(err).endswith(
        "policies.national[0].enforcement: out of range (expected a number in [0, 1], got 1.5)"
    )


def test_out_of_range_run_setting(tmp_path):
    err = error(tmp_path, "horizon = 4\nwarmup = 4\n")
    assert str(err).endswith("horizon: must be more than warmup (4) (got 4)")


def test_not_a_finite_number(tmp_path):
    err = error(tmp_path, "[parameters]\nhub_markup = inf\n")
    assert str(err).endswith("parameters.hub_markup: not a finite number (expected a finite number, got inf)")


def test_item_not_allowed_suggests_the_closest(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "USA"\nitems = ["camera", "algoritm_1n"]\n')
    assert err.key == "policies.national[0].items[1]" and err.got == "algoritm_1n"
    assert "expected one of 'camera' / 'algorithm_1n'" in str(err)
    assert "did you mean 'algorithm_1n'" in str(err)


def test_missing_required_key(tmp_path):
    err = error(tmp_path, "[[policies.agreements]]\nmember_groups = ['wassenaar']\n")
    assert str(err).endswith("policies.agreements[0].name: required key is missing (expected a string)")


def test_a_rule_across_keys(tmp_path):
    err = error(tmp_path, '[[policies.agreements]]\nname = "a"\nmembers = ["USA"]\nlist_rule = "leader"\n')
    assert str(err).endswith("policies.agreements[0]: list_rule 'leader' needs a leader")


def test_unknown_country_code(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "UAS"\n')
    assert err.key == "policies.national[0].jurisdiction"
    assert "unknown country code or group (expected one of 182 known country code or group names, got 'UAS')" in str(err)
    assert "did you mean" in str(err) and "'USA'" in str(err)


def test_unknown_vendor(tmp_path):
    err = error(tmp_path, "[world.vendors.Hikvison]\nscale = 2.0\n")
    assert err.key == "world.vendors.Hikvison" and str(err).endswith("did you mean 'Hikvision'?")


def test_unknown_item_sold_by_a_vendor(tmp_path):
    err = error(tmp_path, "[world.vendors.Hikvision]\nquality = {camra = 0.9}\n")
    assert err.key == "world.vendors.Hikvision.quality.camra" and "did you mean 'camera'" in str(err)


def test_unknown_group(tmp_path):
    err = error(tmp_path, '[[policies.agreements]]\nname = "a"\nmember_groups = ["wasenaar"]\n')
    assert str(err).endswith(
        "policies.agreements[0].member_groups: unknown group (expected all / wassenaar / eu / echri_code, "
        "got 'wasenaar'); did you mean 'wassenaar'?"
    )


def test_date_in_the_warmup(tmp_path):
    err = error(tmp_path, '[[policies.national]]\njurisdiction = "USA"\nstart = 2019-06-01\n')
    assert str(err).endswith(
        "policies.national[0].start: falls in the warm-up, which must be identical across scenarios "
        "(expected step >= 4 (on or after 2020-01-01), got '2019-06-01')"
    )


def test_date_after_the_horizon(tmp_path):
    err = error(tmp_path, '[[policies.agreements]]\nname = "a"\nmembers = [{country = "JPN", join = 60}]\n')
    assert err.key == "policies.agreements[0].members[0].join" and "after the horizon" in str(err)


def test_missing_parent_suggests_a_file(tmp_path):
    err = error(tmp_path, 'extends = "baseline"\n', baseline="")
    assert str(err) == (
        f"{tmp_path / 'bad.toml'}: extends: file not found (expected a scenario file relative to {tmp_path}, "
        "got 'baseline'); did you mean 'baseline.toml'?"
    )


def test_circular_extends(tmp_path):
    err = error(tmp_path, 'extends = "a.toml"\n', a='extends = "b.toml"\n', b='extends = "a.toml"\n')
    assert err.file == str(tmp_path / "b.toml") and err.key == "extends"
    assert "circular extends" in str(err) and f"{tmp_path / 'a.toml'} -> {tmp_path / 'b.toml'}" in str(err)


def test_extends_itself(tmp_path):
    err = error(tmp_path, 'extends = "bad.toml"\n')
    assert err.key == "extends" and "circular extends" in err.problem


@pytest.mark.parametrize("parent", ["", ".", "sub"])
def test_extends_naming_a_folder_is_the_naming_files_error(tmp_path, parent):
    """Found by Hypothesis (``extends = ""``): the error named the folder, not the file that extends it."""
    (tmp_path / "sub").mkdir()
    err = error(tmp_path, f'extends = "{parent}"\n')
    assert str(err) == (f"{tmp_path / 'bad.toml'}: extends: names a folder, not a file (expected a scenario file "
                        f"relative to {tmp_path}, got '{parent}')")


def test_extends_must_be_a_string(tmp_path):
    err = error(tmp_path, "extends = 3\n")
    assert str(err).endswith("extends: wrong type (expected a path to a scenario file, as a string, got 3)")


def test_a_validator_that_meets_a_bad_shape_still_gives_a_scenario_error(tmp_path):
    err = error(tmp_path, '[[policies.agreements]]\nname = "a"\nmembers = 5\n')
    assert err.file == str(tmp_path / "bad.toml")


def test_a_folder_is_not_a_scenario_file(tmp_path):
    with pytest.raises(ScenarioError, match=r": not a regular file \(a folder\) \(expected a TOML file\)$"):
        load_scenario(tmp_path)


def test_a_parent_name_the_os_cannot_hold(tmp_path):
    err = error(tmp_path, 'extends = "a\\u0000b.toml"\n')
    assert err.key == "extends" and err.problem == "file not found"


def test_nesting_too_deep_for_the_parser(tmp_path):
    err = error(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert err.problem == "invalid TOML: arrays or tables nested too deeply"


@pytest.mark.parametrize(("build", "toml", "file_key", "direct_key"), [
    (lambda: ModelParameters(price_sensitivity=-1.0), "[parameters]\nprice_sensitivity = -1.0\n",
     "parameters.price_sensitivity", "ModelParameters.price_sensitivity"),
    (lambda: ModelParameters(hub_markupp=0.1), "[parameters]\nhub_markupp = 0.1\n",
     "parameters.hub_markupp", "ModelParameters.hub_markupp"),
    (lambda: NationalControl(jurisdiction="USA", enforcement=1.5),
     '[[policies.national]]\njurisdiction = "USA"\nenforcement = 1.5\n',
     "policies.national[0].enforcement", "NationalControl.enforcement"),
    (lambda: NationalControl(jurisdiction="USA", items=["camra"]),
     '[[policies.national]]\njurisdiction = "USA"\nitems = ["camra"]\n',
     "policies.national[0].items[0]", "NationalControl.items[0]"),
])
def test_direct_construction_and_a_file_describe_a_bad_value_alike(tmp_path, build, toml, file_key, direct_key):
    """One translator: the same problem, expectation, value and suggestion, only the key's root differs."""
    in_file = error(tmp_path, toml)
    with pytest.raises(ModelInputError) as caught:
        build()
    direct = caught.value
    assert (in_file.key, direct.key) == (file_key, direct_key)
    assert (direct.problem, direct.expected, direct.got, direct.suggestion) == (
        in_file.problem, in_file.expected, in_file.got, in_file.suggestion)
    assert direct.expected is not None  # what was wanted is named either way


@pytest.mark.parametrize("text, key, expected", [
    ("replications = true\n", "replications", "expected an integer, got true"),
    ("[parameters]\nprice_sensitivity = false\n", "parameters.price_sensitivity", "expected a number, got false"),
    ('[[policies.national]]\njurisdiction = "USA"\nitems = ["camera"]\nenforcement = true\n',
     "policies.national[0].enforcement", "expected a number, got true"),
    ('[[policies.national]]\njurisdiction = "USA"\nitems = ["camera"]\nreexport_control = 1\n',
     "policies.national[0].reexport_control", "expected true or false, got 1"),
    ('[[policies.national]]\njurisdiction = "USA"\nitems = ["camera"]\nreexport_control = "yes"\n',
     "policies.national[0].reexport_control", "expected true or false, got 'yes'"),
])
def test_true_false_and_numbers_are_not_swapped(tmp_path, text, key, expected):
    """pydantic's lax mode read ``replications = true`` as 1 and ``reexport_control = 1`` as true."""
    err = error(tmp_path, text)
    assert f"bad.toml: {key}: wrong type ({expected})" in str(err)


def test_python_callers_keep_numpy_truth_values_and_numbers():
    import numpy as np

    control = NationalControl(jurisdiction="USA", items=["camera"], reexport_control=np.bool_(False),
                              enforcement=np.float64(0.5))
    assert control.reexport_control is False and control.enforcement == 0.5
    with pytest.raises(ModelInputError, match="wrong type"):
        ModelParameters(price_sensitivity=True)
