"""The semi-annual figures the secretariat reports to the GRCM: how many commitments were
finished, in progress, pending (not started), not achieved or cancelled at the end of a
semester, per plan and per working group.

The status of an activity at a date is the `new_status` of its last StatusChange dated (by the
date of the work, not when it was typed in) at or before that date; failing that, the status it
had before its first later change, or its status now when it never changed ("not reported" for
the shipped plans the sources give no status for). An activity created after the semester is
left out. Only activities the viewer may see are counted. One query, whatever the number of
activities: the status at the date is a subquery, the grouping is done in Python."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from rumbo.core.visibility import clearance_of
from rumbo.plans.models import Activity, StatusChange

S = Activity.Status


@dataclass
class StatusCounts:
    finished: int = 0
    in_progress: int = 0
    not_started: int = 0
    not_achieved: int = 0
    cancelled: int = 0
    not_reported: int = 0

    def add(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return sum(getattr(self, status) for status in S.values)

    @property
    def percent_finished(self) -> float | None:
        """Finished out of the commitments still standing whose status is known (cancelled
        ones are no longer expected; of those not reported nothing is known); None when
        there are none."""
        base = self.total - self.cancelled - self.not_reported
        return round(100 * self.finished / base, 1) if base else None


@dataclass
class SummaryRow:
    code: str  # plan or working-group code; "" for activities of no working group
    label: dict[str, str]  # {"es": ..., "en": ...}
    counts: StatusCounts = field(default_factory=StatusCounts)


@dataclass
class SemiannualFigures:
    year: int
    half: int  # 1: January–June, 2: July–December
    start: dt.date
    end: dt.date
    plan_code: str | None
    group_code: str | None
    by_plan: list[SummaryRow]
    by_group: list[SummaryRow]
    totals: StatusCounts


def semester_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    if half not in (1, 2):
        raise ValueError("half must be 1 or 2")
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def last_completed_semester(today: dt.date | None = None) -> tuple[int, int]:
    """(year, half) of the last semester that has ended by `today`."""
    today = today or timezone.localdate()
    return (today.year - 1, 2) if today.month <= 6 else (today.year, 1)


def _cutoff(end: dt.date) -> dt.datetime:
    """The first instant after the period, in the process's time zone: a change at 23:59 on
    30 June in Guatemala belongs to the first semester."""
    return timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))


def semiannual_figures(
    user: Any,
    year: int,
    half: int,
    plan_code: str | None = None,
    group_code: str | None = None,
) -> SemiannualFigures:
    """Counts of the viewer's visible activities by status at the end of the semester, per
    plan and per working group, with totals. One query."""
    start, end = semester_bounds(year, half)
    cutoff = _cutoff(end)
    level = clearance_of(user)
    changes = StatusChange.objects.filter(activity=OuterRef("pk"))
    last_status = (
        changes.filter(happened_on__lte=end)
        .order_by("-happened_on", "-at", "-id")
        .values("new_status")[:1]
    )
    status_before = (
        changes.filter(happened_on__gt=end)
        .order_by("happened_on", "at", "id")
        .values("old_status")[:1]
    )
    # The plan's own level is checked as well, as in the matrix, so that a plan made more
    # restricted hides its activities at once.
    # A commitment counts once it was recorded, or once its plan is in force: the shipped
    # plans and imported matrices are typed in after the fact.
    qs = Activity.objects.visible_to(user).filter(
        Q(created_at__lt=cutoff) | Q(plan__period_start__lte=year, plan__period_end__gte=year),
        plan__visibility__lte=level,
    )
    if plan_code:
        qs = qs.filter(plan__code=plan_code)
    if group_code:
        qs = qs.filter(working_group__code=group_code, working_group__visibility__lte=level)
    rows = (
        qs.annotate(status_then=Coalesce(Subquery(last_status), Subquery(status_before), "status"))
        .order_by()
        .values_list(
            "status_then",
            "plan__code",
            "plan__period_start",
            "plan__short_title_es",
            "plan__short_title_en",
            "plan__title_es",
            "plan__title_en",
            "working_group__code",
            "working_group__name_es",
            "working_group__name_en",
            "working_group__visibility",
        )
    )

    plans: dict[str, tuple[int, SummaryRow]] = {}
    groups: dict[str, SummaryRow] = {}
    totals = StatusCounts()
    for (
        status,
        p_code,
        p_start,
        p_short_es,
        p_short_en,
        p_title_es,
        p_title_en,
        g_code,
        g_name_es,
        g_name_en,
        g_level,
    ) in rows:
        if status not in S.values:
            status = S.NOT_REPORTED
        totals.add(status)
        if p_code not in plans:
            label = {"es": p_short_es or p_title_es or "", "en": p_short_en or p_title_en or ""}
            plans[p_code] = (p_start, SummaryRow(p_code, label))
        plans[p_code][1].counts.add(status)
        if g_code is None:
            key, label = "", {}
        elif g_level > level:
            # Counted, but under a row that does not name a group the viewer may not see.
            key, label = "?", {}
        else:
            key, label = g_code, {"es": g_name_es or "", "en": g_name_en or ""}
        groups.setdefault(key, SummaryRow(key, label)).counts.add(status)

    by_plan = [row for _start, row in sorted(plans.values(), key=lambda p: (-p[0], p[1].code))]
    # Named groups by code, then the activities of no group, then any restricted group.
    by_group = sorted(groups.values(), key=lambda r: (r.code in ("", "?"), r.code == "?", r.code))
    return SemiannualFigures(
        year=year,
        half=half,
        start=start,
        end=end,
        plan_code=plan_code or None,
        group_code=group_code or None,
        by_plan=by_plan,
        by_group=by_group,
        totals=totals,
    )
