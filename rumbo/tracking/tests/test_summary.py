"""The semi-annual summary: the status of each commitment as it stood at the end of the
semester, per plan and per working group, only for what the viewer may see."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.plans.models import Activity, StatusChange
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.summary import (
    last_completed_semester,
    semester_bounds,
    semiannual_figures,
)

pytestmark = pytest.mark.django_db

S = Activity.Status
GT = ZoneInfo("America/Guatemala")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=GT)


def change(
    activity: Activity, old: str, new: str, when: dt.datetime, recorded: dt.datetime | None = None
) -> None:
    """A change of status on the day `when` (in the process's time zone), recorded then or
    at `recorded`."""
    StatusChange.objects.create(
        activity=activity,
        old_status=old,
        new_status=new,
        happened_on=when.astimezone(GT).date(),
        at=recorded or when,
    )


def created(activity: Activity, when: dt.datetime) -> Activity:
    # created_at is auto_now_add: set it afterwards, as the record's history would have it.
    Activity.objects.filter(pk=activity.pk).update(created_at=when)
    return activity


@pytest.fixture
def world(bodies):
    """Two plans, two working groups, statuses changing around the end of 2023-H2."""
    p1 = PlanFactory(code="sum-one", period_start=2023, period_end=2025)
    p2 = PlanFactory(code="sum-two", period_start=2024, period_end=2026)
    start = at(2023, 1, 10)

    def act(plan, code, group=None, **kw):
        return created(ActivityFactory(plan=plan, code=code, working_group=group, **kw), start)

    # Finished during the semester.
    a = act(p1, "FIN", bodies.wg_lab, status=S.FINISHED)
    change(a, S.NOT_STARTED, S.IN_PROGRESS, at(2023, 3, 1))
    change(a, S.IN_PROGRESS, S.FINISHED, at(2023, 12, 31, 23, 59))
    # In progress at the end of 2023; finished only in January 2024: must not count as finished.
    b = act(p1, "LATE", bodies.wg_lab, status=S.FINISHED)
    change(b, S.NOT_STARTED, S.IN_PROGRESS, at(2023, 8, 1))
    change(b, S.IN_PROGRESS, S.FINISHED, at(2024, 1, 1, 0, 0))
    # No change at all: pending.
    act(p1, "PEND", bodies.wg_prot)
    # Not achieved, then cancelled, both before the end.
    c = act(p2, "CANC", bodies.wg_prot, status=S.CANCELLED)
    change(c, S.NOT_STARTED, S.NOT_ACHIEVED, at(2023, 9, 1))
    change(c, S.NOT_ACHIEVED, S.CANCELLED, at(2023, 10, 1))
    # Not achieved, no working group.
    d = act(p2, "NACH", status=S.NOT_ACHIEVED)
    change(d, S.NOT_STARTED, S.NOT_ACHIEVED, at(2023, 11, 15))
    # Typed in after the semester but part of a plan in force then: pending at its end.
    e = created(ActivityFactory(plan=p1, code="NEW", status=S.FINISHED), at(2024, 2, 1))
    change(e, S.NOT_STARTED, S.FINISHED, at(2024, 2, 2))

    # Members-only: counted only for member countries and the secretariat.
    f = act(p2, "SECRET", bodies.wg_lab, visibility=Visibility.MEMBERS, status=S.FINISHED)
    change(f, S.NOT_STARTED, S.FINISHED, at(2023, 7, 7))
    return {"p1": p1, "p2": p2}


def _counts(c) -> tuple[int, int, int, int, int]:
    return (c.finished, c.in_progress, c.not_started, c.not_achieved, c.cancelled)


def test_status_as_of_the_end_of_the_semester_per_plan(cast, world):
    figures = semiannual_figures(cast.observer, 2023, 2, plan_code="sum-one")
    assert [r.code for r in figures.by_plan] == ["sum-one"]
    # FIN finished, LATE still in progress on 31 December, PEND and NEW not started.
    assert _counts(figures.by_plan[0].counts) == (1, 1, 2, 0, 0)
    assert figures.totals.total == 4
    assert figures.totals.percent_finished == pytest.approx(25.0)


def test_a_change_after_the_period_end_does_not_count_but_does_in_the_next(cast, world):
    h1 = semiannual_figures(cast.observer, 2024, 1, plan_code="sum-one")
    # In 2024-H1, LATE is finished and NEW exists (finished in February).
    assert _counts(h1.by_plan[0].counts) == (3, 0, 1, 0, 0)
    # Before any change of LATE, in 2023-H1: FIN was in progress (March); LATE, PEND and NEW
    # (its plan was in force) pending.
    h1_2023 = semiannual_figures(cast.observer, 2023, 1, plan_code="sum-one")
    assert _counts(h1_2023.by_plan[0].counts) == (0, 1, 3, 0, 0)


def test_grouping_per_plan_and_per_working_group(cast, world, bodies):
    figures = semiannual_figures(cast.secretariat, 2023, 2)
    plans = {r.code: _counts(r.counts) for r in figures.by_plan}
    assert plans["sum-one"] == (1, 1, 2, 0, 0)
    # The later plan comes first, as in the plan list.
    codes = [r.code for r in figures.by_plan]
    assert codes.index("sum-two") < codes.index("sum-one")
    assert plans["sum-two"] == (1, 0, 0, 1, 1)  # SECRET, NACH, CANC
    groups = {r.code: _counts(r.counts) for r in figures.by_group}
    assert groups["WG-LAB"] == (2, 1, 0, 0, 0)  # FIN, SECRET, LATE
    assert groups["WG-PROT"] == (0, 0, 1, 0, 1)  # PEND, CANC
    assert groups[""][3] >= 1  # NACH has no working group
    assert figures.by_group[-1].code == ""  # "no working group" comes last
    assert sum(r.counts.total for r in figures.by_plan) == figures.totals.total
    assert sum(r.counts.total for r in figures.by_group) == figures.totals.total

    only_lab = semiannual_figures(cast.secretariat, 2023, 2, group_code="WG-LAB")
    assert [r.code for r in only_lab.by_group] == ["WG-LAB"]
    assert _counts(only_lab.totals) == (2, 1, 0, 0, 0)
    assert {r.code for r in only_lab.by_plan} == {"sum-one", "sum-two"}


def test_cancelled_commitments_are_left_out_of_the_percentage(cast, world):
    figures = semiannual_figures(cast.secretariat, 2023, 2, plan_code="sum-two")
    assert figures.totals.total == 3
    assert figures.totals.percent_finished == pytest.approx(50.0)  # 1 of (3 - 1 cancelled)


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_invisible_activities_are_not_counted(cast, canary, world, who):
    user = getattr(cast, who)
    figures = semiannual_figures(user, 2023, 2, plan_code="sum-two")
    assert figures.totals.total == 2  # SECRET is members-only
    assert _counts(figures.by_plan[0].counts) == (0, 0, 0, 1, 1)
    # Not even through a plan filter naming a plan the viewer may not see.
    closed = semiannual_figures(user, 2030, 1, plan_code=canary.closed_plan.code)
    assert closed.totals.total == 0 and closed.by_plan == []
    everything = semiannual_figures(user, 2030, 1)
    assert canary.closed_plan.code not in {r.code for r in everything.by_plan}
    public = {r.code: r.counts for r in everything.by_plan}[canary.public_plan.code]
    assert public.total == (1 if who == "public" else 2)  # OA (+ NA), never SA


def test_member_countries_count_members_only_activities(cast, canary, world):
    figures = semiannual_figures(cast.focal, 2030, 1)
    plans = {r.code: r.counts.total for r in figures.by_plan}
    assert plans[canary.public_plan.code] == 3
    assert plans[canary.closed_plan.code] == 1


def test_the_default_period_is_the_last_completed_semester():
    assert last_completed_semester(dt.date(2024, 3, 15)) == (2023, 2)
    assert last_completed_semester(dt.date(2024, 6, 30)) == (2023, 2)
    assert last_completed_semester(dt.date(2024, 7, 1)) == (2024, 1)
    assert last_completed_semester(dt.date(2024, 12, 31)) == (2024, 1)
    assert semester_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    assert semester_bounds(2024, 2) == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))


def test_the_page_defaults_to_the_last_completed_semester(cast, world):
    year, half = last_completed_semester()
    page = client_for(cast.observer).get(url("semiannual_summary", "en"))
    assert page.status_code == 200
    body = page.content.decode()
    which = "First" if half == 1 else "Second"
    assert f"{which} semester of {year}" in body
    assert f'name="year" value="{year}"' in body


def test_the_page_shows_tables_per_plan_and_group_with_totals(cast, world):
    client = client_for(cast.secretariat)
    page = client.get(url("semiannual_summary", "en"), {"year": 2023, "half": 2})
    body = page.content.decode()
    assert body.count("<caption") == 2
    assert "Commitments per plan" in body and "Commitments per Working Group" in body
    assert '<label for="id_year"' in body and '<label for="id_half"' in body
    assert "<tfoot>" in body and 'scope="row">Total</th>' in body
    assert "No working group" in body
    assert "style=" not in body
    es = client.get(url("semiannual_summary", "es"), {"year": 2023, "half": 2}).content.decode()
    assert "Segundo semestre de 2023" in es and "Finalizados" in es and "Grupo de Trabajo" in es


def test_the_page_refuses_a_plan_the_viewer_may_not_see(cast, canary, world):
    client = client_for(cast.observer)
    page = client.get(
        url("semiannual_summary", "en"),
        {"year": 2023, "half": 2, "plan": canary.closed_plan.code},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "CANARY" not in body
    assert "Commitments per plan" not in body  # the form shows an error instead
    assert 'role="alert"' in body


def test_the_summary_takes_a_fixed_number_of_queries(cast, bodies):
    plan = PlanFactory(code="sum-many")
    for i in range(3):
        ActivityFactory(plan=plan, code=f"S{i}", working_group=bodies.wg_lab)
    with CaptureQueriesContext(connection) as few:
        semiannual_figures(cast.focal, 2030, 1)
    for i in range(3, 30):
        a = ActivityFactory(plan=plan, code=f"S{i}", working_group=bodies.wg_prot)
        change(a, S.NOT_STARTED, S.IN_PROGRESS, at(2025, 1, 1))
    with CaptureQueriesContext(connection) as many:
        figures = semiannual_figures(cast.focal, 2030, 1)
    assert len(many) == len(few) == 1
    assert {r.code: r.counts.in_progress for r in figures.by_plan}["sum-many"] == 27

    client = client_for(cast.focal)
    client.get(url("semiannual_summary"), {"year": 2030, "half": 1})
    with CaptureQueriesContext(connection) as page:
        assert client.get(url("semiannual_summary"), {"year": 2030, "half": 1}).status_code == 200
    # Fixed, whatever the number of activities: the readers load each kind of linked record
    # (plan owners and parents, groups' countries and members) with one query each.
    assert len(page) <= 12
