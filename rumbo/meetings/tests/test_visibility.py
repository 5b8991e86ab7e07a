"""Who sees which meeting: its own level and its body's, in pages, API, files and counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rumbo.core.visibility import Visibility
from rumbo.meetings import services
from rumbo.meetings.models import Meeting
from rumbo.meetings.selectors import meeting_counts_by_body, meetings_for
from rumbo.testing.http import client_for, url
from tests.leaks.crawl import normalised

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

BELOW_MEMBERS = ("public", "civil", "observer")
MEMBERS = ("focal", "ppt", "wg", "secretariat")


@pytest.fixture
def closed(cast, bodies):
    """A working group meeting behind closed doors, with an agenda item and a document."""
    meeting = services.meeting_create(
        actor=cast.secretariat,
        data={
            "body": bodies.wg_lab,
            "kind": Meeting.Kind.MEETING,
            "title_es": "CANARY reunión cerrada",
            "title_en": "CANARY closed meeting",
            "visibility": Visibility.MEMBERS,
        },
        agenda=[services.AgendaEntry("CANARY punto", "CANARY item")],
    )
    return services.meeting_documents_change(
        actor=cast.secretariat,
        meeting=meeting,
        expected_version=meeting.version,
        files=[SimpleUploadedFile("CANARY-acta.txt", b"CANARY content")],
    )


@pytest.mark.parametrize("who", BELOW_MEMBERS)
def test_a_closed_meeting_reaches_no_one_below_members(cast, closed, who):
    client = client_for(getattr(cast, who))
    doc = closed.documents.get()
    pages = [
        url("meeting_list"),
        url("meeting_list", "en"),
        f"{url('meeting_list')}?body=WG-LAB",
        url("body_list"),
        "/api/v1/meetings/",
        "/api/v1/meetings/?body=WG-LAB",
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert b"CANARY" not in response.content, address
    # Invisible and missing look the same (status and body, the address aside).
    for name, pk in (("meeting_detail", closed.pk), ("meeting_document_download", doc.pk)):
        response = client.get(url(name, pk=pk))
        missing = client.get(url(name, pk=987654321))
        assert response.status_code == missing.status_code == 404, name
        seen = normalised(response.content.decode()).replace(f"/{pk}/", "/X/")
        assert seen == normalised(missing.content.decode()).replace("/987654321/", "/X/")
    assert client.get(f"/api/v1/meetings/{closed.pk}/").status_code == 404
    assert meeting_counts_by_body(getattr(cast, who)).get("WG-LAB", 0) == meeting_counts_by_body(
        None
    ).get("WG-LAB", 0)


@pytest.mark.parametrize("who", MEMBERS)
def test_members_see_the_closed_meeting_its_agenda_and_its_document(cast, closed, who):
    client = client_for(getattr(cast, who))
    page = client.get(url("meeting_detail", pk=closed.pk))
    assert b"CANARY reuni" in page.content
    assert b"CANARY punto" in page.content
    doc = closed.documents.get()
    download = client.get(url("meeting_document_download", pk=doc.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"CANARY content"
    assert "attachment" in download["Content-Disposition"]


def test_a_meeting_is_never_more_visible_than_its_body(cast, bodies):
    """A meeting marked public of a body restricted later is as restricted as its body."""
    meeting = MeetingFactory(body=bodies.wg_prot, visibility=Visibility.PUBLIC)
    assert meetings_for(cast.civil).filter(pk=meeting.pk).exists()
    bodies.wg_prot.visibility = Visibility.OBSERVERS
    bodies.wg_prot.save()
    assert not meetings_for(cast.public).filter(pk=meeting.pk).exists()
    assert not meetings_for(cast.civil).filter(pk=meeting.pk).exists()
    assert meetings_for(cast.observer).filter(pk=meeting.pk).exists()
    assert meetings_for(cast.focal).filter(pk=meeting.pk).exists()


def test_a_meeting_cannot_be_recorded_more_visible_than_its_body(cast, bodies):
    from django.core.exceptions import ValidationError

    bodies.wg_prot.visibility = Visibility.MEMBERS
    bodies.wg_prot.save()
    with pytest.raises(ValidationError) as err:
        services.meeting_create(
            actor=cast.secretariat,
            data={"body": bodies.wg_prot, "title_es": "Abierta", "visibility": Visibility.PUBLIC},
        )
    assert "visibility" in err.value.message_dict


def test_participants_of_a_restricted_organisation_are_left_out(cast, orgs):
    from rumbo.testing.factories import OrganisationFactory

    hidden = OrganisationFactory(
        code="HID", name_es="CANARY oculta", name_en="CANARY hidden", visibility=Visibility.MEMBERS
    )
    meeting = services.meeting_create(
        actor=cast.secretariat,
        data={"title_es": "Foro abierto", "kind": Meeting.Kind.FORUM},
        participants=[
            services.ParticipantEntry(orgs.gtm, women=2, men=None),
            services.ParticipantEntry(hidden, women=1),
        ],
    )
    public = client_for(cast.public)
    page = public.get(url("meeting_detail", pk=meeting.pk))
    assert b"CANARY" not in page.content
    api = public.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [p["organisation"] for p in api["participants"]] == ["GTM"]
    assert api["participants"][0]["men"] is None  # unknown stays unknown
    assert (
        b"CANARY oculta" in client_for(cast.focal).get(url("meeting_detail", pk=meeting.pk)).content
    )
