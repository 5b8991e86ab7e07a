"""What the API does with input it cannot use: a 400 naming the parameter, or a 404, in JSON
as the schema documents, and never a 500 (huge numbers included: SQLite's integers stop at
2**63, and PostgreSQL's LIMIT at bigint)."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from rumbo.api.pagination import MAX_LIMIT, LimitOffsetPagination
from rumbo.testing.api import api_for

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/plans/",
    "/api/v1/elements/",
    "/api/v1/activities/",
    "/api/v1/organisations/",
    "/api/v1/matrix/",
    "/api/v1/concept-notes/",
    "/api/v1/progress-updates/",
    "/api/v1/indicators/",
    "/api/v1/indicator-values/",
    "/api/v1/indicator-figures/",
]
DETAILS = [
    "/api/v1/activities/{}/",
    "/api/v1/elements/{}/",
    "/api/v1/matrix/{}/",
    "/api/v1/concept-notes/{}/",
    "/api/v1/progress-updates/{}/",
    "/api/v1/indicators/{}/",
    "/api/v1/indicator-values/{}/",
    "/api/v1/indicators/{}/figures/",
]
HUGE = [2**63, 10**30]


@pytest.mark.parametrize("path", LISTS)
def test_a_huge_limit_is_capped_and_a_huge_offset_gives_an_empty_page(cast, path):
    client = api_for(cast.secretariat)
    for limit in HUGE:
        response = client.get(path, {"limit": limit})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) <= MAX_LIMIT
    for offset in HUGE:
        response = client.get(path, {"offset": offset})
        assert response.status_code == 200, response.content
        assert response.json()["results"] == []


def test_the_cap_is_the_documented_maximum():
    request = Request(APIRequestFactory().get("/", {"limit": 10**30}))
    assert LimitOffsetPagination().get_limit(request) == MAX_LIMIT


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("name", "value"), [("limit", "abc"), ("limit", "0"), ("limit", "-5"), ("offset", "-1")]
)
def test_a_malformed_limit_or_offset_is_refused(path, name, value):
    response = api_for(None).get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/plans/?status=nonsense",
        "/api/v1/plans/?kind=nonsense",
        "/api/v1/activities/?status=nonsense",
        "/api/v1/matrix/?status=nonsense",
        "/api/v1/matrix/?sort=nonsense",
        "/api/v1/matrix/?overdue=maybe",
        "/api/v1/matrix/?year=99999",
        "/api/v1/matrix/?pillar=abc",
        f"/api/v1/matrix/?pillar={2**63}",
        f"/api/v1/matrix/?topic={10**30}",
        "/api/v1/concept-notes/?activity=abc",
        f"/api/v1/concept-notes/?activity={10**30}",
        "/api/v1/progress-updates/?activity=abc",
        f"/api/v1/progress-updates/?activity={2**63}",
        "/api/v1/progress-updates/?activity=1&activity=2",
        "/api/v1/activities/?status=",
    ],
)
def test_a_filter_value_that_means_nothing_is_refused_not_dropped(query):
    """Dropped, the filter would answer with every record instead of the ones asked for."""
    response = api_for(None).get(query)
    assert response.status_code == 400
    name = query.split("?")[1].split("=")[0]
    assert name in response.json()


@pytest.mark.parametrize("sort", ["deadline", "year", "group", "plan"])
def test_the_matrix_sorts_descending(cast, sort):
    response = api_for(cast.secretariat).get("/api/v1/matrix/", {"sort": sort, "desc": "true"})
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["public", "secretariat"])
@pytest.mark.parametrize("path", DETAILS)
@pytest.mark.parametrize("pk", ["abc", str(2**63), str(10**30), "0", "1.5"])
def test_an_id_that_cannot_name_a_record_is_a_json_404(cast, who, path, pk):
    client = api_for(getattr(cast, who))
    for response in (
        client.get(path.format(pk)),
        client.patch(path.format(pk), {"version": 1}, format="json"),
    ):
        if response.status_code == 405:  # read-only collections
            continue
        if who == "public" and response.request["REQUEST_METHOD"] == "PATCH":
            assert response.status_code in (403, 404)  # refused before or after the lookup
        else:
            assert response.status_code == 404, (path, pk, response.status_code)
        assert response["Content-Type"] == "application/json"


def test_the_matrix_row_abc_is_a_404_even_for_anonymous_callers():
    response = api_for(None).get("/api/v1/matrix/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}


def test_an_api_address_that_matches_no_route_is_a_json_404():
    response = api_for(None).get("/api/v1/plans/a.b.c/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
