"""Who may record the meetings of a body (DESIGN.md, roles): the secretariat, any body; the
pro tempore presidency, the working groups it leads and its own presidency; an official of a
member country, the bodies they are part of (their working groups, or a body their country is
a member of). Observers and civil society read; they do not record meetings."""

from __future__ import annotations

from typing import Any

from rumbo.core.visibility import clearance_of
from rumbo.organisations.models import Body, User

GROUP_KINDS = {Body.Kind.WORKING_GROUP, Body.Kind.AD_HOC_GROUP}


def can_record_meetings(user: Any) -> bool:
    """Whether a person may record meetings of some body (shows the "new meeting" link)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_secretariat or user.role in User.MEMBER_COUNTRY_ROLES)


def can_manage_meetings(user: Any, body: Body | None) -> bool:
    """Whether `user` may create and edit the meetings of `body` (None: a meeting whose body
    the sources do not name, the secretariat's to keep)."""
    if not can_record_meetings(user):
        return False
    if user.is_secretariat:
        return True
    if body is None or body.visibility > clearance_of(user):
        return False
    if body.kind in GROUP_KINDS and user.working_groups.filter(pk=body.pk).exists():
        return True
    if user.role == User.Role.PPT:
        if body.kind in GROUP_KINDS:
            return True  # the presidency leads the working groups
        if body.kind == Body.Kind.PPT and body.country_id == user.organisation_id:
            return True
    return (
        user.organisation_id is not None and body.members.filter(pk=user.organisation_id).exists()
    )
