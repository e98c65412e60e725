"""Shared fixtures: a tiny hand-checkable world, a tiny calibration, an interrupted serial run, the
slow-test switch and the optional extras.

Tests marked ``slow`` run when ``CI=true`` or with ``--run-slow``; the README's test command is
the same everywhere.

A test that needs an optional extra of ``pyproject.toml`` is marked ``extra("name")`` (a test module
that cannot even be imported without it calls ``pytest.importorskip``): without the extra it is
skipped, saying which extra to install, so the README's install (``.[dev]`` alone) passes the
README's test command. With ``REQUIRE_EXTRAS=1`` (CI's all-extras run, ``.ci/run``) a missing extra
fails the test instead, so that no test is silently skipped where every extra is meant to be installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os

import pandas as pd
import pytest

from model import ModelParameters, build_world
from model.config.tables import toml_key, toml_value


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


EXTRAS: dict[str, tuple[str, ...]] = {
    "viz": ("solara", "selenium"),
    "dask": ("dask", "distributed"),
    "strategy": ("ema_workbench", "sklearn"),
    "xarray": ("xarray",),
}
"""The optional extras tests may need, by the top-level modules that show each is installed."""
REQUIRE_EXTRAS = os.environ.get("REQUIRE_EXTRAS", "") == "1"


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that are not installed."""
    return [module for module in EXTRAS[extra] if importlib.util.find_spec(module) is None]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("extra"):
        [extra] = mark.args
        missing = missing_modules(extra)
        if missing:
            reason = f"needs the optional extra {extra}: pip install -e '.[{extra}]' ({', '.join(missing)} missing)"
            if REQUIRE_EXTRAS:
                pytest.fail(f"REQUIRE_EXTRAS=1 but it {reason}")
            pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """With ``REQUIRE_EXTRAS=1``, a test module skipped as a whole (``pytest.importorskip`` of an
    extra's module) is a failure."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_EXTRAS and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_EXTRAS=1 but {collector.nodeid} was skipped: {report.longrepr}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow") or os.environ.get("CI", "").lower() == "true":
        return
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


TINY_PARAMS = dict(
    price_sensitivity=1.0,  # with b_p = b_q = 1 a buyer gets budget * scale * q / p from each option
    quality_sensitivity=1.0,
    budget_share=0.01,  # GDP 400 -> budget 1.0 per quarter
    budget_growth=0.0,
    border_cost=0.10,
    distance_cost=0.0,
    contiguity_discount=0.0,
    region_discount=0.0,
    hub_markup=0.10,
    risk_premium=0.25,
    unrest_shock_probability=0.0,
    learning_rate=0.0,
    indigenisation_rate=0.0,
    public_copy_decay=0.0,
)


def _country(iso3: str, repression: float) -> dict:
    return dict(
        iso3=iso3, name=iso3, region="R", subregion="R", lat=0.0, lon=0.0, land_borders="",
        gdp_usd=400.0, population=1.0, repression=repression, wassenaar=0, eu=0, echri_code=0,
        aigs_adopter_2019=0,
    )


def _vendor(name: str, home: str, items: str, price: float, **quality) -> dict:
    return dict(
        vendor=name, home_iso3=home, items=items, quality_camera=quality.get("camera"),
        quality_algorithm=quality.get("algorithm"), quality_training_data=None, price_index=price,
        compliance=1.0, scale=1.0, restraint="none", restraint_start=None,
        restraint_end=None, restraint_threshold=None,
    )


TINY_COUNTRIES = pd.DataFrame([
    _country("USA", 0.1), _country("CHN", 0.1), _country("ARE", 0.1),
    _country("XXA", 0.8), _country("XXB", 0.6), _country("XXC", 0.2),
])
TINY_VENDORS = pd.DataFrame([
    _vendor("V1", "USA", "camera", 1.0, camera=0.8),
    _vendor("V2", "USA", "algorithm_1n;algorithm_11", 1.0, algorithm=0.9),
    _vendor("V3", "CHN", "camera", 0.5, camera=0.6),
])
TINY_INPUTS = {  # a camera is 20% SoC, bought from a US maker: V3's US content is 0.2
    "costs": pd.DataFrame({"item": ["camera", "camera", "algorithm_1n", "algorithm_11", "training_data"],
                           "component": ["camera_soc", "other", "other", "other", "other"],
                           "cost_share": [0.2, 0.8, 1.0, 1.0, 1.0]}),
    "suppliers": pd.DataFrame({"component": ["camera_soc", "camera_soc"], "supplier": ["US SoC", "CN SoC"],
                               "nation": ["USA", "CHN"], "owner": [None, None], "us_technology": [1.0, 0.5]}),
    "sourcing": pd.DataFrame({"home_iso3": ["*"], "component": ["camera_soc"], "supplier": ["US SoC"],
                              "share": [1.0]}),
}
TINY_HUBS = pd.DataFrame([{"iso3": "ARE", "leakiness": 1.0, "rationale": "test"}])


@pytest.fixture
def tiny_params() -> ModelParameters:
    return ModelParameters(**TINY_PARAMS)


@pytest.fixture
def tiny_world(tiny_params: ModelParameters):
    """2 exporters (USA: V1 cameras, V2 algorithms; CHN: V3 cheaper cameras), 1 hub (ARE), and
    3 buyers XXA (repression 0.8), XXB (0.6), XXC (0.2); every country has budget 1.0 per step."""
    return build_world(tiny_params, countries=TINY_COUNTRIES, vendors=TINY_VENDORS, hubs=TINY_HUBS,
                       inputs=TINY_INPUTS)


@pytest.fixture
def interrupt_run(monkeypatch):
    """``interrupt_run(n)``: the serial executor's ``n``-th run raises KeyboardInterrupt (as Ctrl-C
    would); returns the real ``run_one`` so a test can count the runs of a resume."""
    from model.experiment import executors

    real = executors.run_one

    def arm(n: int):
        count = 0

        def interrupt(spec):
            nonlocal count
            count += 1
            if count == n:
                raise KeyboardInterrupt
            return real(spec)

        monkeypatch.setattr(executors, "run_one", interrupt)
        return real

    return arm


TINY_TARGET = dict(name="spending_2019", observable=["spend_total"], start=dt.date(2019, 1, 1),
                   end=dt.date(2019, 12, 31), aggregate="sum", value=30e9, low=27e9, high=33e9, source="test")
"""The tiny calibrations' one target: world spending in 2019."""

TINY_FREE = {"key": "parameters.budget_share", "low": 1.5e-4, "high": 4e-4}
"""The tiny calibrations' one free parameter."""


def tiny_calibration_file(**settings: object) -> str:
    """A calibration file's text fitting :data:`TINY_FREE` to :data:`TINY_TARGET` with ``settings``."""
    def table(values: dict) -> str:
        return "".join(f"{toml_key(key)} = {toml_value(value)}\n" for key, value in values.items())

    return f"[settings]\n{table(settings)}\n[[targets]]\n{table(TINY_TARGET)}\n[[free]]\n{table(TINY_FREE)}"
