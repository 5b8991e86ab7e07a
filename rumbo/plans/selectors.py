"""Reading plans, elements and activities, always through the visibility rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from rumbo.core.visibility import clearance_of
from rumbo.indicators.models import ExpectedResult, Indicator

from .models import Activity, ActivityParty, Plan, PlanElement, PlanStatement


def plans_for(user: Any) -> QuerySet[Plan]:
    return Plan.objects.visible_to(user).select_related(
        "owner_body", "owner_organisation", "parent"
    )


def get_plan_for(user: Any, code: str) -> Plan:
    return get_object_or_404(plans_for(user), code=code)


def elements_for(user: Any) -> QuerySet[PlanElement]:
    return PlanElement.objects.visible_to(user).select_related("plan", "parent")


def get_element_for(user: Any, pk: int) -> PlanElement:
    return get_object_or_404(elements_for(user), pk=pk)


def activities_for(user: Any) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(user)
        .select_related("plan", "element", "working_group")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=ActivityParty.objects.select_related("organisation").filter(
                    organisation__visibility__lte=clearance_of(user)
                ),
            ),
            "gcm_objectives",
            "sdg_targets",
        )
    )


def get_activity_for(user: Any, pk: int) -> Activity:
    return get_object_or_404(
        activities_for(user).prefetch_related("budget_lines__funder", "linked_elements"), pk=pk
    )


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
    results = list(
        ExpectedResult.objects.filter(plan=plan).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id"))
        )
    )
    loose = list(Indicator.objects.filter(plan=plan, result__isnull=True))
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
