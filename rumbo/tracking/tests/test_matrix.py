"""The tracking matrix page: filters, counts, visibility and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Activity, ActivityParty, BudgetLine, PlanElement
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows, status_counts

pytestmark = pytest.mark.django_db


def build_plan(n: int, code: str, **plan_kwargs) -> list[Activity]:
    plan = PlanFactory(code=code, **plan_kwargs)
    pillar = ElementFactory(plan=plan, code="P1")
    topic = ElementFactory(plan=plan, code="P1.T1", parent=pillar)
    lead = Organisation.objects.get(code="PAN")
    out = []
    for i in range(n):
        act: Activity = ActivityFactory.create(
            plan=plan, element=topic, code=f"A{i}", plan_year=1 + i % 3
        )
        ActivityParty.objects.create(activity=act, organisation=lead, role="lead")
        BudgetLine.objects.create(activity=act, amount=1000 + i, currency="USD")
        out.append(act)
    return out


def test_rows_carry_pillar_topic_responsible_and_budget(orgs):
    act = build_plan(1, "m-plan")[0]
    topic = PlanElement.objects.get(plan__code="crm-sp-2023-2026", code="P2.T6")
    act.linked_elements.add(topic)
    row = next(rows(None, matrix_queryset(None, MatrixFilters(plan="m-plan"))))
    assert row.linked == [topic]
    assert row.pillar.code == "P1" and row.topic.code == "P1.T1"
    assert row.responsible_text() == "Panamá"
    assert row.budget_total == 1000 and row.budget_currency == "USD"
    assert row.activity.pk == act.pk


def test_filters_and_counts(orgs, cast):
    acts = build_plan(6, "f-plan")
    Activity.objects.filter(pk=acts[0].pk).update(status="finished")
    Activity.objects.filter(pk=acts[1].pk).update(
        status="in_progress", end_date=dt.date(2020, 1, 1)
    )
    user = cast.secretariat
    assert matrix_queryset(user, MatrixFilters(plan="f-plan")).count() == 6
    assert matrix_queryset(user, MatrixFilters(plan="f-plan", overdue=True)).count() == 1
    assert matrix_queryset(user, MatrixFilters(plan="f-plan", status=["finished"])).count() == 1
    assert matrix_queryset(user, MatrixFilters(plan="f-plan", country="PAN")).count() == 6
    assert matrix_queryset(user, MatrixFilters(plan="f-plan", country="GTM")).count() == 0
    # plan year 1 of a plan starting in 2023 is 2023
    assert matrix_queryset(user, MatrixFilters(plan="f-plan", year=2023)).count() == 2
    counts = status_counts(user, MatrixFilters(plan="f-plan"))
    assert counts["finished"] == 1 and counts["in_progress"] == 1 and counts["not_started"] == 4


def test_the_seeded_network_plan_filters_by_organisation(cast):
    led_by_oit = matrix_queryset(cast.public, MatrixFilters(organisation="OIT"))
    assert {a.code for a in led_by_oit} >= {"BP3.1", "TP2.4"}


def test_matrix_page_hides_members_only_rows(cast, canary):
    for who in ("public", "civil", "observer"):
        page = client_for(getattr(cast, who)).get(url("matrix") + "?plan=public-plan")
        assert page.status_code == 200
        assert "CANARY" not in page.content.decode()
    page = client_for(cast.focal).get(url("matrix") + "?plan=public-plan")
    assert "CANARY" in page.content.decode()


def test_matrix_page_queries_do_not_grow_with_rows(orgs, cast):
    build_plan(5, "small")
    build_plan(80, "large")
    client = client_for(cast.secretariat)
    client.get(url("matrix") + "?plan=small")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("matrix") + "?plan=small&size=100").status_code == 200
    with CaptureQueriesContext(connection) as many:
        page = client.get(url("matrix") + "?plan=large&size=100")
    assert page.status_code == 200 and page.content.decode().count('<th scope="row">') == 80
    assert len(many) == len(few)


def test_matrix_page_in_both_languages_with_status_counts(cast):
    es = client_for(cast.public).get(url("matrix", "es")).content.decode()
    en = client_for(cast.public).get(url("matrix", "en")).content.decode()
    assert "Matriz de seguimiento" in es and "Tracking matrix" in en
    assert "<strong>52</strong> Not reported" in en


def test_members_only_plan_rows_are_not_counted(cast, canary):
    counts = status_counts(cast.observer, MatrixFilters(plan="closed-plan"))
    assert sum(counts.values()) == 0
    assert canary.closed_activity.effective_visibility == Visibility.MEMBERS
