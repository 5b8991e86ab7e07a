"""The tracking matrix (matriz de seguimiento): one row per activity with the columns of the
2019–2022 Strategic Plan §4.2/§4.3, plus plan, working group and budget.

Reads go through the visibility rule; the number of queries is fixed per page (and per chunk
of rows for exports), never per row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from rumbo.core.i18n import pick
from rumbo.core.visibility import clearance_of
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Activity, ActivityParty, BudgetLine, PlanElement

OPEN = [Activity.Status.NOT_STARTED, Activity.Status.IN_PROGRESS]
SORTS = {
    "plan": ["plan__code", "id"],
    "code": ["code", "id"],
    "activity": ["title", "id"],
    "status": ["status", "id"],
    "deadline": [F("end_date").asc(nulls_last=True), "id"],
    "year": [F("plan_year").asc(nulls_last=True), "id"],
    "group": [F("working_group__code").asc(nulls_last=True), "id"],
}


@dataclass
class MatrixFilters:
    plan: str = ""
    pillar: int | None = None
    topic: int | None = None
    working_group: str = ""
    organisation: str = ""
    country: str = ""
    status: list[str] = field(default_factory=list)
    year: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = "plan"
    descending: bool = False


@dataclass
class MatrixRow:
    activity: Activity
    pillar: PlanElement | None
    topic: PlanElement | None
    leads: list[Organisation]
    accompanying: list[Organisation]
    linked: list[PlanElement]
    budget_total: Decimal | None
    budget_currency: str
    overdue: bool

    @property
    def pk(self) -> int:
        return self.activity.pk

    def responsible_text(self) -> str:
        """Leads, then accompanying organisations in brackets; the plan's own words when
        no organisation is recorded."""
        parts = [", ".join(str(o) for o in self.leads)] if self.leads else []
        if self.accompanying:
            parts.append("(" + ", ".join(str(o) for o in self.accompanying) + ")")
        return " ".join(parts) or pick(_values(self.activity, "responsible_note"))[0]


def _values(obj: Any, name: str) -> dict[str, str]:
    return {"es": getattr(obj, f"{name}_es", ""), "en": getattr(obj, f"{name}_en", "")}


def matrix_queryset(user: Any, filters: MatrixFilters) -> QuerySet[Activity]:
    """Visible activities matching the filters, sorted, without rows fetched yet."""
    today = timezone.localdate()
    qs = Activity.objects.visible_to(user).filter(plan__visibility__lte=clearance_of(user))
    if filters.plan:
        qs = qs.filter(plan__code=filters.plan)
    if filters.pillar:
        qs = qs.filter(
            Q(element_id=filters.pillar)
            | Q(element__parent_id=filters.pillar)
            | Q(element__parent__parent_id=filters.pillar)
            | Q(element__parent__parent__parent_id=filters.pillar)
        )
    if filters.topic:
        qs = qs.filter(
            Q(element_id=filters.topic)
            | Q(element__parent_id=filters.topic)
            | Q(linked_elements__id=filters.topic)
        ).distinct()
    if filters.working_group:
        qs = qs.filter(working_group__code=filters.working_group)
    for code in filter(None, [filters.organisation, filters.country]):
        qs = qs.filter(
            Exists(ActivityParty.objects.filter(activity=OuterRef("pk"), organisation__code=code))
        )
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.year:
        y = filters.year
        qs = qs.annotate(
            _plan_calendar_year=ExpressionWrapper(
                F("plan__period_start") + F("plan_year") - 1, output_field=IntegerField()
            )
        ).filter(
            Q(_plan_calendar_year=y)
            | Q(start_date__year__lte=y, end_date__year__gte=y)
            | Q(start_date__year=y, end_date__isnull=True)
            | Q(start_date__isnull=True, end_date__year=y)
        )
    if filters.overdue:
        qs = qs.filter(end_date__lt=today, status__in=OPEN)
    if filters.q:
        qs = qs.filter(
            Q(code__icontains=filters.q)
            | Q(title_es__icontains=filters.q)
            | Q(title_en__icontains=filters.q)
        )
    order = SORTS.get(filters.sort, SORTS["plan"])
    if filters.descending:
        order = [o.desc() if hasattr(o, "desc") else f"-{o}" for o in order]
    return qs.order_by(*order)


def status_counts(user: Any, filters: MatrixFilters) -> dict[str, int]:
    qs = matrix_queryset(user, filters).order_by()
    counts: Counter[str] = Counter(
        dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    )
    return {s: counts.get(s, 0) for s in Activity.Status.values}


def _with_row_data(user: Any, qs: QuerySet[Activity]) -> QuerySet[Activity]:
    level = clearance_of(user)
    budget = BudgetLine.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
    return (
        qs.select_related("plan", "element", "working_group")
        .annotate(
            budget_total=Subquery(
                budget.annotate(s=Sum("amount")).values("s"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            budget_currency=Subquery(budget.values("currency")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=ActivityParty.objects.select_related("organisation").filter(
                    organisation__visibility__lte=level
                ),
            ),
            Prefetch(
                "linked_elements",
                queryset=PlanElement.objects.visible_to(user).select_related("plan"),
            ),
        )
    )


class ElementIndex:
    """Every visible element of the plans involved, loaded once, to name each row's pillar
    and topic without a query per row."""

    def __init__(self, user: Any, plan_ids: set[int]) -> None:
        self.by_id: dict[int, PlanElement] = {
            el.pk: el
            for el in PlanElement.objects.visible_to(user)
            .filter(plan_id__in=plan_ids)
            .only("id", "parent_id", "plan_id", "depth", "code", "title_es", "title_en")
        }

    def root(self, element_id: int | None) -> PlanElement | None:
        node = self.by_id.get(element_id) if element_id else None
        while node is not None and node.parent_id in self.by_id:
            node = self.by_id[node.parent_id]
        return node

    def get(self, element_id: int | None) -> PlanElement | None:
        return self.by_id.get(element_id) if element_id else None


def rows(
    user: Any,
    qs: QuerySet[Activity],
    *,
    start: int = 0,
    stop: int | None = None,
    chunk_size: int = 2000,
) -> Iterator[MatrixRow]:
    """Matrix rows for a filtered and sorted queryset (rows start..stop of it)."""
    today = timezone.localdate()
    plan_ids = set(qs.order_by().values_list("plan_id", flat=True).distinct())
    index = ElementIndex(user, plan_ids)
    source = _with_row_data(user, qs)[start:stop]
    for act in source.iterator(chunk_size=chunk_size):
        parties = list(act.parties.all())
        element = index.get(act.element_id)
        pillar = index.root(act.element_id)
        yield MatrixRow(
            activity=act,
            pillar=pillar,
            topic=element if element is not None and element.depth > 0 else None,
            leads=[p.organisation for p in parties if p.role == ActivityParty.Role.LEAD],
            accompanying=[
                p.organisation for p in parties if p.role == ActivityParty.Role.ACCOMPANYING
            ],
            linked=list(act.linked_elements.all()),
            budget_total=act.budget_total,
            budget_currency=act.budget_currency or "",
            overdue=bool(act.end_date and act.end_date < today and act.status in OPEN),
        )


def filter_choices(user: Any, filters: MatrixFilters) -> dict[str, Any]:
    """What the filter form offers: only what the viewer may see."""
    from rumbo.organisations.models import Body
    from rumbo.plans.selectors import plans_for

    plans = list(plans_for(user).order_by("-period_start", "code"))
    elements = PlanElement.objects.visible_to(user).select_related("plan")
    if filters.plan:
        elements = elements.filter(plan__code=filters.plan)
    return {
        "plans": plans,
        "pillars": list(elements.filter(depth=0).order_by("plan__code", "order")),
        "topics": list(elements.filter(depth=1).order_by("plan__code", "parent__order", "order"))
        if filters.plan
        else [],
        "working_groups": list(
            Body.objects.visible_to(user).filter(kind__in=["working_group", "ad_hoc_group"])
        ),
        "organisations": list(Organisation.objects.visible_to(user).order_by("code")),
        "countries": list(
            Organisation.objects.visible_to(user)
            .filter(kind=Organisation.Kind.MEMBER_STATE)
            .order_by("code")
        ),
        "statuses": Activity.Status.choices,
        "years": list(
            range(
                min((p.period_start for p in plans), default=dt.date.today().year),
                max((p.period_end for p in plans), default=dt.date.today().year) + 1,
            )
        ),
    }
