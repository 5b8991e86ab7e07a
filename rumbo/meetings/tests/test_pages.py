"""The meeting pages in Spanish and English, their filters and their cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.meetings.models import Meeting
from rumbo.testing.http import client_for, url

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_list_in_spanish_and_english():
    client = client_for(None)
    es = client.get(url("meeting_list", "es") + "?body=GRCM").content.decode()
    assert "Reuniones: Grupo Regional de Consulta sobre Migración" in es
    assert "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)" in es
    assert "Ciudad de México" in es and "Realizada" in es
    en = client.get(url("meeting_list", "en") + "?body=GRCM").content.decode()
    assert "Meetings: Regional Consultation Group on Migration" in en
    assert "Meeting of the Regional Consultation Group on Migration (RCGM)" in en
    assert "Mexico City" in en and "Held" in en


def test_the_filters_by_kind_and_year():
    client = client_for(None)
    page = client.get(url("meeting_list", "en") + "?kind=workshop&year=2023").content.decode()
    assert "Workshop for the Construction of the Operational Plan" in page
    assert "XXVIII Vice-Ministerial Meeting" not in page


def test_a_meeting_page_says_what_is_not_known():
    m = Meeting.objects.get(code="rvm-xxviii-2023")
    es = client_for(None).get(url("meeting_detail", "es", pk=m.pk)).content.decode()
    assert "XXVIII Reunión Viceministerial de la CRM" in es
    assert "Planificada" in es and "Sin información reportada" in es and "(propuesto)" in es
    en = client_for(None).get(url("meeting_detail", "en", pk=m.pk)).content.decode()
    assert "Planned" in en and "Not reported" in en and "(proposed)" in en
    assert "the approval of the Action Plan" in en


def test_the_body_page_links_to_its_meetings():
    page = client_for(None).get(url("body_list", "en")).content.decode()
    assert f"{url('meeting_list', 'en')}?body=WG-LAB" in page


def test_the_form_in_both_languages(cast):
    client = client_for(cast.secretariat)
    assert "Nueva reunión" in client.get(url("meeting_create", "es")).content.decode()
    assert "New meeting" in client.get(url("meeting_create", "en")).content.decode()


def test_the_list_costs_the_same_queries_whatever_the_number_of_meetings(cast, bodies):
    client = client_for(cast.focal)
    address = url("meeting_list")
    client.get(address)  # warm up (session, content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for body in (bodies.wg_lab, bodies.wg_prot, None):
        MeetingFactory.create_batch(6, body=body)
    assert count() == before


def test_the_page_is_light():
    page = client_for(None).get(url("meeting_list", "es"))
    assert len(page.content) < 150_000


def test_the_form_records_agenda_participants_and_a_document(
    cast, bodies, orgs, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast.wg)
    response = client.post(
        url("meeting_create", "en"),
        {
            "body": bodies.wg_lab.pk,
            "kind": "workshop",
            "title_es": "Taller de prueba",
            "title_en": "Test workshop",
            "status": "planned",
            "start_date": "2030-03-04",
            "start_precision": "day",
            "end_precision": "day",
            "visibility": 3,
            "agenda_lines_es": "Apertura\nAprobación del plan (?)",
            "agenda_lines_en": "Opening\nApproval of the plan",
            "documents": SimpleUploadedFile("agenda.txt", b"agenda"),
            "participants-TOTAL_FORMS": 2,
            "participants-INITIAL_FORMS": 0,
            "participants-0-organisation": orgs.mex.pk,
            "participants-0-women": "3",
            "participants-0-men": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(title_es="Taller de prueba")
    assert [(i.title_es, i.title_en, i.proposed) for i in meeting.agenda.all()] == [
        ("Apertura", "Opening", False),
        ("Aprobación del plan", "Approval of the plan", True),
    ]
    [p] = meeting.participants.all()
    assert (p.organisation, p.women, p.men) == (orgs.mex, 3, None)
    page = client.get(response["Location"]).content.decode()
    assert "agenda.txt" in page and "(proposed)" in page
    edit = client.get(url("meeting_edit", "en", pk=meeting.pk)).content.decode()
    assert "Aprobación del plan (?)" in edit
