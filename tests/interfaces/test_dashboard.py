"""The dashboard without a browser: its model, the policies built from its settings, its panels,
and the ``dashboard`` subcommand's checks. Skipped when the optional ``viz`` extra is missing."""

from __future__ import annotations

import argparse
import inspect
import socket

import pytest

pytest.importorskip("solara", reason="the dashboard needs the optional viz extra: pip install -e '.[viz]'")

from model.errors import ModelInputError
from model.interfaces.app import (
    AGREEMENTS,
    AS_IN_SCENARIO,
    SCENARIOS,
    DashboardModel,
    capability_figure,
    dashboard_policies,
    flows_figure,
    headline_html,
    headline_items,
    model_params,
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
    assert dashboard_policies(policies, world, agreement=ECHRI).agreements[0].enforcement == 0.6  # scenario's


def test_layer_switches_narrow_and_drop_controls(us) -> None:
    policies, world = us
    cameras = dashboard_policies(policies, world, agreement=ECHRI, layers=["camera"])
    assert [c.items for c in cameras.national] == [["camera"]]
    assert [a.items for a in cameras.agreements] == [["camera"]]
    nothing = dashboard_policies(policies, world, agreement=ECHRI, layers=[])
    assert nothing == PolicySet() and nothing.is_empty


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


def test_panels_render_before_and_after_steps() -> None:
    model = DashboardModel(scenario="wassenaar")
    status, items = headline_items(model)
    assert status.startswith("Not started") and not items
    for make in (capability_figure, routes_figure, flows_figure):
        make(model)  # nothing to show yet, but no error
    model.run(7)
    status, items = headline_items(model)
    assert status.startswith("Quarter 7 of 40") and any("Leakage" in item for item in items)
    assert "<script" not in headline_html(model) and "Quarter 7" in headline_html(model)
    for make in (capability_figure, routes_figure, flows_figure):
        fig = make(model)
        assert fig.axes and all(ax.get_title() for ax in fig.axes if ax.get_visible())
        assert any(ax.lines or ax.collections or ax.patches for ax in fig.axes)


def test_page_renders_and_runs_in_solara() -> None:
    """The page's own panels, rendered by solara's test renderer (no browser); the sidebar with
    Mesa's Step button is covered by the browser test."""
    import ipyvuetify as v
    import ipywidgets
    import solara
    import solara.widgets

    from model.interfaces.app import Page

    _, rc = solara.render(Page(), handle_error=False)
    try:
        images = rc.find(ipywidgets.Image).widgets
        assert len(images) == 3 and all(image.value for image in images)  # capability, routes, flows
        before = [image.value for image in images]
        rc.find(v.Btn, children=["Run to the horizon"]).widget.click()
        headline = " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)
        assert "Quarter 40 of 40" in headline and "Denial" in headline
        after = [image.value for image in rc.find(ipywidgets.Image).widgets]
        assert all(a != b for a, b in zip(after, before))  # every plot redrawn
        assert rc.find(v.Btn, children=["Run to the horizon"]).widget.disabled
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
    args = _parser().parse_args(["dashboard", "--port", "70000"])
    with pytest.raises(ModelInputError, match="out of range"):
        args.handler(args)
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
