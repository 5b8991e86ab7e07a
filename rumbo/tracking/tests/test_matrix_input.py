"""What the matrix filters do with values typed into the address: no server error, and a
pillar or topic that cannot be a record matches nothing, like a missing or hidden one."""

from __future__ import annotations

import pytest

from rumbo.testing.factories import ActivityFactory, ElementFactory, PlanFactory
from rumbo.testing.http import client_for, url
from rumbo.tracking.forms import MatrixFilterForm
from rumbo.tracking.matrix import SORTS, matrix_queryset

pytestmark = pytest.mark.django_db

HUGE = [str(2**63), "9" * 30]


@pytest.fixture
def plan(bodies):
    plan = PlanFactory(code="in-plan", owner_body=bodies.wg_lab)
    pillar = ElementFactory(plan=plan, code="P1")
    for i, end in enumerate(["2024-03-01", "2024-01-01", None]):
        ActivityFactory(plan=plan, element=pillar, code=f"A{i}", end_date=end)
    return plan


@pytest.mark.parametrize("name", ["pillar", "topic"])
@pytest.mark.parametrize("value", [*HUGE, "-1", "0", "abc", "1.5"])
def test_an_id_filter_that_cannot_name_a_record_matches_nothing(cast, plan, name, value):
    filters = MatrixFilterForm({"plan": plan.code, name: value}).filters()
    assert matrix_queryset(cast.secretariat, filters).count() == 0
    for page in ("matrix", "matrix_export"):
        response = client_for(cast.secretariat).get(url(page) + f"?plan={plan.code}&{name}={value}")
        assert response.status_code == 200


def test_a_hidden_pillar_matches_nothing_like_a_missing_one(cast, canary):
    hidden = canary.secret_element.pk
    missing = max(hidden, canary.child_of_secret.pk) + 1000
    for pillar in (hidden, missing):
        filters = MatrixFilterForm({"pillar": str(pillar)}).filters()
        assert matrix_queryset(cast.observer, filters).count() == 0


@pytest.mark.parametrize("value", [*HUGE, "1", "abc"])
def test_a_year_out_of_range_is_left_out_on_the_page(cast, plan, value):
    filters = MatrixFilterForm({"plan": plan.code, "year": value}).filters()
    assert filters.year is None
    assert matrix_queryset(cast.secretariat, filters).count() == 3
    response = client_for(cast.secretariat).get(url("matrix") + f"?plan={plan.code}&year={value}")
    assert response.status_code == 200


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_every_column_sorts_both_ways(cast, plan, sort):
    client = client_for(cast.secretariat)
    down = client.get(url("matrix") + f"?plan={plan.code}&sort={sort}&desc=on")
    assert down.status_code == 200
    # Sorting one way must not turn the shared order around for the next request.
    filters = MatrixFilterForm({"plan": plan.code, "sort": "deadline"}).filters()
    codes = list(matrix_queryset(cast.secretariat, filters).values_list("code", flat=True))
    assert codes == ["A1", "A0", "A2"]  # by deadline, undated last
    filters = MatrixFilterForm({"plan": plan.code, "sort": "deadline", "desc": "on"}).filters()
    codes = list(matrix_queryset(cast.secretariat, filters).values_list("code", flat=True))
    assert codes == ["A0", "A1", "A2"]  # latest first, undated still last


@pytest.mark.parametrize("value", ["on", "true", "1"])
def test_the_descending_box_and_api_booleans_both_count_as_yes(value):
    assert MatrixFilterForm({"desc": value}).filters().descending is True
    assert MatrixFilterForm({"desc": "false"}).filters().descending is False
