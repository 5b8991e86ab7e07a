"""The calendar's filters and the form that marks an occurrence done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import VersionField
from rumbo.tracking.forms import MultipleFileField

from .models import Obligation
from .occurrences import DONE, DUE, LATE
from .selectors import CalendarFilters


class CalendarFilterForm(forms.Form):
    body = forms.ChoiceField(label=_("Body"), required=False)
    owner = forms.ChoiceField(label=_("Who owes it"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), (DONE, _("Done")), (DUE, _("Due")), (LATE, _("Late"))],
    )
    year = forms.TypedChoiceField(label=_("Year due"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, bodies: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("Any")), *bodies]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [("", _("Any")), *Obligation.Debtor.choices]  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("Any")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]

    def filters(self) -> CalendarFilters:
        if not self.is_valid():
            return CalendarFilters()
        data = self.cleaned_data
        return CalendarFilters(
            body=data.get("body") or "",
            owner=data.get("owner") or "",
            status=data.get("status") or "",
            year=data.get("year"),
        )


class FulfilmentForm(forms.Form):
    version = VersionField()
    done_on = forms.DateField(
        label=_("Done on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("The day the work was done, not today's date if it was earlier."),
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    # A declared field (the form's metaclass moves it into base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"), required=False, help_text=_("Up to 20 MB each.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
