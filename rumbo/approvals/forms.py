"""Forms of approval questions and positions: what a person types, nothing more. The rules
(who, which version, which files) are checked by the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.visibility import Visibility

from .models import ApprovalPosition, ApprovalQuestion

PEOPLE_RULES = [c for c in ApprovalQuestion.Rule.choices if c[0] != ApprovalQuestion.Rule.RECORDED]


class QuestionForm(forms.Form):
    plan: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=None,
        required=False,
        help_text=_("Its current version is put to approval. Leave empty for a document."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Required for a document; a plan's question takes the plan's title."),
    )
    text_file = forms.FileField(label=_("Document put to approval"), required=False)
    body: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Body"),
        queryset=None,
        required=False,
        help_text=_("The body whose rule applies, when there is one."),
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=PEOPLE_RULES)
    required = forms.IntegerField(
        label=_("Approvals required (N of M)"), min_value=1, required=False
    )
    deadline = forms.DateField(
        label=_("Deadline (silence procedure)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    visibility = forms.TypedChoiceField(
        label=_("Visible to"), choices=Visibility.choices, coerce=int, initial=Visibility.MEMBERS
    )

    def __init__(self, *args: Any, plans: Any, bodies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("plan", plans), ("body", bodies)):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = queryset
            field.to_field_name = "code"

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("text_file", None)
        for name in ("plan", "body"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class PositionForm(forms.Form):
    country: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Member country"), queryset=None
    )
    position = forms.ChoiceField(
        label=_("Position"), choices=ApprovalPosition.Position.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(
        label=_("Date of the position"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(label=_("Position document"), required=False)
    written_request = forms.FileField(
        label=_("Country's written request"),
        required=False,
        help_text=_("Required when the secretariat records a position on a country's behalf."),
    )
    text_version = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args: Any, countries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["country"])
        field.queryset = countries
        field.to_field_name = "code"
