"""What a value must be: the unit's rules, the breakdown's sums, the period and country."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from rumbo.core.i18n import current_language
from rumbo.core.numbers import format_decimal
from rumbo.organisations.models import Organisation

from .. import periods
from ..models import (
    Category,
    Indicator,
)

Unit = Indicator.Unit


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


def check_value(
    indicator: Indicator,
    given: ValueInput,
    *,
    prefix: str = "",
    categories: Mapping[int, Category] | None = None,
) -> dict[str, Any]:
    """The fields of a value after the unit's rules and the breakdown's sums, or a
    ValidationError naming each field (`prefix` prepends to the names, e.g. a workbook cell).
    `categories` (every category by id, with its dimension) saves a query per value when
    thousands are checked at once (a workbook); the indicator's dimensions are then read
    from its prefetch."""
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
    parts = _check_parts(indicator, given, value, num, den, err, categories)
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
    categories: Mapping[int, Category] | None,
) -> dict[int, dict[str, Decimal | None]]:
    """The breakdown, checked: categories of the indicator's disaggregations, and each
    dimension adding up to the total unless the reporter says why not."""
    parts = {cid: p for cid, p in given.parts.items() if any(v is not None for v in p.values())}
    if not parts:
        return {}
    if indicator.unit in (Unit.TEXT, Unit.YES_NO):
        err("parts", _("A yes/no or qualitative value has no breakdown."))
        return {}
    if categories is None:
        cats = {
            c.pk: c
            for c in Category.objects.filter(
                pk__in=parts, dimension__in=indicator.dimensions.all()
            ).select_related("dimension")
        }
    else:
        dims = {d.pk for d in indicator.dimensions.all()}
        cats = {
            cid: categories[cid]
            for cid in parts
            if cid in categories and categories[cid].dimension_id in dims
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


def check_place(indicator: Indicator, period_code: str, country: Organisation | None) -> str:
    plan = indicator.plan
    try:  # the whole plan's period spans the plan's years
        period = periods.parse(period_code, plan_years=(plan.period_start, plan.period_end))
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
