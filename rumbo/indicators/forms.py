"""Forms for indicators, their targets and their values: thin adapters in front of
indicators.services. Every number is typed as people write it in either language
(LocalizedDecimalField), never in a browser's number box."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import (
    BilingualFormMixin,
    LocalizedDecimalField,
    VersionField,
    apply_service_errors,
    bind_version,
)
from rumbo.core.i18n import bilingual
from rumbo.core.numbers import plain
from rumbo.plans.models import Plan
from rumbo.plans.selectors import activities_queryset, elements_for
from rumbo.tracking.forms import MultipleFileField

from . import computed, periods
from .models import Category, Dimension, Indicator, Measurement, MeasurementFile
from .selectors import dimensions_for
from .services import ValueInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
Unit = Indicator.Unit


GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


class CountField(LocalizedDecimalField):
    """A number of things. It has no decimals, so "1.234" (Spanish) and "1,234" (English)
    can only mean a thousand and more: the marks are read as thousands separators here,
    where a decimal field would read them as the decimal mark."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and GROUPED.match(value.strip()):
            value = value.strip().replace(".", "").replace(",", "")
        return super().to_python(value)


def _reason_field(help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text,
    )


class IndicatorForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()
    rule = forms.ChoiceField(label=capfirst(_("computed from")), required=False)
    baseline_value = LocalizedDecimalField(
        label=capfirst(_("baseline")), required=False, max_digits=20, decimal_places=4
    )
    reason = _reason_field(
        _(
            "Needed when values were already reported and the design changes (unit, "
            "currency, time basis, frequency or disaggregations): the values keep the "
            "design they were entered under."
        )
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "order",
            "kind",
            *bilingual("name"),
            "result",
            "element",
            "activity",
            "unit",
            "currency",
            "direction",
            "cumulative",
            "aggregation",
            "frequency",
            "reported_by",
            "rule",
            "dimensions",
            "baseline_value",
            "baseline_date",
            *bilingual("means_of_verification"),
            "visibility",
        ]
        widgets = {"dimensions": forms.CheckboxSelectMultiple, "baseline_date": DATE}

    def __init__(self, *args: Any, plan: Plan, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if self.instance.baseline_value is not None:  # "1234,5", not "1234,5000"
            self.initial["baseline_value"] = plain(self.instance.baseline_value)
        querysets = {
            "result": plan.results.all(),
            "element": elements_for(user).filter(plan=plan),
            "activity": activities_queryset(user).filter(plan=plan),
            "dimensions": dimensions_for(user),
        }
        for name, queryset in querysets.items():
            cast("forms.ModelChoiceField[Any]", self.fields[name]).queryset = queryset
        rule = cast("forms.ChoiceField", self.fields["rule"])
        rule.choices = [("", "—"), *computed.rule_choices()]
        rule.help_text = Indicator._meta.get_field("rule").help_text
        self.fields["reported_by"].help_text = _("Leave empty while it is not decided.")
        if not self.instance.pk:
            del self.fields["reason"]
        bind_version(self)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"version", "reason"}}


@dataclass
class TargetRow:
    period: periods.Period
    field: forms.BoundField


def target_periods(indicator: Indicator) -> list[periods.Period]:
    """The periods a target may be set for: each reporting period, each year (when values
    come more often), and the whole plan."""
    plan = indicator.plan
    found = periods.periods_between(plan.period_start, plan.period_end, indicator.frequency)
    if indicator.frequency != "year":
        found += periods.periods_between(plan.period_start, plan.period_end, "year")
    found = sorted(found)
    found.append(periods.parse(periods.WHOLE_PLAN, plan_years=(plan.period_start, plan.period_end)))
    return found


class TargetsForm(forms.Form):
    """The regional targets of one indicator, one box per period."""

    version = VersionField()
    reason = _reason_field(_("Needed when a target already set changes or is removed."))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.periods = target_periods(indicator)
        regional = {t.period: t.value for t in indicator.targets.all() if t.country_id is None}
        for p in self.periods:
            self.fields[self.key(p.code)] = LocalizedDecimalField(
                label=p.label(),
                required=False,
                max_digits=20,
                decimal_places=4,
                initial=plain(regional.get(p.code)),
            )
        self.fields["version"].initial = indicator.version
        self.fields["version"].required = True
        # Listed last, after the table.
        self.fields["reason"] = self.fields.pop("reason")

    @staticmethod
    def key(code: str) -> str:
        return f"t_{code}"

    def rows(self) -> list[TargetRow]:
        return [TargetRow(p, self[self.key(p.code)]) for p in self.periods]

    def targets(self) -> dict[tuple[str, int | None], Decimal | None]:
        """The whole table for `targets_set`: the regional boxes, and the countries' targets
        as they stand (this page does not change them)."""
        table: dict[tuple[str, int | None], Decimal | None] = {
            (t.period, t.country_id): t.value
            for t in self.indicator.targets.all()
            if t.country_id is not None
        }
        for p in self.periods:
            table[(p.code, None)] = self.cleaned_data.get(self.key(p.code))
        return table

    def apply_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            renamed: dict[str, Any] = {}
            for name, errors in exc.error_dict.items():
                if name.startswith("target:"):
                    _prefix, code, _country = name.split(":", 2)
                    name = self.key(code) if self.key(code) in self.fields else "__all__"
                renamed.setdefault(name, []).extend(errors)
            exc = ValidationError(renamed)
        apply_service_errors(self, exc)


@dataclass
class BreakdownGroup:
    """One disaggregation of the value form: its categories' boxes and its errors."""

    dimension: Dimension
    names: list[list[str]]  # per category: value, or numerator and denominator
    errors: list[str]
    fields: list[list[forms.BoundField]] | None = None


YES_NO = [("1", _("Yes")), ("0", _("No"))]


class ValueForm(forms.Form):
    """The value of one indicator for one period and one country (or the region)."""

    version = VersionField()

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        dimensions: Iterable[Dimension],
        measurement: Measurement | None = None,
        can_change_files: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.measurement = measurement
        self.can_change_files = can_change_files
        unit = indicator.unit
        number: dict[str, Any] = {"required": False, "max_digits": 20, "decimal_places": 4}
        if unit == Unit.PERCENT:
            self.fields["numerator"] = LocalizedDecimalField(
                label=capfirst(_("numerator")), **number
            )
            self.fields["denominator"] = LocalizedDecimalField(
                label=capfirst(_("denominator")), **number
            )
        elif unit == Unit.YES_NO:
            self.fields["value"] = forms.ChoiceField(
                label=capfirst(_("answer")),
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
            )
        elif unit == Unit.TEXT:
            self.fields["text"] = forms.CharField(
                label=capfirst(_("qualitative value")), required=False, widget=forms.Textarea
            )
        else:
            label: Any = capfirst(_("value"))
            if unit == Unit.MONEY and indicator.currency:
                label = capfirst(_("amount (%(currency)s)") % {"currency": indicator.currency})
            box = CountField if unit == Unit.COUNT else LocalizedDecimalField
            self.fields["value"] = box(label=label, **number)
        self.groups: list[BreakdownGroup] = []
        if unit not in (Unit.TEXT, Unit.YES_NO):
            self._add_breakdown(dimensions)
        text: dict[str, Any] = {"required": False, "widget": forms.Textarea(attrs={"rows": 2})}
        self.fields["breakdown_note"] = forms.CharField(
            label=capfirst(_("why the breakdown does not add up")),
            help_text=_("Only when the breakdown does not add up to the total."),
            **text,
        )
        self.fields["evidence"] = forms.CharField(
            label=capfirst(_("evidence")),
            help_text=Measurement._meta.get_field("evidence").help_text,
            **text,
        )
        self.fields["comment"] = forms.CharField(label=capfirst(_("comment")), **text)
        self._add_files(measurement)
        self.fields["reason"] = _reason_field(
            _("Needed to change an approved value, or one in a locked period.")
        )
        if measurement is not None:
            self.fields["version"].initial = measurement.version
            self.fields["version"].required = True
            self._set_initial(measurement)

    def _add_files(self, measurement: Measurement | None) -> None:
        """The files to attach, and a box to remove each attached one (where the person may
        change the value's files)."""
        self.attached = list(measurement.files.all()) if measurement is not None else []
        if not self.can_change_files:
            return
        self.fields["files"] = MultipleFileField(
            label=_("Evidence files"),
            required=False,
            help_text=_("Reports, lists of participants, photos… up to 20 MB each."),
        )
        if self.attached:
            self.fields["remove_files"] = forms.TypedMultipleChoiceField(
                label=_("Remove"),
                choices=[(f.pk, f.name) for f in self.attached],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def attached_files(self) -> list[tuple[MeasurementFile, Any]]:
        """Each attached file with its remove box (None where it cannot be removed)."""
        if "remove_files" not in self.fields:
            return [(f, None) for f in self.attached]
        boxes = {str(box.data["value"]): box for box in self["remove_files"]}
        return [(f, boxes.get(str(f.pk))) for f in self.attached]

    def _add_breakdown(self, dimensions: Iterable[Dimension]) -> None:
        number: dict[str, Any] = {"required": False, "max_digits": 20, "decimal_places": 4}
        used = {p.category_id for p in self.measurement.parts.all()} if self.measurement else set()
        for dim in dimensions:
            boxes: list[list[str]] = []
            cats: list[Category] = list(dim.categories.all())
            for cat in cats:
                if not cat.active and cat.pk not in used:
                    continue
                names = (
                    [f"part_{cat.pk}_numerator", f"part_{cat.pk}_denominator"]
                    if self.indicator.unit == Unit.PERCENT
                    else [f"part_{cat.pk}"]
                )
                box = CountField if self.indicator.unit == Unit.COUNT else LocalizedDecimalField
                for name in names:
                    label = cat.name
                    if name.endswith("_numerator"):
                        label = _("%(category)s: numerator") % {"category": cat.name}
                    elif name.endswith("_denominator"):
                        label = _("%(category)s: denominator") % {"category": cat.name}
                    self.fields[name] = box(label=label, **number)
                boxes.append(names)
            self.groups.append(BreakdownGroup(dim, boxes, []))

    def _set_initial(self, m: Measurement) -> None:
        if self.indicator.unit == Unit.YES_NO:
            self.initial["value"] = "" if m.value is None else str(int(m.value))
        else:
            for name in ("value", "numerator", "denominator"):
                self.initial[name] = plain(getattr(m, name))
        for name in ("text", "evidence", "comment", "breakdown_note"):
            self.initial[name] = getattr(m, name)
        for part in m.parts.all():
            if self.indicator.unit == Unit.PERCENT:
                self.initial[f"part_{part.category_id}_numerator"] = plain(part.numerator)
                self.initial[f"part_{part.category_id}_denominator"] = plain(part.denominator)
            else:
                self.initial[f"part_{part.category_id}"] = plain(part.value)

    def breakdown(self) -> list[BreakdownGroup]:
        """The groups with their bound fields, for the template."""
        for g in self.groups:
            g.fields = [[self[n] for n in names] for names in g.names]
        return self.groups

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        parts: dict[int, dict[str, Decimal | None]] = {}
        for name, amount in data.items():
            if not name.startswith("part_"):
                continue
            _p, cid, *rest = name.split("_")
            key = rest[0] if rest else "value"
            parts.setdefault(int(cid), {})[key] = amount
        value = data.get("value")
        if self.indicator.unit == Unit.YES_NO:
            value = Decimal(value) if value in ("0", "1") else None
        return ValueInput(
            value=value,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            text=data.get("text", ""),
            evidence=data.get("evidence", ""),
            comment=data.get("comment", ""),
            breakdown_note=data.get("breakdown_note", ""),
            parts=parts,
        )

    def apply_errors(self, exc: ValidationError) -> None:
        """The service's errors on the right boxes: a breakdown's sum next to its group,
        a category's next to its box."""
        if not hasattr(exc, "error_dict"):
            apply_service_errors(self, exc)
            return
        groups = {g.dimension.code: g for g in self.groups}
        rest: dict[str, Any] = {}
        for name, errors in exc.error_dict.items():
            if name.startswith("breakdown:") and name.split(":", 1)[1] in groups:
                for e in errors:
                    groups[name.split(":", 1)[1]].errors.extend(e.messages)
                self.add_error(None, errors)
                continue
            if name.startswith("part:"):
                cid = name.split(":", 1)[1]
                for candidate in (f"part_{cid}", f"part_{cid}_numerator"):
                    if candidate in self.fields:
                        name = candidate
                        break
            rest.setdefault(name, []).extend(errors)
        if rest:
            apply_service_errors(self, ValidationError(rest))


class ReturnValueForm(forms.Form):
    version = VersionField()
    comments = forms.CharField(
        label=_("Comments for the country"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class LockForm(forms.Form):
    period = forms.CharField(
        label=_("Period"), max_length=10, help_text=_("e.g. 2024, 2024-S1, 2024-Q3")
    )
    note = forms.CharField(label=_("Note"), required=False)


class UnlockForm(forms.Form):
    period = forms.CharField(widget=forms.HiddenInput, max_length=10)
    reason = forms.CharField(label=_("Reason for opening it again"), required=False)
