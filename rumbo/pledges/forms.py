"""Forms of pledges: the pledge, a round's update, the list's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, LocalizedDecimalField, VersionField, bind_version
from rumbo.tracking.forms import MultipleFileField

from .access import is_secretariat
from .models import Pledge, PledgeUpdate
from .selectors import (
    NOT_REPORTED,
    PledgeFilters,
    actions_for,
    activities_for_pledges,
    gcm_objectives,
    indicators_for_pledges,
    pledge_years,
    pledging_organisations_for,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PledgeForm(BilingualFormMixin, forms.ModelForm):
    amount = LocalizedDecimalField(
        label=_("Amount pledged"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("Three-letter ISO code, e.g. USD."),
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}),
    )
    version = VersionField()

    class Meta:
        model = Pledge
        fields = [
            "organisation",
            "title_es",
            "title_en",
            "description_es",
            "description_en",
            "amount",
            "currency",
            "in_kind_es",
            "in_kind_en",
            "gcm_objectives",
            "activities",
            "actions",
            "indicators",
            "pledged_on",
            "ends_on",
            "visibility",
        ]
        widgets = {
            "gcm_objectives": forms.CheckboxSelectMultiple,
            "activities": forms.SelectMultiple(attrs={"size": 8}),
            "actions": forms.SelectMultiple(attrs={"size": 8}),
            "indicators": forms.SelectMultiple(attrs={"size": 8}),
            "pledged_on": DATE,
            "ends_on": DATE,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_version(self)
        self.fields["title_es"].required = False  # either language will do
        fields = cast("dict[str, Any]", self.fields)
        fields["gcm_objectives"].queryset = gcm_objectives()
        fields["activities"].queryset = activities_for_pledges(user)
        fields["actions"].queryset = actions_for(user)
        fields["indicators"].queryset = indicators_for_pledges(user)
        for name in ("activities", "actions", "indicators"):
            fields[name].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")
        if is_secretariat(user) and not self.instance.pk:
            fields["organisation"].queryset = pledging_organisations_for(user)
            fields["organisation"].initial = user.organisation_id
        else:
            del self.fields["organisation"]

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()


class RoundForm(BilingualFormMixin, forms.ModelForm):
    # A declared field (the form's metaclass moves it into base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        required=False,
        help_text=_("The follow-up form, reports, receipts… up to 20 MB each."),
    )
    remove_files = forms.TypedMultipleChoiceField(
        label=_("Remove these files"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    delivered_amount = LocalizedDecimalField(
        label=_("Delivered so far"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("Cumulative: everything delivered since the pledge was made."),
    )
    delivered_currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    version = VersionField()

    class Meta:
        model = PledgeUpdate
        fields = [
            "status",
            "delivered_amount",
            "delivered_currency",
            "in_kind_delivered_es",
            "in_kind_delivered_en",
            "narrative_es",
            "narrative_en",
            "link",
        ]

    def __init__(self, *args: Any, pledge: Pledge, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_version(self)
        fields = cast("dict[str, Any]", self.fields)
        if pledge.amount is None:
            del self.fields["delivered_amount"]
            del self.fields["delivered_currency"]
        else:
            fields["delivered_currency"].initial = pledge.currency
            fields["delivered_currency"].help_text = _("The pledge's currency: %(c)s.") % {
                "c": pledge.currency
            }
        if self.instance.pk:
            fields["remove_files"].choices = [(f.pk, f.name) for f in self.instance.files.all()]
        else:
            del self.fields["remove_files"]


STATUS_CHOICES = [
    ("", _("All")),
    *PledgeUpdate.Status.choices,
    (NOT_REPORTED, _("Not reported")),
]


class PledgeFilterForm(forms.Form):
    """The list's filters, from the query string. A value that does not validate (an
    organisation the viewer may not see, like one that does not exist) matches no pledge."""

    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All"),
    )
    gcm: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Global Compact objective"),
        required=False,
        queryset=None,
        to_field_name="number",
        empty_label=_("All"),
    )
    status = forms.ChoiceField(label=_("Progress"), required=False, choices=STATUS_CHOICES)
    year = forms.TypedChoiceField(label=_("Year pledged"), required=False, coerce=int, choices=())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = cast("dict[str, Any]", self.fields)
        fields["organisation"].queryset = pledging_organisations_for(user)
        fields["gcm"].queryset = gcm_objectives()
        fields["year"].choices = [("", _("All"))] + [(y, y) for y in pledge_years(user)]

    def filters(self) -> PledgeFilters:
        """What to filter on; a given value that did not validate matches nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        given = {name for name in self.fields if (self.data.get(name) or "") != ""}
        return PledgeFilters(
            organisation=data.get("organisation"),
            gcm=data.get("gcm"),
            status=data.get("status") or "",
            year=data.get("year") or None,
            nothing=bool(given & set(self.errors)),
        )
