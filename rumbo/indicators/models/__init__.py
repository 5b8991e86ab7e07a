from .design import (
    DESIGN_FIELDS,
    Category,
    Dimension,
    ExpectedResult,
    Indicator,
    IndicatorDesign,
    Target,
)
from .files import MeasurementFile
from .totals import IndicatorTotal
from .values import Measurement, MeasurementPart, PeriodLock

__all__ = [
    "DESIGN_FIELDS",
    "Category",
    "Dimension",
    "ExpectedResult",
    "Indicator",
    "IndicatorDesign",
    "IndicatorTotal",
    "Measurement",
    "MeasurementFile",
    "MeasurementPart",
    "PeriodLock",
    "Target",
]
