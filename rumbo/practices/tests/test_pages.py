"""The pages of good practices, as each role sees them, in Spanish and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rumbo.practices import services
from rumbo.practices.models import GoodPractice
from rumbo.testing.http import client_for, url

from .factories import a_file, published, scheduled, submitted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "heading", "pending"),
    [
        ("es", "Buenas prácticas", "(traducción pendiente)"),
        ("en", "Good practices", "(translation pending)"),
    ],
)
def test_public_list_shows_published_practices_only(cast, lang, heading, pending):
    published(cast.civil, cast.secretariat, title="Publicada")
    services.practice_submit(
        actor=cast.civil, data={"title_en": "English only", "summary_en": "Summary"}
    )  # not published
    submitted(cast.focal, "CANARY pendiente")
    p = published(cast.focal, cast.secretariat, title="Temporal")
    GoodPractice.objects.filter(pk=p.pk).update(title_es="", title_en="Only in English")
    page = client_for(cast.public).get(url("practice_list", lang))
    assert page.status_code == 200
    body = text(page)
    assert heading in body
    assert "Publicada" in body and "Only in English" in body
    assert "CANARY" not in body and "English only" not in body
    if lang == "es":
        assert pending in body  # the English-only title, marked in the Spanish page
    else:
        assert "Publicada" in body and pending in body


def test_public_list_filters(cast, orgs):
    published(cast.focal, cast.secretariat, title="Guatemala", countries=[orgs.gtm])
    published(
        cast.civil,
        cast.secretariat,
        title="Con género",
        gender_perspective=True,
        gender_notes_es="Enfoque",
    )
    client = client_for(cast.public)
    body = text(client.get(url("practice_list") + "?country=GTM"))
    assert "Guatemala" in body and "Con género" not in body
    body = text(client.get(url("practice_list") + "?gender=yes"))
    assert "Con género" in body and "Guatemala</a>" not in body
    year = timezone.localdate().year
    body = text(client.get(url("practice_list") + f"?year={year}"))
    assert "Guatemala" in body and "Con género" in body
    body = text(client.get(url("practice_list") + f"?year={year - 30}"))
    assert "Guatemala</a>" not in body  # a year with none matches none


def test_public_list_query_count_does_not_grow(cast, orgs, django_assert_max_num_queries):
    client = client_for(cast.public)
    published(cast.focal, cast.secretariat, countries=[orgs.gtm], files=[a_file()])
    client.get(url("practice_list"))  # warm (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url("practice_list"))
    for i in range(6):
        published(cast.focal, cast.secretariat, title=f"P{i}", countries=[orgs.gtm, orgs.pan])
    with django_assert_max_num_queries(len(one)):
        assert client.get(url("practice_list")).status_code == 200


def test_unpublished_practice_page_is_a_404_like_a_missing_one(cast):
    p = submitted(cast.civil, "CANARY", files=[a_file()])
    for who in ("public", "observer", "focal"):
        client = client_for(getattr(cast, who))
        hidden = client.get(url("practice_detail", pk=p.pk))
        missing = client.get(url("practice_detail", pk=987654))
        assert hidden.status_code == missing.status_code == 404
        assert client.get(url("practice_file_download", pk=p.files.get().pk)).status_code == 404
    own = client_for(cast.civil)
    assert "CANARY" in text(own.get(url("practice_detail", pk=p.pk)))
    download = own.get(url("practice_file_download", pk=p.files.get().pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 practice"


def test_a_participant_submits_through_the_form_in_english(cast, media=None):
    client = client_for(cast.observer)
    page = client.get(url("practice_submit", "en"))
    assert page.status_code == 200 and "Submit a good practice" in text(page)
    response = client.post(
        url("practice_submit", "en"),
        {
            "title_en": "Labour corridors",
            "summary_en": "How it works",
            "gender_perspective": "on",
            "gender_notes_en": "Women workers first",
            "link": "https://example.org/practice",
            "files": [a_file("report.pdf")],
        },
    )
    p = GoodPractice.objects.get(title_en="Labour corridors")
    assert response.status_code == 302
    assert p.organisation == cast.observer.organisation and p.files.count() == 1
    assert p.status == GoodPractice.Status.SUBMITTED


def test_the_form_says_what_is_missing_in_spanish(cast):
    response = client_for(cast.civil).post(url("practice_submit"), {"gender_perspective": "on"})
    body = text(response)
    assert response.status_code == 200
    assert "Escriba el título en español o en inglés." in body
    assert "Diga cómo la práctica incluye una perspectiva de género." in body
    assert GoodPractice.objects.count() == 0


def test_anonymous_is_sent_to_log_in_and_the_review_pages_are_the_secretariats(cast):
    assert client_for(cast.public).get(url("practice_submit")).status_code == 302
    for who in ("civil", "focal", "observer"):
        client = client_for(getattr(cast, who))
        assert client.get(url("practice_review")).status_code == 403
        assert client.get(url("practice_monthly")).status_code == 403
    se = client_for(cast.secretariat)
    assert se.get(url("practice_review")).status_code == 200
    assert se.get(url("practice_monthly")).status_code == 200


def test_stale_edit_form_gets_the_conflict_message(cast):
    p = submitted(cast.civil, "Original")
    client = client_for(cast.civil)
    services.practice_update(
        actor=cast.secretariat,
        practice=p,
        data={"title_es": "Cambiada", "summary_es": "Resumen"},
        expected_version=1,
    )
    response = client.post(
        url("practice_edit", pk=p.pk),
        {"title_es": "Mía", "summary_es": "Resumen", "version": "1"},
    )
    assert response.status_code == 200
    assert "Otra persona modificó" in text(response)
    assert GoodPractice.objects.get(pk=p.pk).title_es == "Cambiada"


def test_stale_review_step_gets_the_conflict_message(cast):
    p = submitted(cast.civil)
    client = client_for(cast.secretariat)
    client.post(url("practice_step", pk=p.pk, action="accept"), {"version": "1"})
    response = client.post(
        url("practice_step", pk=p.pk, action="return", lang="en"),
        {"version": "1", "comments": "Late"},
        follow=True,
    )
    assert "Someone else changed" in text(response)
    assert GoodPractice.objects.get(pk=p.pk).status == GoodPractice.Status.ACCEPTED


def test_review_through_the_pages(cast):
    p = submitted(cast.civil, "Revisada")
    client = client_for(cast.secretariat)
    assert "Revisada" in text(client.get(url("practice_review")))
    client.post(url("practice_step", pk=p.pk, action="accept"), {"version": "1"})
    on = timezone.localdate() + dt.timedelta(days=3)
    client.post(
        url("practice_step", pk=p.pk, action="schedule"),
        {"version": "2", "publish_on": on.isoformat()},
    )
    p.refresh_from_db()
    assert p.status == GoodPractice.Status.SCHEDULED and p.publish_on == on
    assert client_for(cast.public).get(url("practice_detail", pk=p.pk)).status_code == 404
    client.post(url("practice_step", pk=p.pk, action="publish"), {"version": "3"})
    assert client_for(cast.public).get(url("practice_detail", pk=p.pk)).status_code == 200
    # Not the civil society's to take.
    q = submitted(cast.civil)
    refused = client_for(cast.civil).post(
        url("practice_step", pk=q.pk, action="accept"), {"version": "1"}
    )
    assert refused.status_code == 403
    assert GoodPractice.objects.get(pk=q.pk).status == GoodPractice.Status.SUBMITTED


def test_my_submissions(cast):
    submitted(cast.civil, "De la red")
    submitted(cast.focal, "De Guatemala")
    body = text(client_for(cast.civil).get(url("practice_mine")))
    assert "De la red" in body and "De Guatemala" not in body


def test_monthly_figure_counts_published_per_month(cast):
    published(cast.civil, cast.secretariat)
    scheduled(cast.civil, cast.secretariat, timezone.localdate() - dt.timedelta(days=400))
    response = client_for(cast.secretariat).get(url("practice_monthly", "en"))
    body = text(response)
    assert "Good practices published per month" in body
    assert "1 published" in body
