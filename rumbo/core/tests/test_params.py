"""Record ids in URLs: only ids a record can have reach a view (`<id:pk>`), whatever the
number of digits typed; any other is the 404 of a missing record."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from rumbo.core.params import MAX_ID, FlagField, IdConverter, is_record_id
from rumbo.testing.http import client_for

HUGE = [MAX_ID + 1, 10**30]


def page_routes() -> list[str]:
    """Every URL pattern of the site, as text, prefixes included."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


def test_no_route_takes_an_unbounded_integer():
    assert [r for r in page_routes() if "<int:" in r] == []
    assert len([r for r in page_routes() if "<id:" in r]) >= 8


@pytest.mark.parametrize(
    ("value", "valid"),
    [("1", True), (str(MAX_ID), True), (str(MAX_ID + 1), False), ("0", False), ("٣", False)],
)
def test_record_ids(value, valid):
    assert is_record_id(value) is valid
    if valid:
        assert IdConverter().to_python(value) == int(value)
    else:
        with pytest.raises(ValueError):
            IdConverter().to_python(value)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["public", "secretariat"])
@pytest.mark.parametrize("pk", HUGE)
def test_every_page_with_an_id_is_a_404_past_the_range_of_ids(cast, who, pk):
    client = client_for(getattr(cast, who))
    routes = [r for r in page_routes() if "<id:pk>" in r]
    for route in routes:
        path = "/" + route.replace("<id:pk>", str(pk))
        path = path.replace("<str:kind>", "activity").replace("<str:action>", "submit")
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("false", False), ("", False)])
def test_flags(value, expected):
    assert FlagField().clean(value) is expected


def test_a_flag_refuses_anything_else():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        FlagField().clean("maybe")
