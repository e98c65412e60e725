"""Layer 9: what people use — the command line (``run.py``, ``python -m model``), its subcommands
and the dashboard. Library code never imports from here."""
