"""The roadmap (hoja de ruta) of a plan: groups, positions on the time axis, overdue marks,
visibility and a query count that does not grow with the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.plans.models import Activity
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.roadmap import plan_roadmap

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 3, 15)


@pytest.fixture
def plan():
    plan = PlanFactory(code="rm-plan", period_start=2023, period_end=2024)
    line1 = ElementFactory(plan=plan, code="L1", order=1, title_en="First line")
    line2 = ElementFactory(plan=plan, code="L2", order=2, title_en="Second line")
    action = ElementFactory(plan=plan, code="L1.A1", parent=line1)
    ActivityFactory(
        plan=plan,
        element=action,
        code="MAY-DEC",
        start_date=dt.date(2023, 5, 1),
        end_date=dt.date(2023, 12, 31),
        status=Activity.Status.IN_PROGRESS,
    )
    ActivityFactory(plan=plan, element=line2, code="YEAR2", plan_year=2)
    ActivityFactory(
        plan=plan,
        element=line2,
        code="DONE",
        start_date=dt.date(2023, 2, 1),
        end_date=dt.date(2023, 2, 28),
        status=Activity.Status.FINISHED,
    )
    ActivityFactory(
        plan=plan,
        element=line1,
        code="LOOSE",
        schedule_note_es="Proceso continuo",
        schedule_note_en="Ongoing process",
    )
    ActivityFactory(plan=plan, code="NOWHERE", end_date=dt.date(2024, 6, 30))
    return plan


def _rows(roadmap):
    return {row.activity.code: (group, row) for group in roadmap.groups for row in group.rows}


def _row_html(body: str, code: str) -> str:
    (row,) = [r for r in body.split("<tr") if f'<span class="code">{code}</span>' in r]
    return row


def _covered(roadmap, row) -> list[dt.date]:
    """The periods (first day) a row's bar covers, read back from its cells."""
    covered, i = [], 0
    for cell in row.cells:
        if cell.bar:
            covered = [p.start for p in roadmap.periods[i : i + cell.span]]
        i += cell.span
    assert i == len(roadmap.periods)
    return covered


def test_activities_are_grouped_by_the_top_level_element(cast, plan):
    roadmap = plan_roadmap(cast.secretariat, plan, today=TODAY)
    groups = [(g.element.code if g.element else None) for g in roadmap.groups]
    assert groups == ["L1", "L2", None]
    rows = _rows(roadmap)
    assert rows["MAY-DEC"][0].element.code == "L1"  # the action's root ancestor
    assert [r.activity.code for r in roadmap.groups[1].rows] == ["YEAR2", "DONE"]
    assert rows["NOWHERE"][0].element is None
    assert [a.code for a, _root in roadmap.unscheduled] == ["LOOSE"]
    assert roadmap.unscheduled[0][1].code == "L1"


def test_positions_on_a_monthly_axis(cast, plan):
    roadmap = plan_roadmap(cast.secretariat, plan, today=TODAY)
    assert roadmap.unit == "month"
    assert len(roadmap.periods) == 24
    assert [(y.year, y.span) for y in roadmap.years] == [(2023, 12), (2024, 12)]
    rows = _rows(roadmap)
    assert _covered(roadmap, rows["MAY-DEC"][1]) == [dt.date(2023, m, 1) for m in range(5, 13)]
    # Year 2 of a 2023–2024 plan is the whole of 2024.
    assert _covered(roadmap, rows["YEAR2"][1]) == [dt.date(2024, m, 1) for m in range(1, 13)]
    assert rows["YEAR2"][1].from_plan_year
    # A single date is a one-period bar.
    assert _covered(roadmap, rows["NOWHERE"][1]) == [dt.date(2024, 6, 1)]
    assert [p.start for p in roadmap.periods if p.current] == [dt.date(2024, 3, 1)]


def test_the_axis_stretches_to_dates_outside_the_plan_and_turns_quarterly(cast):
    plan = PlanFactory(period_start=2023, period_end=2024)
    ActivityFactory(plan=plan, start_date=dt.date(2022, 11, 1), end_date=dt.date(2026, 2, 1))
    roadmap = plan_roadmap(cast.secretariat, plan, today=TODAY)
    assert roadmap.unit == "quarter"  # 2022–2026 is 60 months
    assert roadmap.first_year == 2022 and roadmap.last_year == 2026
    (row,) = roadmap.groups[0].rows
    covered = _covered(roadmap, row)
    assert covered[0] == dt.date(2022, 10, 1) and covered[-1] == dt.date(2026, 1, 1)
    assert len(covered) == 14


def test_overdue_activities_are_marked_in_words(cast, plan):
    roadmap = plan_roadmap(cast.secretariat, plan, today=TODAY)
    rows = _rows(roadmap)
    assert rows["MAY-DEC"][1].overdue  # ended 2023-12-31, still in progress
    assert not rows["DONE"][1].overdue  # finished
    assert not rows["NOWHERE"][1].overdue  # ends later
    assert not rows["YEAR2"][1].overdue

    page = client_for(cast.secretariat).get(url("plan_roadmap", "en", code=plan.code))
    body = page.content.decode()
    may_dec = _row_html(body, "MAY-DEC")
    assert "⚠ Overdue" in may_dec
    assert 'colspan="8"' in may_dec and '"rbar status-in_progress overdue"' in may_dec
    done = _row_html(body, "DONE")
    assert "Overdue" not in done


def test_the_page_shows_the_table_legend_and_unscheduled_list_in_both_languages(cast, plan):
    client = client_for(cast.focal)
    en = client.get(url("plan_roadmap", "en", code=plan.code))
    assert en.status_code == 200
    body = en.content.decode()
    assert "<caption" in body and 'scope="col"' in body and 'scope="rowgroup"' in body
    assert "Not scheduled" in body and "Ongoing process" in body
    assert "First line" in body
    assert "style=" not in body  # the Content-Security-Policy would block it
    es = client.get(url("plan_roadmap", "es", code=plan.code)).content.decode()
    assert "Hoja de ruta" in es and "Sin calendarizar" in es and "Proceso continuo" in es
    assert "vencida" in es.lower()


def test_the_shipped_network_plan_has_a_roadmap(client):
    page = client.get(url("plan_roadmap", "en", code="un-rn-2023-2024"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "BP1.6" in body and "Core priorities" in body


@pytest.mark.parametrize(
    "code", ["crm-sp-2023-2026", "crm-lmap-2023-2027", "crm-lmap-2023-2027-op", "crm-sp-2019-2022"]
)
def test_every_shipped_plan_has_a_roadmap_even_without_scheduled_activities(client, code):
    page = client.get(url("plan_roadmap", "es", code=code))
    assert page.status_code == 200


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_members_only_activities_never_reach_lower_roles(cast, canary, who):
    for act in (canary.secret_activity, canary.open_activity):
        act.start_date = dt.date(2023, 3, 1)
        act.end_date = dt.date(2023, 4, 30)
        act.save()
    user = getattr(cast, who)
    roadmap = plan_roadmap(user, canary.public_plan, today=TODAY)
    codes = {r.activity.code for g in roadmap.groups for r in g.rows}
    codes |= {a.code for a, _root in roadmap.unscheduled}
    assert "SA" not in codes and "OA" in codes
    assert ("NA" in codes) == (who != "public")
    page = client_for(user).get(url("plan_roadmap", code=canary.public_plan.code))
    assert page.status_code == 200
    assert "CANARY" not in page.content.decode()


def test_member_countries_see_members_only_activities(cast, canary):
    roadmap = plan_roadmap(cast.focal, canary.public_plan, today=TODAY)
    codes = {a.code for a, _root in roadmap.unscheduled}
    assert {"SA", "OA", "NA"} <= codes
    page = client_for(cast.focal).get(url("plan_roadmap", "en", code=canary.public_plan.code))
    assert "CANARY activity" in page.content.decode()


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_an_invisible_plan_is_not_found(cast, canary, who):
    client = client_for(getattr(cast, who))
    hidden = client.get(url("plan_roadmap", code=canary.closed_plan.code))
    missing = client.get(url("plan_roadmap", code="no-such-plan"))
    assert hidden.status_code == missing.status_code == 404
    assert "CANARY" not in hidden.content.decode()
    assert (
        client_for(cast.focal).get(url("plan_roadmap", code=canary.closed_plan.code)).status_code
        == 200
    )


def test_query_count_does_not_grow_with_the_number_of_activities(cast):
    def build(n: int) -> str:
        plan = PlanFactory()
        line = ElementFactory(plan=plan)
        for i in range(n):
            action = ElementFactory(plan=plan, parent=line, code=f"A{i}")
            ActivityFactory(
                plan=plan,
                element=action,
                code=f"X{i}",
                start_date=dt.date(2023, 1 + i % 12, 1),
                end_date=dt.date(2024, 1 + i % 12, 1),
                visibility=Visibility.PUBLIC,
            )
        ActivityFactory(plan=plan, code="LOOSE")
        return str(plan.code)

    small, large = build(3), build(30)
    client = client_for(cast.observer)
    client.get(url("plan_roadmap", code=small))  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("plan_roadmap", code=small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("plan_roadmap", code=large)).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 8
