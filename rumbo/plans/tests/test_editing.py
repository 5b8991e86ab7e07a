"""Changing plans, elements and activities through the pages: who may, what is kept."""

from __future__ import annotations

import pytest

from rumbo.core.models import AuditEvent
from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Body
from rumbo.plans.models import Activity, Plan, PlanElement
from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def wg_plan(bodies):
    plan = PlanFactory(code="wg-lab-plan", owner_body=bodies.wg_lab)
    element = ElementFactory(plan=plan, code="L1")
    activity = ActivityFactory(plan=plan, element=element, code="A1")
    return plan, element, activity


def mutating_urls(plan, element, activity) -> list[str]:
    return [
        url("plan_edit", code=plan.code),
        url("element_create", code=plan.code),
        url("element_edit", pk=element.pk),
        url("activity_create", code=plan.code),
        url("activity_edit", pk=activity.pk),
    ]


def test_it_requires_login(cast, wg_plan):
    client = client_for(cast.public)
    for page in [*mutating_urls(*wg_plan), url("plan_create")]:
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"], page


@pytest.mark.parametrize("who", ["civil", "observer", "focal", "ppt"])
def test_it_requires_an_editing_role(cast, wg_plan, who):
    client = client_for(getattr(cast, who))
    for page in [*mutating_urls(*wg_plan), url("plan_create")]:
        assert client.get(page).status_code == 403, page
        assert client.post(page, {}).status_code == 403, page


def test_working_group_members_edit_their_groups_plan_only(cast, wg_plan, bodies):
    client = client_for(cast.wg)
    for page in mutating_urls(*wg_plan):
        assert client.get(page).status_code == 200, page
    other = PlanFactory(code="protection-plan", owner_body=bodies.wg_prot)
    assert client.get(url("plan_edit", code=other.code)).status_code == 403
    assert client.get(url("plan_create")).status_code == 403


def test_ppt_edits_its_own_annual_plan(cast, bodies):
    own = PlanFactory(code="ppt-2023", kind=Plan.Kind.PPT_ANNUAL, owner_body=bodies.ppt)
    assert client_for(cast.ppt).get(url("plan_edit", code=own.code)).status_code == 200
    assert client_for(cast.focal).get(url("plan_edit", code=own.code)).status_code == 403


def test_editing_an_invisible_record_is_a_404_not_a_403(cast, canary):
    client = client_for(cast.observer)
    assert client.get(url("plan_edit", code=canary.closed_plan.code)).status_code == 404
    assert client.get(url("activity_edit", pk=canary.secret_activity.pk)).status_code == 404


def plan_form(**overrides) -> dict:
    data = {
        "code": "ppt-2024",
        "kind": "ppt_annual",
        "title_es": "Plan de trabajo de la PPT 2024",
        "title_en": "PPT 2024 work plan",
        "period_start": "2024",
        "period_end": "2024",
        "document_version": "1",
        "status": "draft",
        "visibility": str(Visibility.MEMBERS),
        "levels": "Eje | Axis\nActividad | Activity",
    }
    data.update(overrides)
    return data


def test_secretariat_creates_and_edits_a_plan_with_an_audit_trail(cast):
    client = client_for(cast.secretariat)
    response = client.post(url("plan_create"), plan_form())
    assert response.status_code == 302
    plan = Plan.objects.get(code="ppt-2024")
    assert plan.levels == [{"es": "Eje", "en": "Axis"}, {"es": "Actividad", "en": "Activity"}]
    response = client.post(
        url("plan_edit", code=plan.code),
        plan_form(status="consultation", version=str(plan.version), levels="Eje | Axis"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "consultation" and plan.version == 2
    events = list(AuditEvent.objects.for_object(plan).order_by("at", "id"))
    assert [e.action for e in events] == ["create", "status"]
    assert events[1].changes["status"] == {"old": "draft", "new": "consultation"}
    history = client.get(url("record_history", kind="plan", pk=plan.pk)).content.decode()
    assert "En consulta" in history and "Borrador" in history and "se" in history


def test_history_is_for_the_secretariat_only(cast, wg_plan):
    plan = wg_plan[0]
    assert (
        client_for(cast.focal).get(url("record_history", kind="plan", pk=plan.pk)).status_code
        == 403
    )
    assert (
        client_for(cast.secretariat).get(url("record_history", kind="plan", pk=plan.pk)).status_code
        == 200
    )


def test_bad_input_gets_translated_field_errors_and_nothing_is_saved(cast):
    client = client_for(cast.secretariat)
    response = client.post(url("plan_create", "es"), plan_form(period_start="2025", title_es=""))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'href="#id_title_es"' in page and 'href="#id_period_end"' in page
    assert "El último año no puede ser anterior al primer año." in page
    assert "Título (Español)" in page and "Este campo es" in page
    assert not Plan.objects.filter(code="ppt-2024").exists()


def test_a_stale_form_is_a_conflict_not_an_overwrite(cast):
    client = client_for(cast.secretariat)
    client.post(url("plan_create"), plan_form())
    plan = Plan.objects.get(code="ppt-2024")
    first = client.post(url("plan_edit", code=plan.code), plan_form(title_es="A", version="1"))
    assert first.status_code == 302
    second = client.post(url("plan_edit", code=plan.code), plan_form(title_es="B", version="1"))
    assert second.status_code == 200
    assert "Otra persona modificó" in second.content.decode()
    plan.refresh_from_db()
    assert plan.title_es == "A"


def activity_form(plan: Plan, element: PlanElement, **overrides) -> dict:
    data = {
        "element": str(element.pk),
        "code": "A9",
        "title_es": "Taller regional",
        "title_en": "Regional workshop",
        "start_date": "2024-03-01",
        "end_date": "2024-03-02",
        "term": "short",
        "plan_year": "1",
        "recurrence_es": "Trimestral",
        "status": "not_started",
        "visibility": "0",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": "",
        "parties-0-role": "lead",
        "parties-1-organisation": "",
        "parties-1-role": "accompanying",
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-0-amount": "12500,50",
        "budget-0-currency": "USD",
        "budget-0-source": "Fondo regional",
        "budget-0-committed": "10000",
        "budget-0-spent": "0",
    }
    data.update(overrides)
    return data


def test_secretariat_records_an_activity_with_parties_schedule_and_budget(cast, orgs, wg_plan):
    plan, element, _ = wg_plan
    client = client_for(cast.secretariat)
    strategic_topic = PlanElement.objects.get(plan__code="crm-sp-2023-2026", code="P2.T1")
    form = activity_form(
        plan,
        element,
        **{
            "parties-0-organisation": str(orgs.pan.pk),
            "parties-1-organisation": str(orgs.oim.pk),
            "linked_elements": [str(strategic_topic.pk)],
            "gcm_objectives": ["6", "18"],
        },
    )
    response = client.post(url("activity_create", code=plan.code), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(plan=plan, code="A9")
    assert [(p.organisation.code, p.role) for p in activity.parties.all()] == [
        ("PAN", "lead"),
        ("OIM", "accompanying"),
    ]
    line = activity.budget_lines.get()
    assert str(line.amount) == "12500.50" and line.currency == "USD"
    assert list(activity.linked_elements.all()) == [strategic_topic]
    assert sorted(activity.gcm_objectives.values_list("number", flat=True)) == [6, 18]
    events = AuditEvent.objects.for_object(activity)
    assert events.filter(action="create").exists()
    assert events.filter(changes__has_key="responsible_parties").exists()
    detail = client.get(url("activity_detail", pk=activity.pk)).content.decode()
    assert "Taller regional" in detail and "12\xa0500,50" in detail


def test_a_bad_budget_row_saves_nothing(cast, wg_plan):
    plan, element, _ = wg_plan
    client = client_for(cast.secretariat)
    form = activity_form(plan, element, **{"budget-0-amount": "100", "budget-0-spent": "500"})
    response = client.post(url("activity_create", code=plan.code), form)
    assert response.status_code == 200
    assert "no puede superar" in response.content.decode()
    assert not Activity.objects.filter(plan=plan, code="A9").exists()


def test_a_plan_year_beyond_the_plan_is_refused(cast, wg_plan):
    plan, element, _ = wg_plan
    client = client_for(cast.secretariat)
    response = client.post(
        url("activity_create", code=plan.code), activity_form(plan, element, plan_year="7")
    )
    assert response.status_code == 200
    assert not Activity.objects.filter(plan=plan, code="A9").exists()


def test_making_an_element_members_only_hides_what_hangs_from_it(cast, wg_plan):
    _plan, element, activity = wg_plan
    client = client_for(cast.secretariat)
    data = {
        "code": element.code,
        "order": "0",
        "title_es": element.title_es,
        "title_en": element.title_en,
        "visibility": str(Visibility.MEMBERS),
        "version": str(element.version),
    }
    assert client.post(url("element_edit", pk=element.pk), data).status_code == 302
    activity.refresh_from_db()
    assert activity.effective_visibility == Visibility.MEMBERS
    assert client_for(cast.observer).get(url("activity_detail", pk=activity.pk)).status_code == 404


def test_body_kinds_used_by_permissions_exist():
    assert {Body.Kind.WORKING_GROUP, Body.Kind.PPT} <= set(Body.Kind.values)


def test_dates_in_the_wrong_order_are_refused_on_the_field(cast, wg_plan):
    plan, element, _ = wg_plan
    client = client_for(cast.secretariat)
    response = client.post(
        url("activity_create", code=plan.code),
        activity_form(plan, element, start_date="2024-03-01", end_date="2020-01-01"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_end_date"' in page
    assert "La fecha de finalización no puede ser anterior a la fecha de inicio." in page


@pytest.mark.parametrize("lang", ["es", "en"])
def test_approved_comes_from_the_member_countries_not_from_the_form(cast, lang):
    """A plan's status follows from its approvals: setting "approved" by hand is refused on
    the status field (the plan is put to the member countries instead); a plan already
    approved keeps its status when edited."""
    client = client_for(cast.secretariat)
    client.post(url("plan_create"), plan_form())
    plan = Plan.objects.get(code="ppt-2024")
    response = client.post(
        url("plan_edit", lang, code=plan.code),
        plan_form(status="approved", version=str(plan.version), levels="Eje | Axis"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    said = {
        "es": "Un plan queda aprobado cuando sus países miembros lo aprueban",
        "en": "A plan becomes approved when its member countries approve it",
    }[lang]
    assert said in page and 'href="#id_status"' in page
    plan.refresh_from_db()
    assert plan.status == "draft"
    Plan.objects.filter(pk=plan.pk).update(status="approved")  # as approval would leave it
    plan.refresh_from_db()
    response = client.post(
        url("plan_edit", lang, code=plan.code),
        plan_form(status="approved", version=str(plan.version), levels="Eje | Axis", title_en="T"),
    )
    assert response.status_code == 302
    created = client.post(url("plan_create"), plan_form(code="ppt-2025", status="approved"))
    assert created.status_code == 200 and not Plan.objects.filter(code="ppt-2025").exists()
