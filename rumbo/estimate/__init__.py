"""Foreign-labour demand estimation on Rumbo's system-dynamics engine.

The numeric modules (`series`, `calibrate`, `bands`) are plain Python, NumPy and SciPy: like
`rumbo.sd` they never import Django, so they run from the command line, a notebook or a
cluster. The Django app around them holds the `estimate` command (and, later, pages).
"""

from pathlib import Path

STANDARD_MODEL = Path(__file__).resolve().parent / "models" / "labour_demand.xmile"
