"""What people see: the plan pages, in both languages, through the visibility rule."""

from __future__ import annotations

import re

import pytest

from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_shipped_plans_are_browsable_in_both_languages(client, lang):
    home = client.get(f"/{lang}/")
    assert home.status_code == 200
    body = home.content.decode()
    title = "Plan Estratégico de la CRM 2023-2026" if lang == "es" else "RCM Strategic Plan"
    assert title in body
    assert f'<html lang="{lang}">' in body
    other = "en" if lang == "es" else "es"
    assert f'href="/{other}/"' in body  # the language switch


def test_action_plan_page_shows_lines_actions_and_footnotes(client):
    page = client.get(url("plan_detail", "es", code="crm-lmap-2023-2027")).content.decode()
    assert 'id="el-L1.A6"' in page
    assert "dinámica de sistemas" in page  # footnote 7 as a note of L1.A6
    assert page.count('class="node depth-2"') == 26


def test_english_page_marks_a_missing_translation(client, cast):
    plan = PlanFactory(title_es="Sólo en español", title_en="")
    page = client.get(url("plan_detail", "en", code=plan.code)).content.decode()
    assert '<span lang="es">Sólo en español</span>' in page
    assert "translation pending" in page


def test_network_plan_page_lists_activities_with_agencies_and_dates(client):
    page = client.get(url("plan_detail", "en", code="un-rn-2023-2024")).content.decode()
    assert "BP1.5" in page and "2023-09-27" in page
    assert "Global Compact objectives" in page


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_members_only_content_never_reaches_lower_roles(cast, canary, who):
    client = client_for(getattr(cast, who))
    pages = [
        url("home"),
        url("plan_list"),
        url("plan_detail", code=canary.public_plan.code),
        url("activity_detail", pk=canary.open_activity.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert "CANARY" not in response.content.decode(), page


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_invisible_records_look_exactly_like_missing_ones(cast, canary, who):
    client = client_for(getattr(cast, who))
    hidden = client.get(url("plan_detail", code=canary.closed_plan.code))
    missing = client.get(url("plan_detail", code="no-such-plan"))
    assert hidden.status_code == missing.status_code == 404

    # Same page, byte for byte, once the path typed and the per-response CSRF mask are set aside.
    def normal(body: bytes, code: bytes) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        return body.replace(code, b"X")

    assert normal(hidden.content, b"closed-plan") == normal(missing.content, b"no-such-plan")
    assert client.get(url("activity_detail", pk=canary.secret_activity.pk)).status_code == 404


def test_member_countries_see_members_only_content(cast, canary):
    page = client_for(cast.focal).get(url("plan_detail", code=canary.public_plan.code))
    assert "CANARY element" in page.content.decode() or "CANARY elemento" in page.content.decode()


def test_plan_page_query_count_does_not_grow_with_the_plan(cast, django_assert_max_num_queries):
    def build(n: int) -> str:
        plan = PlanFactory()
        parent = ElementFactory(plan=plan)
        for i in range(n):
            el = ElementFactory(plan=plan, parent=parent, code=f"C{i}")
            ActivityFactory(plan=plan, element=el, code=f"A{i}")
        return str(plan.code)

    small, large = build(2), build(40)
    client = client_for(cast.secretariat)
    client.get(url("plan_detail", code=small))  # warm sessions and content types

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("plan_detail", code=small))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url("plan_detail", code=large)).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 20


def test_page_titles_are_plain_text(cast, canary):
    client = client_for(cast.secretariat)
    for page in (
        url("home"),
        url("plan_detail", code="crm-lmap-2023-2027"),
        url("activity_detail", pk=canary.open_activity.pk),
        url("matrix"),
        url("plan_roadmap", code="un-rn-2023-2024"),
        url("semiannual_summary"),
        url("concept_note", pk=canary.open_activity.pk),
    ):
        body = client.get(page).content.decode()
        title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
        assert "<" not in title and len(title) < 200, page
