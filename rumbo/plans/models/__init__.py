from .activity import Activity, ActivityParty, BudgetLine, StatusChange
from .plan import Plan, PlanElement, PlanStatement
from .reference import GcmObjective, SdgTarget

__all__ = [
    "Activity",
    "ActivityParty",
    "BudgetLine",
    "GcmObjective",
    "Plan",
    "PlanElement",
    "PlanStatement",
    "SdgTarget",
    "StatusChange",
]
