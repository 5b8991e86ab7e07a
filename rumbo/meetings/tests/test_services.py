"""Recording meetings: who may, version checks, audit, documents."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.meetings import services
from rumbo.meetings.access import can_manage_meetings
from rumbo.meetings.models import Meeting
from rumbo.organisations.models import Body
from rumbo.testing.factories import BodyFactory
from rumbo.testing.http import client_for, url

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _create(actor, body, **extra):
    return services.meeting_create(actor=actor, data={"body": body, "title_es": "Reunión", **extra})


def test_a_focal_point_records_meetings_only_of_bodies_their_country_is_in(cast, orgs):
    theirs = BodyFactory(code="WG-GTM", kind=Body.Kind.AD_HOC_GROUP)
    theirs.members.add(orgs.gtm)
    others = BodyFactory(code="WG-OTHER", kind=Body.Kind.AD_HOC_GROUP)
    assert _create(cast.focal, theirs).body == theirs
    with pytest.raises(PermissionDenied):
        _create(cast.focal, others)
    assert not Meeting.objects.filter(body=others).exists()


def test_a_working_group_member_records_their_group_only(cast, bodies):
    assert _create(cast.wg, bodies.wg_lab).body == bodies.wg_lab
    with pytest.raises(PermissionDenied):
        _create(cast.wg, bodies.wg_prot)


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_observers_civil_society_and_visitors_record_no_meeting(cast, bodies, who):
    user = getattr(cast, who)
    assert not can_manage_meetings(user, bodies.wg_lab)
    with pytest.raises(PermissionDenied):
        _create(user, bodies.wg_lab)


@pytest.mark.parametrize("who", ["civil", "observer"])
def test_the_form_refuses_observers_and_civil_society(cast, bodies, who):
    client = client_for(getattr(cast, who))
    assert client.get(url("meeting_create")).status_code == 403
    meeting = MeetingFactory(body=bodies.wg_lab)
    assert client.get(url("meeting_edit", pk=meeting.pk)).status_code == 403
    response = client.post(url("meeting_edit", pk=meeting.pk), {"title_es": "Cambiada"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title_es != "Cambiada"


def test_a_focal_point_cannot_post_a_meeting_of_a_body_they_are_not_in(cast, bodies):
    client = client_for(cast.focal)
    response = client.post(
        url("meeting_create"),
        {
            "body": bodies.wg_prot.pk,
            "kind": "meeting",
            "title_es": "Intrusa",
            "status": "planned",
            "start_precision": "day",
            "end_precision": "day",
            "visibility": 0,
            "participants-TOTAL_FORMS": 0,
            "participants-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert not Meeting.objects.filter(title_es="Intrusa").exists()


def test_a_stale_update_is_refused_and_overwrites_nothing(cast, bodies):
    meeting = _create(cast.secretariat, bodies.wg_lab)
    read_at = meeting.version
    services.meeting_update(
        actor=cast.secretariat,
        meeting=meeting,
        data={"title_es": "Primera"},
        expected_version=read_at,
    )
    with pytest.raises(ConflictError):
        services.meeting_update(
            actor=cast.wg,
            meeting=meeting,
            data={"title_es": "Segunda"},
            expected_version=read_at,
        )
    meeting.refresh_from_db()
    assert meeting.title_es == "Primera"


def test_a_stale_form_shows_the_conflict(cast, bodies):
    meeting = _create(cast.secretariat, bodies.wg_lab)
    services.meeting_update(
        actor=cast.secretariat,
        meeting=meeting,
        data={"place_es": "Panamá"},
        expected_version=meeting.version,
    )
    response = client_for(cast.wg).post(
        url("meeting_edit", pk=meeting.pk),
        {
            "version": 1,
            "body": bodies.wg_lab.pk,
            "kind": "meeting",
            "title_es": "Desde un formulario viejo",
            "status": "held",
            "start_precision": "day",
            "end_precision": "day",
            "visibility": 0,
            "participants-TOTAL_FORMS": 0,
            "participants-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Otra persona modificó" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title_es == "Reunión" and meeting.place_es == "Panamá"


def test_agenda_changes_move_the_version_and_are_audited(cast, bodies):
    meeting = _create(cast.secretariat, bodies.wg_lab)
    updated = services.meeting_update(
        actor=cast.secretariat,
        meeting=meeting,
        data={},
        expected_version=meeting.version,
        agenda=[services.AgendaEntry("Apertura", "Opening"), services.AgendaEntry("Cierre")],
    )
    assert updated.version == meeting.version + 1
    assert [i.title_es for i in updated.agenda.order_by("order")] == ["Apertura", "Cierre"]
    event = AuditEvent.objects.for_object(updated).first()
    assert event.changes["agenda"]["new"] == [["Apertura", "Opening", False], ["Cierre", "", False]]
    with pytest.raises(ConflictError):
        services.meeting_update(
            actor=cast.secretariat,
            meeting=meeting,
            data={},
            expected_version=meeting.version,
            agenda=[],
        )


def test_a_refused_document_change_leaves_no_file(cast, bodies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = _create(cast.secretariat, bodies.wg_lab)
    with pytest.raises(ConflictError):
        services.meeting_documents_change(
            actor=cast.secretariat,
            meeting=meeting,
            expected_version=meeting.version + 5,
            files=[SimpleUploadedFile("acta.txt", b"x")],
        )
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    assert not meeting.documents.exists()


def test_end_before_start_is_refused(cast, bodies):
    import datetime as dt

    with pytest.raises(ValidationError) as err:
        _create(
            cast.secretariat,
            bodies.wg_lab,
            start_date=dt.date(2024, 5, 2),
            end_date=dt.date(2024, 5, 1),
        )
    assert "end_date" in err.value.message_dict


def test_a_new_meeting_is_one_audit_row_with_its_agenda_and_participants(cast, bodies, orgs):
    meeting = services.meeting_create(
        actor=cast.secretariat,
        data={"body": bodies.wg_lab, "title_es": "Con agenda"},
        agenda=[services.AgendaEntry("Apertura")],
        participants=[services.ParticipantEntry(orgs.pan, women=1)],
    )
    [event] = AuditEvent.objects.for_object(meeting)
    assert event.action == AuditEvent.Action.CREATE
    assert event.changes["agenda"]["new"] == [["Apertura", "", False]]
    assert event.changes["participants"]["new"] == [["PAN", 1, None, None, None]]
