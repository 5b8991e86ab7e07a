"""The forms of the template's round trip: choosing what to download, uploading it back,
applying it."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rumbo.indicators import periods
from rumbo.indicators.access import can_report, can_report_for_region, reporting_country_id
from rumbo.indicators.display import REGION
from rumbo.indicators.selectors import indicators_for
from rumbo.organisations.models import Organisation
from rumbo.plans.models import Plan
from rumbo.plans.selectors import plans_for
from rumbo.tracking.xlsx.uploads import check_upload

from .template import countries_to_report


class TemplateForm(forms.Form):
    """Plan, country (or, for the secretariat, the region: REGION) and period of a template.
    Read from the query string (a download is a GET that can be bookmarked)."""

    plan = forms.ChoiceField(label=gettext_lazy("Plan"))
    country = forms.ChoiceField(label=gettext_lazy("Country"))
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        help_text=gettext_lazy(
            "Leave it empty for the period due for each indicator (the last one that has "
            "ended). A year brings each of "
            "its quarters or semesters for the indicators reported more often."
        ),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.countries: dict[str, Organisation] = {c.code: c for c in countries_to_report(user)}
        # Plans with an indicator this person reports (for their country, or any country).
        some = next(iter(self.countries.values()), None)
        with_indicators = {
            i.plan_id
            for i in indicators_for(user)
            if some is not None and can_report(user, i, some.pk)
        }
        self.plans: dict[str, Plan] = {
            p.code: p for p in plans_for(user).filter(pk__in=with_indicators).order_by("code")
        }
        cast(forms.ChoiceField, self.fields["plan"]).choices = [
            (code, f"{code} · {p.title}") for code, p in self.plans.items()
        ]
        self.region = can_report_for_region(user)
        places = [(REGION, _("Region (all countries)"))] if self.region else []
        if self.region:
            self.fields["country"].help_text = _(
                "“Region (all countries)” brings the indicators reported for the region as a "
                "whole, with no country."
            )
        cast(forms.ChoiceField, self.fields["country"]).choices = places + [
            (code, str(c)) for code, c in self.countries.items()
        ]
        own = reporting_country_id(user)
        for code, c in self.countries.items():
            if c.pk == own:
                self.fields["country"].initial = code
        years = [y for p in self.plans.values() for y in (p.period_start, p.period_end)]
        choices: list[tuple[str, str]] = [("", _("The period due for each indicator"))]
        if years:
            for kind in ("year", "semester", "quarter"):
                choices += [
                    (p.code, p.label())
                    for p in periods.periods_between(min(years), max(years), kind)
                ]
        cast(forms.ChoiceField, self.fields["period"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = self.plans.get(data.get("plan", ""))
        code = data.get("period") or ""
        if plan is not None and code:
            period = periods.parse(code)
            if not plan.period_start <= period.year <= plan.period_end:
                self.add_error(
                    "period",
                    _("%(period)s is outside the plan (%(years)s).")
                    % {"period": period.label(), "years": plan.period_label},
                )
        return data

    def chosen(self) -> tuple[Plan, Organisation | None, periods.Period | None]:
        """The plan, the country (None: the region) and the period (None: each one due)."""
        data = self.cleaned_data
        code = data.get("period") or ""
        return (
            self.plans[data["plan"]],
            self.countries.get(data["country"]),  # REGION is no country
            periods.parse(code) if code else None,
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled template (.xlsx)"),
        help_text=gettext_lazy(
            "The indicator template downloaded from Rumbo, with your figures. Numbers may be "
            "written with a decimal comma or point."
        ),
    )

    def clean_file(self) -> Any:
        return check_upload(self.cleaned_data["file"])


class ApplyForm(forms.Form):
    submit = forms.BooleanField(
        label=gettext_lazy("Submit these values for review"),
        required=False,
        help_text=gettext_lazy("Otherwise they are saved as drafts, to submit later."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Why these values change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, needs_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        self.fields["reason"].required = needs_reason
        if not needs_reason:
            del self.fields["reason"]
        else:
            self.fields["reason"].help_text = _(
                "Some values were approved or their period is locked: the reason is kept in "
                "the record's history."
            )
