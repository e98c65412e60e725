"""The interactive dashboard: Mesa's SolaraViz over :class:`DashboardModel`.

Start it with ``python run.py dashboard`` (see ``docs/dashboard.md``); it needs the optional
extra ``pip install -e '.[viz]'``. In the sidebar choose a scenario from ``scenarios/`` and its
main policy settings, press *Reset* to build the model with them, then *Step* or play (▶). The
panels show the headline figures, target-regime capability against the same seed's no-controls
baseline, a map (denial or capability per target regime, or the flows), the split of acquisitions
and of leakage by route, and a table per target regime. A second scenario can run side by side on
the same seed (*Compare side by side with*).

Policies are built only from the project's own objects: the scenario file's :class:`PolicySet`,
changed with ``model_copy`` and re-validated; agreements and extraterritorial rules come from the
ready-made regimes in :mod:`model.policy.presets`.
"""

from __future__ import annotations

import html
import io
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from functools import partial

warnings.filterwarnings("ignore", message=r".*`use_state` found despite early return", category=UserWarning)
# ^ Mesa 3.3.1's ComponentsView trips solara's hook check; harmless, and not ours to fix.

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
import solara.lab  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
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


NO_COMPARISON = "nothing (one policy)"
COMPARE_CHOICES: tuple[str, ...] = (NO_COMPARISON, *SCENARIOS)
MAP_VIEWS = ("denial", "capability", "flows")
"""What the map panel shows: denial per regime, capability per regime, or the largest flows."""
NO_CONTROLS = "capability without controls"
DRAW_LOCK = threading.Lock()
"""One figure drawn at a time: matplotlib's style context (rcParams) is process-wide."""
REDRAW_DELAY = 0.15
"""Seconds a panel waits after a step before redrawing: the step shows at once, and figures of
steps already passed (while playing) are not drawn."""


class DashboardModel(ControlRegimeModel):
    """A scenario from the library with the dashboard's policy settings, run next to a no-controls
    baseline on the same seed (``self.baseline``), so the dashboard can show the paired reduction;
    optionally next to a second scenario as in its file (``self.other``, same seed) to compare.

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
        compare_with: str = NO_COMPARISON,
        seed: int = 1,
    ) -> None:
        from model.errors import check_name
        from model.experiment.plan import kwargs_key

        check_name(scenario, SCENARIOS, "scenario", "scenario")
        check_name(compare_with, COMPARE_CHOICES, "compare_with", "scenario")
        self.scenario = load_scenario(SCENARIO_DIR / f"{scenario}.toml", validate=False)
        kwargs = self.scenario.model_kwargs()
        world = world_for(kwargs["parameters"], kwargs["world"])
        chosen = {"control_camera": control_camera, "control_algorithm": control_algorithm,
                  "control_data": control_data}
        enforcement_value = float(enforcement) if override_enforcement else None
        layers = [LAYER_CHOICES[name] for name, on in chosen.items() if on]
        policies = dashboard_policies(self.scenario.policies, world, agreement=agreement,
                                      extraterritorial=extraterritorial, enforcement=enforcement_value,
                                      layers=layers)
        self.label = policy_label(scenario, agreement=agreement, extraterritorial=extraterritorial,
                                  enforcement=enforcement_value, layers=layers)
        """The policy as run: the scenario's name and every setting that changes it."""
        kwargs.update(policies=policies, world=world)
        super().__init__(**kwargs, rng=int(seed))
        baseline_kwargs = {**kwargs, "policies": PolicySet()}
        self.baseline = ControlRegimeModel(**baseline_kwargs, rng=int(seed), collect_agents=False)
        self.other: ControlRegimeModel | None = None
        """The scenario compared side by side (``compare_with``, as in its file), or None."""
        self.other_baseline: ControlRegimeModel | None = None
        self.other_label = compare_with
        if compare_with != NO_COMPARISON:
            second = load_scenario(SCENARIO_DIR / f"{compare_with}.toml", validate=False)
            other_kwargs = second.model_kwargs()
            self.other = ControlRegimeModel(**other_kwargs, rng=int(seed), collect_agents=False)
            same = kwargs_key(second.baseline().model_kwargs()) == kwargs_key(
                self.scenario.baseline().model_kwargs())
            self.other_baseline = self.baseline if same else ControlRegimeModel(
                **{**other_kwargs, "policies": PolicySet()}, rng=int(seed), collect_agents=False)
        # Agents are all created above; drop Mesa's lasting reference (Agent._ids, fixed in Mesa
        # 3.4.2) so models replaced by Reset can be freed.
        for model in {id(m): m for m in (self, self.baseline, self.other, self.other_baseline) if m}.values():
            release(model)

    def step(self) -> None:
        super().step()
        for model in self.companions():
            model.step()

    def companions(self) -> list[ControlRegimeModel]:
        """The models stepped with this one: its baseline, and the comparison and its own baseline."""
        models = [self.baseline, self.other, self.other_baseline]
        return list({id(m): m for m in models if m is not None}.values())

    def runs(self) -> list[tuple[str, ControlRegimeModel, ControlRegimeModel]]:
        """(label, policy run, its no-controls run on the same seed) for each policy shown."""
        pairs = [(self.label, self, self.baseline)]
        if self.other is not None:
            pairs.append((self.other_label, self.other, self.other_baseline))
        return pairs


def policy_label(scenario: str, *, agreement: str = AS_IN_SCENARIO, extraterritorial: str = AS_IN_SCENARIO,
                 enforcement: float | None = None, layers: Iterable[str] = LAYERS) -> str:
    """The scenario's name with the dashboard settings that change its policies, e.g.
    ``unilateral_us + ECHRI coalition``."""
    changes = []
    if agreement != AS_IN_SCENARIO:
        changes.append(agreement.split(" (", maxsplit=1)[0] if AGREEMENTS[agreement] else "no agreement")
    if extraterritorial != AS_IN_SCENARIO:
        changes.append(f"extraterritorial {extraterritorial}")
    if enforcement is not None:
        changes.append(f"enforcement {enforcement:g}")
    dropped = [layer for layer in LAYERS if layer not in set(layers)]
    if dropped:
        changes.append("not controlling " + ", ".join(dropped))
    return " + ".join([scenario, *changes])


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
        "compare_with": {"type": "Select", "value": NO_COMPARISON, "values": list(COMPARE_CHOICES),
                         "label": "Compare side by side with (scenario as in its file, same seed)"},
        "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "Random seed"},
    }


# --- what the panels show ---------------------------------------------------------------------

def _series(model: ControlRegimeModel) -> pd.DataFrame | None:
    """The model's per-step table with a ``date`` column (None before the first step)."""
    return model.timeseries().reset_index() if model.steps else None


def denial(run: ControlRegimeModel, baseline: ControlRegimeModel) -> float:
    """Target-regime capability now, as a reduction (%) against the no-controls run."""
    base = baseline.summary["target_capability"]
    return 100 * (1 - run.summary["target_capability"] / base) if base > 0 else float("nan")


def run_facts(run: ControlRegimeModel, baseline: ControlRegimeModel) -> dict[str, str]:
    """One column of the Run panel: the headline numbers of a policy run so far."""
    s = run.summary
    controlling = sorted(run.controlling_countries)
    shown = ", ".join(controlling[:8]) + (f" and {len(controlling) - 8} more" if len(controlling) > 8 else "")
    facts = {
        "Target-regime capability": f"{s['target_capability']:.3f}",
        "No controls, same seed": f"{baseline.summary['target_capability']:.3f}",
        "Denial": f"{denial(run, baseline):.1f}% below the no-controls run",
        "Controls in force": f"{len(controlling)} {'country' if len(controlling) == 1 else 'countries'}"
        + (f": {shown}" if controlling else ""),
        "Leakage since the warm-up": "nothing blocked yet",
    }
    ts = run.timeseries()
    post = ts[ts.index >= run.warmup]
    blocked = post["blocked_targets"].sum()
    if blocked > 0:
        leaked = {r: post[f"leaked_{r}"].sum() for r in plots.ROUTES if f"leaked_{r}" in post}
        top = max(leaked, key=leaked.get)
        facts["Leakage since the warm-up"] = (f"{100 * sum(leaked.values()) / blocked:.0f}% of blocked "
                                              f"acquisitions obtained anyway, most by {plots.ROUTE_LABELS[top]}")
    return facts


def headline_items(model: DashboardModel) -> tuple[str, dict[str, dict[str, str]]]:
    """The Run panel: a status line, and per policy shown its facts (empty before the first step)."""
    if not model.steps:
        return (f"Not started: press Step or ▶ (horizon {model.horizon} quarters, warm-up {model.warmup}).", {})
    status = f"Quarter {model.steps} of {model.horizon} (starting {model.summary['date']})" + (
        ": warm-up, no controls yet" if model.steps <= model.warmup else "")
    return status, {label: run_facts(run, base) for label, run, base in model.runs()}


def headline_html(model: DashboardModel) -> str:
    """:func:`headline_items` as HTML: a table with a column per policy (plain HTML: Markdown would
    fetch KaTeX from a CDN)."""
    status, facts = headline_items(model)
    labels = [label for label, _, _ in model.runs()]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(label)}</th>" for label in labels)
    rows = ""
    if facts:
        for key in next(iter(facts.values())):
            cells = "".join(f"<td style='padding:2px 8px;vertical-align:top'>{html.escape(facts[label][key])}</td>"
                            for label in facts)
            rows += f"<tr><th style='text-align:left;padding:2px 8px;font-weight:500'>{html.escape(key)}</th>{cells}</tr>"
    comparing = "" if model.other is None else " compared with " + html.escape(model.other_label)
    return (f"<h3 style='margin:0 0 4px 0'>{html.escape(model.label)}{comparing}</h3>"
            f"<p style='margin:0 0 8px 0;color:#555'>{html.escape(model.scenario.description)}"
            + ("" if model.label == model.scenario.name else " Changed by the settings in the sidebar.")
            + "</p>"
            f"<p style='margin:0 0 4px 0'><b>{html.escape(status)}</b></p>"
            + (f"<table style='border-collapse:collapse'><tr><th></th>{head}</tr>{rows}</table>" if rows else ""))


def regime_frame(model: DashboardModel) -> pd.DataFrame:
    """Every shown run's per-regime capability now, as a results folder's ``regimes.csv`` holds it
    (policy runs named by their label, their baselines ``<label>:baseline``)."""
    frames = [pd.DataFrame(columns=["step", "iso3", "capability", "scenario"])]
    if not model.steps:
        return frames[0]
    for label, run, baseline in model.runs():
        for name, member in ((label, run), (f"{label}:baseline", baseline)):
            table = member.regime_table()
            frames.append(table[table["step"] == table["step"].max()].assign(scenario=name))
    return pd.concat(frames, ignore_index=True)


def regime_table(model: DashboardModel) -> pd.DataFrame:
    """Per target regime now: capability without controls, and per policy shown its capability and
    denial (%); the regimes with the most capability first."""
    pairs = plots.regime_denial(regime_frame(model))
    names = model.world.countries.set_index("iso3")["name"]
    columns = {}
    for label, _, _ in model.runs():
        rows = pairs[pairs["scenario"] == label].set_index("iso3")
        columns.setdefault(NO_CONTROLS, rows["baseline_capability"])
        columns[f"{label}: capability"] = rows["capability"]
        columns[f"{label}: denial (%)"] = 100 * rows["denial"]
    table = pd.DataFrame(columns).sort_values(NO_CONTROLS, ascending=False)
    table.insert(0, "regime", [f"{names.get(code, code)} ({code})" for code in table.index])
    return table.reset_index(drop=True)


def regime_table_html(model: DashboardModel) -> str:
    """:func:`regime_table` as HTML: capability to 3 decimals, denial to 1, "n/a" where a regime is
    not a target of that run."""
    table = regime_table(model)
    if table.empty:
        return "<p>Not started: the table fills in after the first step.</p>"

    formats = {c: "{:.1f}".format if c.endswith("(%)") else "{:.3f}".format for c in table.columns[1:]}
    return table.to_html(index=False, formatters=formats, na_rep="n/a", border=0, classes="regimes",
                         justify="left")


# --- figures ----------------------------------------------------------------------------------

def _date_axis(ax, model: DashboardModel) -> None:
    """Dates from the start to the horizon, every second year (also before the first step)."""
    ax.set_xlim(pd.Timestamp(model.calendar.date_of(0)), pd.Timestamp(model.calendar.date_of(model.horizon - 1)))
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def capability_figure(model: DashboardModel) -> Figure:
    with plots.style():
        fig = Figure(figsize=(5.6, 3.6), layout="constrained")
        ax = fig.subplots()
        lines = [(model.baseline, "no controls (same seed)", "#000000", "--")]
        for k, (label, run, baseline) in enumerate(model.runs()):
            lines.append((run, label, plots.SCENARIO_PALETTE[k], "-"))
            if k and baseline is not model.baseline:
                lines.append((baseline, f"no controls ({label})", "#777777", ":"))
        for run, label, colour, style in lines:
            ts = _series(run)
            if ts is not None:
                ax.plot(pd.to_datetime(ts["date"]), ts["target_capability"], style, color=colour, lw=1.8,
                        label=label)
        _date_axis(ax, model)
        plots.mark_warmup(ax, model.calendar.date_of(model.warmup).isoformat(), label=False)
        if model.steps:
            ax.legend(loc="upper left", frameon=False, fontsize=8.5)
        else:
            ax.text(0.5, 0.5, "press Step or ▶", transform=ax.transAxes, ha="center", color="#555555")
        ax.set_xlabel("Date (quarterly steps; dotted: end of warm-up)")
        ax.set_ylabel("Capability (population-weighted;\n1 = world per capita at start)")
        ax.set_title("Target-regime capability")
        return fig


def routes_figure(model: DashboardModel) -> Figure:
    """Per shown policy (a row each): acquisitions and leakage of target regimes by route, each quarter."""
    runs = model.runs()
    with plots.style():
        fig = Figure(figsize=(6.4, 1.1 + 2.3 * len(runs)), layout="constrained")
        drawn: list[str] = []
        for row, (label, run, _) in zip(fig.subfigures(len(runs), 1, squeeze=False)[:, 0], runs):
            bought, leaked = row.subplots(1, 2, sharex=True)
            row.suptitle(label, fontsize=10, fontweight="bold")
            ts = _series(run)
            if ts is not None:
                drawn += plots.draw_route_area(bought, plots.route_shares(ts, "acquired_", "acquired_targets"),
                                               step="mid")
                drawn += plots.draw_route_area(leaked, plots.route_shares(ts), step="mid")
            if ts is None or not (ts["blocked_targets"] > 0).any():
                leaked.text(0.5, 0.5, "nothing blocked yet", transform=leaked.transAxes, ha="center",
                            color="#555555")
            for ax in (bought, leaked):
                ax.set_ylim(0, 100)
                _date_axis(ax, model)
                ax.xaxis.set_major_locator(mdates.YearLocator(4))
                ax.tick_params(axis="x", labelsize=8)
            bought.set_title("Acquisitions by route", fontsize=9.5)
            bought.set_ylabel("% of target regimes'\nacquisitions", fontsize=9)
            leaked.set_title("Leakage by route", fontsize=9.5)
            leaked.set_ylabel("% of blocked acquisitions\nobtained anyway", fontsize=9)
        routes = [r for r in plots.ROUTES if r in drawn]
        if routes:
            fig.legend(handles=[Patch(color=plots.ROUTE_COLOURS[r], label=plots.ROUTE_LABELS[r]) for r in routes],
                       loc="outside lower center", ncol=2, frameon=False, fontsize=8)
        return fig


def map_figure(model: DashboardModel, view: str = "denial", top: int = 25) -> Figure:
    """The map panel: per shown policy, a choropleth of denial or capability per target regime now,
    or the ``top`` largest flows to target regimes since the warm-up."""
    from model.errors import check_name

    check_name(view, MAP_VIEWS, "map view", "map view")
    runs = model.runs()
    countries = model.world.countries
    with plots.style():
        fig = Figure(figsize=(6.8, 1.2 + 2.5 * len(runs)), layout="constrained")
        axes = fig.subplots(len(runs), 1, squeeze=False)[:, 0]
        if view == "flows":
            targets = [model.world.iso3[c] for c in range(model.world.n_countries) if model.is_target[c]]
            hubs = [model.world.iso3[h] for h in model.world.hubs]
            drawn: set[str] = set()
            shown = []
            for ax, (label, run, _) in zip(axes, runs):
                flows = plots.top_flows(run.flow_table(), top, buyers=targets)
                drawn |= set(plots.draw_flow_map(ax, flows, countries, highlight=targets, hubs=hubs, label=False))
                ax.set_title(f"{label}: {len(flows)} largest flows", fontsize=9.5)
                shown.append(flows)
            if drawn:
                fig.legend(handles=plots.route_key(drawn, lw=3), loc="outside lower center", frameon=False,
                           fontsize=8, ncol=2, title="route (flows to target regimes since the warm-up)")
            plots.freeze_layout(fig)
            for ax, flows in zip(axes, shown):
                plots.label_flow_map(ax, flows, countries, label_buyers=5)
            return fig
        pairs = plots.regime_denial(regime_frame(model))
        if view == "denial":
            scale = plots.denial_mappable(100 * pairs["denial"])
            values = {label: 100 * pairs[pairs["scenario"] == label].set_index("iso3")["denial"]
                      for label, _, _ in runs}
            what = "denial now (% below the no-controls run)"
        else:
            scale = plots.capability_mappable(pairs["capability"])
            values = {label: pairs[pairs["scenario"] == label].set_index("iso3")["capability"]
                      for label, _, _ in runs}
            what = "capability now (log scale)"
        for ax, (label, _, _) in zip(axes, runs):
            plots.draw_choropleth(ax, values[label], scale, countries)
            ax.set_title(f"{label}: {view} per target regime", fontsize=9.5)
            if pairs.empty:
                ax.text(0.5, 0.5, "press Step or ▶", transform=ax.transAxes, ha="center", color="#555555")
        fig.colorbar(scale, ax=list(axes), location="right", shrink=0.8, label=what,
                     extend="min" if view == "denial" and (pairs["denial"] < 0).any() else "neither")
        fig.legend(handles=[Patch(facecolor=plots.OTHER_LAND, edgecolor="#999999", label=plots.NO_DATA_LABEL)],
                   loc="outside lower center", frameon=False, fontsize=8)
        return fig


def figure_png(fig: Figure) -> tuple[bytes, str]:
    """``fig`` as PNG bytes, and a text description of it (titles and x-axis tick labels, for
    screen readers and tests) read from the drawn figure."""
    buffer = io.BytesIO()
    with plots.style():
        fig.savefig(buffer, format="png")
    parts = []
    for ax in fig.axes:
        if not ax.get_title() or ax.get_label() == "<colorbar>":
            continue
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        parts.append(ax.get_title() + (f" (x axis: {' '.join(ticks)})" if ticks else ""))
    return buffer.getvalue(), "; ".join(dict.fromkeys(parts))


# --- components -------------------------------------------------------------------------------

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
        solara.Text("Change settings in the sidebar, then press Reset to apply them.",
                    style={"color": "#666", "font-size": "0.85em", "margin-left": "8px"})


@solara.component
def FigurePanel(model: DashboardModel, draw: Callable[[DashboardModel], Figure], title: str = ""):
    """A matplotlib figure, redrawn in a background thread whenever the model steps: *Step* returns
    as soon as the model has stepped, and the panel shows the previous image until the new one is drawn."""
    update_counter.get()
    steps = model.steps

    def render() -> tuple[bytes, str] | None:
        """The PNG and description; the last ones kept when the model has stepped on meanwhile."""
        time.sleep(REDRAW_DELAY)  # let the page show the step first; skip figures already stale
        if model.steps != steps:
            return task.latest
        with DRAW_LOCK:
            if model.steps != steps:
                return task.latest
            try:
                return figure_png(draw(model))
            except Exception:
                if model.steps != steps:  # the model stepped (playing) while this was drawn: stale anyway
                    return task.latest
                raise

    task = solara.lab.use_task(render, dependencies=[model, steps, draw], prefer_threaded=True)
    with solara.Card(title, style={"height": "100%"}):
        if task.latest is not None:
            png, description = task.latest
            with solara.v.Html(tag="div", attributes={"role": "img", "aria-label": description}):
                solara.Image(png, width="100%")
        if task.pending:
            solara.v.ProgressLinear(indeterminate=True, class_="redrawing")
        elif task.error:
            solara.Error(f"could not draw: {task.exception}")


@solara.component
def MapPanel(model: DashboardModel):
    """The map: denial or capability per target regime (choropleth), or the flows on request."""
    view, set_view = solara.use_state(MAP_VIEWS[0])
    draw = solara.use_memo(lambda: partial(map_figure, view=view), [view])
    with solara.Column(style={"height": "100%"}):
        solara.ToggleButtonsSingle(value=view, values=list(MAP_VIEWS), on_value=set_view)
        FigurePanel(model, draw, "Map")


@solara.component
def RegimeTable(model: DashboardModel):
    """Per target regime: capability now without controls, and each policy's capability and denial."""
    update_counter.get()
    with solara.Card("Per target regime, now", style={"height": "100%", "overflow": "auto", "max-height": "520px"}):
        solara.HTML(tag="div", unsafe_innerHTML=regime_table_html(model))


TITLE = "Export controls on mass-surveillance technology"


@solara.component
def Dashboard(model: DashboardModel):
    """The panels, in a fixed grid: run facts and capability; map and routes; the regime table."""
    with solara.Columns([1, 1]):
        Headline(model)
        FigurePanel(model, capability_figure, "Target-regime capability")
    with solara.Columns([1, 1]):
        MapPanel(model)
        FigurePanel(model, routes_figure, "Routes")
    RegimeTable(model)


@solara.component
def Page():
    """One model per browser session (a module-level model would be shared by every visitor). The
    panels are laid out here, not by SolaraViz's page tabs, so they follow the model *Reset* makes."""
    initial = solara.use_memo(DashboardModel, [])
    model = solara.use_reactive(initial)
    solara.Title(TITLE)
    SolaraViz(model, components=[], model_params=model_params(), name=TITLE, play_interval=300)
    Dashboard(model.value)
