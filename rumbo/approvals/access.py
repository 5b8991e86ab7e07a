"""Who may open approval questions and record positions (DESIGN.md, roles): the secretariat
opens questions; a member country's own focal points (and its presidency's officials) record
its position; the secretariat records one only on the country's written request, attached."""

from __future__ import annotations

from typing import Any

from rumbo.indicators.access import reporting_country_id
from rumbo.organisations.models import Organisation


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_open_questions(user: Any) -> bool:
    return _active(user) and bool(user.is_secretariat)


def own_country_id(user: Any) -> int | None:
    """The member country whose position a person records as its own (None: none)."""
    return reporting_country_id(user)


def can_record_position(user: Any, country: Organisation) -> bool:
    """Whether `user` may record `country`'s position (the secretariat: on behalf only)."""
    if not _active(user) or country.kind != Organisation.Kind.MEMBER_STATE:
        return False
    return own_country_id(user) == country.pk or bool(user.is_secretariat)


def records_on_behalf(user: Any, country: Organisation) -> bool:
    """Whether a position `user` records for `country` is recorded on its behalf."""
    return own_country_id(user) != country.pk
