"""Concept notes: drafted, submitted, returned or approved, and approval fills the matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rumbo.core.models import AuditEvent
from rumbo.plans import services as plan_services
from rumbo.plans.models import Activity, StatusChange
from rumbo.testing.factories import ActivityFactory, PlanFactory
from rumbo.tracking import services
from rumbo.tracking.models import ConceptNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(bodies):
    return ActivityFactory(plan=PlanFactory(owner_body=bodies.wg_lab), code="A1")


def complete(orgs) -> dict:
    return {
        "objective_es": "Intercambiar buenas prácticas",
        "justification_es": "Mandato del GRCM",
        "expected_results_es": "Hoja de ruta consensuada",
        "indicators_es": "Número de hojas de ruta consensuadas",
        "participants_es": "Puntos focales de los países miembros",
        "modality": "hybrid",
        "start_date": dt.date(2024, 5, 6),
        "end_date": dt.date(2024, 5, 7),
        "place_es": "Ciudad de Panamá",
        "budget_amount": Decimal("15000"),
        "currency": "USD",
        "funding_source_es": "OIM",
        "lead_organisations": [orgs.pan],
        "accompanying_organisations": [orgs.oim],
        "assumptions_risks_es": "Disponibilidad de vuelos",
    }


def test_an_incomplete_note_lists_what_is_missing(cast, activity):
    note = services.concept_note_save(
        actor=cast.wg, activity=activity, data={"objective_es": "Algo"}
    )
    assert services.missing_fields(note)[:2] == ["justification", "expected_results"]
    assert "objective" not in services.missing_fields(note)
    with translation.override("en"), pytest.raises(ValidationError) as err:
        services.concept_note_submit(actor=cast.wg, note=note)
    message = " ".join(err.value.messages)
    assert "justification" in message and "lead organisations" in message
    with translation.override("es"), pytest.raises(ValidationError) as err:
        services.concept_note_submit(actor=cast.wg, note=note)
    assert "justificación" in " ".join(err.value.messages)
    note.refresh_from_db()
    assert note.status == "draft"


def test_submit_return_resubmit_approve_fills_the_activity(cast, orgs, activity):
    note = services.concept_note_save(actor=cast.wg, activity=activity, data=complete(orgs))
    note = services.concept_note_submit(actor=cast.wg, note=note)
    assert note.status == "submitted"
    with pytest.raises(ValidationError):
        services.concept_note_save(actor=cast.wg, activity=activity, data={"place_es": "X"})
    with pytest.raises(PermissionDenied):
        services.concept_note_approve(actor=cast.wg, note=note)
    note = services.concept_note_return(
        actor=cast.secretariat, note=note, comments="Precise la agenda"
    )
    assert note.status == "returned" and note.review_comments_es == "Precise la agenda"
    note = services.concept_note_save(
        actor=cast.wg,
        activity=activity,
        data={"place_es": "Ciudad de Panamá, Panamá"},
        expected_version=note.version,
    )
    note = services.concept_note_submit(actor=cast.wg, note=note)
    note = services.concept_note_approve(actor=cast.ppt, note=note)
    assert note.status == "approved" and note.decided_by == cast.ppt

    activity.refresh_from_db()
    assert activity.start_date == dt.date(2024, 5, 6)
    assert activity.assumptions_risks_es == "Disponibilidad de vuelos"
    assert [(p.organisation.code, p.role) for p in activity.parties.all()] == [
        ("PAN", "lead"),
        ("OIM", "accompanying"),
    ]
    assert activity.budget_lines.get().amount == Decimal("15000")
    actions = list(
        AuditEvent.objects.for_object(note).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]


def test_no_start_without_an_approved_note(cast, orgs, activity):
    with pytest.raises(ValidationError) as err:
        plan_services.activity_update(
            actor=cast.wg,
            activity=activity,
            data={"status": "in_progress"},
            expected_version=None,
        )
    assert "status" in err.value.message_dict
    # a member of the group cannot override; the secretariat can, saying why
    with pytest.raises(ValidationError):
        plan_services.activity_update(
            actor=cast.wg,
            activity=activity,
            data={"status": "in_progress"},
            expected_version=None,
            status_reason="urgente",
        )
    plan_services.activity_update(
        actor=cast.secretariat,
        activity=activity,
        data={"status": "in_progress"},
        expected_version=None,
        status_reason="Acordado por la Troika",
    )
    change = StatusChange.objects.get(activity=activity)
    assert (change.old_status, change.new_status) == ("not_started", "in_progress")
    assert change.reason == "Acordado por la Troika" and change.actor == cast.secretariat


def test_with_an_approved_note_the_group_starts_its_activity(cast, orgs, activity):
    note = services.concept_note_save(actor=cast.wg, activity=activity, data=complete(orgs))
    services.concept_note_approve(
        actor=cast.secretariat, note=services.concept_note_submit(actor=cast.wg, note=note)
    )
    update = services.progress_update_create(
        actor=cast.wg,
        activity=Activity.objects.get(pk=activity.pk),
        data={"date": dt.date(2024, 5, 7), "text_es": "Taller realizado", "new_status": "finished"},
    )
    activity.refresh_from_db()
    assert activity.status == "finished"
    assert update.text_es == "Taller realizado"
    assert StatusChange.objects.filter(activity=activity, new_status="finished").exists()


def test_note_visibility_follows_the_activity(cast, canary):
    note = ConceptNote.objects.create(activity=canary.secret_activity, visibility=0)
    assert not ConceptNote.objects.visible_to(cast.observer).filter(pk=note.pk).exists()
    assert ConceptNote.objects.visible_to(cast.focal).filter(pk=note.pk).exists()
