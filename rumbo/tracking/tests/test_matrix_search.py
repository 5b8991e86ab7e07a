"""Matrix search and the country filter, as officials type them: without caring about case
or accents, by acronym or country, in either language; hidden records never match."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rumbo.core.visibility import Visibility
from rumbo.organisations.models import Organisation
from rumbo.plans.models import ActivityParty
from rumbo.testing.factories import ActivityFactory, OrganisationFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, fold, matrix_queryset

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    plan = PlanFactory(code="s-plan")
    oim = Organisation.objects.get(code="OIM")
    gtm = Organisation.objects.get(code="GTM")
    labour = ActivityFactory(
        plan=plan,
        code="L1.A1",
        title_es="Diagnóstico de la migración laboral",
        title_en="Labour migration diagnosis",
    )
    ActivityParty.objects.create(activity=labour, organisation=oim, role="lead")
    led_by_guatemala = ActivityFactory(
        plan=plan, code="L1.A2", title_es="Ferias de empleo", title_en="Job fairs"
    )
    ActivityParty.objects.create(activity=led_by_guatemala, organisation=gtm, role="lead")
    as_written = ActivityFactory(
        plan=plan,
        code="L1.A3",
        title_es="Intercambio de buenas prácticas",
        title_en="Good practice exchange",
        responsible_note_es="Ministerios de Trabajo de Guatemala y México",
        responsible_note_en="Labour ministries of Guatemala and Mexico",
    )
    other = ActivityFactory(plan=plan, code="L2.A1", title_es="Otra cosa", title_en="Else")
    return {"labour": labour, "guatemala": led_by_guatemala, "written": as_written, "other": other}


def codes(user, **filters) -> set[str]:
    return {a.code for a in matrix_queryset(user, MatrixFilters(plan="s-plan", **filters))}


def test_search_ignores_case_and_accents_in_titles_and_codes(cast, plan):
    for query in ("migracion laboral", "MIGRACIÓN", "Diagnostico", "labour MIGRATION"):
        assert codes(cast.public, q=query) == {"L1.A1"}, query
    assert codes(cast.public, q="l1.a3") == {"L1.A3"}
    assert codes(cast.public, q="practicas") == {"L1.A3"}


def test_search_finds_responsible_organisations_by_acronym_and_name_in_both_languages(cast, plan):
    for query in ("OIM", "iom", "organizacion internacional para las migraciones"):
        assert codes(cast.public, q=query) == {"L1.A1"}, query
    assert codes(cast.public, q="International Organization for Migration") == {"L1.A1"}


def test_search_finds_countries_as_parties_and_as_written(cast, plan):
    assert codes(cast.public, q="Guatemala") == {"L1.A2", "L1.A3"}
    assert codes(cast.public, q="mexico") == {"L1.A3"}
    assert codes(cast.public, q="ministerios de trabajo") == {"L1.A3"}
    # Every word must be found somewhere in the row.
    assert codes(cast.public, q="guatemala ferias") == {"L1.A2"}


def test_like_wildcards_are_plain_characters(cast, plan):
    assert codes(cast.public, q="%") == set()
    assert codes(cast.public, q="_") == set()


def test_country_filter_also_matches_parties_as_written(cast, plan):
    assert codes(cast.public, country="GTM") == {"L1.A2", "L1.A3"}
    # México / Mexico: the name in either language, without its accent in the text.
    assert codes(cast.public, country="MEX") == {"L1.A3"}
    assert codes(cast.public, country="PAN") == set()
    assert codes(cast.public, country="NO-SUCH") == set()


def test_hidden_parties_organisations_and_activities_never_match(cast, plan):
    secret_org = OrganisationFactory(
        code="SECRET-ORG",
        kind=Organisation.Kind.OTHER,
        name_es="Fundación Reservada",
        name_en="Reserved Foundation",
        visibility=Visibility.MEMBERS,
    )
    ActivityParty.objects.create(
        activity=plan["other"], organisation=secret_org, role="accompanying"
    )
    ActivityParty.objects.create(
        activity=plan["other"],
        organisation=Organisation.objects.get(code="PAN"),
        role="lead",
        visibility=Visibility.MEMBERS,
    )
    ActivityFactory(
        plan=plan["other"].plan,
        code="L9",
        title_es="Migración laboral reservada",
        visibility=Visibility.MEMBERS,
    )
    for who in (cast.public, cast.civil, cast.observer):
        assert codes(who, q="reservada") == set()
        assert codes(who, q="panama") == set()
        assert codes(who, country="PAN") == set()
        assert codes(who, q="migracion laboral") == {"L1.A1"}
    assert codes(cast.focal, q="fundacion reservada") == {"L2.A1"}
    assert codes(cast.focal, q="panama") == {"L2.A1"}
    assert codes(cast.focal, country="PAN") == {"L2.A1"}
    assert codes(cast.focal, q="migracion laboral") == {"L1.A1", "L9"}


def test_fold_matches_the_database(plan):
    assert fold("Ñandú ÉXITO Ça") == "nandu exito ca"
    assert codes(None, q="DIAGNÓSTICO") == codes(None, q="diagnostico") == {"L1.A1"}


def test_search_and_country_cost_no_extra_query(cast, plan, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = list(
            matrix_queryset(
                cast.secretariat, MatrixFilters(q="oim migracion", country="GTM", plan="s-plan")
            )
        )
    assert found == []
    client = client_for(cast.secretariat)
    client.get(url("matrix") + "?plan=s-plan")
    with CaptureQueriesContext(connection) as plain:
        assert client.get(url("matrix") + "?plan=s-plan").status_code == 200
    with CaptureQueriesContext(connection) as searched:
        page = client.get(url("matrix") + "?plan=s-plan&q=Guatemala&country=GTM")
    assert page.status_code == 200
    assert page.content.decode().count('<th scope="row">') == 2
    assert len(searched) == len(plain)


def test_search_on_the_page_in_both_languages(cast, plan):
    for lang in ("es", "en"):
        page = client_for(cast.public).get(url("matrix", lang) + "?q=OIM&plan=s-plan")
        assert page.content.decode().count('<th scope="row">') == 1
