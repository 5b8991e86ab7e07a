"""Recording agreements adopted at a meeting and each country's follow-up of them. Each change
is atomic, audited and checked against the version it was read at: a stale form is refused
with the conflict message, never applied over someone else's report.

An agreement is recorded by whoever may manage its meeting's body, never more visible than
the meeting. A follow-up cell is set by the country's own reporters or the secretariat
(`access_agreements.can_report_follow_up`); a cell not yet reported has version 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation
from rumbo.plans.models import PlanElement
from rumbo.plans.selectors import elements_for

from .access_agreements import can_record_agreements, can_report_follow_up
from .models import Meeting
from .models_agreements import Agreement, FollowUp

# The version a form shows for a country that has not reported yet.
NOT_YET = 0


def _check_level(level: Any, meeting: Meeting) -> None:
    if level is not None and int(level) < meeting.effective_visibility:
        raise ValidationError(
            {"visibility": _("An agreement cannot be more visible than its meeting.")}
        )


def _check_elements(actor: Any, elements: Sequence[PlanElement] | None) -> None:
    if elements is None:
        return
    seen = set(
        elements_for(actor).filter(pk__in=[e.pk for e in elements]).values_list("pk", flat=True)
    )
    if any(e.pk not in seen for e in elements):
        raise PermissionDenied


def _check_code(meeting: Meeting, code: str, exclude: int | None = None) -> None:
    # Codes are unique per meeting, so this is asked of every agreement, seen or not.
    others = Agreement.objects.filter(meeting=meeting, code=code)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"code": _("This meeting already has an agreement with this code.")})


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    meeting: Meeting,
    data: Mapping[str, Any],
    elements: Sequence[PlanElement] = (),
) -> Agreement:
    """Record an agreement, recommendation or mandate adopted at `meeting`."""
    if not can_record_agreements(actor, meeting):
        raise PermissionDenied
    values = dict(data)
    values.setdefault("visibility", meeting.effective_visibility)
    _check_level(values["visibility"], meeting)
    _check_elements(actor, elements)
    _check_code(meeting, str(values.get("code", "")))
    return audited_create(
        actor=actor,
        instance=Agreement(meeting=meeting),
        data={**values, "elements": list(elements)},
    )


@transaction.atomic
def agreement_update(
    *,
    actor: Any,
    agreement: Agreement,
    data: Mapping[str, Any],
    expected_version: int | None,
    elements: Sequence[PlanElement] | None = None,
) -> Agreement:
    """Change an agreement (and, when given, its linked plan elements). Refused with
    ConflictError when it changed since `expected_version` was read."""
    if expected_version is None:
        raise ValidationError(
            _("This form was sent without the version of the record it was opened on.")
        )
    meeting = agreement.meeting
    if not can_record_agreements(actor, meeting):
        raise PermissionDenied
    _check_level(data.get("visibility", agreement.visibility), meeting)
    _check_elements(actor, elements)
    if "code" in data:
        _check_code(meeting, str(data["code"]), exclude=agreement.pk)
    values = dict(data)
    if elements is not None:
        # Elements the actor cannot see stay linked: only what they see is theirs to change.
        hidden = agreement.elements.exclude(pk__in=elements_for(actor).values("pk"))
        values["elements"] = [*elements, *hidden]
    return audited_update(
        actor=actor, instance=agreement, data=values, expected_version=expected_version
    )


@transaction.atomic
def follow_up_report(
    *,
    actor: Any,
    agreement: Agreement,
    country: Organisation,
    status: str,
    evidence: str = "",
    reported_on: dt.date | None = None,
    expected_version: int | None,
) -> FollowUp:
    """Set `country`'s cell of `agreement`'s follow-up grid: status, evidence, date (the date
    of the work reported). `expected_version` is the cell's version the form was opened on
    (0 when the country had not reported yet); a cell changed since is a ConflictError."""
    if not can_report_follow_up(actor, country):
        raise PermissionDenied
    if expected_version is None:
        raise ValidationError(
            _("This form was sent without the version of the record it was opened on.")
        )
    if status not in FollowUp.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status in FollowUp.REPORTED and reported_on is None:
        raise ValidationError({"reported_on": _("Give the date of what is reported.")})
    values = {
        "status": status,
        "evidence": evidence,
        "reported_on": reported_on,
        "reported_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    current = (
        FollowUp.objects.select_for_update().filter(agreement=agreement, country=country).first()
    )
    if current is None:
        if expected_version != NOT_YET:
            raise ConflictError(FollowUp(agreement=agreement, country=country))
        try:
            with transaction.atomic():
                return audited_create(
                    actor=actor,
                    instance=FollowUp(agreement=agreement, country=country),
                    data=values,
                )
        except IntegrityError:
            # Another report of the same cell got in first.
            raise ConflictError(FollowUp(agreement=agreement, country=country)) from None
    if current.version != expected_version:
        raise ConflictError(current)
    before = (current.status, current.evidence, current.reported_on)
    if before == (status, evidence, reported_on):
        return current  # nothing changed: no new version, no audit row
    return audited_update(
        actor=actor, instance=current, data=values, expected_version=expected_version
    )
