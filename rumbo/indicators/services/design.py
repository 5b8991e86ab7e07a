"""Indicator design revisions and targets."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rumbo.core import audit
from rumbo.core.models import AuditEvent
from rumbo.core.services import ConflictError, audited_create, audited_update
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Plan

from .. import periods, totals
from ..access import can_define_indicators
from ..models import (
    DESIGN_FIELDS,
    Indicator,
    IndicatorDesign,
    Measurement,
    Target,
)
from ..selectors import targets_queryset

Unit = Indicator.Unit


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
        recorded, new = IndicatorDesign.objects.get_or_create(
            indicator=current,
            number=current.design,
            defaults={"snapshot": before, "created_by": actor},
        )
        if new:  # the first design, recorded only now: in force since the indicator exists
            IndicatorDesign.objects.filter(pk=recorded.pk).update(created_at=current.created_at)
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
    # How its values combine may have changed (unit, aggregation, time basis, a rule).
    totals.refresh([updated.pk])
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
    # Only the targets the editor may see are replaced; a country's target they may not see
    # is left as it is.
    existing = {
        (t.period, t.country_id): t for t in targets_queryset(actor).filter(indicator=current)
    }
    before = {_target_label(k): plain_number(t.value) for k, t in existing.items()}
    after = {_target_label(k): plain_number(v) for k, v in clean.items()}
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


def plain_number(value: Decimal) -> str:
    """A number as the audit log writes it: "10", "12.5" (not "10.0000")."""
    return format(value.normalize(), "f")


def _target_label(key: TargetKey) -> str:
    period, country = key
    if country is None:
        return period
    code = Organisation.objects.filter(pk=country).values_list("code", flat=True).first()
    return f"{period} {code or country}"
