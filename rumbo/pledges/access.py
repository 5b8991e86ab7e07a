"""Who may record pledges and report on them: the pledging organisation's people and the
secretariat (on anyone's behalf)."""

from __future__ import annotations

from typing import Any

from .models import Pledge


def is_secretariat(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def own_organisation(user: Any) -> int | None:
    """The organisation a signed-in person with a role records pledges for."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.role):
        return None
    return user.organisation_id  # type: ignore[no-any-return]


def may_record(user: Any) -> bool:
    return is_secretariat(user) or own_organisation(user) is not None


def can_edit(user: Any, pledge: Pledge) -> bool:
    """The secretariat, and the people of the organisation that made the pledge (they also
    report its rounds)."""
    if is_secretariat(user):
        return True
    org = own_organisation(user)
    return org is not None and pledge.organisation_id == org
