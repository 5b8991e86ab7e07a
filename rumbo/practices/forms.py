"""Forms of good practices: the submission (and its edit), the review steps, the filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, VersionField, bind_version
from rumbo.tracking.forms import MultipleFileField

from .access import can_review
from .models import GoodPractice
from .selectors import (
    PracticeFilters,
    countries_for,
    gcm_objectives,
    organisations_submitting_for,
    publication_years,
    topics_for,
)


class PracticeForm(BilingualFormMixin, forms.ModelForm):
    # A declared field (the form's metaclass moves it into base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        required=False,
        help_text=_("Reports, guides, photos… up to 20 MB each."),
    )
    remove_files = forms.TypedMultipleChoiceField(
        label=_("Remove these files"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
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
        model = GoodPractice
        fields = [
            "organisation",
            "title_es",
            "title_en",
            "summary_es",
            "summary_en",
            "countries",
            "topics",
            "gcm_objectives",
            "gender_perspective",
            "gender_notes_es",
            "gender_notes_en",
            "link",
        ]
        widgets = {
            "countries": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "gcm_objectives": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_version(self)
        # Either language will do: the other shows it with a “translation pending” mark.
        for name in ("title_es", "summary_es"):
            self.fields[name].required = False
        fields = cast("dict[str, Any]", self.fields)
        fields["countries"].queryset = countries_for(user)
        fields["topics"].queryset = topics_for(user)
        fields["gcm_objectives"].queryset = gcm_objectives()
        if can_review(user) and not self.instance.pk:
            fields["organisation"].queryset = organisations_submitting_for(user)
            fields["organisation"].initial = user.organisation_id
            fields["organisation"].help_text = _("The organisation that sent the practice.")
        else:
            del self.fields["organisation"]
        if self.instance.pk:
            fields["remove_files"].choices = [(f.pk, f.name) for f in self.instance.files.all()]
        else:
            del self.fields["remove_files"]


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class ScheduleForm(forms.Form):
    publish_on = forms.DateField(
        label=_("Publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = VersionField()


class StepForm(forms.Form):
    """A review step with nothing to fill in but the version the page showed."""

    version = VersionField()


class PracticeFilterForm(forms.Form):
    """The public list's filters, from the query string. A value that does not validate (a
    country or topic the viewer may not see, like one that does not exist) filters nothing
    out of the empty set: it matches no practice."""

    country: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All"),
    )
    topic: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Topic"), required=False, queryset=None, empty_label=_("All")
    )
    gcm: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Global Compact objective"),
        required=False,
        queryset=None,
        to_field_name="number",
        empty_label=_("All"),
    )
    gender = forms.ChoiceField(
        label=_("Gender perspective"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, choices=())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = cast("dict[str, Any]", self.fields)
        fields["country"].queryset = countries_for(user)
        fields["topic"].queryset = topics_for(user)
        fields["gcm"].queryset = gcm_objectives()
        fields["year"].choices = [("", _("All"))] + [(y, y) for y in publication_years()]

    def filters(self) -> PracticeFilters:
        """What to filter on; a given value that did not validate matches nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        given = {name for name in self.fields if (self.data.get(name) or "") != ""}
        return PracticeFilters(
            country=data.get("country"),
            topic=data.get("topic"),
            gcm=data.get("gcm"),
            gender={"yes": True, "no": False}.get(data.get("gender") or ""),
            year=data.get("year") or None,
            nothing=bool(given & set(self.errors)),
        )
