from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Body, Organisation
from .selectors import bodies_for, organisations_for


def grouped_by_kind(
    records: Iterable[Any], kinds: type[models.TextChoices]
) -> list[tuple[str, list[Any]]]:
    """Records grouped under their kind's label, kinds in their declared order."""
    groups: dict[str, list[Any]] = {value: [] for value in kinds.values}
    for record in records:
        groups[record.kind].append(record)
    labels = dict(kinds.choices)
    return [(labels[kind], items) for kind, items in groups.items() if items]


def organisation_list(request: HttpRequest) -> HttpResponse:
    orgs = organisations_for(request.user).order_by("name")
    return render(
        request,
        "organisations/organisation_list.html",
        {"groups": grouped_by_kind(orgs, Organisation.Kind)},
    )


def body_list(request: HttpRequest) -> HttpResponse:
    bodies = bodies_for(request.user).order_by("year", "code")
    return render(
        request, "organisations/body_list.html", {"groups": grouped_by_kind(bodies, Body.Kind)}
    )
