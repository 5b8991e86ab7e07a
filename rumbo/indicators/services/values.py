"""Recording values and their review: draft → submitted → returned → approved."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation

from .. import totals
from ..access import can_report, can_review_values
from ..models import (
    Category,
    Indicator,
    Measurement,
    MeasurementFile,
    MeasurementPart,
)
from ..selectors import is_locked
from .checks import ValueInput, check_place, check_value
from .design import plain_number
from .files import files_change, files_discard, files_store, files_to_remove

Status = Measurement.Status


def measurement_save(
    *,
    actor: Any,
    indicator: Indicator,
    period: str,
    country: Organisation | None,
    given: ValueInput,
    expected_version: int | None = None,
    reason: str = "",
    files: Sequence[UploadedFile] = (),
    remove_files: Collection[int] = (),
) -> Measurement:
    """Record or correct the value of `indicator` for `period` and `country` (None: the
    region). A country's correction of a submitted or approved value takes it back to draft;
    the secretariat's correction of an approved value keeps it approved and needs a reason.
    In a locked period only the secretariat may change a value, saying why.

    `files` are attached to the value as its evidence and `remove_files` (ids of its files)
    taken off it: a change of the value like any other, under the same rules. All or
    nothing, files included: a refused save leaves no file behind."""
    if not can_report(actor, indicator, country.pk if country else None):
        raise PermissionDenied
    stored = files_store(files) if files else []
    try:
        return _measurement_record(
            actor=actor,
            indicator=indicator,
            period=period,
            country=country,
            given=given,
            expected_version=expected_version,
            reason=reason,
            stored=stored,
            remove_files=remove_files,
        )
    except BaseException:
        files_discard(stored)
        raise


@transaction.atomic
def _measurement_record(
    *,
    actor: Any,
    indicator: Indicator,
    period: str,
    country: Organisation | None,
    given: ValueInput,
    expected_version: int | None,
    reason: str,
    stored: Sequence[MeasurementFile],
    remove_files: Collection[int],
) -> Measurement:
    code = check_place(indicator, period, country)
    checked = check_value(indicator, given)
    parts = checked.pop("parts")
    locked = is_locked(indicator.plan, code)
    if locked and not can_review_values(actor):
        raise ValidationError(
            {"period": _("%(period)s is locked: ask the secretariat.") % {"period": code}}
        )
    # Ordered by id, not by the model's ordering: that joins the (nullable) country, which
    # PostgreSQL cannot lock.
    existing = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, period=code, country=country)
        .order_by("pk")
        .first()
    )
    if existing is None:
        if locked and not reason.strip():
            raise ValidationError({"reason": _("The period is locked: say why this changes.")})
        m = Measurement(indicator=indicator, period=code, country=country)
        data = {**checked, "design": indicator.design, "reported_by": actor}
        files_to_remove(None, remove_files)
        m = audited_create(actor=actor, instance=m, data=data, reason=reason)
        _set_parts(m, parts)
        if parts:
            _audit_parts(actor, m, {}, _parts_snapshot(m), reason)
        files_change(actor=actor, m=m, stored=stored, removing=[], reason=reason, bump=False)
        return m
    if expected_version is not None and existing.version != expected_version:
        raise ConflictError(existing)
    old_parts = _parts_snapshot(existing)
    removing = files_to_remove(existing, remove_files)
    data = dict(checked)
    corrected = any(not audit.same(getattr(existing, k), v) for k, v in checked.items())
    corrected = corrected or old_parts != _parts_preview(parts)
    corrected = corrected or bool(stored) or bool(removing)
    if not corrected:
        return existing
    if existing.status == Status.APPROVED or locked:
        if can_review_values(actor):
            if not reason.strip():
                raise ValidationError(
                    {
                        "reason": _(
                            "This value was approved or its period is locked: say why it changes."
                        )
                    }
                )
        else:
            data["status"] = Status.DRAFT
    elif existing.status == Status.SUBMITTED and not can_review_values(actor):
        data["status"] = Status.DRAFT
    data["design"] = indicator.design
    data["reported_by"] = actor
    counted = existing.status == Status.APPROVED  # its figures change, or it stops counting
    version = existing.version
    m = audited_update(actor=actor, instance=existing, data=data, reason=reason)
    _set_parts(m, parts)
    new_parts = _parts_snapshot(m)
    if new_parts != old_parts:
        _audit_parts(actor, m, old_parts, new_parts, reason)
    files_change(
        actor=actor,
        m=m,
        stored=stored,
        removing=removing,
        reason=reason,
        bump=m.version == version,
    )
    if counted:
        totals.refresh([indicator.pk])
    return m


def _set_parts(m: Measurement, parts: Mapping[int, Mapping[str, Decimal | None]]) -> None:
    MeasurementPart.objects.filter(measurement=m).exclude(category_id__in=parts).delete()
    for cid, share in parts.items():
        defaults: dict[str, Any] = {
            name: share.get(name) for name in ("value", "numerator", "denominator")
        }
        MeasurementPart.objects.update_or_create(measurement=m, category_id=cid, defaults=defaults)


def _fmt(share: Mapping[str, Decimal | None]) -> str:
    if share.get("denominator") is not None:
        return (
            f"{format(share.get('numerator') or 0, 'f')}/{format(share['denominator'] or 0, 'f')}"
        )
    value = share.get("value")
    return "" if value is None else plain_number(value)


def _parts_preview(parts: Mapping[int, Mapping[str, Decimal | None]]) -> dict[str, str]:
    cats = Category.objects.filter(pk__in=parts).select_related("dimension")
    return {f"{c.dimension.code}/{c.code}": _fmt(parts[c.pk]) for c in cats}


def _parts_snapshot(m: Measurement) -> dict[str, str]:
    return {
        f"{p.category.dimension.code}/{p.category.code}": _fmt(p.as_dict())
        for p in MeasurementPart.objects.filter(measurement=m).select_related("category__dimension")
    }


def _audit_parts(
    actor: Any, m: Measurement, old: dict[str, str], new: dict[str, str], reason: str
) -> None:
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=m,
        changes={"breakdown": {"old": old, "new": new}},
        reason=reason,
    )


def _step(
    *,
    actor: Any,
    m: Measurement,
    allowed: set[str],
    data: dict[str, Any],
    expected_version: int | None,
) -> Measurement:
    if m.status not in allowed:
        raise ValidationError(
            _("A value that is %(status)s cannot do this.")
            % {"status": m.get_status_display().lower()}
        )
    return audited_update(actor=actor, instance=m, data=data, expected_version=expected_version)


@transaction.atomic
def measurement_submit(
    *, actor: Any, measurement: Measurement, expected_version: int | None = None
) -> Measurement:
    m = measurement
    if not can_report(actor, m.indicator, m.country_id):
        raise PermissionDenied
    return _step(
        actor=actor,
        m=m,
        allowed={Status.DRAFT, Status.RETURNED},
        data={"status": Status.SUBMITTED, "submitted_at": timezone.now()},
        expected_version=expected_version,
    )


@transaction.atomic
def measurement_return(
    *, actor: Any, measurement: Measurement, comments: str, expected_version: int | None = None
) -> Measurement:
    if not can_review_values(actor):
        raise PermissionDenied
    if not comments.strip():
        raise ValidationError({"review_comment": _("Say what needs to change.")})
    return _step(
        actor=actor,
        m=measurement,
        allowed={Status.SUBMITTED},
        data={
            "status": Status.RETURNED,
            "review_comment": comments.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
        expected_version=expected_version,
    )


@transaction.atomic
def measurement_approve(
    *, actor: Any, measurement: Measurement, expected_version: int | None = None
) -> Measurement:
    """Approve a submitted value (the secretariat may also approve what it entered itself)."""
    if not can_review_values(actor):
        raise PermissionDenied
    allowed: set[str] = {Status.SUBMITTED}
    if measurement.reported_by_id == actor.pk or measurement.country_id is None:
        allowed |= {Status.DRAFT, Status.RETURNED}
    approved = _step(
        actor=actor,
        m=measurement,
        allowed=allowed,
        data={"status": Status.APPROVED, "decided_by": actor, "decided_at": timezone.now()},
        expected_version=expected_version,
    )
    totals.refresh([approved.indicator_id])
    return approved
