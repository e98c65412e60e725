"""One set of bounds (``model/limits.py``), shared by the command line and the file schemas, and
documented in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from model import limits
from model.config.fields import range_text
from model.experiment.spec import SweepSpec
from model.interfaces import arguments
from model.scenario.schema import Scenario

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


@pytest.mark.parametrize("parse, field", [
    (arguments.replications, Scenario.model_fields["replications"]),
    (arguments.seed, Scenario.model_fields["seed"]),
    (arguments.replications, SweepSpec.model_fields["replications"]),
    (arguments.samples, SweepSpec.model_fields["samples"]),
])
def test_the_command_line_and_the_files_share_their_bounds(parse, field):
    low, high = (int(b) for b in range_text(field).strip("[]").split(", "))
    assert parse(str(low)) == low and parse(str(high)) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(argparse.ArgumentTypeError, match=rf"in \[{low}, {high}\]"):
            parse(str(outside))


def test_the_readme_states_the_bounds():
    for value in (f"{limits.MAX_REPLICATIONS:,}", f"{limits.MAX_HORIZON:,}", f"{limits.MAX_SAMPLES:,}",
                  f"{limits.MAX_POINTS:,}", f"{limits.MAX_RUNS:,}", f"{limits.MAX_WORKERS:,}",
                  limits.FIRST_DATE.isoformat(), limits.LAST_DATE.isoformat(), f"1 to {limits.MAX_STEPS_PER_YEAR}"):
        assert value in README, value


@pytest.mark.parametrize("text", ["tcp://127.0.0.1:8786", "tls://scheduler.example.org:8786"])
def test_a_well_formed_scheduler_address_passes(text):
    assert arguments.scheduler(text) == text


@pytest.mark.parametrize("text", ["", "tcp://", "tcp://host", "host:8786", "tcp://host:0", "tcp://host:99999",
                                  "tcp://host:x", "http://host:8786", "tcp://host:8786/path"])
def test_a_malformed_scheduler_address_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError, match="tcp://HOST:PORT"):
        arguments.scheduler(text)
