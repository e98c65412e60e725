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

import base64
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
from mesa.visualization.solara_viz import ModelController, ModelCreator, ShowSteps  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from model.analysis import plots  # noqa: E402
from model.experiment.metrics import interval  # noqa: E402
from model.formatting import number, percent, percent_interval  # noqa: E402
from model.policy import PolicySet, preset  # noqa: E402
from model.scenario import BASELINE, SCENARIO_DIR, Scenario, load_scenario  # noqa: E402
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
    the scenario; ``enforcement`` (None: as in the scenario) replaces every instrument's enforcement
    (:meth:`model.policy.PolicySet.with_enforcement`: national controls', agreements' and their
    members', data-access controls', Entity Lists' and component controls'); only the controllable ``layers`` listed stay controlled (a
    control left with nothing to control is dropped: :meth:`model.policy.PolicySet.without_items`).
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
    policies = policies.model_copy(update=update).without_items(frozenset(LAYERS) - set(layers))
    if enforcement is not None:
        policies = policies.with_enforcement(enforcement)
    return PolicySet.model_validate(policies.model_dump())  # re-validate the edited settings


NO_COMPARISON = "nothing (one policy)"
COMPARE_CHOICES: tuple[str, ...] = (NO_COMPARISON, *SCENARIOS)
MAP_VIEWS = ("denial", "capability", "flows")
"""What the map panel shows: denial per regime, capability per regime, or the largest flows."""
NO_CONTROLS = "capability without controls"
DEFAULT_REPLICATIONS = 5
"""Runs per policy by default: enough for a 95% interval in the tooltips, fast enough to play (each
further run steps a policy run and its baseline with the drawn one)."""
MAX_REPLICATIONS = 20
DRAW_LOCK = threading.Lock()
"""One figure drawn at a time: matplotlib's style context (rcParams) is process-wide."""
REDRAW_DELAY = 0.15
"""Seconds a panel waits after a step before redrawing: the step shows at once, and figures of
steps already passed (while playing) are not drawn."""


def configured(scenario: str, *, agreement: str = AS_IN_SCENARIO, extraterritorial: str = AS_IN_SCENARIO,
               enforcement: float | None = None, layers: Iterable[str] = LAYERS) -> tuple[Scenario, dict, str]:
    """A library scenario with the dashboard's settings (:func:`dashboard_policies`): the scenario as
    loaded, the model's arguments with the edited policies, and its label (:func:`policy_label`)."""
    loaded = load_scenario(SCENARIO_DIR / f"{scenario}.toml", validate=False)
    kwargs = loaded.model_kwargs()
    world = world_for(kwargs["parameters"], kwargs["world"])
    layers = list(layers)
    policies = dashboard_policies(loaded.policies, world, agreement=agreement, extraterritorial=extraterritorial,
                                  enforcement=enforcement, layers=layers)
    kwargs.update(policies=policies, world=world)
    label = policy_label(scenario, agreement=agreement, extraterritorial=extraterritorial, enforcement=enforcement,
                         layers=layers)
    return loaded, kwargs, label


def _chosen_layers(camera: bool, algorithm: bool, data: bool) -> list[str]:
    chosen = {"control_camera": camera, "control_algorithm": algorithm, "control_data": data}
    return [LAYER_CHOICES[name] for name, on in chosen.items() if on]


class DashboardModel(ControlRegimeModel):
    """A scenario from the library with the dashboard's policy settings, run next to a no-controls
    baseline on the same seed (``self.baseline``), so the dashboard can show the paired reduction;
    optionally next to a second configuration, a scenario with its own settings (the ``compare_*``
    arguments; ``self.other``, same seed), to compare two edited policies. With ``replications`` > 1
    each configuration and its baseline also run on the next seeds (``self.replicates``), for the
    95% intervals of the tooltips and the Run panel; the panels draw the run on ``seed``.

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
        compare_agreement: str = AS_IN_SCENARIO,
        compare_extraterritorial: str = AS_IN_SCENARIO,
        compare_override_enforcement: bool = False,
        compare_enforcement: float = 0.8,
        compare_control_camera: bool = True,
        compare_control_algorithm: bool = True,
        compare_control_data: bool = True,
        seed: int = 1,
        replications: int = DEFAULT_REPLICATIONS,
    ) -> None:
        from model.errors import ModelInputError, check_name
        from model.experiment.engine import kwargs_key

        check_name(scenario, SCENARIOS, "scenario", "scenario")
        check_name(compare_with, COMPARE_CHOICES, "compare_with", "scenario")
        if not 1 <= int(replications) <= MAX_REPLICATIONS:
            raise ModelInputError("replications", "out of range", expected=f"1 to {MAX_REPLICATIONS}",
                                  got=replications)
        self.scenario, kwargs, self.label = configured(
            scenario, agreement=agreement, extraterritorial=extraterritorial,
            enforcement=float(enforcement) if override_enforcement else None,
            layers=_chosen_layers(control_camera, control_algorithm, control_data))
        """The policy as run: the scenario's name and every setting that changes it (``self.label``)."""
        super().__init__(**kwargs, rng=int(seed))
        self.run_seed = int(seed)
        self.baseline = ControlRegimeModel(**{**kwargs, "policies": PolicySet()}, rng=int(seed), collect_agents=False)
        self.other: ControlRegimeModel | None = None
        """The second configuration compared side by side (``compare_with`` and its settings), or None."""
        self.other_baseline: ControlRegimeModel | None = None
        self.other_scenario: Scenario | None = None
        self.other_label = compare_with
        if compare_with != NO_COMPARISON:
            self.other_scenario, other_kwargs, label = configured(
                compare_with, agreement=compare_agreement, extraterritorial=compare_extraterritorial,
                enforcement=float(compare_enforcement) if compare_override_enforcement else None,
                layers=_chosen_layers(compare_control_camera, compare_control_algorithm, compare_control_data))
            self.other_label = label if label != self.label else f"{label} (second)"
            self.other = ControlRegimeModel(**other_kwargs, rng=int(seed), collect_agents=False)
            same = kwargs_key(self.other_scenario.baseline().model_kwargs()) == kwargs_key(
                self.scenario.baseline().model_kwargs())
            self.other_baseline = self.baseline if same else ControlRegimeModel(
                **{**other_kwargs, "policies": PolicySet()}, rng=int(seed), collect_agents=False)
        self.seeds = [int(seed) + k for k in range(max(1, int(replications)))]
        """The seeds run: ``seed`` (drawn in the panels) and one more per further replication."""
        self.replicates: dict[str, list[tuple[ControlRegimeModel, ControlRegimeModel]]] = {}
        """Per configuration shown (its label), (policy run, baseline) on each seed after the first."""
        extra = self.seeds[1:]
        baselines = [ControlRegimeModel(**{**kwargs, "policies": PolicySet()}, rng=s, collect_agents=False)
                     for s in extra]
        self.replicates[self.label] = [(ControlRegimeModel(**kwargs, rng=s, collect_agents=False), b)
                                       for s, b in zip(extra, baselines)]
        if self.other is not None:
            if self.other_baseline is not self.baseline:
                baselines = [ControlRegimeModel(**{**other_kwargs, "policies": PolicySet()}, rng=s,
                                                collect_agents=False) for s in extra]
            self.replicates[self.other_label] = [(ControlRegimeModel(**other_kwargs, rng=s, collect_agents=False), b)
                                                 for s, b in zip(extra, baselines)]
        # Agents are all created above; drop Mesa's lasting reference (Agent._ids, fixed in Mesa
        # 3.4.2) so models replaced by Reset can be freed.
        for model in [self, *self.companions()]:
            release(model)

    def step(self) -> None:
        super().step()
        for model in self.companions():
            model.step()

    def companions(self) -> list[ControlRegimeModel]:
        """The models stepped with this one: its baseline, the comparison and its own baseline, and
        the replicates of both on the further seeds."""
        models = [self.baseline, self.other, self.other_baseline,
                  *(m for pairs in self.replicates.values() for pair in pairs for m in pair)]
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


def _settings_params(prefix: str = "", label: str = "") -> dict:
    """The sidebar inputs of one configuration: coalition, extraterritorial rules, layers, enforcement."""
    return {
        f"{prefix}agreement": {"type": "Select", "value": AS_IN_SCENARIO, "values": list(AGREEMENTS),
                               "label": f"{label}Coalition / agreement"},
        f"{prefix}extraterritorial": {"type": "Select", "value": AS_IN_SCENARIO, "values": list(EXTRATERRITORIAL),
                                      "label": f"{label}US extraterritorial rules (de minimis, FDPR)"},
        f"{prefix}control_camera": {"type": "Checkbox", "value": True, "label": f"{label}Control cameras"},
        f"{prefix}control_algorithm": {"type": "Checkbox", "value": True, "label": f"{label}Control 1:N algorithms"},
        f"{prefix}control_data": {"type": "Checkbox", "value": True, "label": f"{label}Control training data"},
        f"{prefix}override_enforcement": {"type": "Checkbox", "value": False,
                                          "label": f"{label}Set enforcement below (chance an unlicensed sale is "
                                          "stopped); else the scenario's"},
        f"{prefix}enforcement": {"type": "SliderFloat", "value": 0.8, "min": 0.0, "max": 1.0, "step": 0.05,
                                 "label": f"{label}Enforcement"},
    }


def model_params() -> dict:
    """The sidebar's inputs (SolaraViz ``model_params``): names are :class:`DashboardModel` arguments.
    The second block edits the configuration compared side by side, as the first edits the first."""
    return {
        "scenario": {"type": "Select", "value": DEFAULT_SCENARIO, "values": list(SCENARIOS),
                     "label": "Scenario (scenarios/*.toml)"},
        **_settings_params(),
        "compare_with": {"type": "Select", "value": NO_COMPARISON, "values": list(COMPARE_CHOICES),
                         "label": "Compare side by side with (same seed; its settings below)"},
        **_settings_params("compare_", "Second: "),
        "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "Random seed"},
        "replications": {"type": "SliderInt", "value": DEFAULT_REPLICATIONS, "min": 1, "max": MAX_REPLICATIONS,
                         "step": 1, "label": "Runs per policy (seeds from the one above): 95% intervals in the "
                         "tooltips and the Run panel"},
    }


# --- what the panels show ---------------------------------------------------------------------

def _series(model: ControlRegimeModel) -> pd.DataFrame | None:
    """The model's per-step table with a ``date`` column (None before the first step)."""
    return model.timeseries().reset_index() if model.steps else None


def regime_pairs(run: ControlRegimeModel, baseline: ControlRegimeModel, label: str = "policy") -> pd.DataFrame:
    """Per target regime now: the run's and its no-controls run's capability and the denial
    (:func:`model.analysis.plots.regime_denial`), the policy named ``label``."""
    frames = [member.regime_table().assign(scenario=name)
              for name, member in ((label, run), (f"{label}:{BASELINE}", baseline))]
    frame = pd.concat(frames, ignore_index=True)
    return plots.regime_denial(frame[frame["step"] == frame["step"].max()]) if len(frame) else plots.regime_denial(
        frame)


def replicate_pairs(model: DashboardModel, label: str) -> list[tuple[ControlRegimeModel, ControlRegimeModel]]:
    """(policy run, baseline) of the configuration ``label`` on each of ``model.seeds``, the drawn one first."""
    drawn = [(run, baseline) for name, run, baseline in model.runs() if name == label]
    return drawn + model.replicates.get(label, [])


def seeds_text(model: DashboardModel) -> str:
    """``seeds 1-5`` (or ``seed 1``)."""
    first, last = model.seeds[0], model.seeds[-1]
    return f"seed {first}" if first == last else f"seeds {first}-{last}"


def regime_intervals(model: DashboardModel, label: str) -> pd.DataFrame:
    """Per target regime of the configuration ``label`` now: its denial's mean over ``model.seeds``
    and 95% interval (``denial``, ``denial_low``, ``denial_high``; Student t, as the results folders')."""
    pairs = replicate_pairs(model, label) if model.steps else []  # nothing to pair before the first step
    frames = [regime_pairs(run, baseline) for run, baseline in pairs]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["iso3", "denial"])
    rows = {code: interval(group["denial"]) for code, group in frame.groupby("iso3", sort=False)}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["denial", "denial_low", "denial_high"])


def denial_interval(model: DashboardModel, label: str) -> tuple[float, float, float]:
    """The headline measure now for the configuration ``label``: mean over ``model.seeds`` and 95% interval."""
    return interval(pd.Series([denial(run, baseline) for run, baseline in replicate_pairs(model, label)]))


def spread_text(model: DashboardModel, values: tuple[float, float, float]) -> str:
    """What follows a value of the drawn run: `` on seed 1; over seeds 1-5: 4.5% [4.4, 4.6]`` (a
    share's mean and 95% interval), or that one run has no interval."""
    if len(model.seeds) == 1:
        return f" (one run, seed {model.seeds[0]}: no interval; set Runs per policy above 1 for one)"
    return f" on seed {model.seeds[0]}; over {seeds_text(model)}: {percent_interval(*values)}"


def denial(run: ControlRegimeModel, baseline: ControlRegimeModel) -> float:
    """The headline measure now (a share): the mean over target regimes, each counted once, of
    ``1 - capability / capability without controls`` on the same seed."""
    pairs = regime_pairs(run, baseline)
    return float(pairs["denial"].mean()) if len(pairs) else float("nan")


ITEM_NAMES = {"camera": "cameras", "algorithm_1n": "1:N algorithms", "algorithm_11": "1:1 algorithms",
              "training_data": "training data"}


COMPONENT_NAMES = {"ai_accelerator": "AI accelerators"}


def _items(items: Iterable[str]) -> str:
    return ", ".join(ITEM_NAMES.get(item, item) for item in items)


def describe_policies(policies: PolicySet) -> str:
    """The policies as run, in words: what each control covers, with its enforcement (so the text
    follows the sidebar's settings rather than the scenario file's description)."""
    parts = [f"{c.jurisdiction} controls {_items(c.items)} (enforcement {c.enforcement:g})" for c in policies.national]
    for agreement in policies.agreements:
        members = ", ".join(agreement.member_groups) or f"{len(agreement.members)} members"
        if agreement.member_groups and agreement.members:
            members += f" and {len(agreement.members)} more"
        parts.append(f"agreement {agreement.name} ({members}, {agreement.list_rule} list) controls "
                     f"{_items(agreement.items)} (enforcement {agreement.enforcement:g})")
    if policies.extraterritorial is not None:
        rules = policies.extraterritorial
        parts.append(f"{rules.jurisdiction} extraterritorial rules (de minimis {rules.de_minimis:g}"
                     + (", foreign-direct-product rule" if rules.foreign_direct_product else "") + ")")
    parts += [f"{d.jurisdiction} restricts training-data sales (enforcement {d.enforcement:g})"
              for d in policies.data_access if d.restrict_sales]
    parts += [f"{e.jurisdiction} Entity List: {', '.join(e.entities)}"
              + (" with the foreign-direct-product rule" if e.foreign_direct_product else "")
              + f" (enforcement {e.enforcement:g})" for e in policies.entity_lists]
    parts += [f"{c.jurisdiction} denies {', '.join(COMPONENT_NAMES.get(x, x) for x in c.components)} to vendors in "
              f"{', '.join(c.destinations)} (enforcement {c.enforcement:g})" for c in policies.component_controls]
    parts += [f"{', '.join(b.countries)} procurement ban on {', '.join(b.vendors)}" for b in policies.procurement_bans]
    return "; ".join(parts) + "." if parts else "No export controls."


def run_facts(run: ControlRegimeModel, baseline: ControlRegimeModel, spread: str = "") -> dict[str, str]:
    """One column of the Run panel: the policies as run and the headline numbers so far; ``spread``
    follows the drawn run's denial (:func:`spread_text`)."""
    s = run.summary
    controlling = sorted(run.controlling_countries)
    shown = ", ".join(controlling[:8]) + (f" and {len(controlling) - 8} more" if len(controlling) > 8 else "")
    share = denial(run, baseline)
    facts = {
        "Policies as run": describe_policies(run.policies),
        "Denial": (f"{percent(share)}{spread}: mean over the {int(run.is_target.sum())} target regimes of 1 - "
                   "capability / capability without controls (the headline measure)"),
        "Target-regime capability": (f"{number(s['target_capability'], significant=3)}, without controls "
                                     f"{number(baseline.summary['target_capability'], significant=3)} (population-weighted mean)"),
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
        facts["Leakage since the warm-up"] = (f"{percent(sum(leaked.values()) / blocked)} of blocked "
                                              f"acquisitions obtained anyway, most by {plots.ROUTE_LABELS[top]}")
    return facts


def headline_items(model: DashboardModel) -> tuple[str, dict[str, dict[str, str]]]:
    """The Run panel: a status line, and per policy shown its facts (empty before the first step)."""
    if not model.steps:
        return (f"Not started: press Step or ▶ (horizon {model.horizon} quarters, warm-up {model.warmup}).", {})
    status = f"Quarter {model.steps} of {model.horizon} (starting {model.summary['date']})" + (
        ": warm-up, no controls yet" if model.steps <= model.warmup else "")
    return status, {label: run_facts(run, base, spread_text(model, denial_interval(model, label)))
                    for label, run, base in model.runs()}


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
    described = [(model.label, model.scenario)] + ([(model.other_label, model.other_scenario)] if model.other else [])
    about = " ".join(
        f"<b>{html.escape(label)}</b>: " + (html.escape(scenario.description) if label == scenario.name else
                                            "edited in the sidebar from " + html.escape(scenario.name)
                                            + " (its file's description no longer applies; see Policies as run).")
        for label, scenario in described)
    return (f"<h3 style='margin:0 0 4px 0'>{html.escape(model.label)}{comparing}</h3>"
            f"<p style='margin:0 0 8px 0;color:#555'>{about}</p>"
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
    """:func:`regime_table` as HTML, numbers with two significant figures (:mod:`model.formatting`),
    "n/a" where a regime is not a target of that run."""
    table = regime_table(model)
    if table.empty:
        return "<p>Not started: the table fills in after the first step.</p>"

    formats = dict.fromkeys(table.columns[1:], number)
    return table.to_html(index=False, formatters=formats, na_rep="n/a", border=0, classes="regimes",
                         justify="left")


# --- figures ----------------------------------------------------------------------------------

def _date_axis(ax, model: DashboardModel) -> None:
    """Dates from the start to the horizon, every second year (also before the first step)."""
    ax.set_xlim(pd.Timestamp(model.calendar.date_of(0)), pd.Timestamp(model.calendar.date_of(model.horizon - 1)))
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def capability_figure(model: DashboardModel) -> Figure:
    """Top: target-regime capability (population-weighted) of each policy and its no-controls run.
    Bottom: the headline measure over time, denial equal-weighted over target regimes."""
    with plots.style():
        fig = Figure(figsize=(5.6, 6.4), layout="constrained")
        ax, headline = fig.subplots(2, 1, sharex=True)
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
        drawn = []
        for k, (label, run, baseline) in enumerate(model.runs()):
            if not model.steps:
                continue
            frame = pd.concat([run.regime_table().assign(scenario=label),
                               baseline.regime_table().assign(scenario=f"{label}:{BASELINE}")], ignore_index=True)
            rows = plots.equal_weighted(frame)
            rows = rows[rows["scenario"] == label].sort_values("step")
            dates = pd.to_datetime([model.calendar.date_of(int(step)) for step in rows["step"]])
            headline.plot(dates, 100 * rows["denial"], color=plots.SCENARIO_PALETTE[k], lw=1.8, label=label)
            drawn += list(100 * rows["denial"])
        for axis in (ax, headline):
            _date_axis(axis, model)
            plots.mark_warmup(axis, model.calendar.date_of(model.warmup).isoformat(), label=False)
        if model.steps:
            ax.legend(loc="upper left", frameon=False, fontsize=8.5)
        else:
            ax.text(0.5, 0.5, "press Step or ▶", transform=ax.transAxes, ha="center", color="#555555")
        headline.axhline(0, color="#000000", lw=0.8)
        headline.set_xlabel("Date (quarterly steps; dotted: end of warm-up)")
        ax.tick_params(labelbottom=True)
        ax.set_ylabel("Capability (population-weighted;\n1 = world per capita at start)")
        ax.set_title("Target-regime capability")
        plots.denial_axis(headline, drawn or [0.0], "Denial (%), equal-weighted\nover target regimes")
        headline.set_title("Denial, the headline measure")
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


MAP_WIDTH = 11.0
"""Inches: the map panel spans the page, so a 1:110m outline and its labels stay readable."""
FIGURE_DPI = 150
"""Pixels per inch of the dashboard's PNGs (the map's hover areas are computed at this resolution)."""


def map_figure(model: DashboardModel, view: str = "denial", top: int = 25) -> Figure:
    """The map panel: per shown policy, a choropleth of denial or capability per target regime now,
    or the ``top`` largest flows to target regimes since the warm-up. Each denial panel has its own
    colour scale, fitted to its values with their range stated (:func:`model.analysis.plots.denial_mappable`)."""
    from model.errors import check_name

    check_name(view, MAP_VIEWS, "map view", "map view")
    runs = model.runs()
    countries = model.world.countries
    with plots.style():
        fig = Figure(figsize=(MAP_WIDTH, 1.0 + 5.6 * len(runs)), layout="constrained")
        axes = fig.subplots(len(runs), 1, squeeze=False)[:, 0]
        if view == "flows":
            targets = [model.world.iso3[c] for c in range(model.world.n_countries) if model.is_target[c]]
            hubs = [model.world.iso3[h] for h in model.world.hubs]
            drawn: set[str] = set()
            shown = []
            for ax, (label, run, _) in zip(axes, runs):
                flows = plots.top_flows(run.flow_table(), top, buyers=targets)
                drawn |= set(plots.draw_flow_map(ax, flows, countries, highlight=targets, hubs=hubs, label=False))
                ax.set_title(f"{label}: {len(flows)} largest flows", fontsize=11)
                shown.append(flows)
            if drawn:
                fig.legend(handles=plots.route_key(drawn, lw=3), loc="outside lower center", frameon=False,
                           fontsize=9.5, ncol=3, title="route (flows to target regimes since the warm-up)")
            plots.freeze_layout(fig)
            for ax, flows in zip(axes, shown):
                plots.label_flow_map(ax, flows, countries, label_buyers=8)
            return fig
        pairs = plots.regime_denial(regime_frame(model))
        capability = plots.capability_mappable(pairs["capability"])
        for ax, (label, _, _) in zip(axes, runs):
            rows = pairs[pairs["scenario"] == label].set_index("iso3")
            if view == "denial":
                scale = plots.denial_mappable(100 * rows["denial"])
                plots.draw_choropleth(ax, 100 * rows["denial"], scale, countries)
                ax.set_title(f"{label}: denial per target regime (mean {percent(rows['denial'].mean())}, "
                             "the headline)" if len(rows) else f"{label}: denial per target regime", fontsize=11)
                plots.denial_colour_bar(fig, scale, 100 * rows["denial"], ax, location="bottom", shrink=0.6,
                                        aspect=35, pad=0.01)
            else:
                plots.draw_choropleth(ax, rows["capability"], capability, countries)
                ax.set_title(f"{label}: capability per target regime", fontsize=11)
            if pairs.empty:
                ax.text(0.5, 0.5, "press Step or ▶", transform=ax.transAxes, ha="center", color="#555555")
        if view == "capability":
            fig.colorbar(capability, ax=list(axes), location="right", shrink=0.8,
                         label="capability now (1 = world per capita at start; log scale)")
        fig.legend(handles=[Patch(facecolor=plots.OTHER_LAND, edgecolor="#999999", label=plots.NO_DATA_LABEL)],
                   loc="outside lower center", frameon=False, fontsize=9,
                   title="hover over a country for its values")
        return fig


def map_hover(model: DashboardModel, fig: Figure, view: str) -> list[tuple[str, list]]:
    """Hover texts for the map drawn by :func:`map_figure` (after it is saved): per target regime
    of each panel, its name, value and the values it was computed from, and its area in pixels.
    Denial has its mean and 95% interval over the seeds run (:func:`regime_intervals`); with one
    run the text says it has none."""
    if view == "flows":
        return []
    from model.analysis.maps import hover_areas

    pairs = plots.regime_denial(regime_frame(model))
    names = model.world.countries.set_index("iso3")["name"]
    areas = []
    for ax, (label, _, _) in zip(fig.axes, model.runs()):
        rows = pairs[pairs["scenario"] == label].set_index("iso3")
        spread = regime_intervals(model, label)
        for code, rings in hover_areas(ax, list(rows.index), model.world.countries):
            row = rows.loc[code]
            value = (f"denial {percent(row['denial'])}{spread_text(model, tuple(spread.loc[code]))} (capability "
                     f"{number(row['capability'])}, without controls {number(row['baseline_capability'])})"
                     if view == "denial" else f"capability {number(row['capability'])} on seed {model.seeds[0]}")
            areas.append((f"{names.get(code, code)} ({code}), {label}: {value}", rings))
    return areas


def hover_svg(areas: list[tuple[str, list]], width: float, height: float) -> str:
    """An SVG layer, the size of the image under it, with a transparent area and a tooltip (title)
    per entry of ``areas``; it takes the pointer only over those areas."""
    shapes = []
    for text, rings in areas:
        path = " ".join("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in ring) + " Z" for ring in rings)
        shapes.append(f"<path d='{path}'><title>{html.escape(text)}</title></path>")
    return (f"<svg class='hover-areas' viewBox='0 0 {width:.0f} {height:.0f}' preserveAspectRatio='none' "
            "style='position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none'>"
            "<g fill='#000' fill-opacity='0' style='pointer-events:visiblePainted'>" + "".join(shapes) + "</g></svg>")


def figure_png(fig: Figure) -> tuple[bytes, str]:
    """``fig`` as PNG bytes at :data:`FIGURE_DPI`, and a text description of it (titles and x-axis
    tick labels, for screen readers and tests) read from the drawn figure. Afterwards the figure's
    transforms are those of the saved image (for hover areas)."""
    buffer = io.BytesIO()
    with plots.style():
        fig.set_dpi(FIGURE_DPI)
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI)
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
def FigurePanel(model: DashboardModel, draw: Callable[[DashboardModel], Figure], title: str = "",
                hover: Callable[[DashboardModel, Figure], list] | None = None):
    """A matplotlib figure, redrawn in a background thread whenever the model steps: *Step* returns
    as soon as the model has stepped, and the panel shows the previous image until the new one is drawn.
    ``hover`` gives tooltips over parts of the figure (:func:`map_hover`)."""
    update_counter.get()
    steps = model.steps

    def render() -> tuple[bytes, str, str] | None:
        """The PNG, its description and its hover layer; the last ones kept when the model has stepped on meanwhile."""
        time.sleep(REDRAW_DELAY)  # let the page show the step first; skip figures already stale
        if model.steps != steps:
            return task.latest
        with DRAW_LOCK:
            if model.steps != steps:
                return task.latest
            try:
                fig = draw(model)
                png, description = figure_png(fig)
                layer = hover_svg(hover(model, fig), fig.bbox.width, fig.bbox.height) if hover else ""
                return png, description, layer
            except Exception:
                if model.steps != steps:  # the model stepped (playing) while this was drawn: stale anyway
                    return task.latest
                raise

    task = solara.lab.use_task(render, dependencies=[model, steps, draw, hover], prefer_threaded=True)
    with solara.Card(title, style={"height": "100%"}):
        if task.latest is not None:
            png, description, layer = task.latest
            if layer:
                image = base64.b64encode(png).decode()
                solara.HTML(tag="div", attributes={"role": "img", "aria-label": description},
                            style="position:relative;width:100%",
                            unsafe_innerHTML=f"<img src='data:image/png;base64,{image}' alt='' "
                            f"style='width:100%;display:block'>{layer}")
            else:
                with solara.v.Html(tag="div", attributes={"role": "img", "aria-label": description}):
                    solara.Image(png, width="100%")
        if task.pending:
            solara.v.ProgressLinear(indeterminate=True, class_="redrawing")
        elif task.error:
            solara.Error(f"could not draw: {task.exception}")


@solara.component
def MapPanel(model: DashboardModel):
    """The map, across the page: denial or capability per target regime (choropleth, with a tooltip
    per country), or the flows on request."""
    view, set_view = solara.use_state(MAP_VIEWS[0])
    draw = solara.use_memo(lambda: partial(map_figure, view=view), [view])
    hover = solara.use_memo(lambda: partial(map_hover, view=view), [view])
    with solara.Column(style={"height": "100%"}):
        solara.ToggleButtonsSingle(value=view, values=list(MAP_VIEWS), on_value=set_view)
        FigurePanel(model, draw, "Map", hover=hover)


@solara.component
def RegimeTable(model: DashboardModel):
    """Per target regime: capability now without controls, and each policy's capability and denial."""
    update_counter.get()
    with solara.Card("Per target regime, now", style={"height": "100%", "overflow": "auto", "max-height": "520px"}):
        solara.HTML(tag="div", unsafe_innerHTML=regime_table_html(model))


TITLE = "Export controls on mass-surveillance technology"


CONTROL_HELP = {
    "play": "Play Interval: the pause between steps while ▶ plays (milliseconds).",
    "render": "Render Interval: how many quarters one press of Step (or one frame of ▶) advances; "
              "the panels redraw after each batch. At most the horizon.",
    "threads": "Use Threads: step in a background thread while playing, so the page stays responsive; "
               "panels then show the newest step and may skip some in between.",
    "buttons": "Reset builds the model with the settings below (changes apply only after Reset); Step advances; "
               "▶ plays until the horizon or ❚❚.",
}
"""What Mesa's controls do, shown under them (docs/dashboard.md says the same)."""


@solara.component
def Controls(model: solara.Reactive[DashboardModel]):
    """Mesa's controls (its ModelController and ModelCreator) with their meaning written under them,
    and a Render Interval slider that ends at the model's horizon (SolaraViz's ends at 100)."""
    parameters = solara.use_reactive({})
    play_interval = solara.use_reactive(300)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)
    horizon = model.value.horizon
    if render_interval.value > horizon:
        render_interval.set(horizon)
    hint = {"color": "#666", "font-size": "0.8em", "line-height": "1.2"}
    with solara.Card("Controls"):
        solara.Text(CONTROL_HELP["buttons"], style=hint)
        ModelController(model, model_parameters=parameters, play_interval=play_interval,
                        render_interval=render_interval, use_threads=use_threads)
        solara.SliderInt(label="Play Interval (ms)", value=play_interval, min=10, max=1000, step=10)
        solara.Text(CONTROL_HELP["play"], style=hint)
        solara.SliderInt(label="Render Interval (steps)", value=render_interval, min=1, max=horizon, step=1)
        solara.Text(CONTROL_HELP["render"], style=hint)
        solara.Checkbox(label="Use Threads", value=use_threads)
        solara.Text(CONTROL_HELP["threads"], style=hint)
    with solara.Card("Model Parameters"):
        ModelCreator(model, model_params(), model_parameters=parameters)
    with solara.Card("Information"):
        ShowSteps(model.value)


@solara.component
def Dashboard(model: DashboardModel):
    """The panels: run facts and capability; the map across the page; routes and the regime table."""
    with solara.Columns([1, 1]):
        Headline(model)
        FigurePanel(model, capability_figure, "Target-regime capability")
    MapPanel(model)
    with solara.Columns([1, 1]):
        FigurePanel(model, routes_figure, "Routes")
        RegimeTable(model)


@solara.component
def Page():
    """One model per browser session (a module-level model would be shared by every visitor). The
    page is Mesa's SolaraViz layout written out (app bar, sidebar of controls, parameters and step
    counter), so the controls can be explained and fitted to the horizon; the panels follow the
    model *Reset* makes."""
    initial = solara.use_memo(DashboardModel, [])
    model = solara.use_reactive(initial)
    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        Controls(model)
    Dashboard(model.value)
