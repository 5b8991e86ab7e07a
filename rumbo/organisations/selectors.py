from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Body, Organisation


def organisations_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user)


def bodies_for(user: Any) -> QuerySet[Body]:
    return Body.objects.visible_to(user).select_related("country").prefetch_related("members")


def get_organisation_for(user: Any, code: str) -> Organisation:
    return get_object_or_404(organisations_for(user), code=code)


def get_body_for(user: Any, code: str) -> Body:
    return get_object_or_404(bodies_for(user), code=code)
