"""Reading plans, elements and activities, always through the visibility rule.

Each reader owns every linked record it hands out: a plan's owner and parent, an activity's
working group, responsible organisations, linked pillars and topics, budget lines and their
funders are all loaded here with the same rule. A linked record the viewer may not see is
simply absent (None, or left out of a list), exactly as if it did not exist. Pages, API,
exports and forms read through these functions and never through `Model.objects`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.indicators.models import ExpectedResult, Indicator
from rumbo.organisations.models import Body
from rumbo.organisations.selectors import organisations_for

from .models import (
    Activity,
    ActivityParty,
    BudgetLine,
    Plan,
    PlanElement,
    PlanStatement,
    StatusChange,
)


def plans_for(user: Any) -> QuerySet[Plan]:
    return Plan.objects.visible_to(user).prefetch_related(
        Prefetch("owner_body", queryset=Body.objects.visible_to(user)),
        Prefetch("owner_organisation", queryset=organisations_for(user)),
        Prefetch("parent", queryset=Plan.objects.visible_to(user)),
    )


def get_plan_for(user: Any, code: str) -> Plan:
    return get_object_or_404(plans_for(user), code=code)


def elements_for(user: Any) -> QuerySet[PlanElement]:
    # An element is never more visible than its plan or its parent (effective_visibility):
    # both are safe to join.
    return PlanElement.objects.visible_to(user).select_related("plan", "parent")


def get_element_for(user: Any, pk: int) -> PlanElement:
    return get_object_or_404(elements_for(user), pk=pk)


def element_code_taken(plan: Plan, code: str, *, exclude: int | None = None) -> bool:
    """Whether another element of the plan has this code (codes are unique per plan, so
    this is asked of every element, seen or not)."""
    others = PlanElement.objects.filter(plan=plan, code=code)
    return (others if exclude is None else others.exclude(pk=exclude)).exists()


def activity_code_taken(plan: Plan, code: str, *, exclude: int | None = None) -> bool:
    others = Activity.objects.filter(plan=plan, code=code)
    return (others if exclude is None else others.exclude(pk=exclude)).exists()


def parties_for(user: Any) -> QuerySet[ActivityParty]:
    """Responsible parties whose organisation the viewer may see."""
    return (
        ActivityParty.objects.visible_to(user)
        .select_related("organisation")
        .filter(organisation__in=organisations_for(user))
    )


def budget_lines_for(user: Any) -> QuerySet[BudgetLine]:
    """Budget lines the viewer may see, each with its funder only if the viewer may see it."""
    return BudgetLine.objects.visible_to(user).prefetch_related(
        Prefetch("funder", queryset=organisations_for(user))
    )


def status_changes_for(user: Any) -> QuerySet[StatusChange]:
    """Status histories: as visible as their activity, reasons blanked below their level."""
    return StatusChange.objects.visible_to(user).select_related("actor")


def activities_queryset(user: Any) -> QuerySet[Activity]:
    """Visible activities, with no linked record loaded: for lists that fetch their linked
    records themselves, through the readers below (the matrix, summaries, counts)."""
    return Activity.objects.visible_to(user)


def activities_for(user: Any) -> QuerySet[Activity]:
    return (
        activities_queryset(user)
        # An activity is never more visible than its plan or element: both are safe to join.
        .select_related("plan", "element")
        .prefetch_related(
            Prefetch("working_group", queryset=Body.objects.visible_to(user)),
            Prefetch("parties", queryset=parties_for(user)),
            Prefetch("linked_elements", queryset=PlanElement.objects.visible_to(user)),
            Prefetch("budget_lines", queryset=budget_lines_for(user)),
            "gcm_objectives",
            "sdg_targets",
        )
    )


def get_activity_for(user: Any, pk: int) -> Activity:
    return get_object_or_404(activities_for(user), pk=pk)


@dataclass
class Node:
    element: PlanElement
    children: list[Node] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan
    statement_groups: list[tuple[str, list[PlanStatement]]]
    results: list[ExpectedResult]
    loose_indicators: list[Indicator]
    roots: list[Node]
    unplaced_activities: list[Activity]
    subplans: list[Plan]

    @property
    def element_count(self) -> int:
        def count(nodes: list[Node]) -> int:
            return sum(1 + count(n.children) for n in nodes)

        return count(self.roots)

    @property
    def activity_count(self) -> int:
        def count(nodes: list[Node]) -> int:
            return sum(len(n.activities) + count(n.children) for n in nodes)

        return count(self.roots) + len(self.unplaced_activities)


def plan_view(user: Any, plan: Plan) -> PlanView:
    """Everything a plan page shows, in a fixed number of queries whatever the plan's size."""
    # Grouped by kind, groups in the order the document first uses them.
    statements: dict[str, list[PlanStatement]] = {}
    for st in plan.statements.all():
        statements.setdefault(st.kind, []).append(st)
    labels = dict(PlanStatement.Kind.choices)
    groups = [(str(labels[kind]), items) for kind, items in statements.items()]
    # Indicators carry their own level (and that of what they measure): read as the viewer.
    indicators = Indicator.objects.visible_to(user)
    results = list(
        ExpectedResult.objects.filter(plan=plan).prefetch_related(
            Prefetch("indicators", queryset=indicators.order_by("order", "id"))
        )
    )
    loose = list(indicators.filter(plan=plan, result__isnull=True))
    elements = list(
        PlanElement.objects.visible_to(user)
        .filter(plan=plan)
        .prefetch_related("gcm_objectives", "sdg_targets")
        .order_by("depth", "order", "id")
    )
    nodes = {el.pk: Node(el) for el in elements}
    roots: list[Node] = []
    for el in elements:
        node = nodes[el.pk]
        if el.parent_id is None:
            roots.append(node)
        elif el.parent_id in nodes:
            nodes[el.parent_id].children.append(node)
    unplaced: list[Activity] = []
    for act in activities_for(user).filter(plan=plan).order_by("id"):
        if act.element_id in nodes:
            nodes[act.element_id].activities.append(act)
        elif act.element_id is None:
            unplaced.append(act)
    subplans = list(plans_for(user).filter(parent=plan))
    return PlanView(plan, groups, results, loose, roots, unplaced, subplans)
