"""What the security review found closed-door content doing, each as a test: a members-only
concept note opened and overwritten by an observer, restricted records shown through the
public records that point at them, a restricted note's content copied into a public
activity, filters that tell hidden records apart from missing ones, and lost updates."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Body
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, ActivityParty, BudgetLine
from rumbo.testing.api import api_for
from rumbo.testing.factories import (
    ActivityFactory,
    BodyFactory,
    ElementFactory,
    OrganisationFactory,
    PlanFactory,
)
from rumbo.testing.http import client_for, url
from rumbo.tracking import services
from rumbo.tracking.models import ConceptNote

pytestmark = pytest.mark.django_db

M = Visibility.MEMBERS
SECRET = "CANARY-MEMBERS"


def text_of(response) -> str:
    """A page or API answer as text; a workbook's cells as text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            return " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return body.decode("utf-8", "replace")


@pytest.fixture
def observer_activity(cast, orgs):
    """An observer-level activity of which the observer's organisation is a party."""
    plan = PlanFactory(code="obs-plan", visibility=Visibility.OBSERVERS)
    activity = ActivityFactory(plan=plan, code="OBS1", visibility=Visibility.OBSERVERS)
    ActivityParty.objects.create(activity=activity, organisation=orgs.oim, role="lead")
    return activity


@pytest.fixture
def members_note(cast, observer_activity):
    return services.concept_note_save(
        actor=cast.secretariat,
        activity=observer_activity,
        data={"objective_es": f"{SECRET} objetivo", "visibility": M},
    )


# 1. The concept-note edit page -----------------------------------------------------------


def test_an_observer_cannot_open_a_members_only_note_to_edit_it(cast, members_note):
    client = client_for(cast.observer)
    edit = url("concept_note_edit", pk=members_note.activity_id)
    page = client.get(edit)
    assert page.status_code == 404
    assert SECRET not in text_of(page)
    posted = client.post(edit, {"objective_es": "overwritten", "visibility": "0"})
    assert posted.status_code == 404
    members_note.refresh_from_db()
    assert members_note.objective_es.startswith(SECRET)
    assert members_note.visibility == M


def test_the_note_page_shows_nothing_of_a_hidden_note(cast, members_note, observer_activity):
    other = ActivityFactory(plan=observer_activity.plan, code="OBS2", visibility=Visibility.PUBLIC)
    client = client_for(cast.observer)
    hidden = client.get(url("concept_note", pk=observer_activity.pk))
    missing = client.get(url("concept_note", pk=other.pk))
    assert hidden.status_code == missing.status_code == 200
    assert SECRET not in text_of(hidden)


def test_the_api_refuses_a_hidden_note_without_saying_it_exists(cast, members_note):
    answer = api_for(cast.observer).post(
        "/api/v1/concept-notes/",
        {"activity": members_note.activity_id, "objective_es": "x"},
        format="json",
    )
    assert answer.status_code == 403
    assert "concept note" not in answer.content.decode().lower()
    assert "nota conceptual" not in answer.content.decode().lower()


def test_the_service_refuses_to_overwrite_a_note_its_actor_cannot_read(cast, members_note):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.concept_note_save(
            actor=cast.observer,
            activity=members_note.activity,
            data={"objective_es": "x"},
            expected_version=members_note.version,
        )


# 2. Restricted records through public ones ----------------------------------------------


@pytest.fixture
def linked(cast, orgs, bodies):
    """Public records pointing at members-only ones, every kind of link the review named."""
    hidden_org = OrganisationFactory(
        code="HIDDEN-ORG", name_es=f"{SECRET} org", name_en=f"{SECRET} org", visibility=M
    )
    hidden_body = BodyFactory(
        code="HIDDEN-WG", name_es=f"{SECRET} grupo", name_en=f"{SECRET} group", visibility=M
    )
    hidden_plan = PlanFactory(
        code="hidden-parent", title_es=f"{SECRET} plan", title_en=f"{SECRET} plan", visibility=M
    )
    plan = PlanFactory(
        code="open-child",
        parent=hidden_plan,
        owner_body=hidden_body,
        owner_organisation=hidden_org,
    )
    strategic = PlanFactory(code="open-strategic")
    hidden_topic = ElementFactory(
        plan=strategic,
        code="HT",
        title_es=f"{SECRET} tema",
        title_en=f"{SECRET} topic",
        visibility=M,
    )
    activity = ActivityFactory(plan=plan, code="PUB1", working_group=hidden_body)
    activity.linked_elements.add(hidden_topic)
    BudgetLine.objects.create(activity=activity, amount=Decimal(100), funder=hidden_org)
    public_body = BodyFactory(code="OPEN-BODY", kind=Body.Kind.GRCM)
    public_body.members.add(hidden_org, orgs.gtm)
    return plan, activity, public_body


def test_pages_show_no_restricted_linked_record(cast, linked):
    plan, activity, _body = linked
    for who in (cast.public, cast.civil, cast.observer):
        client = client_for(who)
        for page in (
            url("home"),
            url("plan_list"),
            url("plan_detail", code=plan.code),
            url("activity_detail", pk=activity.pk),
            url("body_list"),
            url("matrix"),
        ):
            response = client.get(page)
            assert response.status_code == 200, page
            assert SECRET not in text_of(response), (who, page)
    focal = client_for(cast.focal)
    assert SECRET in text_of(focal.get(url("plan_detail", code=plan.code)))
    assert SECRET in text_of(focal.get(url("activity_detail", pk=activity.pk)))
    assert SECRET in text_of(focal.get(url("body_list")))


def test_the_api_shows_no_restricted_linked_record(cast, linked):
    plan, activity, _body = linked
    for who in (cast.public, cast.civil, cast.observer):
        api = api_for(who)
        detail = api.get(f"/api/v1/plans/{plan.code}/").json()
        assert detail["parent"] is None and detail["owner_body"] is None
        assert detail["owner_organisation"] is None
        row = api.get(f"/api/v1/activities/{activity.pk}/").json()
        assert row["working_group"] is None
        assert row["budget_lines"][0]["funder"] is None
        for path in ("/api/v1/plans/", "/api/v1/activities/", f"/api/v1/matrix/{activity.pk}/"):
            assert "HIDDEN" not in text_of(api.get(path)), (who, path)
    row = api_for(cast.focal).get(f"/api/v1/activities/{activity.pk}/").json()
    assert row["working_group"] == "HIDDEN-WG"


def test_a_members_only_reason_is_not_copied_into_a_public_history(cast, canary):
    activity = canary.open_activity
    services.progress_update_create(
        actor=cast.secretariat,
        activity=activity,
        data={
            "date": dt.date(2024, 1, 10),
            "text_es": "avance",
            "new_status": "in_progress",
            "visibility": M,
        },
        status_reason=f"{SECRET} razón",
    )
    page = url("activity_detail", pk=activity.pk)
    assert SECRET not in text_of(client_for(cast.observer).get(page))
    assert SECRET in text_of(client_for(cast.focal).get(page))


# 3. Content copied from a restricted note into a public activity --------------------------


def approve_members_note(cast, orgs, activity):
    note = services.concept_note_save(
        actor=cast.secretariat,
        activity=activity,
        data={
            "objective_es": "o",
            "justification_es": "j",
            "expected_results_es": "r",
            "indicators_es": f"{SECRET} indicador",
            "participants_es": "p",
            "modality": "virtual",
            "start_date": dt.date(2031, 3, 4),
            "place_es": "Virtual",
            "budget_amount": Decimal("987654.32"),
            "funding_source_es": f"{SECRET} fondo",
            "lead_organisations": [orgs.gtm],
            "assumptions_risks_es": f"{SECRET} supuesto",
            "visibility": M,
        },
    )
    note = services.concept_note_submit(actor=cast.secretariat, note=note)
    return services.concept_note_approve(actor=cast.secretariat, note=note)


def test_an_approved_members_note_keeps_its_level_in_a_public_activity(cast, orgs, canary):
    activity = canary.open_activity
    approve_members_note(cast, orgs, activity)
    pages = [
        url("activity_detail", pk=activity.pk),
        url("matrix"),
        url("matrix_export"),
        f"/api/v1/activities/{activity.pk}/",
        f"/api/v1/matrix/{activity.pk}/",
        "/api/v1/matrix/",
    ]
    for who in (cast.public, cast.civil, cast.observer):
        client = client_for(who)
        for page in pages:
            body = text_of(client.get(page))
            assert SECRET not in body, (who, page)
            assert "987654" not in body.replace(".", "").replace(",", ""), (who, page)
            assert "2031-03-04" not in body and "04/03/2031" not in body, (who, page)
    focal = client_for(cast.focal)
    assert SECRET in text_of(focal.get(url("activity_detail", pk=activity.pk)))
    assert SECRET in text_of(focal.get(f"/api/v1/matrix/{activity.pk}/"))


def test_below_the_note_s_level_the_activity_keeps_its_own_parties_and_budget(cast, orgs, canary):
    activity = canary.open_activity
    activity.indicators_es = "Indicador público"
    activity.save()
    plan_services.activity_update(
        actor=cast.secretariat,
        activity=activity,
        data={},
        expected_version=activity.version,
        parties=[{"organisation": orgs.pan, "role": "lead"}],
        budget_lines=[{"amount": Decimal("100"), "currency": "USD", "source": "Fondo público"}],
    )
    approve_members_note(cast, orgs, activity)
    public = api_for(cast.public).get(f"/api/v1/activities/{activity.pk}/").json()
    assert [p["organisation"] for p in public["parties"]] == ["PAN"]
    assert [b["source"] for b in public["budget_lines"]] == ["Fondo público"]
    assert public["indicators_es"] == "Indicador público"
    row = api_for(cast.public).get(f"/api/v1/matrix/{activity.pk}/").json()
    assert row["leads"] == ["PAN"]
    members = api_for(cast.focal).get(f"/api/v1/activities/{activity.pk}/").json()
    assert [p["organisation"] for p in members["parties"]] == ["GTM"]
    assert [b["amount"] for b in members["budget_lines"]] == ["987654.32"]
    assert members["indicators_es"].startswith(SECRET)
    # An editor who redefines the parties makes them the activity's own, for everyone.
    activity.refresh_from_db()
    plan_services.activity_update(
        actor=cast.secretariat,
        activity=activity,
        data={},
        expected_version=activity.version,
        parties=[{"organisation": orgs.mex, "role": "lead"}],
    )
    public = api_for(cast.public).get(f"/api/v1/activities/{activity.pk}/").json()
    assert [p["organisation"] for p in public["parties"]] == ["MEX"]


def test_an_editor_who_retypes_a_copied_field_makes_it_the_activity_s_own(cast, orgs, canary):
    activity = canary.open_activity
    approve_members_note(cast, orgs, activity)
    activity.refresh_from_db()
    assert activity.note_visibility == M and "indicators" in activity.note_fields
    plan_services.activity_update(
        actor=cast.secretariat,
        activity=activity,
        data={"indicators_es": "Número de talleres"},
        expected_version=activity.version,
    )
    activity.refresh_from_db()
    assert "indicators" not in activity.note_fields
    assert "Número de talleres" in text_of(
        client_for(cast.public).get(url("activity_detail", pk=activity.pk))
    )


def test_a_new_note_is_as_visible_as_its_activity(cast, canary):
    note = services.concept_note_save(
        actor=cast.secretariat, activity=canary.network_activity, data={"objective_es": "x"}
    )
    assert note.visibility == Visibility.NETWORK


def test_a_draft_is_read_by_its_authors_and_the_secretariat_only(cast, orgs, canary):
    activity = canary.open_activity
    ActivityParty.objects.create(activity=activity, organisation=orgs.gtm, role="lead")
    note = services.concept_note_save(
        actor=cast.focal, activity=activity, data={"objective_es": f"{SECRET} borrador"}
    )
    assert note.visibility == Visibility.PUBLIC
    page = url("concept_note", pk=activity.pk)
    for who in (cast.public, cast.observer, cast.ppt):
        assert SECRET not in text_of(client_for(who).get(page)), who
        assert SECRET not in text_of(api_for(who).get("/api/v1/concept-notes/")), who
    for who in (cast.focal, cast.secretariat):
        assert SECRET in text_of(client_for(who).get(page)), who


# 4. Filters as oracles ----------------------------------------------------------------------


def test_matrix_filters_treat_hidden_records_as_missing(cast, linked):
    _plan, activity, _body = linked
    hidden_topic = activity.linked_elements.get()
    hidden_org = BudgetLine.objects.get(activity=activity).funder
    ActivityParty.objects.create(activity=activity, organisation=hidden_org, role="lead")
    pairs = [
        ("organisation", hidden_org.code, "NO-SUCH-ORG"),
        ("country", hidden_org.code, "NO-SUCH-ORG"),
        ("working_group", "HIDDEN-WG", "NO-SUCH-WG"),
        ("topic", str(hidden_topic.pk), "987654321"),
        ("pillar", str(hidden_topic.pk), "987654321"),
        ("plan", "hidden-parent", "no-such-plan"),
    ]
    for who in (cast.public, cast.civil, cast.observer):
        api = api_for(who)
        for name, hidden, missing in pairs:
            a = api.get("/api/v1/matrix/", {name: hidden}).json()
            b = api.get("/api/v1/matrix/", {name: missing}).json()
            assert a == b, (who, name)
            page_a = client_for(who).get(url("matrix"), {name: hidden})
            page_b = client_for(who).get(url("matrix"), {name: missing})
            assert page_a.context["page"].paginator.count == 0, (who, name)
            assert page_a.context["counts"] == page_b.context["counts"], (who, name)
    # Members, who may see them, still filter by them.
    assert (
        api_for(cast.focal).get("/api/v1/matrix/", {"working_group": "HIDDEN-WG"}).json()["count"]
        == 1
    )


# 5. Lost updates ----------------------------------------------------------------------------


def test_the_note_api_requires_and_checks_the_version(cast, orgs, canary):
    activity = canary.open_activity
    note = services.concept_note_save(
        actor=cast.secretariat, activity=activity, data={"objective_es": "uno"}
    )
    api = api_for(cast.secretariat)
    blind = api.patch(f"/api/v1/concept-notes/{note.pk}/", {"objective_es": "dos"}, format="json")
    assert blind.status_code == 400 and "version" in blind.json()
    ok = api.patch(
        f"/api/v1/concept-notes/{note.pk}/",
        {"objective_es": "dos", "version": note.version},
        format="json",
    )
    assert ok.status_code == 200
    stale = api.patch(
        f"/api/v1/concept-notes/{note.pk}/",
        {"objective_es": "tres", "version": note.version},
        format="json",
    )
    assert stale.status_code == 409
    note.refresh_from_db()
    assert note.objective_es == "dos"


@pytest.mark.parametrize(
    "name,kwargs",
    [("plan_edit", "plan"), ("activity_edit", "activity"), ("concept_note_edit", "note")],
)
def test_an_edit_form_posted_without_its_version_is_refused(cast, orgs, canary, name, kwargs):
    activity = canary.open_activity
    services.concept_note_save(
        actor=cast.secretariat, activity=activity, data={"objective_es": "uno"}
    )
    target = url(name, code=activity.plan.code) if kwargs == "plan" else url(name, pk=activity.pk)
    client = client_for(cast.secretariat)
    form = client.get(target).context["form"]
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and not isinstance(v, list | tuple) and k != "version"
    }
    before = Activity.objects.get(pk=activity.pk).version
    response = client.post(target, data)
    assert response.status_code == 200
    assert "version" in response.context["form"].errors
    assert Activity.objects.get(pk=activity.pk).version == before
    assert ConceptNote.objects.get(activity=activity).version == 1
