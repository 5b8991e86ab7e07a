"""Who may record agreements and who may report a country's follow-up of them.

Agreements are recorded by those who may manage the meeting's body (`can_manage_meetings`).
A country's follow-up cell is reported by that country's own officials who report for it
(its focal points and, for the presidency's country, the PPT), or by the secretariat on its
behalf; nobody else, and never for another country."""

from __future__ import annotations

from typing import Any

from rumbo.organisations.models import Organisation, User

from .access import can_manage_meetings
from .models import Meeting

# The same people who report a country's indicator values (indicators.access).
COUNTRY_REPORTERS = {User.Role.FOCAL_POINT, User.Role.PPT}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def follow_up_country_id(user: Any) -> int | None:
    """The member country a person reports follow-up for (None: not a country's reporter)."""
    if not _active(user) or user.role not in COUNTRY_REPORTERS or not user.organisation_id:
        return None
    org = user.organisation
    return org.pk if org.kind == Organisation.Kind.MEMBER_STATE else None


def can_record_agreements(user: Any, meeting: Meeting) -> bool:
    return can_manage_meetings(user, meeting.body)


def can_report_follow_up(user: Any, country: Organisation) -> bool:
    """Whether `user` may set `country`'s cell of a follow-up grid."""
    if not _active(user) or country.kind != Organisation.Kind.MEMBER_STATE:
        return False
    if user.is_secretariat:
        return True
    return follow_up_country_id(user) == country.pk


def may_report_some_follow_up(user: Any) -> bool:
    """Whether to offer the follow-up form at all (the secretariat or a country's reporter)."""
    return _active(user) and (bool(user.is_secretariat) or follow_up_country_id(user) is not None)
