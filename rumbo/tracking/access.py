"""Who may write follow-up: the plan's editors, and the organisations responsible for the
activity (their focal points and officials report on what they lead or accompany)."""

from __future__ import annotations

from typing import Any

from rumbo.organisations.models import User
from rumbo.plans.access import can_edit_plan
from rumbo.plans.models import Activity


def can_report_on(user: Any, activity: Activity) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return False
    if can_edit_plan(user, activity.plan):
        return True
    return (
        user.organisation_id is not None
        and activity.parties.filter(organisation_id=user.organisation_id).exists()
    )


def can_decide_notes(user: Any) -> bool:
    """The secretariat and the pro tempore presidency approve or return concept notes."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_secretariat or user.role == User.Role.PPT)
    )
