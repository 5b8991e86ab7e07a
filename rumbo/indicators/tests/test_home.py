"""The home page of a focal point lists what their country owes; the secretariat's, what
waits for review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from rumbo.core.visibility import Visibility
from rumbo.indicators import home
from rumbo.indicators.models import Indicator
from rumbo.testing.factories import IndicatorFactory, PlanFactory

from .conftest import report


@pytest.fixture
def due(bodies):
    this_year = dt.date.today().year
    plan = PlanFactory(code="due-plan", period_start=this_year - 2, period_end=this_year + 1)
    return plan, [IndicatorFactory(plan=plan, code=f"D{n}", frequency="year") for n in range(3)]


def test_values_due_from_my_country_for_the_last_period_ended(cast, orgs, due):
    _plan, (missing, draft, sent) = due
    last = str(dt.date.today().year - 1)
    report(cast.focal, draft, last, orgs.gtm, value=1)
    m = report(cast.focal, sent, last, orgs.gtm, value=1)
    from rumbo.indicators import services

    services.measurement_submit(actor=cast.focal, measurement=m)
    section = home.values_due_section(cast.focal)
    labels = {item.label.split()[0]: item for item in section.items}
    assert set(labels) == {"D0", "D1"}
    assert labels["D0"].detail.endswith("not reported yet")
    assert labels["D1"].detail.endswith("draft, not submitted")
    assert labels["D0"].url == f"/en/indicators/{missing.pk}/values/{last}/GTM/"


def test_only_reporters_of_a_country_get_the_section(cast, due):
    for who in (cast.secretariat, cast.observer, cast.civil, cast.wg, cast.public):
        assert home.values_due_section(who) is None


def test_a_members_only_indicator_is_due_from_member_countries_too(cast, due):
    _plan, inds = due
    Indicator.objects.filter(pk=inds[0].pk).update(visibility=Visibility.MEMBERS)
    assert len(home.values_due_section(cast.focal).items) == 3


def test_the_secretariat_sees_what_waits_for_review(cast, orgs, due):
    _plan, inds = due
    last = str(dt.date.today().year - 1)
    from rumbo.indicators import services

    m = report(cast.focal, inds[0], last, orgs.gtm, value=4)
    services.measurement_submit(actor=cast.focal, measurement=m)
    section = home.values_waiting_section(cast.secretariat)
    assert [i.detail for i in section.items] == [f"{last} · GTM"]
    assert home.values_waiting_section(cast.focal) is None


def test_the_sections_read_in_spanish(cast, orgs, due):
    with translation.override("es"):
        section = home.values_due_section(cast.focal)
    assert section.title == "Valores que debe reportar su país"
    assert section.items[0].detail.endswith("aún sin reportar")


def test_the_home_page_shows_the_values_due_in_a_fixed_number_of_queries(
    client, cast, orgs, due, django_assert_max_num_queries
):
    client.force_login(cast.focal)
    with django_assert_max_num_queries(40) as ctx:
        first = client.get("/en/")
    assert "Values due from your country" in first.content.decode()
    n = len(ctx.captured_queries)
    plan, _inds = due
    for k in range(5):
        IndicatorFactory(plan=plan, code=f"X{k}", frequency="year")
    with django_assert_max_num_queries(n):
        client.get("/en/")
