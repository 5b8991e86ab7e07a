from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, LocalizedDecimalField, VersionField, bind_version
from rumbo.core.params import FlagField, RecordIdField
from rumbo.organisations.selectors import organisations_for
from rumbo.plans.models import Activity

from .matrix import SORTS, MatrixFilters
from .models import ConceptNote, ProgressUpdate

# What a pillar or topic filter that cannot be a record id becomes: an id no record has (ids
# start at 1), so it matches nothing, like the id of a missing or hidden element.
NO_RECORD = -1


class MatrixFilterForm(forms.Form):
    """The matrix filters, read from the query string (a GET form: links can be shared).

    The page and the export apply what validates and leave out the rest, except a pillar or
    topic that is not a record id (not a number, or past the range of ids): it matches
    nothing, as a missing or hidden element does. The API refuses any invalid value (400)."""

    plan = forms.CharField(label=_("Plan"), required=False)
    pillar = RecordIdField(label=_("Pillar / line"), required=False)
    topic = RecordIdField(label=_("Topic"), required=False)
    working_group = forms.CharField(label=_("Working group"), required=False)
    organisation = forms.CharField(label=_("Responsible organisation"), required=False)
    country = forms.CharField(label=_("Country"), required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=Activity.Status.choices
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    overdue = FlagField(label=_("Overdue only"))
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("plan", _("Plan")),
            ("code", _("Code")),
            ("activity", _("Activity")),
            ("status", _("Status")),
            ("deadline", _("Deadline")),
            ("year", _("Year of the plan")),
            ("group", _("Working group")),
        ],
    )
    desc = FlagField(label=_("Descending"))

    def filters(self) -> MatrixFilters:
        self.is_valid()  # cleans a bound form: cleaned_data holds the fields that validated
        data = getattr(self, "cleaned_data", {})
        sort = data.get("sort") or "plan"
        return MatrixFilters(
            plan=data.get("plan") or "",
            pillar=NO_RECORD if "pillar" in self.errors else data.get("pillar"),
            topic=NO_RECORD if "topic" in self.errors else data.get("topic"),
            working_group=data.get("working_group") or "",
            organisation=data.get("organisation") or "",
            country=data.get("country") or "",
            status=list(data.get("status") or []),
            year=data.get("year"),
            overdue=bool(data.get("overdue")),
            q=(data.get("q") or "").strip(),
            sort=sort if sort in SORTS else "plan",
            descending=bool(data.get("desc")),
        )


class ConceptNoteForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = ConceptNote
        fields = [
            *[
                f"{name}_{lang}"
                for name in (
                    "objective",
                    "justification",
                    "expected_results",
                    "indicators",
                    "participants",
                    "target_audience",
                )
                for lang in ("es", "en")
            ],
            "modality",
            "start_date",
            "end_date",
            "place_es",
            "place_en",
            "budget_amount",
            "currency",
            "funding_source_es",
            "funding_source_en",
            "lead_organisations",
            "accompanying_organisations",
            "assumptions_risks_es",
            "assumptions_risks_en",
            "visibility",
        ]
        field_classes = {"budget_amount": LocalizedDecimalField}
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lead_organisations": forms.SelectMultiple(attrs={"size": 6}),
            "accompanying_organisations": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = organisations_for(user)
        for name in ("lead_organisations", "accompanying_organisations"):
            cast("forms.ModelMultipleChoiceField[Any]", self.fields[name]).queryset = visible
        # Drafts may be saved incomplete; submission lists what is missing.
        for field in self.fields.values():
            field.required = False
        bind_version(self)


class ReturnNoteForm(forms.Form):
    comments = forms.CharField(
        label=_("What needs to change"), widget=forms.Textarea(attrs={"rows": 4})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressUpdateForm(BilingualFormMixin, forms.ModelForm):
    # A declared field (the form's metaclass moves it into base_fields), not BaseForm.files.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Evidence files"),
        required=False,
        help_text=_("Reports, lists of participants, photos… up to 20 MB each."),
    )
    status_reason = forms.CharField(
        label=_("Reason for going ahead without an approved concept note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # One key per form shown: sent twice (Back, then Save again), the update is recorded once.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = ProgressUpdate
        fields = ["date", "text_es", "text_en", "new_status", "visibility"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
