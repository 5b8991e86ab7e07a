"""Changing indicators and their values. Each change is one atomic, audited service with a
version check; bad input is refused whole, with a message naming the field.

- Design: an indicator's unit, time basis, frequency or disaggregations change as a new design
  revision, never deleting a value; once values exist, the change needs a reason.
- Targets: set as a whole table; changing or removing one needs a reason.
- Values: draft → submitted → returned → approved; only approved values count. A change in a
  locked period needs the secretariat and a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.i18n import current_language
from rumbo.core.models import AuditEvent
from rumbo.core.numbers import format_decimal
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Plan

from . import periods
from .access import can_define_indicators, can_report, can_review_values
from .models import (
    DESIGN_FIELDS,
    Category,
    Indicator,
    IndicatorDesign,
    Measurement,
    MeasurementPart,
    PeriodLock,
    Target,
)
from .selectors import is_locked

Status = Measurement.Status
Unit = Indicator.Unit


# Design ---------------------------------------------------------------------------------------
def design_snapshot(indicator: Indicator) -> dict[str, Any]:
    """The design as values entered under it must be read: unit, time basis and each
    disaggregation with its categories, in both languages."""
    dims = []
    for dim in indicator.dimensions.order_by("order", "code"):
        dims.append(
            {
                "code": dim.code,
                "name_es": dim.name_es or "",
                "name_en": dim.name_en or "",
                "categories": [
                    {
                        "id": c.pk,
                        "code": c.code,
                        "name_es": c.name_es or "",
                        "name_en": c.name_en or "",
                    }
                    for c in dim.categories.order_by("order", "code")
                ],
            }
        )
    return {
        "unit": indicator.unit,
        "currency": indicator.currency,
        "cumulative": indicator.cumulative,
        "aggregation": indicator.aggregation,
        "frequency": indicator.frequency,
        "dimensions": dims,
    }


def _has_values(indicator: Indicator) -> bool:
    return Measurement.objects.filter(indicator=indicator).exists()


@transaction.atomic
def indicator_create(*, actor: Any, plan: Plan, data: Mapping[str, Any]) -> Indicator:
    if not can_define_indicators(actor, plan):
        raise PermissionDenied
    return audited_create(actor=actor, instance=Indicator(plan=plan), data=data)


@transaction.atomic
def indicator_update(
    *,
    actor: Any,
    indicator: Indicator,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> Indicator:
    """Change an indicator. A change to its design (unit, time basis, frequency,
    disaggregations) starts a new design revision: values already entered keep theirs and are
    never deleted. Once values exist, such a change needs a reason, kept in the audit log."""
    if not can_define_indicators(actor, indicator.plan):
        raise PermissionDenied
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = design_snapshot(current)
    redesign = _design_changes(current, data)
    if redesign and _has_values(current) and not reason.strip():
        raise ValidationError(
            {"reason": _("Values were already reported under this design: say why it changes.")}
        )
    if redesign:
        # The design in force until now, recorded once, for the values entered under it.
        IndicatorDesign.objects.get_or_create(
            indicator=current,
            number=current.design,
            defaults={"snapshot": before, "created_by": actor},
        )
        data = {**data, "design": current.design + 1}
    updated = audited_update(
        actor=actor,
        instance=current,
        data=data,
        expected_version=expected_version,
        reason=reason,
    )
    if redesign:
        IndicatorDesign.objects.create(
            indicator=updated,
            number=updated.design,
            snapshot=design_snapshot(updated),
            reason=reason,
            created_by=actor,
        )
    return updated


def _design_changes(indicator: Indicator, data: Mapping[str, Any]) -> bool:
    for name in DESIGN_FIELDS:
        if name not in data:
            continue
        if name == "dimensions":
            old = set(indicator.dimensions.values_list("pk", flat=True))
            new = {getattr(d, "pk", d) for d in data[name]}
            if old != new:
                return True
        elif not audit.same(getattr(indicator, name), data[name]):
            return True
    return False


TargetKey = tuple[str, int | None]  # (period code, country id or None for the region)


@transaction.atomic
def targets_set(
    *,
    actor: Any,
    indicator: Indicator,
    targets: Mapping[TargetKey, Decimal | None],
    expected_version: int | None = None,
    reason: str = "",
) -> Indicator:
    """Replace an indicator's targets with `targets` (a None value removes one). Changing or
    removing a target already set needs a reason; the change is audited on the indicator."""
    if not can_define_indicators(actor, indicator.plan):
        raise PermissionDenied
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current)
    plan = current.plan
    years = (plan.period_start, plan.period_end)
    errors: dict[str, list[str]] = {}
    clean: dict[TargetKey, Decimal] = {}
    for (code, country), value in targets.items():
        if value is None:
            continue
        name = f"target:{code}:{country or ''}"
        try:
            period = periods.parse(code, plan_years=years)
        except periods.PeriodError as exc:
            errors.setdefault(name, []).append(str(exc))
            continue
        if period.kind != "plan" and not plan.period_start <= period.year <= plan.period_end:
            errors.setdefault(name, []).append(
                _("%(period)s is outside the plan (%(years)s).")
                % {"period": period.label(), "years": plan.period_label}
            )
        if current.unit == Unit.PERCENT and not Decimal(0) <= value <= Decimal(100):
            errors.setdefault(name, []).append(_("A percentage is between 0 and 100."))
        clean[(period.code, country)] = value
    if errors:
        raise ValidationError(errors)
    existing = {(t.period, t.country_id): t for t in current.targets.all()}
    before = {_target_label(k): _plain(t.value) for k, t in existing.items()}
    after = {_target_label(k): _plain(v) for k, v in clean.items()}
    changed_existing = any(
        k in existing and (k not in clean or not audit.same(existing[k].value, clean[k]))
        for k in existing
    )
    if changed_existing and not reason.strip():
        raise ValidationError({"reason": _("Say why targets already set change.")})
    if before == after:
        return current
    for key, target in existing.items():
        if key not in clean:
            target.delete()
        elif not audit.same(target.value, clean[key]):
            target.value = clean[key]
            target.save(update_fields=["value"])
    Target.objects.bulk_create(
        [
            Target(indicator=current, period=p, country_id=c, value=v)
            for (p, c), v in clean.items()
            if (p, c) not in existing
        ]
    )
    Indicator.objects.filter(pk=current.pk).update(version=F("version") + 1)
    current.version += 1
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        changes={"targets": {"old": before, "new": after}},
        reason=reason,
    )
    return current


def _plain(value: Decimal) -> str:
    """A number as the audit log writes it: "10", "12.5" (not "10.0000")."""
    return format(value.normalize(), "f")


def _target_label(key: TargetKey) -> str:
    period, country = key
    if country is None:
        return period
    code = Organisation.objects.filter(pk=country).values_list("code", flat=True).first()
    return f"{period} {code or country}"


# Values ---------------------------------------------------------------------------------------
@dataclass
class ValueInput:
    """What a person reports for one period and country (from a form, a workbook or the API).
    `parts` maps a category id to its share: {"value": ...} or numerator and denominator."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    text: str = ""
    evidence: str = ""
    comment: str = ""
    breakdown_note: str = ""
    parts: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)


def check_value(indicator: Indicator, given: ValueInput, *, prefix: str = "") -> dict[str, Any]:
    """The fields of a value after the unit's rules and the breakdown's sums, or a
    ValidationError naming each field (`prefix` prepends to the names, e.g. a workbook cell)."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(f"{prefix}{name}", []).append(message)

    unit = indicator.unit
    value, num, den = given.value, given.numerator, given.denominator
    if unit == Unit.PERCENT:
        if num is None:
            err("numerator", _("Give the numerator of the percentage."))
        if den is None:
            err("denominator", _("Give the denominator of the percentage."))
        elif den <= 0:
            err("denominator", _("The denominator must be more than zero."))
        if num is not None and num < 0:
            err("numerator", _("The numerator cannot be negative."))
        if num is not None and den is not None and den > 0 and num > den:
            err("numerator", _("The numerator cannot be more than the denominator."))
        value = (
            (num / den * 100).quantize(Decimal("0.0001"))
            if (num is not None and den is not None and den > 0)
            else None
        )
    elif unit == Unit.TEXT:
        if not given.text.strip():
            err("text", _("Write the qualitative value."))
        value = num = den = None
    else:
        num = den = None
        if value is None:
            err("value", _("Give the value."))
        elif unit == Unit.YES_NO and value not in (Decimal(0), Decimal(1)):
            err("value", _("Answer yes (1) or no (0)."))
        elif unit == Unit.COUNT and (value < 0 or value != value.to_integral_value()):
            err("value", _("A number of things is a whole number, zero or more."))
        elif unit == Unit.MONEY and value < 0:
            err("value", _("An amount cannot be negative."))
    parts = _check_parts(indicator, given, value, num, den, err)
    if errors:
        raise ValidationError(errors)
    return {
        "value": value,
        "numerator": num,
        "denominator": den,
        "text": given.text.strip(),
        "evidence": given.evidence.strip(),
        "comment": given.comment.strip(),
        "breakdown_note": given.breakdown_note.strip(),
        "parts": parts,
    }


def _check_parts(
    indicator: Indicator,
    given: ValueInput,
    value: Decimal | None,
    num: Decimal | None,
    den: Decimal | None,
    err: Any,
) -> dict[int, dict[str, Decimal | None]]:
    """The breakdown, checked: categories of the indicator's disaggregations, and each
    dimension adding up to the total unless the reporter says why not."""
    parts = {cid: p for cid, p in given.parts.items() if any(v is not None for v in p.values())}
    if not parts:
        return {}
    if indicator.unit in (Unit.TEXT, Unit.YES_NO):
        err("parts", _("A yes/no or qualitative value has no breakdown."))
        return {}
    cats = {
        c.pk: c
        for c in Category.objects.filter(
            pk__in=parts, dimension__in=indicator.dimensions.all()
        ).select_related("dimension")
    }
    by_dim: dict[str, list[dict[str, Decimal | None]]] = {}
    names: dict[str, str] = {}
    for cid, share in parts.items():
        cat = cats.get(cid)
        if cat is None:
            err("parts", _("A category of the breakdown is not one of this indicator's."))
            continue
        for amount in share.values():
            if amount is not None and amount < 0:
                err(f"part:{cid}", _("%(category)s cannot be negative.") % {"category": cat.name})
        by_dim.setdefault(cat.dimension.code, []).append(share)
        names[cat.dimension.code] = cat.dimension.name
    if given.breakdown_note.strip():
        return parts
    fields = ("numerator", "denominator") if indicator.unit == Unit.PERCENT else ("value",)
    totals = {"value": value, "numerator": num, "denominator": den}
    lang = current_language()
    for code, shares in by_dim.items():
        for name in fields:
            total = totals[name]
            summed = sum((s.get(name) or Decimal(0) for s in shares), Decimal(0))
            if total is not None and summed != total:
                err(
                    f"breakdown:{code}",
                    _(
                        "The breakdown by %(dimension)s adds up to %(sum)s, not %(total)s: "
                        "correct it, or say why it does not add up."
                    )
                    % {
                        "dimension": names[code].lower(),
                        "sum": format_decimal(summed, lang),
                        "total": format_decimal(total, lang),
                    },
                )
    return parts


def _check_place(indicator: Indicator, period_code: str, country: Organisation | None) -> str:
    plan = indicator.plan
    try:
        period = periods.parse(period_code)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if period.kind != indicator.frequency:
        raise ValidationError(
            {
                "period": _(
                    "%(period)s is not a reporting period of this indicator "
                    "(reported: %(frequency)s)."
                )
                % {"frequency": indicator.get_frequency_display().lower(), "period": period.label()}
            }
        )
    if not plan.period_start <= period.year <= plan.period_end:
        raise ValidationError(
            {
                "period": _("%(period)s is outside the plan (%(years)s).")
                % {"period": period.label(), "years": plan.period_label}
            }
        )
    if period.start > timezone.localdate():
        raise ValidationError(
            {"period": _("%(period)s has not begun.") % {"period": period.label()}}
        )
    if country is not None and not country.is_member_state:
        raise ValidationError({"country": _("Values are reported by member countries.")})
    return period.code


@transaction.atomic
def measurement_save(
    *,
    actor: Any,
    indicator: Indicator,
    period: str,
    country: Organisation | None,
    given: ValueInput,
    expected_version: int | None = None,
    reason: str = "",
) -> Measurement:
    """Record or correct the value of `indicator` for `period` and `country` (None: the
    region). A country's correction of a submitted or approved value takes it back to draft;
    the secretariat's correction of an approved value keeps it approved and needs a reason.
    In a locked period only the secretariat may change a value, saying why."""
    if not can_report(actor, indicator, country.pk if country else None):
        raise PermissionDenied
    code = _check_place(indicator, period, country)
    checked = check_value(indicator, given)
    parts = checked.pop("parts")
    locked = is_locked(indicator.plan, code)
    if locked and not can_review_values(actor):
        raise ValidationError(
            {"period": _("%(period)s is locked: ask the secretariat.") % {"period": code}}
        )
    existing = (
        Measurement.objects.select_for_update()
        .filter(indicator=indicator, period=code, country=country)
        .first()
    )
    if existing is None:
        if locked and not reason.strip():
            raise ValidationError({"reason": _("The period is locked: say why this changes.")})
        m = Measurement(indicator=indicator, period=code, country=country)
        data = {**checked, "design": indicator.design, "reported_by": actor}
        m = audited_create(actor=actor, instance=m, data=data)
        _set_parts(m, parts)
        if parts:
            _audit_parts(actor, m, {}, _parts_snapshot(m), reason)
        return m
    if expected_version is not None and existing.version != expected_version:
        raise ConflictError(existing)
    old_parts = _parts_snapshot(existing)
    data = dict(checked)
    corrected = any(not audit.same(getattr(existing, k), v) for k, v in checked.items())
    corrected = corrected or old_parts != _parts_preview(parts)
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
    m = audited_update(actor=actor, instance=existing, data=data, reason=reason)
    _set_parts(m, parts)
    new_parts = _parts_snapshot(m)
    if new_parts != old_parts:
        _audit_parts(actor, m, old_parts, new_parts, reason)
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
    return "" if value is None else _plain(value)


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
    return _step(
        actor=actor,
        m=measurement,
        allowed=allowed,
        data={"status": Status.APPROVED, "decided_by": actor, "decided_at": timezone.now()},
        expected_version=expected_version,
    )


# Periods --------------------------------------------------------------------------------------
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
