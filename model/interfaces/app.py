"""The interactive dashboard: Mesa's SolaraViz over :class:`DashboardModel`.

Start it with ``python run.py dashboard`` (see ``docs/dashboard.md``); it needs the optional
extra ``pip install -e '.[viz]'``. In the sidebar choose a scenario from ``scenarios/`` and its
main policy settings, press *Reset* to build the model with them, then *Step* or play (▶). The
panels show the headline figures, target-regime capability against the same seed's no-controls
baseline, the split of acquisitions and of leakage by route, and a map of the flows.

Policies are built only from the project's own objects: the scenario file's :class:`PolicySet`,
changed with ``model_copy`` and re-validated; agreements and extraterritorial rules come from the
ready-made regimes in :mod:`model.policy.presets`.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable, Iterable
from functools import partial

warnings.filterwarnings("ignore", message=r".*`use_state` found despite early return", category=UserWarning)
# ^ Mesa 3.3.1's ComponentsView trips solara's hook check; harmless, and not ours to fix.

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from model.analysis import plots  # noqa: E402
from model.policy import PolicySet, preset  # noqa: E402
from model.scenario import SCENARIO_DIR, load_scenario  # noqa: E402
from model.simulation import ControlRegimeModel, release, world_for  # noqa: E402
from model.vocabulary import LAYERS  # noqa: E402
from model.world import World  # noqa: E402

SCENARIOS: tuple[str, ...] = tuple(sorted(path.stem for path in SCENARIO_DIR.glob("*.toml")))
"""The scenario library (file stems of ``scenarios/*.toml``)."""
AS_IN_SCENARIO = "as in scenario"
AGREEMENTS: dict[str, str | None] = {
    AS_IN_SCENARIO: None,
    "none (national controls only)": "none",
    "ECHRI coalition (25, follows the US list)": "echri_coalition",
    "Wassenaar-like (42, consensus list)": "wassenaar",
    "global, including China (binding)": "global_with_china",
}
"""Agreement choices: the label shown, and the ready-made regime whose agreements are used."""
EXTRATERRITORIAL = (AS_IN_SCENARIO, "on", "off")
LAYER_CHOICES = {"control_camera": "camera", "control_algorithm": "algorithm_1n", "control_data": "training_data"}
DEFAULT_SCENARIO = "unilateral_us" if "unilateral_us" in SCENARIOS else SCENARIOS[0]


def dashboard_policies(
    policies: PolicySet,
    world: World,
    *,
    agreement: str = AS_IN_SCENARIO,
    extraterritorial: str = AS_IN_SCENARIO,
    enforcement: float | None = None,
    layers: Iterable[str] = LAYERS,
) -> PolicySet:
    """A scenario's ``policies`` changed by the dashboard's settings.

    ``agreement`` is a key of :data:`AGREEMENTS` (the agreements of that ready-made regime replace
    the scenario's); ``extraterritorial`` is ``"on"`` (the ready-made US rules), ``"off"`` or as in
    the scenario; ``enforcement`` (None: as in the scenario) replaces every national control's,
    agreement's, member's and data-access control's enforcement; only the controllable ``layers``
    listed stay controlled (a control left with nothing to control is dropped).
    """
    from model.errors import check_name

    update: dict = {}
    regime = AGREEMENTS[check_name(agreement, AGREEMENTS, "agreement", "agreement choice")]
    if regime is not None:
        update["agreements"] = list(preset(regime, world).agreements)
    check_name(extraterritorial, EXTRATERRITORIAL, "extraterritorial", "choice")
    if extraterritorial == "on":
        update["extraterritorial"] = policies.extraterritorial or preset(
            "unilateral_us_extraterritorial", world).extraterritorial
    elif extraterritorial == "off":
        update["extraterritorial"] = None
    policies = policies.model_copy(update=update)

    keep = set(layers)
    dropped = set(LAYERS) - keep

    def narrowed(control):
        """The control with the unchosen layers removed (None if nothing is left to control)."""
        items = [item for item in control.items if item not in dropped]
        if not any(item in keep for item in items):
            return None
        changes = {"items": items}
        if enforcement is not None:
            changes["enforcement"] = enforcement
            if hasattr(control, "members"):
                changes["members"] = [m.model_copy(update={"enforcement": enforcement}) if m.enforcement is not None
                                      else m for m in control.members]
        return control.model_copy(update=changes)

    national = [c for c in map(narrowed, policies.national) if c is not None]
    agreements = [a for a in map(narrowed, policies.agreements) if a is not None]
    data_access = [] if "training_data" in dropped else [
        d.model_copy(update={"enforcement": enforcement}) if enforcement is not None else d
        for d in policies.data_access]
    changed = policies.model_copy(update={"national": national, "agreements": agreements,
                                          "data_access": data_access})
    return PolicySet.model_validate(changed.model_dump())  # re-validate the edited settings


class DashboardModel(ControlRegimeModel):
    """A scenario from the library with the dashboard's policy settings, run next to a no-controls
    baseline on the same seed (``self.baseline``), so the dashboard can show the paired reduction.

    Every argument is keyword-only and has a default, as SolaraViz requires: it re-creates the
    model with the sidebar's values when *Reset* is pressed.
    """

    def __init__(
        self,
        *,
        scenario: str = DEFAULT_SCENARIO,
        agreement: str = AS_IN_SCENARIO,
        extraterritorial: str = AS_IN_SCENARIO,
        override_enforcement: bool = False,
        enforcement: float = 0.8,
        control_camera: bool = True,
        control_algorithm: bool = True,
        control_data: bool = True,
        seed: int = 1,
    ) -> None:
        from model.errors import check_name

        check_name(scenario, SCENARIOS, "scenario", "scenario")
        self.scenario = load_scenario(SCENARIO_DIR / f"{scenario}.toml", validate=False)
        kwargs = self.scenario.model_kwargs()
        world = world_for(kwargs["parameters"], kwargs["world"])
        chosen = {"control_camera": control_camera, "control_algorithm": control_algorithm,
                  "control_data": control_data}
        policies = dashboard_policies(
            self.scenario.policies, world, agreement=agreement, extraterritorial=extraterritorial,
            enforcement=float(enforcement) if override_enforcement else None,
            layers=[LAYER_CHOICES[name] for name, on in chosen.items() if on],
        )
        kwargs.update(policies=policies, world=world)
        super().__init__(**kwargs, rng=int(seed))
        self.baseline = ControlRegimeModel(**{**kwargs, "policies": PolicySet()}, rng=int(seed),
                                           collect_agents=False)
        # Agents are all created above; drop Mesa's lasting reference (Agent._ids, fixed in Mesa
        # 3.4.2) so models replaced by Reset can be freed.
        release(self.baseline)
        release(self)

    def step(self) -> None:
        super().step()
        self.baseline.step()


def model_params() -> dict:
    """The sidebar's inputs (SolaraViz ``model_params``): names are :class:`DashboardModel` arguments."""
    return {
        "scenario": {"type": "Select", "value": DEFAULT_SCENARIO, "values": list(SCENARIOS),
                     "label": "Scenario (scenarios/*.toml)"},
        "agreement": {"type": "Select", "value": AS_IN_SCENARIO, "values": list(AGREEMENTS),
                      "label": "Coalition / agreement"},
        "extraterritorial": {"type": "Select", "value": AS_IN_SCENARIO, "values": list(EXTRATERRITORIAL),
                             "label": "US extraterritorial rules (de minimis, FDPR)"},
        "control_camera": {"type": "Checkbox", "value": True, "label": "Control cameras"},
        "control_algorithm": {"type": "Checkbox", "value": True, "label": "Control 1:N algorithms"},
        "control_data": {"type": "Checkbox", "value": True, "label": "Control training data"},
        "override_enforcement": {"type": "Checkbox", "value": False,
                                 "label": "Set enforcement below (chance an unlicensed sale is stopped); "
                                 "else the scenario's"},
        "enforcement": {"type": "SliderFloat", "value": 0.8, "min": 0.0, "max": 1.0, "step": 0.05,
                        "label": "Enforcement"},
        "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "Random seed"},
    }


# --- panels -----------------------------------------------------------------------------------

def _series(model: ControlRegimeModel):
    """The model's per-step table with a ``date`` column (empty before the first step)."""
    return model.timeseries().reset_index() if model.steps else None


def headline_items(model: DashboardModel) -> tuple[str, list[str]]:
    """The text panel: a status line and bullet points (plain text) on where the run is."""
    s = model.summary
    if not model.steps:
        return (f"Not started: press Step or ▶ (horizon {model.horizon} quarters, warm-up {model.warmup}).", [])
    base = model.baseline.summary["target_capability"]
    denial = 100 * (1 - s["target_capability"] / base) if base > 0 else float("nan")
    ts = model.timeseries()
    post = ts[ts.index >= model.warmup]
    blocked = post["blocked_targets"].sum()
    leaked = {r: post[f"leaked_{r}"].sum() for r in plots.ROUTES}
    controlling = sorted(model.controlling_countries)
    shown = ", ".join(controlling[:12]) + (f" and {len(controlling) - 12} more" if len(controlling) > 12 else "")
    status = f"Quarter {model.steps} of {model.horizon} (starting {s['date']})" + (
        ": warm-up, no controls yet" if model.steps <= model.warmup else "")
    items = [
        f"Target-regime capability: {s['target_capability']:.3f} (no controls, same seed: {base:.3f})",
        f"Denial: {denial:.1f}% below the no-controls baseline",
        f"Controls in force in {len(controlling)} {'country' if len(controlling) == 1 else 'countries'}"
        + (f": {shown}" if controlling else ""),
    ]
    if blocked > 0:
        top = max(leaked, key=leaked.get)
        items.append(f"Leakage since the warm-up: {100 * sum(leaked.values()) / blocked:.0f}% of blocked "
                     f"acquisitions obtained anyway, most by {plots.ROUTE_LABELS[top]}")
    return status, items


def headline_html(model: DashboardModel) -> str:
    """:func:`headline_items` as HTML (plain HTML: Markdown would fetch KaTeX from a CDN)."""
    status, items = headline_items(model)
    bullets = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return (f"<h3 style='margin:0 0 4px 0'>{html.escape(model.scenario.name)}</h3>"
            f"<p style='margin:0 0 8px 0;color:#555'>{html.escape(model.scenario.description)}</p>"
            f"<p style='margin:0 0 4px 0'><b>{html.escape(status)}</b></p>"
            + (f"<ul style='margin:0 0 8px 0'>{bullets}</ul>" if bullets else ""))


@solara.component
def Headline(model: DashboardModel):
    update_counter.get()

    def run_to_end():
        model.run()
        force_update()

    with solara.Card("Run", style={"height": "100%", "overflow": "auto"}):
        solara.HTML(tag="div", unsafe_innerHTML=headline_html(model))
        solara.Button("Run to the horizon", on_click=run_to_end, disabled=not model.running, color="primary",
                      outlined=True)


def capability_figure(model: DashboardModel) -> Figure:
    with plots.style():
        fig = Figure(figsize=(5.6, 3.6), layout="constrained")
        ax = fig.subplots()
        for run, label, colour, style in ((model.baseline, "no controls (same seed)", "#000000", "--"),
                                          (model, "this policy", plots.SCENARIO_PALETTE[0], "-")):
            ts = _series(run)
            if ts is not None:
                ax.plot(pd.to_datetime(ts["date"]), ts["target_capability"], style, color=colour, lw=1.8,
                        label=label)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        if model.steps:
            ax.legend(loc="upper left", frameon=False)
            warmup_end = model.calendar.date_of(model.warmup).isoformat()
            plots.mark_warmup(ax, warmup_end, label=False)
        ax.set_xlabel("Date (quarterly steps)")
        ax.set_ylabel("Capability (population-weighted;\n1 = world per capita at start)")
        ax.set_title("Target-regime capability")
        return fig


def routes_figure(model: DashboardModel) -> Figure:
    with plots.style():
        fig = Figure(figsize=(5.8, 3.8), layout="constrained")
        bought, leaked = fig.subplots(1, 2, sharex=True)
        ts = _series(model)
        drawn: list[str] = []
        if ts is not None:
            drawn += plots.draw_route_area(bought, plots.route_shares(ts, "acquired_", "acquired_targets"), step="mid")
            drawn += plots.draw_route_area(leaked, plots.route_shares(ts), step="mid")
        for ax in (bought, leaked):
            ax.set_ylim(0, 100)
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=5))
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
            ax.tick_params(axis="x", labelsize=8)
        bought.set_title("Acquisitions by route", fontsize=10)
        bought.set_ylabel("Share of target regimes'\nacquisitions (%)")
        leaked.set_title("Leakage by route", fontsize=10)
        leaked.set_ylabel("Share of blocked acquisitions\nobtained anyway (%)")
        if ts is not None and not (ts["blocked_targets"] > 0).any():
            leaked.text(0.5, 0.5, "nothing blocked yet", transform=leaked.transAxes, ha="center", color="#555555")
        routes = [r for r in plots.ROUTES if r in drawn]
        if routes:
            fig.legend(handles=[Patch(color=plots.ROUTE_COLOURS[r], label=plots.ROUTE_LABELS[r]) for r in routes],
                       loc="outside lower center", ncol=2, frameon=False, fontsize=8)
        return fig


def flows_figure(model: DashboardModel, top: int = 25) -> Figure:
    w = model.world
    targets = [w.iso3[c] for c in range(w.n_countries) if model.is_target[c]]
    hubs = [w.iso3[h] for h in w.hubs]
    flows = plots.top_flows(model.flow_table(), top, buyers=targets)
    with plots.style():
        fig = Figure(figsize=(5.6, 3.4), layout="constrained")
        ax = fig.subplots()
        volumes = plots.draw_flow_map(ax, flows, w.countries, highlight=targets, hubs=hubs)
        ax.set_title(f"Flows to target regimes since the warm-up: the {len(flows)} largest", fontsize=10)
        routes = [r for r in plots.ROUTES if r in volumes]
        if routes:
            fig.legend(handles=[Line2D([], [], color=plots.ROUTE_COLOURS[r], lw=3, label=plots.ROUTE_LABELS[r])
                                for r in routes], loc="outside lower center", ncol=3, frameon=False, fontsize=8)
        return fig


@solara.component
def FigurePanel(model: DashboardModel, draw: Callable[[DashboardModel], Figure]):
    """A matplotlib figure, redrawn whenever the model steps."""
    update_counter.get()
    figure = solara.use_memo(lambda: draw(model), [model, model.steps])
    solara.FigureMatplotlib(figure, format="png", dependencies=[model, model.steps])


COMPONENTS = [(Headline, 0)] + [
    (partial(FigurePanel, draw=draw), 0) for draw in (capability_figure, routes_figure, flows_figure)
]
TITLE = "Export controls on mass-surveillance technology"


@solara.component
def Page():
    """One model per browser session (a module-level model would be shared by every visitor)."""
    model = solara.use_memo(DashboardModel, [])
    SolaraViz(model, components=COMPONENTS, model_params=model_params(), name=TITLE, play_interval=300)
