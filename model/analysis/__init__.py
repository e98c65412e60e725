"""Layer 8: analysis and figures of stored results — comparison figures and reports, sweep summaries,
sensitivity indices and sweep figures. Everything here reads results folders; nothing simulates.

Modules import matplotlib or SALib; import them where needed (``from model.analysis import plots``).
"""
