"""Layer 8: analysis and figures of stored results — comparison figures and reports, sweep summaries,
sensitivity indices and sweep figures. Everything here reads results folders; nothing simulates.

Modules import matplotlib or SALib; import them where needed (``from model.analysis import plots``).
"""

DEFAULT_FORMATS = ("png",)
"""What every figure (a comparison's, a sweep's, an analysis's) is drawn as unless asked otherwise:
PNG (SVG and PDF on request, ``--format``), as vector files cost several times the drawing time of
the maps (README, "Performance")."""
