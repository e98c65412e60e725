"""The dashboard without a browser: its model, the policies built from its settings, its panels,
and the ``dashboard`` subcommand's checks. Skipped when the optional ``viz`` extra is missing."""

from __future__ import annotations

import argparse
import inspect
import socket

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara", reason="the dashboard needs the optional viz extra: pip install -e '.[viz]'")

from model.errors import ModelInputError
from model.formatting import percent_interval
from model.interfaces.app import (
    AGREEMENTS,
    AS_IN_SCENARIO,
    MAP_VIEWS,
    NO_COMPARISON,
    SCENARIOS,
    DashboardModel,
    capability_figure,
    dashboard_policies,
    describe_policies,
    headline_html,
    headline_items,
    map_figure,
    model_params,
    regime_pairs,
    regime_table,
    regime_table_html,
    routes_figure,
)
from model.interfaces.viz_cli import check_port, check_viz_installed, register, solara_arguments
from model.policy import PolicySet, preset
from model.scenario import SCENARIO_DIR, load_scenario
from model.simulation import world_for

ECHRI = next(label for label, regime in AGREEMENTS.items() if regime == "echri_coalition")
GLOBAL = next(label for label, regime in AGREEMENTS.items() if regime == "global_with_china")


@pytest.fixture(scope="module")
def us():
    scenario = load_scenario(SCENARIO_DIR / "unilateral_us.toml", validate=False)
    return scenario.policies, world_for(scenario.parameters, scenario.world)


def test_sidebar_inputs_are_model_arguments() -> None:
    """SolaraViz re-creates the model with the sidebar's values as keyword arguments."""
    from mesa.visualization.solara_viz import _check_model_params

    params = model_params()
    _check_model_params(DashboardModel.__init__, params)
    signature = inspect.signature(DashboardModel.__init__).parameters
    for name, spec in params.items():
        assert signature[name].default == spec["value"], name
    assert set(params["scenario"]["values"]) == set(SCENARIOS) >= {"baseline", "unilateral_us", "wassenaar"}


def test_default_settings_reproduce_the_scenario_file(us) -> None:
    policies, world = us
    assert dashboard_policies(policies, world) == policies
    model = DashboardModel(scenario="echri_coalition")
    assert model.policies == load_scenario(SCENARIO_DIR / "echri_coalition.toml", validate=False).policies


def test_agreement_choice_uses_the_ready_made_regimes(us) -> None:
    policies, world = us
    chosen = dashboard_policies(policies, world, agreement=GLOBAL)
    assert chosen.agreements == preset("global_with_china", world).agreements
    assert chosen.national == policies.national
    assert dashboard_policies(chosen, world, agreement="none (national controls only)").agreements == []
    with pytest.raises(ModelInputError, match="agreement"):
        dashboard_policies(policies, world, agreement="NATO")


def test_extraterritorial_switch(us) -> None:
    policies, world = us
    on = dashboard_policies(policies, world, extraterritorial="on")
    assert on.extraterritorial == preset("unilateral_us_extraterritorial", world).extraterritorial
    assert dashboard_policies(on, world, extraterritorial="off").extraterritorial is None
    assert dashboard_policies(on, world).extraterritorial == on.extraterritorial


def test_enforcement_override_reaches_every_control(us) -> None:
    policies, world = us
    chosen = dashboard_policies(policies, world, agreement=ECHRI, enforcement=0.25)
    assert [c.enforcement for c in chosen.national] == [0.25]
    assert [a.enforcement for a in chosen.agreements] == [0.25]
    assert {e.enforcement for e in chosen.entity_lists + chosen.component_controls} == {0.25}
    assert dashboard_policies(policies, world, agreement=ECHRI).agreements[0].enforcement == 0.6  # scenario's


def test_layer_switches_narrow_and_drop_controls(us) -> None:
    policies, world = us
    cameras = dashboard_policies(policies, world, agreement=ECHRI, layers=["camera"])
    assert [c.items for c in cameras.national] == [["camera"]]
    assert [a.items for a in cameras.agreements] == [["camera"]]
    nothing = dashboard_policies(policies, world, agreement=ECHRI, layers=[])
    inputs = {key: getattr(policies, key) for key in ("entity_lists", "component_controls", "procurement_bans")}
    assert nothing == PolicySet(**inputs) and not nothing.is_empty and any(inputs.values())  # they control no layer


def test_model_runs_next_to_its_baseline_on_the_same_seed() -> None:
    model = DashboardModel(scenario="unilateral_us", seed=3)
    assert model.baseline.policies.is_empty and not model.policies.is_empty
    for _ in range(model.warmup):
        model.step()
        assert model.summary["target_capability"] == model.baseline.summary["target_capability"]  # warm-up
    model.run(3)
    assert model.steps == model.baseline.steps == model.warmup + 3
    assert model.summary["target_capability"] < model.baseline.summary["target_capability"]
    again = DashboardModel(scenario="unilateral_us", seed=3).run(model.steps)
    assert again.summary == model.summary


def test_unknown_scenario_is_an_input_error() -> None:
    with pytest.raises(ModelInputError, match="did you mean 'wassenaar'"):
        DashboardModel(scenario="wasenaar")


def _maps(model):
    return [lambda m, view=view: map_figure(m, view) for view in MAP_VIEWS]


def test_panels_render_before_and_after_steps() -> None:
    model = DashboardModel(scenario="wassenaar")
    status, facts = headline_items(model)
    assert status.startswith("Not started") and not facts
    assert "Not started" in regime_table_html(model)
    for make in (capability_figure, routes_figure, *_maps(model)):
        make(model)  # nothing to show yet, but no error
    model.run(7)
    status, facts = headline_items(model)
    assert status.startswith("Quarter 7 of 40") and "Leakage since the warm-up" in facts["wassenaar"]
    assert "<script" not in headline_html(model) and "Quarter 7" in headline_html(model)
    for make in (capability_figure, routes_figure, *_maps(model)):
        fig = make(model)
        assert any(ax.lines or ax.collections or ax.patches for ax in fig.axes)


def test_capability_axis_spans_the_run_before_the_first_step() -> None:
    """Not matplotlib's empty-axis default (1970, hours): the run's dates, in years."""
    import matplotlib.dates as mdates

    model = DashboardModel(scenario="wassenaar")
    ax = capability_figure(model).axes[0]
    start, end = (mdates.num2date(x).date() for x in ax.get_xlim())
    assert start == model.calendar.date_of(0) and end == model.calendar.date_of(model.horizon - 1)
    ax.figure.draw_without_rendering()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels and all(label.isdigit() and len(label) == 4 for label in labels), labels


def test_run_panel_names_the_policy_as_changed() -> None:
    model = DashboardModel(scenario="unilateral_us", agreement=ECHRI)
    assert model.label == "unilateral_us + ECHRI coalition"
    assert "unilateral_us + ECHRI coalition" in headline_html(model)
    assert DashboardModel(scenario="wassenaar").label == "wassenaar"
    narrowed = DashboardModel(scenario="wassenaar", control_data=False, override_enforcement=True, enforcement=0.3)
    assert narrowed.label == "wassenaar + enforcement 0.3 + not controlling training_data"


def test_side_by_side_runs_two_policies_on_the_same_seed() -> None:
    model = DashboardModel(scenario="unilateral_us", compare_with="global_with_china", seed=4)
    assert model.other_baseline is model.baseline  # same world: one shared no-controls run
    model.run(model.warmup + 6)
    alone = DashboardModel(scenario="global_with_china", seed=4).run(model.steps)
    assert model.other.summary == alone.summary  # the comparison is that scenario, same seed
    assert [label for label, _, _ in model.runs()] == ["unilateral_us", "global_with_china"]
    _, facts = headline_items(model)
    assert set(facts) == {"unilateral_us", "global_with_china"}
    assert float(facts["global_with_china"]["Denial"].split("%")[0]) > float(
        facts["unilateral_us"]["Denial"].split("%")[0])
    assert len(routes_figure(model).subfigs) == 2 and len(map_figure(model).axes) == 4  # two maps, a scale each
    with pytest.raises(ModelInputError, match="compare_with"):
        DashboardModel(compare_with="wasenaar")
    assert model_params()["compare_with"]["value"] == NO_COMPARISON


def test_comparison_with_another_world_gets_its_own_baseline(tmp_path, monkeypatch) -> None:
    """A compared scenario whose baseline differs (here: a stricter target threshold) is paired with
    its own no-controls run, and the capability plot shows that run too."""
    import shutil

    import model.interfaces.app as app

    shutil.copytree(SCENARIO_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "strict_targets.toml").write_text(
        'description = "Wassenaar, targets from repression 0.6"\nextends = "wassenaar.toml"\n'
        "target_threshold = 0.6\n")
    monkeypatch.setattr(app, "SCENARIO_DIR", tmp_path)
    monkeypatch.setattr(app, "COMPARE_CHOICES", (*app.COMPARE_CHOICES, "strict_targets"))
    model = DashboardModel(scenario="wassenaar", compare_with="strict_targets").run(6)
    assert model.other_baseline is not model.baseline and model.other_baseline.policies.is_empty
    assert model.other_baseline.steps == model.steps == 6
    assert model.other.is_target.sum() < model.is_target.sum()
    labels = [line.get_label() for line in capability_figure(model).axes[0].get_lines()]
    assert "no controls (strict_targets)" in labels
    table = regime_table(model)
    assert table["strict_targets: capability"].isna().sum() == model.is_target.sum() - model.other.is_target.sum()
    assert "NaN" not in regime_table_html(model) and "<td>n/a</td>" in regime_table_html(model)


def test_regime_table_pairs_each_policy_with_its_baseline() -> None:
    model = DashboardModel(scenario="unilateral_us", compare_with="wassenaar").run(12)
    table = regime_table(model)
    assert list(table.columns) == ["regime", "capability without controls", "unilateral_us: capability",
                                   "unilateral_us: denial (%)", "wassenaar: capability", "wassenaar: denial (%)"]
    assert len(table) == int(model.is_target.sum())
    assert table["capability without controls"].is_monotonic_decreasing
    row = table.iloc[0]
    expected = 100 * (1 - row["wassenaar: capability"] / row["capability without controls"])
    assert row["wassenaar: denial (%)"] == pytest.approx(expected)
    capability = np.asarray(model.baseline.capability_history[-1])[model.is_target]
    assert row["capability without controls"] == pytest.approx(capability.max())
    html = regime_table_html(model)
    assert html.count("<tr") == len(table) + 1 and "China (CHN)" in html


def test_map_view_is_checked() -> None:
    with pytest.raises(ModelInputError, match="map view"):
        map_figure(DashboardModel(), "flow")


def _wait(condition, timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_page_renders_and_runs_in_solara() -> None:
    """The page's own panels, rendered by solara's test renderer (no browser); the sidebar with
    Mesa's Step button is covered by the browser test. Figures are drawn in background threads."""
    import ipyvuetify as v
    import ipywidgets
    import solara
    import solara.widgets

    from model.interfaces.app import Page

    _, rc = solara.render(Page(), handle_error=False)

    def images() -> list[bytes | str]:
        """The plots: PNG widgets, and the map's PNG with its hover layer (HTML)."""
        return ([image.value for image in rc.find(ipywidgets.Image).widgets if image.value]
                + [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                   if "data:image/png" in (w.unsafe_innerHTML or "")])

    def text() -> str:
        return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)

    try:
        _wait(lambda: len(images()) == 3)  # capability, map, routes
        before = images()
        rc.find(v.Btn, children=["Run to the horizon"]).widget.click()
        assert "Quarter 40 of 40" in text() and "Denial" in text() and "China (CHN)" in text()
        _wait(lambda: "<title>Colombia (COL)" in text())  # the map's hover layer
        _wait(lambda: len(images()) == 3 and all(a != b for a, b in zip(images(), before)))  # every plot redrawn
        assert rc.find(v.Btn, children=["Run to the horizon"]).widget.disabled
        shown = images()
        rc.find(v.BtnToggle).widget.v_model = MAP_VIEWS.index("flows")  # the map panel's view switch
        _wait(lambda: len(images()) == 3 and images() != shown)
        assert sum(a != b for a, b in zip(images(), shown)) == 1  # only the map is redrawn
    finally:
        rc.close()


# --- the dashboard subcommand -----------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py")
    register(parser.add_subparsers())
    return parser


def test_subcommands_have_help(capsys) -> None:
    for command in ("plot", "dashboard"):
        with pytest.raises(SystemExit) as exit_:
            _parser().parse_args([command, "--help"])
        assert exit_.value.code == 0
    assert "--port" in capsys.readouterr().out
    args = _parser().parse_args(["dashboard", "--port", "9000", "--host", "0.0.0.0"])
    assert (args.port, args.host, args.handler.__name__) == (9000, "0.0.0.0", "cmd_dashboard")


def test_dashboard_checks_port_before_starting() -> None:
    check_viz_installed()  # the extra is installed (this module is skipped otherwise)
    with pytest.raises((argparse.ArgumentError, SystemExit)):  # refused as the arguments are parsed
        _parser().parse_args(["dashboard", "--port", "70000"])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ModelInputError, match="cannot listen"):
            check_port("127.0.0.1", busy.getsockname()[1])


def test_solara_serves_the_app_by_module_name() -> None:
    argv = solara_arguments("127.0.0.1", 8123)
    assert argv[0] == "model.interfaces.app" and "--production" in argv and "--no-open" in argv
    assert argv[argv.index("--port") + 1] == "8123"


def test_viz_extra_is_pinned_for_mesa() -> None:
    from importlib import metadata

    assert int(metadata.version("ipyvuetify").split(".")[0]) < 3
    assert AS_IN_SCENARIO in AGREEMENTS


def test_compares_two_edited_configurations() -> None:
    """The second configuration takes its own settings: the same scenario under two enforcement
    levels runs side by side, each labelled, with the denial of the headline measure."""
    name = "unilateral_us_finished_goods"  # the export control alone: its enforcement is what differs
    model = DashboardModel(scenario=name, override_enforcement=True, enforcement=0.1,
                           compare_with=name, compare_override_enforcement=True, compare_enforcement=0.9,
                           compare_control_data=False, seed=2).run(12)
    labels = [label for label, _, _ in model.runs()]
    assert labels == [f"{name} + enforcement 0.1", f"{name} + enforcement 0.9 + not controlling training_data"]
    assert {c.enforcement for c in model.other.policies.national} == {0.9}
    assert all("training_data" not in c.items for c in model.other.policies.national)
    _, facts = headline_items(model)
    weak, strong = (facts[label]["Denial"] for label in labels)
    assert weak != strong and "headline" in weak  # 0.1 and 0.9 no longer read alike


def test_the_description_follows_the_settings() -> None:
    plain = DashboardModel(scenario="unilateral_us")
    narrowed = DashboardModel(scenario="unilateral_us", control_camera=False, control_data=False)
    assert plain.scenario.description in headline_html(plain)
    text = headline_html(narrowed)
    assert plain.scenario.description not in text and "edited in the sidebar" in text
    described = describe_policies(narrowed.policies)
    assert "1:N algorithms" in described and "cameras" not in described and "training data" not in described
    assert describe_policies(PolicySet()) == "No export controls."


def test_map_has_a_hover_area_per_target_regime_with_name_and_value() -> None:
    from model.interfaces.app import figure_png, hover_svg, map_hover

    model = DashboardModel(scenario="unilateral_us", seed=3).run(8)
    fig = map_figure(model, "denial")
    png, _ = figure_png(fig)
    areas = map_hover(model, fig, "denial")
    assert len(areas) == int(model.is_target.sum())
    colombia = next(text for text, _ in areas if text.startswith("Colombia (COL)"))
    assert "denial" in colombia and "%" in colombia and "on seed 3; over seeds 3-7: " in colombia
    width, height = fig.bbox.width, fig.bbox.height
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(png)).size == (round(width), round(height))
    points = np.concatenate([ring for _, rings in areas for ring in rings])
    assert (points[:, 0] >= 0).all() and (points[:, 0] <= width).all() and (points[:, 1] <= height).all()
    assert hover_svg(areas, width, height).count("<title>") == len(areas)
    assert map_hover(model, map_figure(model, "flows"), "flows") == []


def test_controls_fit_the_horizon_and_are_explained() -> None:
    from model.interfaces.app import CONTROL_HELP

    source = inspect.getsource(__import__("model.interfaces.app", fromlist=["Controls"]).Controls)
    assert "max=horizon" in source
    assert {"play", "render", "threads", "buttons"} == set(CONTROL_HELP)
    assert all(text.split(":")[0] in ("Play Interval", "Render Interval", "Use Threads") or "Reset" in text
               for text in CONTROL_HELP.values())


def test_capability_panel_shows_the_headline_measure_over_time() -> None:
    from model.interfaces.app import denial

    model = DashboardModel(scenario="unilateral_us", compare_with="global_with_china", seed=5).run(10)
    headline = capability_figure(model).axes[1]
    assert "equal-weighted" in headline.get_ylabel()
    ends = {line.get_label(): line.get_ydata()[-1] for line in headline.get_lines() if line.get_label() in
            ("unilateral_us", "global_with_china")}
    for label, run, baseline in model.runs():
        assert ends[label] == pytest.approx(100 * denial(run, baseline))


def test_runs_per_policy_give_the_tooltips_and_the_run_panel_an_interval() -> None:
    """Each further run is the configuration and its baseline on the next seed, stepped with the
    drawn one; the interval is over the seeds' paired denials, as a results folder's."""
    from model.experiment.metrics import interval
    from model.interfaces.app import denial, figure_png, map_hover, regime_intervals

    model = DashboardModel(scenario="unilateral_us", compare_with="wassenaar", seed=3, replications=3).run(8)
    assert model.seeds == [3, 4, 5] and len(model.replicates["wassenaar"]) == 2
    alone = [DashboardModel(scenario="unilateral_us", seed=s, replications=1).run(8) for s in (3, 4, 5)]
    assert all(m.steps == 8 for pair in model.replicates["unilateral_us"] for m in pair)
    shares = pd.Series([denial(m, m.baseline) for m in alone])
    mean, low, high = interval(shares)
    assert low < high and shares.min() < shares.max()
    _, facts = headline_items(model)
    assert f"over seeds 3-5: {percent_interval(mean, low, high)}" in facts["unilateral_us"]["Denial"]
    regimes = regime_intervals(model, "unilateral_us")
    per_seed = pd.concat([regime_pairs(m, m.baseline) for m in alone]).groupby("iso3")["denial"].mean()
    assert regimes["denial"].to_dict() == pytest.approx(per_seed.to_dict())
    fig = map_figure(model, "denial")
    figure_png(fig)
    colombia = next(text for text, _ in map_hover(model, fig, "denial") if text.startswith("Colombia (COL)"))
    assert f"over seeds 3-5: {percent_interval(*regimes.loc['COL'])}" in colombia
    single = DashboardModel(scenario="unilateral_us", seed=3, replications=1).run(8)
    assert "no interval" in headline_items(single)[1]["unilateral_us"]["Denial"]
    with pytest.raises(ModelInputError, match="replications"):
        DashboardModel(replications=0)


def test_the_description_names_the_measures_on_inputs(us) -> None:
    policies, _ = us
    text = describe_policies(policies)
    assert "USA Entity List: Hikvision, Dahua" in text and "foreign-direct-product rule" in text
    assert "USA denies AI accelerators to vendors in CHN" in text and "USA procurement ban on Hikvision" in text
    assert "Entity List" not in describe_policies(policies.model_copy(update={"entity_lists": []}))
