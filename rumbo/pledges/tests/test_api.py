"""Pledges over the API: what each caller may read, filters, and responses that match the
schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from rumbo.core.visibility import Visibility
from rumbo.testing.api import api_for, conforms

from .factories import pledge, report

pytestmark = pytest.mark.django_db
BASE = "/api/v1/pledges/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_documents_the_endpoint(schema):
    assert BASE in schema["paths"]
    assert f"{BASE}{{id}}/" in schema["paths"]


def test_a_caller_reads_the_pledges_and_linked_records_they_may_see(schema, cast, canary):
    p = pledge(cast.focal, "Abierto", activities=[canary.secret_activity, canary.open_activity])
    report(cast.focal, p, 2024, 4, delivered_amount=Decimal("750"), narrative_es="Entrega")
    pledge(cast.focal, "CANARY cerrado", visibility=Visibility.MEMBERS)
    listing = api_for(cast.public).get(BASE).json()
    conforms(schema, "PaginatedPledgeList", listing)
    assert [r["id"] for r in listing["results"]] == [p.pk]
    assert "CANARY" not in str(listing)
    item = listing["results"][0]
    assert item["activities"] == [canary.open_activity.pk]
    assert (item["progress"], item["delivered_amount"]) == ("in_progress", "750.00")
    april = next(r for r in item["rounds"] if r["round"] == "2024-04")
    assert april["state"] == "done"
    assert [u["narrative_es"] for u in item["updates"] if u["id"] == april["update_id"]] == [
        "Entrega"
    ]
    member = api_for(cast.focal).get(f"{BASE}{p.pk}/").json()
    conforms(schema, "Pledge", member)
    assert set(member["activities"]) == {canary.secret_activity.pk, canary.open_activity.pk}
    assert len(api_for(cast.focal).get(BASE).json()["results"]) == 2


def test_filters_and_a_hidden_pledge_is_not_found(cast):
    hidden = pledge(cast.focal, "CANARY", visibility=Visibility.MEMBERS)
    pledge(cast.observer, "Otro")
    api = api_for(cast.public)
    assert api.get(f"{BASE}{hidden.pk}/").status_code == 404
    assert [r["title_es"] for r in api.get(BASE, {"organisation": "OIM"}).json()["results"]] == [
        "Otro"
    ]
    assert api.get(BASE, {"organisation": "NO-SUCH"}).json()["results"] == []
    assert len(api.get(BASE, {"progress": "not_reported"}).json()["results"]) == 1
    assert api.get(BASE, {"progress": "bogus"}).status_code == 400
    assert api.get(BASE, {"organisation": "OIM"}).status_code == 200
