"""What local workers start with: imported by their fork server (:data:`model.processes.PRELOAD`),
and by nothing else, it runs one short model, so that every worker forked from the server has the
compiled market kernel loaded from Numba's cache, the data tables read and the default world built.

A process pays about half a second for those on its first model; a worker is replaced after
:data:`model.experiment.executors.TASKS_PER_WORKER` jobs, and a sweep of 50,000 runs starts
about fifty. Runs are unchanged: a worker's runs draw only from their own seeds, and its
caches hold what it would otherwise build itself (``model.simulation.PROCESS_CACHES``).

The server then moves everything it holds to the collector's permanent generation (``gc.freeze``,
as Python's documentation advises before forking): a worker's full collections no longer walk the
six hundred thousand objects of the imported libraries (in a 16-second Sobol workload, serial,
full collections took 0.47 of the collector's 0.70 s; frozen, 0.15 s). Like the command line, the
server and its workers collect young objects less often
(:func:`model.processes.fewer_young_collections`).
"""

import gc

from model.processes import fewer_young_collections
from model.simulation import ControlRegimeModel, dispose

fewer_young_collections()  # as in the command line's process; the workers inherit it
dispose(ControlRegimeModel(policies="wassenaar", horizon=6, rng=0, collect_agents=False).run())  # past the warm-up
gc.freeze()  # the server's objects, which every worker inherits, are left out of the workers' collections
