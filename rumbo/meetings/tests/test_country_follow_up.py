"""A member country's follow-up across every agreement the viewer sees: counts by status,
the agreements of one status, members-only agreements kept from lower roles, both languages,
and a cost that does not grow with the number of agreements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.meetings.models import FollowUp
from rumbo.meetings.selectors_agreements import country_follow_up
from rumbo.testing.http import client_for, url

from .test_agreements import agreement, closed, meeting, report  # noqa: F401

pytestmark = pytest.mark.django_db

S = FollowUp.Status


def more(cast, meeting, code):  # noqa: F811
    from rumbo.meetings import services_agreements as services

    return services.agreement_create(
        actor=cast.secretariat, meeting=meeting, data={"code": code, "text_es": f"Texto {code}"}
    )


def test_counts_each_status_and_lists_the_agreements_of_one(cast, orgs, meeting, agreement):  # noqa: F811
    second, third = more(cast, meeting, "A-2"), more(cast, meeting, "A-3")
    report(cast.secretariat, agreement, orgs.gtm, status=S.IMPLEMENTED)
    report(cast.secretariat, second, orgs.gtm, status=S.IN_PROGRESS, on=dt.date(2024, 6, 1))
    report(cast.secretariat, third, orgs.pan, status=S.IMPLEMENTED)  # another country
    found = country_follow_up(cast.focal, orgs.gtm)
    assert found.counts[S.IMPLEMENTED] == 1
    assert found.counts[S.IN_PROGRESS] == 1
    assert found.counts[S.NOT_REPORTED] == 1  # the third, reported by Panama only
    assert found.total == 3
    pending = country_follow_up(cast.focal, orgs.gtm, S.NOT_REPORTED)
    assert [a.code for a in pending.agreements] == ["A-3"]
    done = country_follow_up(cast.focal, orgs.gtm, S.IMPLEMENTED)
    assert [(a.code, [c.status for c in a.cells]) for a in done.agreements] == [
        ("A-1", [S.IMPLEMENTED])
    ]


def test_the_page_in_both_languages_with_a_status_filter(cast, orgs, agreement):  # noqa: F811
    report(cast.secretariat, agreement, orgs.gtm, status=S.IN_PROGRESS)
    client = client_for(cast.focal)
    es = client.get(url("country_follow_up", "es", code=orgs.gtm.code)).content.decode()
    assert "Seguimiento de acuerdos" in es and "En curso" in es and "A-1" in es
    en = client.get(url("country_follow_up", "en", code=orgs.gtm.code.lower()) + "?status=none")
    page = en.content.decode()
    assert "Follow-up of agreements" in page and "A-1" not in page
    assert "No agreements recorded." in page


def test_a_members_only_agreement_is_neither_listed_nor_counted_below_members(cast, orgs, closed):  # noqa: F811
    country = closed.follow_ups.get().country
    for who in ("public", "civil", "observer"):
        found = country_follow_up(getattr(cast, who), country)
        assert found.total == 0 and found.counts[S.IMPLEMENTED] == 0, who
        page = client_for(getattr(cast, who)).get(
            url("country_follow_up", "en", code=country.code) + "?status=implemented"
        )
        assert page.status_code == 200 and b"CANARY" not in page.content, who
    assert country_follow_up(cast.focal, country).counts[S.IMPLEMENTED] == 1


def test_an_unknown_country_or_another_kind_of_organisation_is_missing(cast, orgs):
    client = client_for(cast.focal)
    assert client.get(url("country_follow_up", "en", code="XXX")).status_code == 404
    civil = cast.civil.organisation.code
    assert client.get(url("country_follow_up", "en", code=civil)).status_code == 404


def test_the_page_costs_the_same_queries_whatever_the_number_of_agreements(
    cast,
    orgs,
    meeting,  # noqa: F811
):
    client = client_for(cast.focal)
    address = url("country_follow_up", "en", code=orgs.gtm.code)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(address).status_code == 200
        return len(ctx.captured_queries)

    first = more(cast, meeting, "Q-1")
    report(cast.secretariat, first, orgs.gtm)
    few = queries()
    for n in range(2, 12):
        a = more(cast, meeting, f"Q-{n}")
        report(cast.secretariat, a, orgs.gtm if n % 2 else orgs.pan)
    assert queries() == few
