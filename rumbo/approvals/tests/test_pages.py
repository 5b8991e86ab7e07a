"""The approval pages as each role sees them, in Spanish and English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rumbo.approvals import services
from rumbo.approvals.models import ApprovalPosition, ApprovalQuestion
from rumbo.testing.http import client_for, url

from .conftest import record, upload

pytestmark = pytest.mark.django_db
R = ApprovalQuestion.Rule


def test_the_question_page_in_spanish_and_english(cast: Any, orgs: Any, open_question: Any) -> None:
    question = open_question(R.N_OF_M, required=2)
    record(cast.focal, question, orgs.gtm)
    record(cast.ppt, question, orgs.pan, "objects")
    es = client_for(None).get(url("approval_detail", "es", pk=question.pk)).content.decode()
    assert "aprobado por 1 de 11" in es and "Pendiente" in es
    assert "Objeciones" in es and "Panamá" in es.split("Objeciones")[1]
    assert "Faltan" in es and "México" in es.split("Faltan")[1]
    en = client_for(None).get(url("approval_detail", "en", pk=question.pk)).content.decode()
    assert "approved by 1 of 11" in en and "Pending" in en and "Missing" in en


def test_a_focal_point_records_their_country_from_the_page(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    client = client_for(cast.focal)
    page = client.get(url("approval_detail", "en", pk=question.pk)).content.decode()
    assert 'value="GTM"' in page and 'value="MEX"' not in page  # only their own country
    form = {
        "country": "GTM",
        "position": "approves",
        "decided_on": "2026-11-02",
        "text_version": question.text_version,
        "version": "0",
    }
    done = client.post(url("approval_position", "en", pk=question.pk), form)
    assert done.status_code == 302
    assert ApprovalPosition.objects.get().position == "approves"
    # The same form again (opened before the position existed): the conflict, no overwrite.
    stale = client.post(
        url("approval_position", "es", pk=question.pk), {**form, "position": "objects"}
    )
    assert stale.status_code == 409
    assert "Otra persona modificó" in stale.content.decode()
    assert ApprovalPosition.objects.get().position == "approves"
    # Another country's position from the same account is refused.
    other = client.post(url("approval_position", "en", pk=question.pk), {**form, "country": "MEX"})
    assert other.status_code == 400
    assert ApprovalPosition.objects.count() == 1


def test_the_secretariat_needs_the_written_request_on_the_page(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    client = client_for(cast.secretariat)
    form = {
        "country": "MEX",
        "position": "abstains",
        "decided_on": "2026-11-02",
        "text_version": question.text_version,
        "version": "0",
    }
    refused = client.post(url("approval_position", "es", pk=question.pk), form)
    assert refused.status_code == 400
    assert "Adjunte la solicitud escrita del país" in refused.content.decode()
    done = client.post(
        url("approval_position", "es", pk=question.pk), {**form, "written_request": upload()}
    )
    assert done.status_code == 302
    page = client.get(url("approval_detail", "en", pk=question.pk)).content.decode()
    assert "by the secretariat on the country" in page and "carta.pdf" in page


def test_observers_and_the_public_do_not_record(cast: Any, open_question: Any) -> None:
    question = open_question()
    for user in (cast.observer, cast.civil, cast.public):
        page = client_for(user).get(url("approval_detail", "en", pk=question.pk)).content.decode()
        assert "Record a position" not in page
    posted = client_for(cast.observer).post(
        url("approval_position", "en", pk=question.pk),
        {
            "country": "GTM",
            "position": "approves",
            "decided_on": "2026-11-02",
            "text_version": "1",
            "version": "0",
        },
    )
    assert posted.status_code == 400 and not ApprovalPosition.objects.exists()


def test_a_members_only_question_is_hidden_below_members(cast: Any, orgs: Any, canary: Any) -> None:
    question = services.question_open(
        actor=cast.secretariat,
        data={"plan": canary.closed_plan, "rule": R.UNANIMITY, "title": "CANARY consulta"},
    )
    f = services.position_record(
        actor=cast.secretariat,
        question=question,
        country=orgs.gtm,
        data={"position": "approves", "decided_on": dt.date(2026, 11, 1)},
        text_version=question.text_version,
        expected_version=0,
        written_request=upload(),
    ).files.get()
    for user in (cast.public, cast.civil, cast.observer):
        client = client_for(user)
        assert client.get(url("approval_detail", "en", pk=question.pk)).status_code == 404
        assert client.get(url("approval_file_download", "en", pk=f.pk)).status_code == 404
        assert "CANARY" not in client.get(url("approval_list", "en")).content.decode()
        assert client.get(f"/api/v1/approvals/{question.pk}/").status_code == 404
        assert "CANARY" not in client.get("/api/v1/approvals/").content.decode()
    for user in (cast.focal, cast.secretariat):
        assert client_for(user).get(url("approval_detail", "en", pk=question.pk)).status_code == 200
    assert (
        client_for(cast.focal).get(url("approval_file_download", "en", pk=f.pk)).status_code == 200
    )


def test_the_plan_page_links_to_its_current_question(
    cast: Any, orgs: Any, plan: Any, open_question: Any
) -> None:
    question = open_question(R.SILENCE, deadline=dt.date(2020, 1, 1))
    page = client_for(None).get(url("plan_detail", "es", code=plan.code)).content.decode()
    assert "Aprobación" in page and url("approval_detail", "es", pk=question.pk) in page
    assert "Aprobado" in page and "sin objeción en el plazo" in page


def test_opening_a_question_from_the_page(cast: Any, plan: Any) -> None:
    client = client_for(cast.secretariat)
    assert client.get(url("approval_open", "es")).status_code == 200
    posted = client.post(
        url("approval_open", "en"),
        {
            "plan": plan.code,
            "body": "WG-LAB",
            "rule": "silence",
            "deadline": "2027-01-31",
            "visibility": "0",
        },
    )
    assert posted.status_code == 302
    question = ApprovalQuestion.objects.get(plan=plan)
    assert (question.deadline, question.text_version) == (dt.date(2027, 1, 31), "1")
    assert question.body is not None and question.body.code == "WG-LAB"
    # The plan's title, in both languages.
    assert (question.title_es, question.title_en) == (plan.title_es, plan.title_en)
    assert client_for(cast.focal).get(url("approval_open", "en")).status_code == 403
    listing = client_for(None).get(url("approval_list", "es")).content.decode()
    assert "Consultas abiertas" in listing and "Plan A" in listing


def test_the_api_lists_and_records_with_the_version(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    question = open_question()
    client = client_for(cast.focal)
    body = {
        "country": "GTM",
        "position": "approves",
        "decided_on": "2026-11-02",
        "text_version": "1",
        "version": 0,
    }
    done = client.post(
        f"/api/v1/approvals/{question.pk}/position/", body, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    data = done.json()
    assert data["outcome"]["approvals"] == 1 and data["outcome"]["total"] == 11
    assert data["positions"][0]["country"] == "GTM"
    again = client.post(
        f"/api/v1/approvals/{question.pk}/position/", body, content_type="application/json"
    )
    assert again.status_code == 409
    old_text = client.post(
        f"/api/v1/approvals/{question.pk}/position/",
        {**body, "text_version": "0", "version": 1},
        content_type="application/json",
    )
    assert old_text.status_code == 409
    mex = client.post(
        f"/api/v1/approvals/{question.pk}/position/",
        {**body, "country": "MEX"},
        content_type="application/json",
    )
    assert mex.status_code == 403
    listed = client_for(None).get("/api/v1/approvals/").json()
    assert any(row["id"] == question.pk for row in listed["results"])


def test_the_list_and_the_api_cost_the_same_whatever_the_number_of_questions(
    cast: Any, orgs: Any, open_question: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.testing.factories import PlanFactory

    def cost(path: str) -> int:
        client = client_for(cast.secretariat)
        client.get(path)  # session and caches warmed
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    record(cast.focal, open_question(), orgs.gtm)
    one = (cost(url("approval_list", "en")), cost("/api/v1/approvals/"))
    for k in range(4):
        question = services.question_open(
            actor=cast.secretariat,
            data={"plan": PlanFactory(code=f"more-{k}"), "rule": R.UNANIMITY},
        )
        record(cast.focal, question, orgs.gtm)
    assert (cost(url("approval_list", "en")), cost("/api/v1/approvals/")) == one


def test_a_members_only_question_on_a_public_plan_stays_off_its_page(cast: Any, plan: Any) -> None:
    services.question_open(
        actor=cast.secretariat,
        data={"plan": plan, "rule": R.UNANIMITY, "title_es": "CANARY", "visibility": 3},
    )
    for user in (cast.public, cast.civil, cast.observer):
        page = client_for(user).get(url("plan_detail", "en", code=plan.code)).content.decode()
        assert "CANARY" not in page and "approved by" not in page
    page = client_for(cast.focal).get(url("plan_detail", "en", code=plan.code)).content.decode()
    assert "approved by 0 of 11" in page
