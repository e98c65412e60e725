"""``calibrate`` writes its fit into its results folder only; ``calibrate --install`` copies it over
the shipped defaults when it is no worse, keeps what it replaced and says so."""

from __future__ import annotations

import math
import tempfile
import tomllib
from pathlib import Path

import pytest
from conftest import tiny_calibration_file
from hypothesis import given, settings
from hypothesis import strategies as st

from model.calibration.fit import POSTERIOR_FILE, POSTERIOR_MANIFEST
from model.calibration.install import FIT_FILE, describe, install, read_fit
from model.errors import ModelInputError
from model.interfaces.cli import main
from model.parameters import CALIBRATED_FILE

CALIBRATION = tiny_calibration_file(horizon=5, population=10, simulations=30, generations=2)


def fit(folder, loss: float, budget_share: float = 2e-4, digest: str = "abc"):
    """A fit folder as ``calibrate`` writes it (the fit file, the posterior sample and its manifest)."""
    folder.mkdir()
    (folder / FIT_FILE).write_text(f"[parameters]\nbudget_share = {budget_share}\n\n[fit]\nloss = {loss}\n"
                                   f"targets_digest = '{digest}'\n")
    (folder / POSTERIOR_FILE).write_text(f"parameters.budget_share,weight\n{budget_share},1.0\n")
    (folder / POSTERIOR_MANIFEST).write_text(f'{{"loss": {loss}}}\n')
    return folder


def test_a_first_fit_is_installed_with_its_posterior(tmp_path):
    target = tmp_path / "data" / "calibrated.toml"
    target.parent.mkdir()
    done = install(fit(tmp_path / "a", 3.0), target=target)
    assert tomllib.loads(target.read_text())["parameters"] == {"budget_share": 2e-4}
    assert (target.parent / POSTERIOR_FILE).read_text() == (tmp_path / "a" / POSTERIOR_FILE).read_text()
    assert done.kept is None and "there was none before" in describe(done)


def test_a_better_fit_replaces_the_installed_one_which_is_kept(tmp_path):
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "a", 10.0, budget_share=3e-4), target=target)
    old = target.read_text()
    done = install(fit(tmp_path / "b", 9.5), target=target)
    assert tomllib.loads(target.read_text())["fit"]["loss"] == 9.5
    assert (tmp_path / "b" / "replaced-1" / FIT_FILE).read_text() == old
    assert (tmp_path / "b" / "replaced-1" / POSTERIOR_FILE).read_text().endswith("0.0003,1.0\n")
    assert done.replaced_loss == 10.0
    assert describe(done).endswith(f"replaced a fit with loss 10, kept in {tmp_path / 'b' / 'replaced-1'}")


def test_a_worse_fit_is_refused_and_nothing_changes_unless_forced(tmp_path):
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "good", 2.0), target=target)
    before = target.read_text()
    worse = fit(tmp_path / "worse", 87.7, budget_share=3.9e-4)
    with pytest.raises(ModelInputError, match=r"this fit \(loss 87\.7\) is worse than the installed .*loss 2\)"):
        install(worse, target=target)
    assert target.read_text() == before and not (worse / "replaced-1").exists()
    install(worse, target=target, force=True)
    assert tomllib.loads(target.read_text())["fit"]["loss"] == 87.7
    assert (worse / "replaced-1" / FIT_FILE).read_text() == before


def test_a_fit_over_other_targets_is_refused_however_low_its_loss(tmp_path):
    """Losses over different targets or settings are not comparable (issue 29: a 1-target fit with
    loss 2.97 replaced a 14-target fit with loss 17.4)."""
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "shipped", 17.4, digest="fourteen"), target=target)
    before = target.read_bytes()
    other = fit(tmp_path / "other", 2.97, digest="one")
    with pytest.raises(ModelInputError, match=r"other targets or settings \(digest one\) than the installed "
                       r".*\(digest fourteen\), so the losses are not comparable; nothing was changed"):
        install(other, target=target)
    assert target.read_bytes() == before


def test_an_installed_fit_that_does_not_record_its_targets_is_replaced_only_when_forced(tmp_path):
    target = tmp_path / "calibrated.toml"
    target.write_text("# Loss 10.139 over 11 targets (see ...).\n\n[parameters]\nbudget_share = 3e-4\n")
    with pytest.raises(ModelInputError, match="does not record its targets"):
        install(fit(tmp_path / "a", 1.0), target=target)
    assert install(tmp_path / "a", target=target, force=True).replaced_loss == 10.139


def test_a_second_install_never_overwrites_an_earlier_backup(tmp_path):
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "first", 5.0, budget_share=1e-4), target=target)
    folder = fit(tmp_path / "again", 4.0, budget_share=2e-4)
    install(folder, target=target)
    install(folder, target=target, force=True)  # the same fit again: its own first backup stays
    assert "budget_share = 0.0001" in (folder / "replaced-1" / FIT_FILE).read_text()
    assert "budget_share = 0.0002" in (folder / "replaced-2" / FIT_FILE).read_text()


def test_nothing_is_written_through_a_symbolic_link(tmp_path):
    target = tmp_path / "calibrated.toml"
    install(fit(tmp_path / "first", 5.0), target=target)
    folder = fit(tmp_path / "second", 4.0)
    user = tmp_path / "users_file.toml"
    user.write_text("mine")
    (folder / "replaced-1").symlink_to(tmp_path)  # a user's link where a backup would go
    posterior = target.with_name(POSTERIOR_FILE)
    posterior.unlink()
    posterior.symlink_to(user)  # and one where the posterior is installed
    done = install(folder, target=target)
    assert done.kept == folder / "replaced-2"
    assert user.read_text() == "mine" and not posterior.is_symlink()
    assert not list(tmp_path.glob(".*installing"))


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
        (folder / POSTERIOR_FILE).write_text("parameters.budget_share,weight\n2e-4,1.0\n")
        (folder / POSTERIOR_MANIFEST).write_text("{}\n")
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
    assert (tmp_path / "fit" / "abc.db").is_file() and (tmp_path / "fit" / POSTERIOR_FILE).is_file()
    assert "calibrate --install fit" in capsys.readouterr().out


def test_install_refuses_options_that_would_do_nothing(tmp_path, capsys):
    assert main(["calibrate", "--install", str(tmp_path), "--seed", "3"]) == 2
    assert capsys.readouterr().err == "error: --seed: does nothing with --install (expected calibrate --install FOLDER [--force])\n"


def test_a_damaged_installed_file_is_replaced_only_when_forced_and_is_kept(tmp_path):
    target = tmp_path / "calibrated.toml"
    target.write_text("[parameters\nbudget_share = ")  # not TOML any more
    new = fit(tmp_path / "new", 3.0)
    with pytest.raises(ModelInputError, match="does not record its targets"):
        install(new, target=target)
    done = install(new, target=target, force=True)
    assert done.replaced_loss is None and (new / "replaced-1" / FIT_FILE).read_text() == "[parameters\nbudget_share = "
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
        (folder / POSTERIOR_FILE).write_text("")
        (folder / POSTERIOR_MANIFEST).write_text("")
        try:
            path, recorded = read_fit(folder)
        except ModelInputError as err:
            assert "\n" not in str(err)
        else:
            assert path == folder / FIT_FILE and math.isfinite(recorded.loss)
