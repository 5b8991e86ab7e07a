"""Who may do what with good practices: any participant submits for their organisation; the
organisation's people edit and send back their own practice while it is under review; the
secretariat reviews and publishes."""

from __future__ import annotations

from typing import Any

from .models import GoodPractice


def is_participant(user: Any) -> bool:
    """A signed-in, active person with a role in the process and an organisation."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_secretariat or (user.role and user.organisation_id is not None))
    )


def can_review(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_secretariat)


def own_organisation(user: Any) -> int | None:
    """The id of the organisation a person submits and reads unpublished practices for."""
    if not is_participant(user):
        return None
    return user.organisation_id  # type: ignore[no-any-return]


def is_own(user: Any, practice: GoodPractice) -> bool:
    org = own_organisation(user)
    return org is not None and practice.organisation_id == org


def can_edit(user: Any, practice: GoodPractice) -> bool:
    """The secretariat at any time (a correction to a published practice too); its
    organisation while it is under review."""
    if can_review(user):
        return True
    return is_own(user, practice) and practice.status in {
        GoodPractice.Status.SUBMITTED,
        GoodPractice.Status.RETURNED,
    }


def can_resubmit(user: Any, practice: GoodPractice) -> bool:
    return practice.status == GoodPractice.Status.RETURNED and (
        is_own(user, practice) or can_review(user)
    )
