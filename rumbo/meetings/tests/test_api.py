"""The meetings API: as the pages show them, written through the services, in the schema."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.visibility import Visibility
from rumbo.meetings.models import Meeting
from rumbo.testing.api import api_for, conforms

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_list_filters_and_detail_conform(schema):
    client = api_for(None)
    listing = client.get("/api/v1/meetings/?body=GRCM&year=2021").json()
    conforms(schema, "PaginatedMeetingList", listing)
    titles = {m["title_es"] for m in listing["results"]}
    assert "Reunión del Grupo Regional de Consulta sobre Migración (GRCM)" in titles
    assert all(m["body"] == "GRCM" for m in listing["results"])
    one = next(m for m in listing["results"] if m["code"] == "grcm-2021-12-01")
    detail = client.get(f"/api/v1/meetings/{one['id']}/").json()
    conforms(schema, "Meeting", detail)
    assert len(detail["participants"]) == 10
    assert client.get("/api/v1/meetings/?kind=party").status_code == 400


def test_create_and_update_with_the_version(schema, cast, bodies):
    client = api_for(cast.wg)
    created = client.post(
        "/api/v1/meetings/",
        {
            "body": "WG-LAB",
            "kind": "webinar",
            "title_es": "Seminario web",
            "visibility": Visibility.MEMBERS,
            "agenda": [{"title_es": "Apertura", "title_en": "Opening"}],
            "participants": [{"organisation": "MEX", "women": 2, "men": 1}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    conforms(schema, "Meeting", body)
    assert body["participants"][0]["non_binary"] is None
    pk, version = body["id"], body["version"]
    ok = client.patch(
        f"/api/v1/meetings/{pk}/",
        {"version": version, "place_es": "Ciudad de México"},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    stale = client.patch(
        f"/api/v1/meetings/{pk}/", {"version": version, "place_es": "Otra"}, format="json"
    )
    assert stale.status_code == 409
    assert Meeting.objects.get(pk=pk).place_es == "Ciudad de México"
    other = client.post(
        "/api/v1/meetings/", {"body": "WG-PROT", "title_es": "Ajena"}, format="json"
    )
    assert other.status_code == 403
    assert api_for(cast.public).get(f"/api/v1/meetings/{pk}/").status_code == 404


def test_observers_cannot_change_a_meeting(cast, bodies):
    m = MeetingFactory(body=bodies.wg_lab)
    response = api_for(cast.observer).patch(
        f"/api/v1/meetings/{m.pk}/", {"version": m.version, "title_es": "X"}, format="json"
    )
    assert response.status_code == 403
