"""The calendar's pages in both languages, marking done through the form, who may, the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rumbo.obligations.models import Fulfilment
from rumbo.obligations.selectors import obligations_for

pytestmark = pytest.mark.django_db


def _pk(code: str) -> int:
    return Obligation_pk(code)


def Obligation_pk(code: str) -> int:
    from rumbo.obligations.models import Obligation

    return Obligation.objects.get(code=code).pk


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_calendar_reads_in_each_language_and_stays_small(client, cast, lang):
    client.force_login(cast.focal)
    response = client.get(f"/{lang}/obligations/")
    assert response.status_code == 200
    assert len(response.content) < 150_000
    text = response.content.decode()
    if lang == "es":
        assert "Calendario de obligaciones" in text and "Atrasado" in text
        assert "30 de junio de 2024" in text  # a date as Spanish writes it
    else:
        assert "Calendar of obligations" in text and "Late" in text
        assert "June 30, 2024" in text


def test_the_calendar_filters_by_status_and_year(client, cast):
    response = client.get("/en/obligations/?status=done&year=2024")
    assert response.status_code == 200
    assert "Late</span>" not in response.content.decode()


def _mark(who, code: str, period: str, body=None) -> None:
    from rumbo.obligations import selectors, services

    ob = selectors.obligations_for(who).get(code=code)
    occ = next(
        o
        for o in selectors.occurrences_for(who, [ob])
        if o.period.code == period and (body is None or o.debtor.body == body)
    )
    services.fulfilment_record(
        actor=who, occurrence=occ, data={"done_on": dt.date(2024, 7, 1), "note": "hecho"}
    )


def test_the_calendar_reads_a_fixed_number_of_queries(client, cast, bodies):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rumbo.meetings.tests.factories import MeetingFactory
    from rumbo.organisations.models import Body
    from rumbo.testing.factories import BodyFactory

    _mark(cast.secretariat, "se-semiannual-report-grcm", "2024-S1")
    client.force_login(cast.wg)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/en/obligations/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(4):
        group = BodyFactory(code=f"WG-N{n}", kind=Body.Kind.WORKING_GROUP, active_from=2023)
        cast.wg.working_groups.add(group)
        MeetingFactory(body=group, start_date=dt.date(2024, 2, 1))
        _mark(cast.secretariat, "working-group-reports-grcm", "2024", group)
    _mark(cast.secretariat, "se-semiannual-report-grcm", "2023-S2")
    assert count() == before


def test_an_obligations_page_quotes_its_source(client):
    response = client.get(f"/es/obligations/{_pk('network-pledge-follow-up')}/")
    text = response.content.decode()
    assert "Abril, junio, septiembre, diciembre" in text
    assert "actividad 1.3" in text
    assert "Lo que Rumbo supone" in text


def test_the_secretariat_marks_its_report_done_through_the_form(client, cast):
    pk = _pk("se-semiannual-report-grcm")
    url = reverse("obligation_fulfil", kwargs={"pk": pk}) + "?period=2024-S1"
    client.force_login(cast.secretariat)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"done_on": "2024-07-20", "link": "https://example.org/informe", "note": ""}
    )
    assert response.status_code == 302
    f = Fulfilment.objects.get(obligation_id=pk, period="2024-S1")
    assert f.done_on == dt.date(2024, 7, 20) and f.recorded_by == cast.secretariat
    page = client.get(f"/en/obligations/{pk}/").content.decode()
    assert "Marked done: July 20, 2024" in page


def test_marking_done_requires_the_one_who_owes_it(client, cast):
    pk = _pk("se-semiannual-report-grcm")
    url = reverse("obligation_fulfil", kwargs={"pk": pk}) + "?period=2024-S1"
    assert client.get(url).status_code == 302  # to the log-in page
    for who in (cast.observer, cast.focal, cast.wg):
        client.force_login(who)
        assert client.get(url).status_code == 403
        assert client.post(url, {"done_on": "2024-07-20", "note": "x"}).status_code == 403
    assert not Fulfilment.objects.filter(obligation_id=pk).exists()


def test_a_groups_page_shows_what_it_owes_and_its_freshness(client, cast, bodies):
    response = client.get(f"/en/bodies/{bodies.wg_lab.code}/obligations/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "At least two meetings a year of each Working Group" in text
    assert "Freshness" in text


def test_a_closed_groups_page_is_missing_for_lower_roles(client, cast, closed_group):
    url = f"/en/bodies/{closed_group.code}/obligations/"
    assert client.get(url).status_code == 404
    client.force_login(cast.observer)
    assert client.get(url).status_code == 404
    client.force_login(cast.focal)
    assert client.get(url).status_code == 200


def test_the_home_page_says_what_i_owe(client, cast):
    client.force_login(cast.ppt)
    text = client.get("/en/").content.decode()
    assert "What I owe" in text
    assert "Freshness of" in text


def test_the_api_lists_obligations_with_their_occurrences(client, cast):
    response = client.get("/api/v1/obligations/")
    assert response.status_code == 200
    rows = response.json()["results"]
    codes = {r["code"] for r in rows}
    assert "network-pledge-follow-up" in codes
    assert "concept-note-before-activity" not in codes  # members only
    pledges = next(r for r in rows if r["code"] == "network-pledge-follow-up")
    assert [o["period"] for o in pledges["occurrences"]][:2] == ["2023-06", "2023-09"]
    assert {o["status"] for o in pledges["occurrences"]} <= {"done", "due", "late"}
    assert len(rows) == obligations_for(cast.public).count()


@pytest.mark.parametrize(("lang", "words"), [("es", "Actualización"), ("en", "Freshness")])
def test_a_countrys_page_shows_what_it_owes_as_presidency_and_its_freshness(
    client, cast, bodies, orgs, lang, words
):
    """Panama held the Presidency Pro-Tempore in 2023: its annual work plan is its own to
    deliver, shown with its freshness (linked from the country's page)."""
    response = client.get(f"/{lang}/countries/pan/obligations/")
    text = response.content.decode()
    assert response.status_code == 200
    assert words in text and "2023" in text
    assert "plan de trabajo anual" in text.lower() or "annual work plan" in text.lower()
    assert "/obligations/" in client.get(f"/{lang}/countries/PAN/").content.decode()
    assert client.get(f"/{lang}/countries/XXX/obligations/").status_code == 404
    civil = cast.civil.organisation.code
    assert client.get(f"/{lang}/countries/{civil}/obligations/").status_code == 404
