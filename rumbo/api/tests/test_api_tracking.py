"""Follow-up over the API: same permissions, validation, conflicts and audit as the pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.models import AuditEvent
from rumbo.plans.models import Activity
from rumbo.testing.api import api_for, conforms
from rumbo.testing.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def activity(bodies):
    return ActivityFactory(plan=PlanFactory(owner_body=bodies.wg_lab), code="A1")


def test_schema_generation_has_no_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_matrix_rows_conform_and_honour_visibility(schema, cast, canary):
    listing = api_for(cast.observer).get("/api/v1/matrix/?plan=public-plan").json()
    conforms(schema, "PaginatedMatrixRowList", listing)
    assert "CANARY" not in str(listing)
    assert listing["count"] == 2
    members = api_for(cast.focal).get("/api/v1/matrix/?plan=public-plan").json()
    assert members["count"] == 3
    network = api_for(cast.public).get("/api/v1/matrix/?plan=un-rn-2023-2024&limit=5").json()
    assert network["count"] == 26 and len(network["results"]) == 5
    assert network["results"][0]["leads"]


def test_patch_a_matrix_row_with_version_and_conflict(schema, cast, activity):
    client = api_for(cast.wg)
    response = client.patch(
        f"/api/v1/matrix/{activity.pk}/",
        {"version": activity.version, "assumptions_risks_es": "Sin fondos", "plan_year": 2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    conforms(schema, "MatrixRow", response.json())
    assert response.json()["version"] == activity.version + 1
    stale = client.patch(
        f"/api/v1/matrix/{activity.pk}/",
        {"version": activity.version, "assumptions_risks_es": "Otra cosa"},
        format="json",
    )
    assert stale.status_code == 409
    assert Activity.objects.get(pk=activity.pk).assumptions_risks_es == "Sin fondos"
    assert AuditEvent.objects.for_object(activity).count() == 1


def test_patch_validation_and_permissions(cast, activity, canary):
    bad = api_for(cast.wg).patch(
        f"/api/v1/matrix/{activity.pk}/", {"version": 1, "status": "in_progress"}, format="json"
    )
    assert bad.status_code == 400 and "status" in bad.json()
    assert (
        api_for(cast.observer)
        .patch(f"/api/v1/matrix/{activity.pk}/", {"version": 1}, format="json")
        .status_code
        == 403
    )
    assert api_for(cast.public).patch(
        f"/api/v1/matrix/{activity.pk}/", {"version": 1}, format="json"
    ).status_code in (401, 403)
    assert (
        api_for(cast.observer)
        .patch(f"/api/v1/matrix/{canary.secret_activity.pk}/", {"version": 1}, format="json")
        .status_code
        == 404
    )


def test_concept_note_workflow_over_the_api(schema, cast, orgs, activity):
    client = api_for(cast.wg)
    created = client.post(
        "/api/v1/concept-notes/",
        {"activity": activity.pk, "objective_es": "Intercambio", "lead_organisations": ["PAN"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    note = created.json()
    conforms(schema, "ConceptNote", note)
    assert "justification" in note["missing"]
    refused = client.post(f"/api/v1/concept-notes/{note['id']}/submit/")
    assert refused.status_code == 400
    client.patch(
        f"/api/v1/concept-notes/{note['id']}/",
        {
            "justification_es": "Mandato",
            "expected_results_es": "Hoja de ruta",
            "indicators_es": "Número de países",
            "participants_es": "Puntos focales",
            "modality": "virtual",
            "start_date": "2024-06-01",
            "place_es": "Virtual",
            "funding_source_es": "SE",
            "version": note["version"],
        },
        format="json",
    )
    assert client.post(f"/api/v1/concept-notes/{note['id']}/submit/").status_code == 200
    assert client.post(f"/api/v1/concept-notes/{note['id']}/approve/").status_code == 403
    approved = api_for(cast.secretariat).post(f"/api/v1/concept-notes/{note['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    row = api_for(cast.wg).get(f"/api/v1/matrix/{activity.pk}/").json()
    assert row["indicators_es"] == "Número de países" and row["leads"] == ["PAN"]


def test_progress_updates_with_status_over_the_api(schema, cast, activity, canary):
    client = api_for(cast.secretariat)
    response = client.post(
        "/api/v1/progress-updates/",
        {
            "activity": activity.pk,
            "date": "2024-06-02",
            "text_es": "Reunión realizada",
            "new_status": "finished",
            "status_reason": "Acta disponible",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    conforms(schema, "ProgressUpdate", response.json())
    assert Activity.objects.get(pk=activity.pk).status == "finished"
    listing = api_for(cast.public).get(f"/api/v1/progress-updates/?activity={activity.pk}").json()
    assert listing["count"] == 1
    denied = api_for(cast.observer).post(
        "/api/v1/progress-updates/",
        {"activity": activity.pk, "date": "2024-06-02", "text_es": "x"},
        format="json",
    )
    assert denied.status_code == 403
    hidden = api_for(cast.observer).post(
        "/api/v1/progress-updates/",
        {"activity": canary.secret_activity.pk, "date": "2024-06-02", "text_es": "x"},
        format="json",
    )
    assert hidden.status_code == 400  # an invisible activity is not a valid choice
