"""The Mesa model: step order, random streams and data collection (docs/ODD.md, 3)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
import pandas as pd

from model.dates import Calendar
from model.market import Draws, Market, Procurement, free_access, procure, resolve_access, route_prices
from model.market.options import CONVERTED_ITEM
from model.parameters import ModelParameters
from model.policy import PolicySet, preset
from model.simulation.agents import Country, Vendor
from model.simulation.caches import PROCESS_CACHES
from model.simulation.demand import regime_weight
from model.simulation.observables import observe
from model.simulation.reporters import ArrayDataCollector
from model.simulation.result import REGIME_FIELDS, RunResult, is_flow
from model.simulation.settings import run_settings
from model.simulation.setup import RunSetup, SetupRequest, SetupSource
from model.simulation.sourcing import VendorSourcing
from model.vocabulary import ITEMS, LAYER_ITEM, ROUTES, check_routes_claimed
from model.world import World, WorldOverrides, per_world

_LAYER_ITEM = np.array(LAYER_ITEM)
STREAMS = ("unrest", "licence", "enforcement", "rd")
"""Independent random streams, so a policy run and its baseline share unrest shocks and R&D luck."""


class ControlRegimeModel(mesa.Model):
    """Exporting nations, vendors and importing regimes trading surveillance items under controls.

    All arguments are keyword-only (so ``mesa.batch_run`` can drive the model). ``policies`` is a
    :class:`PolicySet` or the name of a ready-made regime (see ``model.policy.PRESETS``); ``world``
    is a built :class:`World` or :class:`WorldOverrides` for the default one. One step is one
    quarter by default; policies switch on no earlier than the end of the ``warmup``.
    ``collect_agents=False`` skips the per-agent tables (and makes the Mesa agents only if asked for:
    :attr:`agents`); setting the attribute ``collect_flows`` to
    False before stepping skips the flow table (:meth:`flow_table`), for runs that do not report them.
    Setting ``record_every`` to ``k`` before stepping records (``summary``, the DataCollector's
    tables, :meth:`timeseries`) only the steps ``t`` with ``t % k == 0`` and the last; the run keeps
    the running totals :meth:`result` needs whatever it records.
    ``setups`` is where the world and the run setup come from (:class:`model.simulation.setup.SetupSource`):
    by default the process's caches (:data:`model.simulation.caches.PROCESS_CACHES`), shared by every
    model of the process; :data:`model.simulation.setup.FRESH` builds them for this model alone.
    """

    def __init__(
        self,
        *,
        policies: PolicySet | str = "none",
        parameters: ModelParameters | Mapping[str, Any] | None = None,
        world: World | WorldOverrides | None = None,
        horizon: int = 40,
        warmup: int = 4,
        steps_per_year: int = 4,
        start_date: dt.date = dt.date(2019, 1, 1),
        target_threshold: float = 0.5,
        collect_agents: bool = True,
        setups: SetupSource | None = None,
        rng: Any = None,
        seed: Any = None,
    ) -> None:
        super().__init__(rng=rng, seed=seed)
        check_routes_claimed()  # a route an extension declared but nothing tags
        setups = PROCESS_CACHES if setups is None else setups
        settings = run_settings(policies=policies, parameters=parameters, world=world, horizon=horizon,
                                warmup=warmup, steps_per_year=steps_per_year, start_date=start_date,
                                target_threshold=target_threshold)
        policies, parameters, world = settings.policies, settings.parameters, settings.world
        horizon, warmup, start_date = settings.horizon, settings.warmup, settings.start_date
        steps_per_year, target_threshold = settings.steps_per_year, settings.target_threshold
        self.params: ModelParameters = parameters
        self.world: World = world if isinstance(world, World) else setups.world(parameters, world)
        self.policies: PolicySet = preset(policies, self.world) if isinstance(policies, str) else policies
        self.horizon, self.warmup = horizon, warmup
        self.collect_flows = True  # set to False before stepping to skip the flow table
        self.record_every = 1  # set before stepping to record fewer steps
        self.calendar = Calendar(start_date, steps_per_year)
        self.target_threshold = target_threshold
        setup = setups.setup(SetupRequest(self.world, self.policies, parameters, self.calendar, warmup, horizon))
        self._settled = setup.settled
        self.schedule_ = setup.settled.schedule
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS))))
        self._init_state(setup, setups)
        self._collect_agents = collect_agents
        self._agent_ids: dict[type, np.ndarray] | None = self._make_agents() if collect_agents else None

    # --- agents ------------------------------------------------------------------------------
    def _make_agents(self) -> dict[type, np.ndarray]:
        """A :class:`Country` per country and a :class:`Vendor` per vendor, registered with Mesa, in
        index order; their unique ids by type."""
        world = self.world
        return {
            Country: np.array([Country(self, country).unique_id for country in range(world.n_countries)]),
            Vendor: np.array([Vendor(self, vendor).unique_id for vendor in range(world.n_vendors)]),
        }

    def _with_agents(self) -> ControlRegimeModel:
        """The model, its agents made if they were not yet (built with ``collect_agents=False``)."""
        if self._agent_ids is None:
            self._agent_ids = self._make_agents()
        return self

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Mesa's set of every agent. A model built with ``collect_agents=False`` (as sweeps build
        them) makes its agents when they are first asked for here, or by :attr:`agents_by_type` or
        :attr:`agent_types`: the same agents, with the same ids, as one built with them."""
        return mesa.Model.agents.fget(self._with_agents())

    @agents.setter
    def agents(self, agents: Any) -> None:
        mesa.Model.agents.fset(self, agents)  # Mesa's refusal, in Mesa's words

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """Mesa's agents by type (see :attr:`agents`)."""
        return mesa.Model.agents_by_type.fget(self._with_agents())

    @property
    def agent_types(self) -> list[type]:
        """Mesa's agent types (see :attr:`agents`)."""
        return mesa.Model.agent_types.fget(self._with_agents())

    # --- state -------------------------------------------------------------------------------
    def _init_state(self, setup: RunSetup, setups: SetupSource) -> None:
        world, params = self.world, self.params
        spy = self.calendar.steps_per_year
        self.is_target = world.repression >= self.target_threshold
        self._targets = np.flatnonzero(self.is_target)
        self._target_population = world.population[self.is_target]
        self._population_totals = (world.population.sum(), self._target_population.sum())  # world, targets
        self.depreciation = 1.0 - (1.0 - np.array(params.depreciation.as_tuple())) ** (1.0 / spy)
        self._retained = 1.0 - self.depreciation  # the share of a stock left after a step
        self._spending = world.gdp * (params.budget_share * regime_weight(world, params))  # [C] US$ a year at the start
        self._layer_shares = np.array(params.layer_budget_shares.as_tuple())
        weights = np.array(params.ces_weights.as_tuple())
        self._ces_weights = weights / weights.sum()
        self._sellers = world.sells.sum(axis=0)  # [I] vendors selling each item
        self.prices = route_prices(world)
        self.base_price = self.prices.base  # [V, R, C]
        self.unrest = np.zeros(world.n_countries)
        self.vendor_quality = world.quality.copy()
        self.domestic_quality = np.tile(np.array(params.domestic_quality.as_tuple()), (world.n_countries, 1))
        self.budget = self._budget()
        self.sourcing = VendorSourcing(world, params, spy) if self.schedule_.cuts_supplies else None  # inputs (7.17)
        self.vendor_appeal: np.ndarray | None = None
        self.controlling = np.zeros(len(world.exporters), dtype=bool)  # [E]: a control in force this step
        if setup.start is None:  # it depends on the world, parameters, calendar and what the first step offers
            state = self.schedule_.state(0)
            key = (id(world), params.model_dump_json(), self.calendar, state.available.tobytes(),
                   state.public_copy_availability)
            setup.start = setups.opening(key, world, lambda: procure(
                world, params, self._market(0, state.public_copy_availability), free_access(state.available),
                self.prices))
        start = setup.start
        self.stocks = start.acquired_total / self.depreciation  # steady state
        self.reference = self.stocks.sum(axis=0) / world.population.sum()  # world per-capita stock
        self._stock_scale = world.population[:, None] * self.reference[None, :]  # [C, L] stock at the reference
        self.capability = self._capability(self.stocks / self._stock_scale)
        self.vendor_revenue = np.zeros((world.n_vendors, len(ITEMS)))
        self.first_capable = np.where(self.capability >= params.capable_threshold, -1, -2)  # -1: from start
        self.regime_blocked = np.zeros(world.n_countries)  # post-warm-up totals per country
        self.regime_leaked = np.zeros(world.n_countries)
        self.vendor_revenue_total = np.zeros(world.n_vendors)  # post-warm-up totals per vendor (US$)
        self.procurement = start
        self.capability_history: list[np.ndarray] = []
        self._summary: dict[str, Any] | None = None  # the opening's, made when first read (see summary)
        self._flow_history: list[np.ndarray] = []  # post-warm-up flows, one row per step

    def _budget(self) -> np.ndarray:
        """``[C, L]`` US$ this step: GDP share (by regime, :func:`regime_weight`), raised by unrest,
        split across layers."""
        from model.simulation import compiled_step  # Numba on first use: importing the package stays light

        params = self.params
        growth = (1.0 + params.budget_growth) ** self.calendar.years(max(self.steps - 1, 0))
        return compiled_step.budgets(self._spending, growth, self.calendar.steps_per_year,
                                     params.unrest_demand_elasticity, self.unrest, self._layer_shares)

    def _market(self, step: int, public_copy_availability: float) -> Market:
        params = self.params
        years = self.calendar.years(step)
        public = params.public_copy_quality * (1.0 - params.public_copy_decay) ** years
        price_level = (1.0 - params.price_decline) ** years
        return Market(self.budget, self.vendor_quality, self.domestic_quality, public, public_copy_availability,
                      price_level, self.vendor_appeal)

    def _capability(self, relative: np.ndarray) -> np.ndarray:
        """CES aggregate of per-capita stocks ``relative[C, L]`` to the world's starting level."""
        from model.simulation import compiled_step

        rho = self.params.ces_rho
        with np.errstate(divide="ignore"):  # a layer with no stock: complements give capability 0
            return compiled_step.weighted_sums(self._ces_weights, relative**rho) ** (1.0 / rho)

    # --- the step ----------------------------------------------------------------------------
    def step(self) -> None:
        """One quarter: policies, unrest and budgets, market, stocks, learning, data collection."""
        from model.market import compiled  # Numba on first use: importing the package stays light
        from model.simulation import compiled_step

        t = self.steps - 1
        world, params = self.world, self.params
        state = self.schedule_.state(t)  # 1. policies in force
        self.controlling = state.controlling
        if self.sourcing is not None:  # instruments on vendors' inputs: shortage, redesign
            self.vendor_appeal = self.sourcing.step(state.supply_cut)

        rng = self.streams["unrest"]  # 2. unrest shocks and budgets
        uniform = rng.random(world.n_countries)
        sizes = rng.exponential(params.unrest_shock_size, world.n_countries)
        self.unrest = compiled_step.unrest(self.unrest, params.unrest_persistence, uniform,
                                           params.unrest_shock_probability, sizes)
        self.budget = self._budget()

        draws = Draws.draw(world, len(ITEMS), self.streams["licence"], self.streams["enforcement"])  # 3-4. market
        access = resolve_access(world, state, draws, self.base_price, self._settled.state_access(state))
        market = self._market(t, state.public_copy_availability)
        result = procure(world, params, market, access, self.prices)
        self.procurement = result

        # 5. stocks and capability
        self.stocks, relative = compiled_step.advance_stocks(self.stocks, self._retained, result.acquired_total,
                                                             self._stock_scale)
        self.capability = self._capability(relative)
        self.capability_history.append(self.capability)
        compiled_step.mark_capable(self.first_capable, self.capability, params.capable_threshold, t)

        self.vendor_revenue = result.vendor_revenue()  # 6. learning and indigenisation
        self._learn()
        self._indigenise(result.denied_share)

        if t >= self.warmup:
            if self.collect_flows:
                self._accumulate_flows(result)
            compiled.add_buyer_totals(result.blocked, result.leaked, self.vendor_revenue, self.regime_blocked,
                                      self.regime_leaked, self.vendor_revenue_total)
        recorded = t % self.record_every == 0 or t == self.horizon - 1
        if t >= self.warmup or recorded:  # 7. data collection
            flows = self._flows(result)
            if t >= self.warmup:
                self._flow_history.append(flows.row)
            if recorded:
                self._summary = self._summarise(result, step=t, flows=flows)
                self.datacollector.collect(self)
        self.running = self.steps < self.horizon

    def _learn(self) -> None:
        """Quality rises with sales volume (R&D and deployment data): ``dq = rate (1-q) sqrt(rel. sales) noise``."""
        from model.simulation import compiled_step

        params = self.params
        noise = np.exp(self.streams["rd"].normal(0.0, params.rd_noise, self.vendor_quality.shape))
        self.vendor_quality = compiled_step.learn(self.vendor_quality, self.vendor_revenue, self._sellers,
                                                  self.world.sells, noise, params.learning_rate)

    def _indigenise(self, denied_share: np.ndarray) -> None:
        """Domestic industry closes part of its gap to the frontier in proportion to denied demand."""
        from model.simulation import compiled_step

        self.domestic_quality = compiled_step.indigenise(self.domestic_quality, self.vendor_quality, _LAYER_ITEM,
                                                         denied_share, self.params.indigenisation_rate)

    @functools.cached_property
    def flows(self) -> np.ndarray:
        """``[exporter, route, buyer, tag]``: vendor deliveries after the warm-up, added step by step
        (zeros until then; made when first used, so a run that does not collect flows never makes it)."""
        world = self.world
        return np.zeros((len(world.exporters), world.n_routes, world.n_countries, len(ROUTES)))

    def _accumulate_flows(self, result: Procurement) -> None:
        """Add this step's vendor deliveries to ``flows[exporter, route, buyer, tag]`` (compiled; each
        cell's additions in the order layer, option, as ``np.add.at`` makes them)."""
        from model.market import compiled

        actual = result.actual
        compiled.add_flows(actual.acquired, actual.tag, actual.route, self.world.vendor_exporter, _LAYER_ITEM,
                           CONVERTED_ITEM, self.flows)

    # --- outputs -----------------------------------------------------------------------------
    @property
    def summary(self) -> dict[str, Any]:
        """The last recorded step's figures, one per DataCollector column (before the first step: the
        opening's, ``step`` -1, worked out when first read; the first step is always recorded, so
        nothing a step changes can reach it)."""
        if self._summary is None:
            self._summary = self._summarise(self.procurement, step=-1, flows=self._flows(self.procurement))
        return self._summary

    @functools.cached_property
    def datacollector(self) -> ArrayDataCollector:
        """Mesa's DataCollector of the summary's columns (and of the agents' unless built with
        ``collect_agents=False``), made when first used."""
        return ArrayDataCollector(list(self.summary), self._agent_ids if self._collect_agents else None)

    @functools.cached_property
    def _flow_columns(self) -> list[str]:
        return [column for column in self.summary if is_flow(column)]

    def _flows(self, result: Procurement) -> StepFlows:
        """The step's flows (:func:`model.simulation.result.is_flow`), which :meth:`result` totals.
        Acquisitions by item bought count conversions under ``algorithm_11``."""
        from model.market import compiled

        actual = result.actual
        return StepFlows(compiled.target_flows(actual.acquired, actual.tag, result.by_route, result.leaked,
                                               result.blocked, self._targets, self.vendor_revenue,
                                               self.world.vendor_exporter, self.controlling, _LAYER_ITEM,
                                               CONVERTED_ITEM, len(ITEMS)))

    def _summarise(self, result: Procurement, step: int, flows: StepFlows) -> dict[str, float]:
        """The step's model-level figures (one DataCollector column each), its ``flows`` among them."""
        world = self.world
        target = self.is_target
        pop, target_pop = world.population, self._target_population
        world_total, target_total = self._population_totals
        summary: dict[str, Any] = {
            "step": step,
            "date": self.calendar.date_of(max(step, 0)).isoformat(),
            "target_capability": float((self.capability[target] * target_pop).sum() / target_total),
            "world_capability": float((self.capability * pop).sum() / world_total),
            "targets_capable": int((self.capability[target] >= self.params.capable_threshold).sum()),
            "domestic_quality_targets": float(
                (self.domestic_quality[target].mean(axis=1) * target_pop).sum() / target_total
            ),
            "budget_total": float(self.budget.sum()),
            "spend_total": float(result.actual.spend.sum()),
        }
        keys = summary_keys(world)
        summary["acquired_targets"] = flows.acquired
        summary["blocked_targets"] = flows.blocked
        summary.update(zip(keys.acquired, flows.by_route.tolist()))
        summary.update(zip(keys.leaked, flows.leaked.tolist()))
        summary.update(zip(keys.by_item, flows.by_item.tolist()))
        revenue = flows.revenue
        total = revenue.sum()
        summary.update(zip(keys.revenue, revenue.tolist()))
        summary.update(zip(keys.share, (revenue / total if total > 0 else np.zeros_like(revenue)).tolist()))
        summary["revenue_controlling"] = flows.revenue_controlling
        summary.update(observe(world, self.params, self.capability, result, summary["spend_total"]))
        return summary

    @property
    def controlling_countries(self) -> frozenset[str]:
        """ISO3 codes of the exporting nations with a control in force this step."""
        return self.exporter_codes(self.controlling)

    def exporter_codes(self, chosen: np.ndarray) -> frozenset[str]:
        """ISO3 codes of the exporting nations ``chosen`` (``[E]`` bool, as the model's ``controlling``)."""
        world = self.world
        return frozenset(world.iso3[country] for country in world.exporters[chosen])

    def run(self, steps: int | None = None) -> ControlRegimeModel:
        """Step to the horizon (or ``steps`` more steps); returns the model for chaining."""
        for _ in range(self.horizon - self.steps if steps is None else steps):
            self.step()
        return self

    def result(self) -> RunResult:
        """The end of the run (:class:`RunResult`): post-warm-up totals of the summary's flow
        columns, the time target regimes took to become mass-surveillance capable, and per target
        regime its capability at the end, post-warm-up blocked and leaked acquisitions, population and
        whether vendors are based there, and per vendor its home and post-warm-up revenue."""
        flows = self._flow_columns
        block = np.array(self._flow_history).reshape(-1, len(flows)).T.copy()  # [flow, step], rows contiguous
        # each column summed on its own, as pandas does (numpy's pairwise sum along a contiguous row)
        totals = dict(zip(flows, block.sum(axis=1).tolist()))
        became = self.is_target & (self.first_capable >= 0)
        world = self.world
        target = np.flatnonzero(self.is_target)
        own_vendors = np.isin(np.arange(world.n_countries), world.exporters)
        fields = {"capability": self.capability, "blocked": self.regime_blocked, "leaked": self.regime_leaked,
                  "population": world.population, "own_vendors": own_vendors}  # [C] each, as floats
        return RunResult(
            totals=totals,
            regime_codes=tuple(world.iso3[country] for country in target),
            regime_values=np.column_stack([fields[field] for field in REGIME_FIELDS])[target],
            vendor_names=tuple(world.vendor_names),
            vendor_homes=tuple(world.iso3[country] for country in world.exporters[world.vendor_exporter]),
            vendor_revenue=self.vendor_revenue_total.copy(),
            targets_newly_capable=int(became.sum()),
            years_to_capable=(float(self.calendar.years(self.first_capable[became] + 1).mean())
                              if became.any() else float("nan")),
        )

    def timeseries(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The model-level DataCollector table, one row per recorded step, indexed by ``step``
        (0-based: the step index ``t`` of the process order, dated by its ``date``); ``columns``: only
        these besides ``date`` (None: every column)."""
        return self.datacollector.model_table(columns, index="step")

    def latest(self) -> dict[str, Any]:
        """The last recorded step's figures by column, ``step`` left out: the last row of
        :meth:`timeseries` as a dict, values as Python numbers and text."""
        recorded = self.datacollector.model_vars
        if not recorded["step"]:
            raise ValueError("no step of this model has been recorded yet")
        return {key: values[-1] for key, values in recorded.items() if key != "step"}

    def agent_table(self, agent_type: type[mesa.Agent]) -> pd.DataFrame:
        """Mesa's table of one agent type (:class:`Country` or :class:`Vendor`), numbered like
        :meth:`timeseries`: indexed by ``step`` and ``AgentID``, with the step's ``date``.

        Mesa's own ``datacollector.get_agenttype_vars_dataframe`` indexes rows by ``Step``, Mesa's count
        of steps completed (``model.steps``, 1-based), so its ``Step`` ``t + 1`` is ``step`` ``t`` here.
        """
        table = self.datacollector.get_agenttype_vars_dataframe(agent_type).reset_index()
        table.insert(0, "step", table.pop("Step") - 1)
        table.insert(2, "date", table["step"].map(self.timeseries()["date"]))
        return table.set_index(["step", "AgentID"])

    def regime_table(self, targets_only: bool = True) -> pd.DataFrame:
        """Capability of every (target) regime at every step: columns step, iso3, capability."""
        history = np.array(self.capability_history)  # [T, C]
        countries = np.flatnonzero(self.is_target) if targets_only else np.arange(self.world.n_countries)
        steps = np.arange(len(history))
        return pd.DataFrame({
            "step": np.repeat(steps, len(countries)),
            "iso3": np.tile(np.array(self.world.iso3)[countries], len(steps)),
            "capability": history[:, countries].ravel(),
        })

    def flow_table(self) -> pd.DataFrame:
        """Cumulative post-warm-up vendor deliveries by exporter, hub, buyer and route (non-zero rows)."""
        if not self.collect_flows:
            raise ValueError("this model did not collect flows (collect_flows was set to False)")
        world = self.world
        exporter, hub, buyer, route = np.nonzero(self.flows)
        countries, hubs, routes = _flow_labels(world)
        return pd.DataFrame({
            "exporter": countries.take(world.exporters[exporter]),
            "hub": hubs.take(hub),
            "buyer": countries.take(buyer),
            "route": routes.take(route),
            "acquired": self.flows[exporter, hub, buyer, route],
        })


@per_world()
def _flow_labels(world: World) -> tuple[pd.api.extensions.ExtensionArray, ...]:
    """The flow table's text columns' values, taken by index: countries' ISO3 codes, hubs' (the
    first, "", a direct route's) and routes' names (a text array takes its labels faster than
    pandas makes them from NumPy's text)."""
    hubs = [""] + [world.iso3[country] for country in world.hubs]
    return tuple(pd.array(np.array(labels, dtype=object), dtype="str") for labels in (world.iso3, hubs, ROUTES))


@dataclass(frozen=True)
class StepFlows:
    """A step's flows for target regimes, ``row`` in the summary's column order
    (:func:`model.market.compiled.target_flows`): acquisitions (all routes), blocked,
    acquisitions and leakage ``[K]`` by route, acquisitions ``[item x K]`` by item bought, revenue
    ``[E]`` of each exporting nation's vendors and of the nations controlling exports."""

    row: np.ndarray

    @property
    def acquired(self) -> float:
        return float(self.row[0])

    @property
    def blocked(self) -> float:
        return float(self.row[1])

    @property
    def by_route(self) -> np.ndarray:
        return self.row[2:2 + len(ROUTES)]

    @property
    def leaked(self) -> np.ndarray:
        return self.row[2 + len(ROUTES):2 + 2 * len(ROUTES)]

    @property
    def by_item(self) -> np.ndarray:
        return self.row[2 + 2 * len(ROUTES):2 + (2 + len(ITEMS)) * len(ROUTES)]

    @property
    def revenue(self) -> np.ndarray:
        return self.row[2 + (2 + len(ITEMS)) * len(ROUTES):-1]

    @property
    def revenue_controlling(self) -> float:
        return float(self.row[-1])


@dataclass(frozen=True)
class SummaryKeys:
    """The summary's per-route, per-item and per-exporter column names, in column order."""

    acquired: tuple[str, ...]
    leaked: tuple[str, ...]
    by_item: tuple[str, ...]
    revenue: tuple[str, ...]
    share: tuple[str, ...]


@per_world()
def summary_keys(world: World) -> SummaryKeys:
    exporters = [world.iso3[country] for country in world.exporters]
    return SummaryKeys(
        acquired=tuple(f"acquired_{route}" for route in ROUTES),
        leaked=tuple(f"leaked_{route}" for route in ROUTES),
        by_item=tuple(f"acquired_{item}_{route}" for item in ITEMS for route in ROUTES),
        revenue=tuple(f"revenue_{code}" for code in exporters),
        share=tuple(f"share_{code}" for code in exporters),
    )


