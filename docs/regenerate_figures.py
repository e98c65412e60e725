"""Regenerate every figure in docs/figures/ (and the README's analysis sections) from real runs.

    python docs/regenerate_figures.py                    # the published figures: the files' replications
    python docs/regenerate_figures.py --replications 3   # quick pictures to look at (not for publishing)
    python docs/regenerate_figures.py --only headline    # one group: headline, coalitions, frontier, layers,
                                                         # formation, discovery, reach, dashboard

Each group is the documented command line run from the repository's root into results/docs-*/;
the figures are then copied (compact PNGs, 100 dpi) into docs/figures/. ``coalitions`` and
``frontier`` also rewrite the README's "What the model says" sections (their ``--readme``); the
dashboard's screenshot comes from its browser test (needs chromium and chromedriver). ``reach`` runs
the US-reach sweep (``python -m model.analysis.us_reach``, 6 paired replications per point unless
``--replications``) and prints the README's table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
RESULTS = ROOT / "results"
HEADLINE_FIGURES = ("capability_over_time", "leakage_by_route", "flow_map", "regime_map")
"""The comparison figures the README shows."""


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True)


def python(*args: str) -> None:
    run(sys.executable, *args)


def options(replications: int | None) -> list[str]:
    return ["--replications", str(replications)] if replications else []


def headline(replications: int | None) -> None:
    out = RESULTS / "docs-headline"
    python("run.py", "--out", str(out), "--force", "--quiet", "--draws", "0", *options(replications))  # the
    # figures are the comparison's: the headline across the posterior (python run.py's draws) is docs/validation.md's
    python("run.py", "plot", str(out), "--format", "png", "--dpi", "100", "--compact", "--out", str(FIGURES),
           *(flag for name in HEADLINE_FIGURES for flag in ("--figure", name)))


def analysis(command: str, file: str, replications: int | None, readme: bool = False,
             copy: dict[str, str] | None = None) -> None:
    """An analysis (``coalitions`` or ``frontier``) into results/docs-<file stem>/; ``copy`` maps
    its figures' names to their names in docs/figures."""
    out = RESULTS / f"docs-{Path(file).stem}"
    python("run.py", command, file, "--out", str(out), "--force", "--quiet", *options(replications),
           *(["--readme", "README.md"] if readme else []))
    for source, target in (copy or {}).items():
        shutil.copy(out / "figures" / f"{source}.png", FIGURES / f"{target}.png")


def discovery(replications: int | None) -> None:
    sweep = RESULTS / "unilateral_conditions"  # where scenarios/analyses/where_controls_work.toml reads it
    python("run.py", "sweep", "scenarios/sweeps/unilateral_conditions.toml", "--out", str(sweep), "--force", "--quiet",
           *options(replications))
    out = RESULTS / "docs-discovery"
    python("run.py", "discover", "scenarios/analyses/where_controls_work.toml", "--out", str(out), "--force")
    shutil.copy(out / "figures" / "prim.png", FIGURES / "prim.png")


def reach(replications: int | None) -> None:
    out = RESULTS / "docs-us-reach"
    python("-m", "model.analysis.us_reach", str(replications or 6), str(out))
    shutil.copy(out / "us_reach.png", FIGURES / "us_reach.png")


def dashboard(_: int | None) -> None:
    env = {**os.environ, "DASHBOARD_SCREENSHOT": str(FIGURES / "dashboard.png")}
    print("+ pytest tests/interfaces/test_dashboard_browser.py --run-slow", flush=True)
    subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/interfaces/test_dashboard_browser.py", "--run-slow",
                    "-p", "no:randomly"], cwd=ROOT, env=env, check=True)


GROUPS = {
    "headline": headline,
    "coalitions": lambda n: analysis("coalitions", "scenarios/analyses/partners.toml", n, readme=True),
    "frontier": lambda n: analysis("frontier", "scenarios/analyses/frontier.toml", n, readme=True),
    "layers": lambda n: analysis("coalitions", "scenarios/analyses/layers.toml", n,
                                 copy={"shapley": "shapley_layers"}),
    "formation": lambda n: analysis("coalitions", "scenarios/analyses/formation.toml", n,
                                    copy={"stability_map": "stability_variants"}),
    "discovery": discovery,
    "reach": reach,
    "dashboard": dashboard,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, help="runs per scenario or design (default: each file's)")
    parser.add_argument("--only", action="append", choices=list(GROUPS), help="only these groups (repeatable)")
    args = parser.parse_args(argv)
    FIGURES.mkdir(parents=True, exist_ok=True)
    for name in args.only or GROUPS:
        GROUPS[name](args.replications)
    return 0


if __name__ == "__main__":
    sys.exit(main())
