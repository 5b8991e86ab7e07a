"""Who may define indicators, report their values and review them. Seeing is the visibility
rule (selectors); changing is decided here, for pages, workbooks and the API alike."""

from __future__ import annotations

from typing import Any

from rumbo.organisations.models import Organisation, User
from rumbo.plans.access import can_edit_plan
from rumbo.plans.models import Plan

from .models import Indicator

# Officials of a member country who report its figures.
COUNTRY_REPORTERS = {User.Role.FOCAL_POINT, User.Role.PPT}


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_define_indicators(user: Any, plan: Plan) -> bool:
    """The plan's editors design its indicators."""
    return can_edit_plan(user, plan)


def reporting_country_id(user: Any) -> int | None:
    """The member country a person reports for (None: not a country's reporter)."""
    if not _active(user) or user.role not in COUNTRY_REPORTERS or not user.organisation_id:
        return None
    org = user.organisation
    return org.pk if org.kind == Organisation.Kind.MEMBER_STATE else None


def can_report(user: Any, indicator: Indicator, country_id: int | None) -> bool:
    """The secretariat reports for the region or any country (on its behalf); a focal point
    reports for their own country only, on an indicator each country reports."""
    if not _active(user) or indicator.is_computed:
        return False
    if user.is_secretariat:
        return True
    return (
        indicator.reported_by == Indicator.Reporter.COUNTRIES
        and country_id is not None
        and country_id == reporting_country_id(user)
    )


def can_report_for_region(user: Any) -> bool:
    """Only the secretariat reports values for the region as a whole (no country)."""
    return _active(user) and bool(user.is_secretariat)


def can_review_values(user: Any) -> bool:
    """The secretariat approves or returns reported values and locks periods."""
    return _active(user) and bool(user.is_secretariat)
