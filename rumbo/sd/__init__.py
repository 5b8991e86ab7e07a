"""Rumbo's system-dynamics engine: XMILE models compiled to Python/NumPy, single runs and
ensembles. Pure Python and NumPy; it never imports Django.

    >>> from rumbo import sd
    >>> model = sd.load("model.xmile")
    >>> result = model.run({"contact rate": 6})
    >>> many = model.ensemble({"contact rate": rates}, variables=["infected"])
"""

from .errors import ModelError
from .model import METHODS, Model, VariableInfo, load, loads
from .results import Result

__all__ = ["METHODS", "Model", "ModelError", "Result", "VariableInfo", "load", "loads"]
