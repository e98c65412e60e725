"""``calibrate`` writes its fit into its results folder only; ``calibrate --install`` copies it over
the shipped defaults when it is no worse, keeps what it replaced and says so."""

from __future__ import annotations

import math
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.calibration.install import FIT_FILE, REPLACED_FILE, describe, install, read_fit
from model.errors import ModelInputError
from model.interfaces.cli import main
from model.parameters import CALIBRATED_FILE

CALIBRATION = """
[settings]
horizon = 5
replications = 1
rounds = [3]

[[targets]]
name = "spending_2019"
observable = ["spend_total"]
start = 2019-01-01
end = 2019-12-31
aggregate = "sum"
value = 30e9
low = 27e9
high = 33e9
source = "test"

[[free]]
key = "parameters.budget_share"
low = 1.5e-4
high = 4e-4
"""


def fit(folder, loss: float, budget_share: float = 2e-4):
    folder.mkdir()
    (folder / FIT_FILE).write_text(f"[parameters]\nbudget_share = {budget_share}\n\n[fit]\nloss = {loss}\n")
    return folder


def test_a_first_fit_is_installed(tmp_path):
    target = tmp_path / "data" / "calibrated.toml"
    target.parent.mkdir()
    done = install(fit(tmp_path / "a", 3.0), target=target)
    assert tomllib.loads(target.read_text())["parameters"] == {"budget_share": 2e-4}
    assert done.kept is None and "there was none before" in describe(done)


def test_a_better_fit_replaces_the_installed_one_which_is_kept(tmp_path):
    target = tmp_path / "calibrated.toml"
    old = ("# Calibrated parameters\n# 2026-01-01\n# Loss 10.139 over 11 targets (see ...).\n\n"
           "[parameters]\nbudget_share = 3e-4\n")  # the format before the [fit] table
    target.write_text(old)
    done = install(fit(tmp_path / "a", 9.5), target=target)
    assert tomllib.loads(target.read_text())["fit"]["loss"] == 9.5
    assert (tmp_path / "a" / REPLACED_FILE).read_text() == old
    assert done.replaced_loss == 10.139
    assert describe(done).endswith(f"replaced a fit with loss 10.14, kept in {tmp_path / 'a' / REPLACED_FILE}")


def test_a_worse_fit_is_refused_and_nothing_changes_unless_forced(tmp_path):
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "good", 2.0), target=target)
    before = target.read_text()
    worse = fit(tmp_path / "worse", 87.7, budget_share=3.9e-4)
    with pytest.raises(ModelInputError, match=r"this fit \(loss 87\.7\) is worse than the installed .*loss 2\)"):
        install(worse, target=target)
    assert target.read_text() == before and not (worse / REPLACED_FILE).exists()
    install(worse, target=target, force=True)
    assert tomllib.loads(target.read_text())["fit"]["loss"] == 87.7
    assert (worse / REPLACED_FILE).read_text() == before


@pytest.mark.parametrize("content, fragment", [
    (None, "no fit to install here"),
    ("[parameters]\nbudget_share = 2e-4\n", "fit.loss: no finite loss recorded"),
    ("[fit]\nloss = 1.0\n", "not a calibrated-parameters file"),
    ("[parameters]\nbudget_shar = 2e-4\n[fit]\nloss = 1.0\n", "parameters.budget_shar: unknown key"),
    ("loss = = 1", "not a calibrated-parameters file"),
    ("fit = 3\n[parameters]\nbudget_share = 2e-4\n", "fit.loss: no finite loss recorded"),
    ("[parameters]\nbudget_share = 2e-4\n[fit]\nloss = true\n", "fit.loss: no finite loss recorded"),
])
def test_a_folder_without_a_sound_fit_is_refused(tmp_path, content, fragment):
    folder = tmp_path / "f"
    folder.mkdir()
    if content is not None:
        (folder / FIT_FILE).write_text(content)
    target = tmp_path / "calibrated.toml"
    with pytest.raises(ModelInputError, match=fragment.replace(".", r"\.")):
        install(folder, target=target)
    assert not target.exists()


def test_calibrate_writes_its_fit_in_its_folder_and_leaves_the_defaults_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cal.toml").write_text(CALIBRATION)
    shipped = CALIBRATED_FILE.read_bytes()
    assert main(["calibrate", "--file", "cal.toml", "--out", "fit", "--workers", "1", "--quiet"]) == 0
    assert CALIBRATED_FILE.read_bytes() == shipped
    written = tomllib.loads((tmp_path / "fit" / FIT_FILE).read_text())
    assert set(written["parameters"]) == {"budget_share"} and written["fit"]["targets"] == 1
    assert "calibrate --install fit" in capsys.readouterr().out


def test_install_refuses_options_that_would_do_nothing(tmp_path, capsys):
    assert main(["calibrate", "--install", str(tmp_path), "--seed", "3"]) == 2
    assert capsys.readouterr().err == "error: --seed: does nothing with --install (expected calibrate --install FOLDER [--force])\n"


def test_a_damaged_installed_file_is_replaced_only_when_forced_and_is_kept(tmp_path):
    target = tmp_path / "calibrated.toml"
    target.write_text("[parameters\nbudget_share = ")  # not TOML any more
    new = fit(tmp_path / "new", 3.0)
    with pytest.raises(ModelInputError, match="an unknown loss"):
        install(new, target=target)
    done = install(new, target=target, force=True)
    assert done.replaced_loss is None and (new / REPLACED_FILE).read_text() == "[parameters\nbudget_share = "
    assert tomllib.loads(target.read_text())["fit"]["loss"] == 3.0


VALUES = st.sampled_from(["1.0", "2e-4", "-3", "nan", "inf", "true", '"x"', "[1, 2]", "{a = 1}", "", "= 1"])
LINES = st.one_of(
    st.sampled_from(["[parameters]", "[fit]", "[fit.loss]", "[[fit]]", "# Loss 12.5 over 3 targets"]),
    st.builds("{} = {}".format, st.sampled_from(["fit", "parameters", "loss", "budget_share", "budget_shar",
                                                 "price_sensitivity", "targets"]), VALUES),
    st.text(alphabet=st.sampled_from('[]=."\n abcdefxyz_019e+-#{},'), max_size=20),
)


@given(lines=st.lists(LINES, max_size=8))
@settings(max_examples=300, deadline=None)
def test_reading_any_fit_file_gives_a_fit_or_one_input_error(lines):
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / FIT_FILE).write_text(text)
        try:
            path, loss = read_fit(folder)
        except ModelInputError as err:
            assert "\n" not in str(err)
        else:
            assert path == folder / FIT_FILE and math.isfinite(loss)
