"""Who may change which plan. Seeing is the visibility rule (core.visibility); changing is
decided here, in one place, for pages and API alike."""

from __future__ import annotations

from typing import Any

from rumbo.organisations.models import Body, User

from .models import Plan


def can_create_plan(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def can_edit_plan(user: Any, plan: Plan) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_secretariat:
        return True
    body = plan.owner_body
    if body is None:
        return False
    if user.role == User.Role.PPT:
        # The chairing country edits its own annual work plan.
        return (
            plan.kind == Plan.Kind.PPT_ANNUAL
            and body.kind == Body.Kind.PPT
            and body.country_id is not None
            and body.country_id == user.organisation_id
        )
    if user.role == User.Role.WG_MEMBER:
        return body.kind in {Body.Kind.WORKING_GROUP, Body.Kind.AD_HOC_GROUP} and (
            user.working_groups.filter(pk=body.pk).exists()
        )
    return False


def can_read_audit(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)
