"""The read-only API: its schema, its agreement with the URLconf, and the visibility rule."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

from rumbo.testing.api import api_for, conforms

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi(schema):
    validate(yaml.safe_load(yaml.safe_dump(schema)))


def api_routes() -> set[str]:
    found: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.lstrip("^").startswith("api/v1/"):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    return found


def normalise(path: str) -> str:
    path = path.replace("^", "").replace("$", "").lstrip("/")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return path.replace("\\.", ".").replace("{pk}", "{id}")


def test_schema_and_urlconf_list_the_same_endpoints(schema):
    documented = {normalise(p) for p in schema["paths"]}
    routed = {
        normalise(r)
        for r in api_routes()
        if "format" not in r and r.rstrip("$").rstrip("/") not in {"^api/v1", "api/v1"}
    }
    assert documented == routed


def test_plans_list_and_detail_conform_to_the_schema(schema):
    client = api_for(None)
    listing = client.get("/api/v1/plans/").json()
    codes = {p["code"] for p in listing["results"]}
    assert {"crm-sp-2019-2022", "crm-sp-2023-2026", "crm-lmap-2023-2027"} <= codes
    conforms(schema, "PaginatedPlanList", listing)
    detail = client.get("/api/v1/plans/crm-lmap-2023-2027/").json()
    conforms(schema, "Plan", detail)
    assert detail["title_en"].startswith("Regional Labour Mobility Action Plan")


def test_activities_conform_to_the_schema_and_filter_by_plan(schema):
    listing = api_for(None).get("/api/v1/activities/?plan=un-rn-2023-2024&limit=500").json()
    assert listing["count"] == 26
    conforms(schema, "PaginatedActivityList", listing)
    first = listing["results"][0]
    assert first["parties"][0]["organisation"] in {"OIM", "CEPAL"}


def test_elements_and_organisations_conform(schema):
    client = api_for(None)
    elements = client.get("/api/v1/elements/?plan=un-rn-2023-2024").json()
    conforms(schema, "PaginatedPlanElementList", elements)
    tp2 = next(e for e in elements["results"] if e["code"] == "TP2")
    assert tp2["gcm_objectives"] == [5, 6, 9, 10, 16, 17, 19, 22, 23]
    orgs = client.get("/api/v1/organisations/?limit=200").json()
    conforms(schema, "PaginatedOrganisationList", orgs)
    assert orgs["count"] >= 11


@pytest.mark.parametrize("who", ["public", "civil", "observer"])
def test_the_api_honours_visibility(cast, canary, who):
    client = api_for(getattr(cast, who))
    for path in (
        "/api/v1/plans/?limit=500",
        f"/api/v1/elements/?plan={canary.public_plan.code}",
        f"/api/v1/activities/?plan={canary.public_plan.code}",
        f"/api/v1/activities/?plan={canary.closed_plan.code}",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert "CANARY" not in response.content.decode(), path
    assert client.get(f"/api/v1/plans/{canary.closed_plan.code}/").status_code == 404
    assert client.get(f"/api/v1/activities/{canary.secret_activity.pk}/").status_code == 404
    counted = client.get(f"/api/v1/activities/?plan={canary.public_plan.code}").json()["count"]
    assert counted == (1 if who == "public" else 2)


def test_members_see_members_only_records_in_the_api(cast, canary):
    client = api_for(cast.focal)
    assert client.get(f"/api/v1/activities/{canary.secret_activity.pk}/").status_code == 200
    assert client.get(f"/api/v1/plans/{canary.closed_plan.code}/").status_code == 200


def test_the_api_is_read_only(cast):
    response = api_for(cast.secretariat).post("/api/v1/plans/", {"code": "x"})
    assert response.status_code == 405
