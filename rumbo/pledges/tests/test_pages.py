"""The pledge pages, as each role sees them, in Spanish and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.pledges.models import Pledge, PledgeUpdate
from rumbo.testing.http import client_for, url

from .factories import pledge, report

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "heading", "pledged", "delivered", "pending"),
    [
        ("es", "Compromisos", "5.000,00", "1.250,50", "(traducción pendiente)"),
        ("en", "Pledges", "5,000.00", "1,250.50", "(translation pending)"),
    ],
)
def test_the_list_shows_pledged_vs_delivered_per_currency(
    cast, lang, heading, pledged, delivered, pending
):
    p = pledge(cast.focal, "Fondo regional")
    report(cast.focal, p, 2024, 4, delivered_amount=Decimal("1250.50"))
    pledge(cast.focal, "Solo inglés", title_es="", title_en="English only")
    pledge(cast.focal, "CANARY secreto", visibility=Visibility.MEMBERS, currency="EUR")
    page = client_for(cast.public).get(url("pledge_list", lang))
    assert page.status_code == 200
    body = text(page)
    assert f"<h1>{heading}</h1>" in body
    assert "Fondo regional" in body and pending in body
    assert pledged in body and delivered in body
    assert "<svg" in body and 'role="img"' in body
    assert "CANARY" not in body and "EUR" not in body  # members-only, currency included
    assert len(page.content) < 150_000


def test_the_list_filters_by_organisation_objective_status_and_year(cast, orgs):
    a = pledge(cast.focal, "Alfa", gcm_objectives=[1], pledged_on=dt.date(2023, 5, 1))
    pledge(cast.observer, "Beta", pledged_on=dt.date(2024, 5, 1))
    report(cast.focal, a, 2023, 6, status=PledgeUpdate.Status.FULFILLED)
    client = client_for(cast.public)

    def titles(**query) -> set[str]:
        body = text(client.get(url("pledge_list", "en"), query))
        return {t for t in ("Alfa", "Beta") if t in body}

    assert titles(organisation="GTM") == {"Alfa"}
    assert titles(gcm="1") == {"Alfa"}
    assert titles(status="fulfilled") == {"Alfa"}
    assert titles(status="not_reported") == {"Beta"}
    assert titles(year="2024") == {"Beta"}
    assert titles(organisation="NO-SUCH") == set()


def test_the_lists_queries_do_not_grow_with_the_pledges(cast):
    def count() -> int:
        client = client_for(cast.focal)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("pledge_list", "es")).status_code == 200
        return len(queries)

    p = pledge(cast.focal, "Uno")
    report(cast.focal, p, 2024, 4, delivered_amount=Decimal("1"))
    few = count()
    for i in range(5):
        q = pledge(cast.focal, f"Otro {i}", gcm_objectives=[2, 3])
        report(cast.focal, q, 2024, 4, delivered_amount=Decimal("1"))
    assert count() == few


def test_the_list_downloads_as_csv_and_excel_with_the_filters(cast):
    pledge(cast.focal, "Fondo =SUM(A1)", amount=Decimal("5000.5"))
    pledge(cast.focal, "CANARY", visibility=Visibility.MEMBERS)
    csv = client_for(cast.public).get(url("pledge_list_csv", "es"))
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert "Fondo =SUM(A1)" in body and "5000.5" in body and "CANARY" not in body
    xlsx = client_for(cast.public).get(url("pledge_list_xlsx", "en"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_pledge_is_recorded_in_spanish_with_spanish_numbers(cast, canary):
    client = client_for(cast.focal)
    form = client.get(url("pledge_create", "es"))
    assert form.status_code == 200
    assert "CANARY" in text(form)  # a member sees members-only activities to link
    assert "CANARY" not in text(client_for(cast.observer).get(url("pledge_create", "es")))
    page = client.post(
        url("pledge_create", "es"),
        {
            "title_es": "Fondo de protección",
            "amount": "5.000",
            "currency": "usd",
            "pledged_on": "2024-02-01",
            "gcm_objectives": ["7"],
            "activities": [str(canary.open_activity.pk)],
            "visibility": "0",
        },
    )
    assert page.status_code == 302, text(page)
    p = Pledge.objects.get(title_es="Fondo de protección")
    assert (p.amount, p.currency, p.organisation_id) == (
        Decimal("5000"),
        "USD",
        cast.focal.organisation_id,
    )
    detail = text(client_for(cast.public).get(page["Location"]))
    assert "5.000,00 USD" in detail
    assert "7." in detail


def test_a_round_is_reported_and_edited_from_its_page(cast):
    p = pledge(cast.focal, pledged_on=dt.date(2024, 1, 15))
    client = client_for(cast.focal)
    page_url = url("pledge_round", "es", pk=p.pk, year=2024, month="04")
    assert "/rondas/" in page_url or "/rounds/" in page_url
    assert client.get(page_url).status_code == 200
    wrong = client.post(
        page_url,
        {"status": "in_progress", "delivered_amount": "1.500,25", "delivered_currency": "EUR"},
    )
    assert wrong.status_code == 200
    assert "El compromiso está en USD" in text(wrong)
    done = client.post(
        page_url,
        {
            "status": "in_progress",
            "delivered_amount": "1.500,25",
            "delivered_currency": "USD",
            "narrative_es": "Primer desembolso",
        },
    )
    assert done.status_code == 302
    update = PledgeUpdate.objects.get(pledge=p)
    assert update.delivered_amount == Decimal("1500.25")
    detail = text(client.get(url("pledge_detail", "es", pk=p.pk)))
    assert "Primer desembolso" in detail and "1.500,25 USD" in detail
    again = client.post(
        page_url,
        {
            "status": "fulfilled",
            "delivered_amount": "5000",
            "delivered_currency": "USD",
            "version": str(update.version),
        },
    )
    assert again.status_code == 302
    stale = client.post(page_url, {"status": "in_progress", "version": str(update.version)})
    assert stale.status_code == 200 and "Otra persona modificó" in text(stale)
    update.refresh_from_db()
    assert update.status == PledgeUpdate.Status.FULFILLED


def test_the_pledge_page_shows_each_round_done_due_or_late(cast):
    p = pledge(cast.focal, pledged_on=dt.date(2024, 1, 15))
    report(cast.focal, p, 2024, 6)
    body = text(client_for(cast.public).get(url("pledge_detail", "en", pk=p.pk)))
    assert 'class="round-done">Done' in body
    assert 'class="round-late">Late' in body
    assert "Report this round" not in body  # the public reports nothing
    own = text(client_for(cast.focal).get(url("pledge_detail", "en", pk=p.pk)))
    assert "Report this round" in own and "Edit this round's update" in own


@pytest.mark.parametrize("name", ["pledge_edit", "pledge_round"])
def test_writing_pages_require_the_pledging_organisation_or_the_secretariat(cast, name):
    p = pledge(cast.focal)
    kwargs = {"pk": p.pk} if name == "pledge_edit" else {"pk": p.pk, "year": 2024, "month": "04"}
    assert client_for(cast.public).get(url(name, "en", **kwargs)).status_code == 302
    assert client_for(cast.ppt).get(url(name, "en", **kwargs)).status_code == 403
    assert client_for(cast.observer).get(url(name, "en", **kwargs)).status_code == 403
    assert client_for(cast.secretariat).get(url(name, "en", **kwargs)).status_code == 200
    assert client_for(cast.focal).get(url(name, "en", **kwargs)).status_code == 200


def test_a_hidden_pledge_and_a_month_that_is_no_round_are_not_found(cast):
    secret = pledge(cast.focal, "CANARY", visibility=Visibility.MEMBERS)
    for name in ("pledge_detail", "pledge_edit"):
        response = client_for(cast.observer).get(url(name, "en", pk=secret.pk))
        assert response.status_code == 404 and "CANARY" not in text(response)
    p = pledge(cast.focal)
    bad = url("pledge_round", "en", pk=p.pk, year=2024, month="05")
    assert client_for(cast.focal).get(bad).status_code == 404
