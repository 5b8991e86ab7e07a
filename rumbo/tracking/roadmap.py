"""The roadmap (hoja de ruta) of a plan: its activities on a time axis, grouped by the plan's
top-level elements (pillar, line of action, priority...).

The page is a plain HTML table: one column per month (per quarter when the span is longer than
three years) and each bar a cell spanning its columns. That needs no script and no inline
style (the Content-Security-Policy forbids both), reads row by row with a screen reader, and
prints. Reads go through the visibility rule, in a fixed number of queries whatever the plan's
size (the plan itself, its visible elements, its visible activities)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.plans.models.activity import is_overdue
from rumbo.plans.selectors import activities_queryset

# Up to this many months the axis shows months; beyond, quarters (a five-year plan would
# otherwise need 60 columns and no longer fit a printed page).
MAX_MONTH_COLUMNS = 36


@dataclass(frozen=True)
class Period:
    """One column of the time axis."""

    start: dt.date
    quarter: int | None  # 1-4 on a quarterly axis, None on a monthly one
    year_start: bool  # the first column of a calendar year (drawn with a stronger rule)
    current: bool  # today falls in it


@dataclass(frozen=True)
class YearHeader:
    year: int
    span: int


@dataclass(frozen=True)
class Cell:
    """A table cell of an activity's row: empty, or the bar (spanning several columns)."""

    span: int
    bar: bool
    css: str  # "ys": first column of a year; "on": the bar's cell


@dataclass
class Row:
    activity: Activity
    first: dt.date
    last: dt.date
    from_plan_year: bool  # scheduled only by its year of the plan, not by dates
    overdue: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Group:
    element: PlanElement | None  # None: activities not placed in the plan's structure
    rows: list[Row] = field(default_factory=list)


@dataclass
class Roadmap:
    plan: Plan
    today: dt.date
    unit: str  # "month" or "quarter"
    years: list[YearHeader]
    periods: list[Period]
    groups: list[Group]
    unscheduled: list[tuple[Activity, PlanElement | None]]
    statuses: list[tuple[str, Any]]  # (value, lazy label) for the legend

    @property
    def scheduled_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def overdue_count(self) -> int:
        return sum(r.overdue for g in self.groups for r in g.rows)

    @property
    def first_year(self) -> int:
        return self.years[0].year

    @property
    def last_year(self) -> int:
        return self.years[-1].year


def schedule_of(activity: Activity, plan: Plan) -> tuple[dt.date, dt.date, bool] | None:
    """(first day, last day, from the plan year only) of an activity, or None if unscheduled.

    Dates win over the year of the plan; a single date is a one-day activity; year N of a
    plan is the whole calendar year period_start + N - 1."""
    first = activity.start_date or activity.end_date
    last = activity.end_date or activity.start_date
    if first is not None and last is not None:
        return first, max(first, last), False
    if activity.plan_year:
        year = plan.period_start + activity.plan_year - 1
        return dt.date(year, 1, 1), dt.date(year, 12, 31), True
    return None


def _index(day: dt.date, first_year: int, unit: str) -> int:
    months = (day.year - first_year) * 12 + day.month - 1
    return months if unit == "month" else months // 3


def _cells(start: int, end: int, count: int, per_year: int) -> list[Cell]:
    """Empty cells before and after the bar, one per column (so that the grid lines show)."""

    def empty(i: int) -> Cell:
        return Cell(1, False, "ys" if i % per_year == 0 else "")

    bar_css = "on ys" if start % per_year == 0 else "on"
    return [
        *(empty(i) for i in range(start)),
        Cell(end - start + 1, True, bar_css),
        *(empty(i) for i in range(end + 1, count)),
    ]


def plan_roadmap(user: Any, plan: Plan, *, today: dt.date | None = None) -> Roadmap:
    """The roadmap of a plan the viewer may see (fetch it with `get_plan_for`), showing only
    the elements and activities the viewer may see. Two queries."""
    today = today or timezone.localdate()
    elements = list(
        PlanElement.objects.visible_to(user)
        .filter(plan=plan)
        .only("id", "parent_id", "plan_id", "depth", "order", "code", "title_es", "title_en")
        .order_by("depth", "order", "id")
    )
    by_id = {el.pk: el for el in elements}
    # Depth-first position of each element, so that rows follow the plan's own order.
    children: dict[int | None, list[PlanElement]] = {}
    for el in elements:
        parent = el.parent_id if el.parent_id in by_id else None
        if el.parent_id is not None and parent is None:
            continue  # under an element the viewer may not see: never reached
        children.setdefault(parent, []).append(el)
    position: dict[int, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        el = stack.pop()
        position[el.pk] = len(position)
        stack.extend(reversed(children.get(el.pk, [])))

    def root_of(element_id: int | None) -> PlanElement | None:
        node = by_id.get(element_id) if element_id in position else None
        while node is not None and node.parent_id is not None:
            node = by_id[node.parent_id]
        return node

    # Visible activities without their linked records, which the roadmap does not show (a
    # linked record is only ever read through the reader that filters it).
    activities = list(activities_queryset(user).filter(plan=plan))
    activities.sort(key=lambda a: (position.get(a.element_id or 0, len(position)), a.pk))

    scheduled: list[tuple[Activity, PlanElement | None, tuple[dt.date, dt.date, bool]]] = []
    unscheduled: list[tuple[Activity, PlanElement | None]] = []
    for act in activities:
        root = root_of(act.element_id)
        when = schedule_of(act, plan)
        if when is None:
            unscheduled.append((act, root))
        else:
            scheduled.append((act, root, when))

    first_year = min([plan.period_start, *(w[0].year for _a, _r, w in scheduled)])
    last_year = max([plan.period_end, *(w[1].year for _a, _r, w in scheduled)])
    n_years = last_year - first_year + 1
    unit = "month" if n_years * 12 <= MAX_MONTH_COLUMNS else "quarter"
    per_year = 12 if unit == "month" else 4
    count = n_years * per_year
    now = _index(today, first_year, unit)
    periods = [
        Period(
            start=dt.date(first_year + i // per_year, (i % per_year) * (12 // per_year) + 1, 1),
            quarter=None if unit == "month" else i % per_year + 1,
            year_start=i % per_year == 0,
            current=i == now,
        )
        for i in range(count)
    ]

    groups: dict[int | None, Group] = {root.pk: Group(root) for root in children.get(None, [])}
    for act, root, (first, last, from_year) in scheduled:
        overdue = is_overdue(act, today)
        row = Row(act, first, last, from_year, overdue)
        row.cells = _cells(
            _index(first, first_year, unit), _index(last, first_year, unit), count, per_year
        )
        key = root.pk if root is not None else None
        groups.setdefault(key, Group(root)).rows.append(row)
    # Elements first, in the plan's order; then the activities placed nowhere.
    ordered = [g for key, g in groups.items() if key is not None and g.rows]
    if None in groups:
        ordered.append(groups[None])

    return Roadmap(
        plan=plan,
        today=today,
        unit=unit,
        years=[YearHeader(first_year + i, per_year) for i in range(n_years)],
        periods=periods,
        groups=ordered,
        unscheduled=unscheduled,
        statuses=list(Activity.Status.choices),
    )
