"""The meeting form: the meeting's fields, its agenda (one item per line, in each language),
its participants (a row per country or organisation) and its documents."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, VersionField, bind_version
from rumbo.core.i18n import bilingual
from rumbo.organisations.selectors import bodies_for, organisations_for
from rumbo.tracking.forms import MultipleFileField

from .models import Meeting
from .services import AgendaEntry, ParticipantEntry

PROPOSED_MARK = "(?)"


class MeetingForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()
    agenda_lines_es = forms.CharField(
        label=_("Agenda (Spanish)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line, in order. End a line with (?) for a proposed item."),
    )
    agenda_lines_en = forms.CharField(
        label=_("Agenda (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The same items, line by line, in English."),
    )
    documents = MultipleFileField(label=_("Add documents"), required=False)
    remove_documents: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Remove documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [
            "body",
            "kind",
            *bilingual("title"),
            "status",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "modality",
            *bilingual("place", "participants_note", "minutes", "source"),
            "visibility",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = cast("forms.ModelChoiceField[Any]", self.fields["body"])
        body.queryset = bodies_for(user).order_by("kind", "name")
        docs = cast("forms.ModelMultipleChoiceField[Any]", self.fields["remove_documents"])
        if self.instance.pk:
            docs.queryset = self.instance.documents.all()
            items = list(self.instance.agenda.all())
            self.initial["agenda_lines_es"] = "\n".join(
                (i.title_es or "") + (f" {PROPOSED_MARK}" if i.proposed else "") for i in items
            )
            self.initial["agenda_lines_en"] = "\n".join(i.title_en or "" for i in items)
        else:
            del self.fields["remove_documents"]
        bind_version(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        es = [line.strip() for line in (data.get("agenda_lines_es") or "").splitlines()]
        en = [line.strip() for line in (data.get("agenda_lines_en") or "").splitlines()]
        es = [line for line in es if line]
        en = [line for line in en if line]
        if en and len(en) != len(es):
            self.add_error("agenda_lines_en", _("Give as many English lines as Spanish ones."))
        return data

    def agenda(self) -> list[AgendaEntry]:
        es = [
            x.strip()
            for x in self.cleaned_data.get("agenda_lines_es", "").splitlines()
            if x.strip()
        ]
        en = [
            x.strip()
            for x in self.cleaned_data.get("agenda_lines_en", "").splitlines()
            if x.strip()
        ]
        entries = []
        for k, line in enumerate(es):
            proposed = line.endswith(PROPOSED_MARK)
            title = line.removesuffix(PROPOSED_MARK).strip()
            entries.append(AgendaEntry(title, en[k] if k < len(en) else "", proposed))
        return entries

    def meeting_data(self) -> dict[str, Any]:
        extra = {"version", "agenda_lines_es", "agenda_lines_en", "documents", "remove_documents"}
        return {k: v for k, v in self.cleaned_data.items() if k not in extra}


class ParticipantForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Country or organisation"), queryset=None, required=False
    )
    women = forms.IntegerField(label=_("Women"), min_value=0, required=False)
    men = forms.IntegerField(label=_("Men"), min_value=0, required=False)
    non_binary = forms.IntegerField(label=_("Non-binary"), min_value=0, required=False)
    not_stated = forms.IntegerField(label=_("Sex not stated"), min_value=0, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["organisation"])
        field.queryset = organisations_for(user).order_by("kind", "name")


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=3)


def participant_entries(formset: forms.BaseFormSet) -> list[ParticipantEntry]:
    """The rows that name an organisation (empty rows are left out)."""
    return [
        ParticipantEntry(
            organisation=f.cleaned_data["organisation"],
            women=f.cleaned_data.get("women"),
            men=f.cleaned_data.get("men"),
            non_binary=f.cleaned_data.get("non_binary"),
            not_stated=f.cleaned_data.get("not_stated"),
        )
        for f in formset.forms
        if f.cleaned_data.get("organisation")
    ]


def participant_initial(meeting: Meeting | None) -> list[dict[str, Any]]:
    if meeting is None:
        return []
    return [
        {
            "organisation": p.organisation,
            "women": p.women,
            "men": p.men,
            "non_binary": p.non_binary,
            "not_stated": p.not_stated,
        }
        for p in meeting.participants.all()
    ]


class MeetingFilterForm(forms.Form):
    body = forms.CharField(label=_("Body"), required=False, help_text="body code")
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *Meeting.Kind.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)
