"""Good practices over the API: published ones for everyone, submission and review for those
allowed, conflicts, and responses that match the schema."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from rumbo.practices.models import GoodPractice
from rumbo.testing.api import api_for, conforms

from .factories import a_file, published, submitted

pytestmark = pytest.mark.django_db
BASE = "/api/v1/good-practices/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_documents_the_endpoint(schema):
    assert "/api/v1/good-practices/" in schema["paths"]
    assert "/api/v1/good-practices/{id}/schedule/" in schema["paths"]


def test_anonymous_reads_published_practices_only(schema, cast):
    p = published(cast.civil, cast.secretariat, title="Pública", files=[a_file()])
    submitted(cast.civil, "CANARY")
    listing = api_for(cast.public).get(BASE).json()
    conforms(schema, "PaginatedGoodPracticeList", listing)
    assert [r["id"] for r in listing["results"]] == [p.pk]
    assert "CANARY" not in str(listing)
    item = listing["results"][0]
    assert item["status"] == "published" and item["published"] is True
    assert item["review_comments"] is None and item["submitted_by"] is None
    assert item["files"][0]["url"].endswith(f"/practices/files/{p.files.get().pk}/")


def test_organisation_reads_its_own_unpublished_and_others_do_not(cast):
    p = submitted(cast.civil, "CANARY")
    assert api_for(cast.civil).get(f"{BASE}{p.pk}/").status_code == 200
    for who in ("public", "observer", "focal"):
        assert api_for(getattr(cast, who)).get(f"{BASE}{p.pk}/").status_code == 404
    assert api_for(cast.focal).get(BASE).json()["count"] == 0


def test_submit_and_review_over_the_api(schema, cast, orgs):
    civil = api_for(cast.civil)
    created = civil.post(
        BASE,
        {"title_en": "Labour corridors", "summary_en": "How", "countries": ["GTM"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    conforms(schema, "GoodPractice", body)
    assert body["status"] == "submitted" and body["organisation"] == "RROCM"
    pk = body["id"]
    # The submitter may not accept it; the secretariat may.
    assert civil.post(f"{BASE}{pk}/accept/", {"version": 1}, format="json").status_code == 403
    se = api_for(cast.secretariat)
    assert se.post(f"{BASE}{pk}/accept/", {"version": 1}, format="json").status_code == 200
    stale = se.post(f"{BASE}{pk}/return/", {"version": 1, "comments": "x"}, format="json")
    assert stale.status_code == 409
    scheduled = se.post(
        f"{BASE}{pk}/schedule/", {"version": 2, "publish_on": "2020-01-01"}, format="json"
    )
    assert scheduled.status_code == 200
    # A date already past: public at once.
    assert scheduled.json()["status"] == "published"
    assert api_for(cast.public).get(f"{BASE}{pk}/").status_code == 200


def test_edit_over_the_api_needs_the_version(cast):
    p = submitted(cast.civil, "Antes")
    civil = api_for(cast.civil)
    assert civil.patch(f"{BASE}{p.pk}/", {"title_es": "Después"}, format="json").status_code == 400
    ok = civil.patch(f"{BASE}{p.pk}/", {"title_es": "Después", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["title_es"] == "Después"
    assert ok.json()["summary_es"] == "Resumen de Antes"  # what was not sent stays
    stale = civil.patch(f"{BASE}{p.pk}/", {"title_es": "Otra", "version": 1}, format="json")
    assert stale.status_code == 409
    assert GoodPractice.objects.get(pk=p.pk).title_es == "Después"


def test_filters_of_the_list(cast, orgs):
    published(cast.focal, cast.secretariat, title="GT", countries=[orgs.gtm])
    published(cast.civil, cast.secretariat, title="Otra")
    client = api_for(cast.public)
    assert client.get(f"{BASE}?country=GTM").json()["count"] == 1
    assert client.get(f"{BASE}?country=NOPE").json()["count"] == 0
    assert client.get(f"{BASE}?gcm=99").status_code == 400
