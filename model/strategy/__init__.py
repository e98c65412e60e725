"""Strategy analyses on top of the experiment engine: coalition values (Shapley), coalition
formation, the cost-effectiveness frontier and scenario discovery (docs/analysis.md).

The game-theory mathematics (:mod:`model.strategy.games`, :mod:`model.strategy.stability`) is
separate from the simulation that produces the games (:mod:`model.strategy.evaluate`).
"""

from model.strategy.coalitions import coalitions
from model.strategy.discovery import discover
from model.strategy.frontier import frontier

__all__ = ["coalitions", "discover", "frontier"]
