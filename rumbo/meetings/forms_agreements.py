"""The agreement form and a country's follow-up cell form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, VersionField, bind_version
from rumbo.core.i18n import bilingual
from rumbo.plans.selectors import elements_for

from .models_agreements import Agreement, FollowUp


class ElementChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.code} · {obj.code} {obj}".strip()


class AgreementForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()
    elements = ElementChoice(
        label=_("Plan elements and actions"),
        queryset=None,
        required=False,
        help_text=_("The plan elements or actions this agreement is about, if any."),
    )

    class Meta:
        model = Agreement
        fields = ["code", "kind", *bilingual("text"), "visibility"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Any]", self.fields["elements"])
        field.queryset = elements_for(user).order_by("plan__code", "order", "id")
        if self.instance.pk:
            self.initial["elements"] = [e.pk for e in self.instance.elements.all()]
        bind_version(self)

    def agreement_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"version", "elements"}}


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUp.Status.choices)
    reported_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date of what is reported (required for in progress or implemented)."),
    )
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # 0: the country had not reported yet when the form was opened.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, cell: FollowUp | None) -> dict[str, Any]:
        if cell is None:
            return {"status": FollowUp.Status.NOT_REPORTED, "version": 0}
        return {
            "status": cell.status,
            "reported_on": cell.reported_on,
            "evidence": cell.evidence,
            "version": cell.version,
        }
