"""Locking a plan's period once its report is out."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.plans.models import Plan

from .. import periods
from ..access import can_review_values
from ..models import (
    PeriodLock,
)


@transaction.atomic
def period_lock(*, actor: Any, plan: Plan, period: str, note: str = "") -> PeriodLock:
    """Close a period of a plan once its report is out."""
    if not can_review_values(actor):
        raise PermissionDenied
    try:
        code = periods.parse(period, plan_years=(plan.period_start, plan.period_end)).code
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    lock, created = PeriodLock.objects.get_or_create(
        plan=plan, period=code, defaults={"locked_by": actor, "note": note.strip()}
    )
    if created:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=lock,
            changes={"period": {"old": None, "new": code}},
            reason=note.strip(),
        )
    return lock


@transaction.atomic
def period_unlock(*, actor: Any, plan: Plan, period: str, reason: str) -> None:
    if not can_review_values(actor):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the period opens again.")})
    lock = PeriodLock.objects.filter(plan=plan, period=period).first()
    if lock is None:
        return
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=lock,
        changes={"period": {"old": lock.period, "new": None}},
        reason=reason.strip(),
    )
    lock.delete()
