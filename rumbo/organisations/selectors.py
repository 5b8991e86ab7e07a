"""Reading organisations and bodies, always through the visibility rule.

A reader owns every linked record it hands out: a body's country and members are loaded with
the same rule, so a members-only organisation never appears through a public body."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Body, Organisation


def organisations_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user)


def get_organisation_for(user: Any, code: str) -> Organisation:
    return get_object_or_404(organisations_for(user), code=code)


def get_member_state_for(user: Any, code: str) -> Organisation:
    """A member country the viewer may see, by its code (ISO3, any case), or 404."""
    return get_object_or_404(
        organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE), code=code.upper()
    )


def bodies_for(user: Any) -> QuerySet[Body]:
    return Body.objects.visible_to(user).prefetch_related(
        Prefetch("country", queryset=organisations_for(user)),
        Prefetch("members", queryset=organisations_for(user).order_by("name")),
    )


def working_groups_for(user: Any) -> QuerySet[Body]:
    return bodies_for(user).filter(kind__in=[Body.Kind.WORKING_GROUP, Body.Kind.AD_HOC_GROUP])


def get_body_for(user: Any, code: str) -> Body:
    return get_object_or_404(bodies_for(user), code=code)
