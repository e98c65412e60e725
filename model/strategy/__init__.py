"""Strategy analyses on top of the sweep engine: coalition values (Shapley), the cost-effectiveness
frontier, coalition formation and scenario discovery."""
