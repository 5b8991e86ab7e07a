from .design import (
    DESIGN_FIELDS,
    Category,
    Dimension,
    ExpectedResult,
    Indicator,
    IndicatorDesign,
    Target,
)
from .values import Measurement, MeasurementPart, PeriodLock

__all__ = [
    "DESIGN_FIELDS",
    "Category",
    "Dimension",
    "ExpectedResult",
    "Indicator",
    "IndicatorDesign",
    "Measurement",
    "MeasurementPart",
    "PeriodLock",
    "Target",
]
