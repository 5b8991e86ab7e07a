"""The form that asks for a report: its kind, what it covers (only what the person may see is
offered, and anything else is refused as if it did not exist), its language and format."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rumbo.organisations.models import Organisation
from rumbo.organisations.selectors import bodies_for, organisations_for
from rumbo.plans.selectors import plans_for

from .params import REQUIRED, ReportError, parse_period

KIND_CHOICES = [
    ("plan", _("Plan progress report")),
    ("country", _("Country report")),
    ("working-group", _("Working-group report")),
    ("semiannual", _("Semi-annual report to the GRCM")),
    ("ppt-annual", _("Annual report of the Pro-Tempore Presidency")),
    ("meeting-pack", _("Meeting pack")),
]
FORMAT_CHOICES = [("docx", _("Word (.docx)")), ("pdf", "PDF"), ("xlsx", _("Excel (.xlsx)"))]
LANGUAGE_CHOICES = [("es", "Español"), ("en", "English")]


def _text(record: Any, field: str) -> str:
    return str(getattr(record, field, "") or record.code)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of report"), choices=KIND_CHOICES)
    plan = forms.ChoiceField(label=_("Plan"), required=False)
    body = forms.ChoiceField(label=_("Body"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=7,
        help_text=_("A year (2026) or a semester (2026-H1, 2026-H2)."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        plans = plans_for(user).order_by("-period_start", "code")
        bodies = bodies_for(user).order_by("code")
        countries = organisations_for(user).filter(kind=Organisation.Kind.MEMBER_STATE)
        choices = {
            "plan": [(p.code, _text(p, "title")) for p in plans],
            "body": [(b.code, _text(b, "name")) for b in bodies],
            "country": [(c.code, _text(c, "name")) for c in countries.order_by("code")],
        }
        for name, offered in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = none + offered
        self.fields["language"].initial = "en" if (get_language() or "").startswith("en") else "es"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        for name in REQUIRED[kind]:
            if not data.get(name):
                self.add_error(name, _("This report needs it."))
        raw = (data.get("period") or "").strip().upper()
        if raw:
            try:
                period = parse_period(raw)
            except ReportError:
                self.add_error("period", _("Write a year (2026) or a semester (2026-H1)."))
            else:
                if kind == "semiannual" and period.half is None:
                    self.add_error("period", _("The semi-annual report is for one semester."))
                data["period"] = period.code
        return data

    def job_params(self) -> dict[str, str]:
        """What the job stores: only what its kind reads."""
        data = self.cleaned_data
        kind = data["kind"]
        params = {"kind": kind, "format": data["format"]}
        for name in ("plan", "body", "country", "period"):
            if data.get(name) and (name in REQUIRED[kind] or name == "period"):
                params[name] = data[name]
        return params
