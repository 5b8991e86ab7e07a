"""Agreements adopted at meetings and their country follow-up grid: who records what, who
sees what (pages, grid, downloads, API, counts), version conflicts, both languages, cost."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError
from rumbo.core.visibility import Visibility
from rumbo.meetings import services as meetings
from rumbo.meetings import services_agreements as services
from rumbo.meetings.models import Agreement, FollowUp
from rumbo.meetings.selectors_agreements import agreements_for, countries_reporting
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db

BELOW_MEMBERS = ("public", "civil", "observer")
IMPLEMENTED = FollowUp.Status.IMPLEMENTED


@pytest.fixture
def meeting(cast, bodies):
    return meetings.meeting_create(
        actor=cast.secretariat,
        data={"body": bodies.wg_lab, "title_es": "Reunión abierta", "title_en": "Open meeting"},
    )


@pytest.fixture
def agreement(cast, meeting):
    return services.agreement_create(
        actor=cast.secretariat,
        meeting=meeting,
        data={
            "code": "A-1",
            "kind": Agreement.Kind.RECOMMENDATION,
            "text_es": "Intercambiar buenas prácticas",
            "text_en": "Exchange good practices",
        },
    )


@pytest.fixture
def closed(cast, bodies):
    """A members-only agreement of a meeting behind closed doors."""
    meeting = meetings.meeting_create(
        actor=cast.secretariat,
        data={
            "body": bodies.wg_lab,
            "title_es": "CANARY reunión cerrada",
            "visibility": Visibility.MEMBERS,
        },
    )
    agreement = services.agreement_create(
        actor=cast.secretariat,
        meeting=meeting,
        data={"code": "C-1", "text_es": "CANARY acuerdo", "text_en": "CANARY agreement"},
    )
    services.follow_up_report(
        actor=cast.secretariat,
        agreement=agreement,
        country=agreement_country(cast),
        status=IMPLEMENTED,
        evidence="CANARY evidencia",
        reported_on=dt.date(2024, 5, 1),
        expected_version=0,
    )
    return agreement


def agreement_country(cast):
    return cast.focal.organisation


def report(actor, agreement, country, *, version=0, status=IMPLEMENTED, on=dt.date(2024, 3, 1)):
    return services.follow_up_report(
        actor=actor,
        agreement=agreement,
        country=country,
        status=status,
        evidence="Ley aprobada",
        reported_on=on,
        expected_version=version,
    )


# Who may record what


def test_the_secretariat_and_the_group_record_agreements_observers_and_civil_do_not(cast, meeting):
    for who in ("secretariat", "wg"):
        services.agreement_create(
            actor=getattr(cast, who), meeting=meeting, data={"code": who, "text_es": "Texto"}
        )
    for who in ("observer", "civil", "focal"):
        with pytest.raises(PermissionDenied):
            services.agreement_create(
                actor=getattr(cast, who), meeting=meeting, data={"code": who, "text_es": "T"}
            )
    assert sorted(agreements_for(cast.secretariat).values_list("code", flat=True)) == [
        "secretariat",
        "wg",
    ]


def test_an_agreement_is_never_more_visible_than_its_meeting(cast, bodies):
    m = meetings.meeting_create(
        actor=cast.secretariat,
        data={"body": bodies.wg_lab, "title_es": "Cerrada", "visibility": Visibility.MEMBERS},
    )
    with pytest.raises(ValidationError) as err:
        services.agreement_create(
            actor=cast.secretariat,
            meeting=m,
            data={"code": "1", "text_es": "T", "visibility": Visibility.PUBLIC},
        )
    assert "visibility" in err.value.message_dict
    # Not given: the meeting's level.
    a = services.agreement_create(
        actor=cast.secretariat, meeting=m, data={"code": "2", "text_es": "T"}
    )
    assert a.visibility == Visibility.MEMBERS


def test_a_focal_point_reports_only_their_own_country(cast, orgs, agreement):
    cell = report(cast.focal, agreement, orgs.gtm)
    assert (cell.status, cell.reported_by, cell.version) == (IMPLEMENTED, cast.focal, 1)
    # Another country's cell: refused, for the focal point and for the PPT (Panama).
    with pytest.raises(PermissionDenied):
        report(cast.focal, agreement, orgs.pan)
    with pytest.raises(PermissionDenied):
        report(cast.ppt, agreement, orgs.gtm)
    report(cast.ppt, agreement, orgs.pan)
    for who in ("observer", "civil", "wg"):
        with pytest.raises(PermissionDenied):
            report(getattr(cast, who), agreement, orgs.mex)
    report(cast.secretariat, agreement, orgs.mex)  # on the country's behalf
    assert FollowUp.objects.filter(agreement=agreement).count() == 3
    # Each report audited, at the agreement's level.
    event = AuditEvent.objects.for_object(cell).get()
    assert event.changes["status"]["new"] == IMPLEMENTED


def test_the_follow_up_pages_refuse_another_countrys_cell(cast, orgs, agreement):
    client = client_for(cast.focal)
    assert client.get(url("follow_up_edit", pk=agreement.pk, code="GTM")).status_code == 200
    assert client.get(url("follow_up_edit", pk=agreement.pk, code="PAN")).status_code == 403
    for who in ("observer", "civil"):
        address = url("follow_up_edit", pk=agreement.pk, code="GTM")
        assert client_for(getattr(cast, who)).get(address).status_code == 403
    response = client.post(
        url("follow_up_edit", "en", pk=agreement.pk, code="PAN"),
        {"status": "implemented", "reported_on": "2024-01-02", "version": 0},
    )
    assert response.status_code == 403
    assert not FollowUp.objects.filter(agreement=agreement).exists()


# Versions


def test_a_stale_cell_is_refused_never_overwritten(cast, orgs, agreement):
    first = report(cast.focal, agreement, orgs.gtm, status=FollowUp.Status.IN_PROGRESS)
    # A second form, opened before the first report (version 0): refused.
    with pytest.raises(ConflictError):
        report(cast.secretariat, agreement, orgs.gtm, version=0)
    updated = report(cast.focal, agreement, orgs.gtm, version=first.version)
    assert updated.version == 2
    with pytest.raises(ConflictError):
        report(cast.focal, agreement, orgs.gtm, version=1, status=FollowUp.Status.NONE)
    assert FollowUp.objects.get(pk=first.pk).status == IMPLEMENTED


def test_a_stale_form_shows_the_conflict_message(cast, orgs, agreement):
    client = client_for(cast.focal)
    address = url("follow_up_edit", "en", pk=agreement.pk, code="GTM")
    report(cast.secretariat, agreement, orgs.gtm, status=FollowUp.Status.IN_PROGRESS)
    response = client.post(
        address, {"status": "none", "reported_on": "2024-02-02", "evidence": "x", "version": 0}
    )
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    assert FollowUp.objects.get(agreement=agreement).status == FollowUp.Status.IN_PROGRESS


def test_the_form_records_a_cell(cast, orgs, agreement):
    client = client_for(cast.focal)
    response = client.post(
        url("follow_up_edit", "en", pk=agreement.pk, code="GTM"),
        {"status": "in_progress", "reported_on": "2024-02-02", "evidence": "Decreto", "version": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cell = FollowUp.objects.get(agreement=agreement, country=orgs.gtm)
    assert (cell.status, cell.reported_on, cell.evidence) == (
        "in_progress",
        dt.date(2024, 2, 2),
        "Decreto",
    )
    page = client.get(url("agreement_detail", "en", pk=agreement.pk)).content.decode()
    assert "◐</span> In progress" in page and "Decreto" in page


def test_in_progress_or_implemented_needs_a_date(cast, orgs, agreement):
    with pytest.raises(ValidationError) as err:
        report(cast.focal, agreement, orgs.gtm, on=None)
    assert "reported_on" in err.value.message_dict


# Visibility


@pytest.mark.parametrize("who", BELOW_MEMBERS)
def test_a_members_only_agreement_reaches_no_one_below_members(cast, bodies, closed, who):
    viewer = getattr(cast, who)
    client = client_for(viewer)
    for address in (
        url("meeting_list"),
        url("body_follow_up", code="WG-LAB"),
        url("body_follow_up_csv", code="WG-LAB"),
        "/api/v1/agreements/",
        "/api/v1/meetings/",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert b"CANARY" not in response.content, address
    book = client.get(url("body_follow_up_xlsx", code="WG-LAB"))
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert not any("CANARY" in str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    for address in (
        url("agreement_detail", pk=closed.pk),
        url("meeting_follow_up", pk=closed.meeting_id),
        url("meeting_follow_up_csv", pk=closed.meeting_id),
        f"/api/v1/agreements/{closed.pk}/",
    ):
        assert client.get(address).status_code == 404, address
    assert not countries_reporting(viewer).filter(agreement=closed).exists()


@pytest.mark.parametrize("who", ("focal", "ppt", "wg", "secretariat"))
def test_members_see_the_members_only_agreement_and_its_grid(cast, closed, who):
    client = client_for(getattr(cast, who))
    page = client.get(url("agreement_detail", pk=closed.pk)).content.decode()
    assert "CANARY acuerdo" in page and "CANARY evidencia" in page
    csv = client.get(url("body_follow_up_csv", code="WG-LAB")).content.decode("utf-8-sig")
    assert "CANARY acuerdo" in csv and "● Implementado" in csv


def test_a_body_restricted_later_hides_its_agreements(cast, bodies, agreement):
    assert agreements_for(cast.public).filter(pk=agreement.pk).exists()
    bodies.wg_lab.visibility = Visibility.MEMBERS
    bodies.wg_lab.save()
    assert not agreements_for(cast.public).filter(pk=agreement.pk).exists()
    assert not agreements_for(cast.observer).filter(pk=agreement.pk).exists()
    assert agreements_for(cast.focal).filter(pk=agreement.pk).exists()


def test_a_linked_members_only_element_is_not_shown_below_members(cast, canary, meeting):
    a = services.agreement_create(
        actor=cast.secretariat,
        meeting=meeting,
        data={"code": "L-1", "text_es": "Vinculado"},
        elements=[canary.secret_element, canary.open_element],
    )
    public = client_for(cast.public).get(url("agreement_detail", pk=a.pk)).content.decode()
    assert "CANARY" not in public and canary.open_element.code in public
    api = client_for(cast.public).get(f"/api/v1/agreements/{a.pk}/").json()
    assert [e["id"] for e in api["elements"]] == [canary.open_element.pk]
    assert (
        b"CANARY elemento" in client_for(cast.focal).get(url("agreement_detail", pk=a.pk)).content
    )


# Pages: languages, grid, cost


def test_the_pages_in_spanish_and_english(cast, orgs, agreement):
    report(cast.focal, agreement, orgs.gtm)
    client = client_for(None)
    es = client.get(url("meeting_detail", "es", pk=agreement.meeting_id)).content.decode()
    assert "Acuerdos y recomendaciones" in es and "Intercambiar buenas prácticas" in es
    en = client.get(url("meeting_detail", "en", pk=agreement.meeting_id)).content.decode()
    assert "Agreements and recommendations" in en and "Exchange good practices" in en
    grid_es = client.get(url("meeting_follow_up", "es", pk=agreement.meeting_id)).content.decode()
    assert "●</span> Implementado" in grid_es and "?</span> Sin información reportada" in grid_es
    grid_en = client.get(url("meeting_follow_up", "en", pk=agreement.meeting_id)).content.decode()
    assert "●</span> Implemented" in grid_en and "?</span> Not reported" in grid_en
    assert len(grid_es) < 150_000
    listed = client.get(url("meeting_list", "en") + "?body=WG-LAB").content.decode()
    assert url("body_follow_up", "en", code="WG-LAB") in listed
    detail = client.get(url("agreement_detail", "en", pk=agreement.pk)).content.decode()
    assert "Recommendation A-1" in detail and "Ley aprobada" in detail


def test_the_agreement_form_in_both_languages(cast, meeting):
    client = client_for(cast.secretariat)
    assert (
        "Nuevo acuerdo" in client.get(url("agreement_create", "es", pk=meeting.pk)).content.decode()
    )
    response = client.post(
        url("agreement_create", "en", pk=meeting.pk),
        {
            "code": "R-7",
            "kind": "mandate",
            "text_es": "Mandato",
            "text_en": "Mandate",
            "visibility": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    a = Agreement.objects.get(code="R-7")
    edit = client.post(
        url("agreement_edit", "en", pk=a.pk),
        {"code": "R-8", "kind": "mandate", "text_es": "M", "visibility": 0, "version": a.version},
    )
    assert edit.status_code == 302
    stale = client.post(
        url("agreement_edit", "en", pk=a.pk),
        {"code": "R-9", "kind": "mandate", "text_es": "M", "visibility": 0, "version": a.version},
    )
    assert "Someone else changed" in stale.content.decode()
    assert Agreement.objects.get(pk=a.pk).code == "R-8"
    assert client_for(cast.observer).get(url("agreement_create", pk=meeting.pk)).status_code == 403


def test_the_grid_costs_the_same_queries_whatever_the_number_of_agreements(cast, orgs, meeting):
    client = client_for(cast.focal)
    first = services.agreement_create(
        actor=cast.secretariat, meeting=meeting, data={"code": "Q", "text_es": "T"}
    )
    report(cast.secretariat, first, orgs.gtm)
    pages = [url("meeting_follow_up", pk=meeting.pk), url("body_follow_up", code="WG-LAB")]
    for address in pages:
        client.get(address)  # warm up (session, content types)

    def count(address: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200
        return len(ctx.captured_queries)

    before = [count(a) for a in pages]
    for k in range(8):
        a = services.agreement_create(
            actor=cast.secretariat, meeting=meeting, data={"code": f"Q{k}", "text_es": "T"}
        )
        for country in (orgs.gtm, orgs.mex, orgs.pan):
            report(cast.secretariat, a, country)
    assert [count(a) for a in pages] == before
    detail = url("agreement_detail", pk=a.pk)
    client.get(detail)
    n = count(detail)
    report(
        cast.secretariat,
        services.agreement_create(
            actor=cast.secretariat, meeting=meeting, data={"code": "Z", "text_es": "T"}
        ),
        orgs.gtm,
    )
    assert count(detail) == n


def test_the_grid_lists_every_member_country(cast, agreement):
    grid = client_for(None).get(url("meeting_follow_up", "en", pk=agreement.meeting_id))
    text = grid.content.decode()
    from rumbo.organisations.models import Organisation

    for code in Organisation.objects.filter(kind="member_state").values_list("code", flat=True):
        assert f">{code}<" in text, code


# API


def test_the_api_reports_a_cell_with_its_version(cast, orgs, agreement):
    address = f"/api/v1/agreements/{agreement.pk}/follow-up/"
    body = {"country": "GTM", "status": "in_progress", "reported_on": "2024-04-01", "version": 0}
    client = client_for(cast.focal)
    response = client.patch(address, body, content_type="application/json")
    assert response.status_code == 200, response.content
    [gtm] = [c for c in response.json()["follow_up"] if c["country"] == "GTM"]
    assert (gtm["status"], gtm["version"], gtm["reported_by"]) == ("in_progress", 1, "focal")
    # The same form again (version 0): a conflict, nothing overwritten.
    stale = client.patch(address, {**body, "status": "none"}, content_type="application/json")
    assert stale.status_code == 409
    assert FollowUp.objects.get(agreement=agreement).status == "in_progress"
    other = client.patch(address, {**body, "country": "PAN"}, content_type="application/json")
    assert other.status_code == 403
    observer = client_for(cast.observer).patch(address, body, content_type="application/json")
    assert observer.status_code == 403
    # Everyone reads the grid; the person who reported is named to signed-in users only.
    public = client_for(None).get(f"/api/v1/agreements/{agreement.pk}/").json()
    [gtm] = [c for c in public["follow_up"] if c["country"] == "GTM"]
    assert (gtm["status"], gtm["reported_by"]) == ("in_progress", None)
    [pan] = [c for c in public["follow_up"] if c["country"] == "PAN"]
    assert (pan["status"], pan["version"]) == ("not_reported", 0)


def test_the_api_list_costs_the_same_queries_whatever_the_number_of_agreements(cast, orgs, meeting):
    client = client_for(cast.focal)
    address = f"/api/v1/agreements/?meeting={meeting.pk}"

    def add(code: str) -> None:
        a = services.agreement_create(
            actor=cast.secretariat, meeting=meeting, data={"code": code, "text_es": "T"}
        )
        report(cast.secretariat, a, orgs.gtm)

    add("first")
    client.get(address)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for k in range(6):
        add(f"more-{k}")
    assert count() == before
    assert len(client.get(address).json()["results"]) == 7
