"""Layer 7: parameter sweeps — sweep files, designs (grid, LHS, Sobol, Morris), shared baselines,
streaming results folders with resume, on one core, local processes or a Dask cluster.

Analysis (:mod:`model.sweeps.analysis`) and figures (:mod:`model.sweeps.figures`) read the stored
tables only; import them where needed (they pull in SALib and matplotlib).
"""

from model.sweeps.api import load_sweep, run_sweep, sweep, sweep_file
from model.sweeps.coalitions import growing_coalitions, revenue_shares
from model.sweeps.spec import Parameter, SweepSpec, load_spec

__all__ = [
    "Parameter",
    "SweepSpec",
    "growing_coalitions",
    "load_spec",
    "load_sweep",
    "revenue_shares",
    "run_sweep",
    "sweep",
    "sweep_file",
]
