"""How Rumbo's values are written in IATI's codelists (docs/iati.md lists every mapping).

Where a codelist has no code for what Rumbo records, the mapping says so, and the file keeps
Rumbo's own value beside IATI's code (see builder.RUMBO_NS)."""

from __future__ import annotations

from rumbo.indicators.models import Indicator
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Activity, ActivityParty, Plan

IATI_VERSION = "2.03"

# ActivityStatus: 1 Pipeline/identification, 2 Implementation, 3 Finalisation, 4 Closed,
# 5 Cancelled, 6 Suspended. The schema requires a status: an activity whose status nobody
# reported is one that a plan lists, i.e. identified (1), and is marked as not reported.
ACTIVITY_STATUS: dict[str, str] = {
    Activity.Status.NOT_REPORTED: "1",
    Activity.Status.NOT_STARTED: "1",
    Activity.Status.IN_PROGRESS: "2",
    Activity.Status.FINISHED: "4",
    Activity.Status.NOT_ACHIEVED: "4",
    Activity.Status.CANCELLED: "5",
}

# A plan's status is about its adoption: one being drafted or consulted on is identified (1),
# an endorsed or approved one is being carried out (2), a closed one is closed (4).
PLAN_STATUS: dict[str, str] = {
    Plan.Status.NOT_REPORTED: "1",
    Plan.Status.DRAFT: "1",
    Plan.Status.CONSULTATION: "1",
    Plan.Status.ENDORSED: "2",
    Plan.Status.APPROVED: "2",
    Plan.Status.CLOSED: "4",
}

# ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# OrganisationRole: 1 Funding, 2 Accountable, 3 Extending, 4 Implementing.
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
# A lead organisation answers for the activity and carries it out; those accompanying it
# carry it out with it.
PARTY_ROLES: dict[str, tuple[str, ...]] = {
    ActivityParty.Role.LEAD: (ACCOUNTABLE, IMPLEMENTING),
    ActivityParty.Role.ACCOMPANYING: (IMPLEMENTING,),
}

# OrganisationType: 10 Government, 23 Regional NGO, 40 Multilateral. Kinds with no certain
# type (an observer organisation outside the UN system, a network, "other") get none.
ORGANISATION_TYPE: dict[str, str] = {
    Organisation.Kind.MEMBER_STATE: "10",
    Organisation.Kind.OBSERVER_STATE: "10",
    Organisation.Kind.UN_AGENCY: "40",
    Organisation.Kind.SECRETARIAT: "40",
    Organisation.Kind.CIVIL_SOCIETY: "23",
}
MULTILATERAL = "40"


def organisation_type(org: Organisation) -> str | None:
    if org.un_system:
        return MULTILATERAL
    return ORGANISATION_TYPE.get(org.kind)


# ResultType: 1 Output, 2 Outcome, 3 Impact, 9 Other (a process indicator has no type).
RESULT_TYPE: dict[str, str] = {
    Indicator.Kind.OUTPUT: "1",
    Indicator.Kind.RESULT: "2",
    Indicator.Kind.IMPACT: "3",
    Indicator.Kind.PROCESS: "9",
}
OTHER_RESULT = "9"

# IndicatorMeasure: 1 Unit, 2 Percentage, 3 Nominal, 4 Ordinal, 5 Qualitative.
MEASURE: dict[str, str] = {
    Indicator.Unit.COUNT: "1",
    Indicator.Unit.MONEY: "1",
    Indicator.Unit.PERCENT: "2",
    Indicator.Unit.YES_NO: "3",
    Indicator.Unit.TEXT: "5",
}

# BudgetType 1 Original; BudgetStatus 1 Indicative.
BUDGET_ORIGINAL, BUDGET_INDICATIVE = "1", "1"

# TagVocabulary: 3 UN SDG targets; 99 the reporting organisation's own (for the Global
# Compact for Migration's objectives, which IATI has no vocabulary for).
SDG_TARGETS, OWN_VOCABULARY = "3", "99"
GCM_URI = "https://undocs.org/A/RES/73/195"  # the Global Compact (UNGA resolution 73/195)

# RelatedActivityType: 1 Parent, 2 Child.
PARENT, CHILD = "1", "2"
