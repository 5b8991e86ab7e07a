"""Forms for plans, elements and activities: thin adapters in front of plans.services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rumbo.core.forms import BilingualFormMixin, LocalizedDecimalField, VersionField, bind_version
from rumbo.core.i18n import bilingual
from rumbo.core.visibility import Visibility
from rumbo.organisations.selectors import bodies_for, organisations_for, working_groups_for

from .models import Activity, ActivityParty, BudgetLine, Plan, PlanElement
from .selectors import activity_code_taken, element_code_taken, elements_for, plans_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LevelsField(forms.CharField):
    """Level names, one per line, as “Spanish | English” (e.g. “Pilar | Pillar”)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{v.get('es', '')} | {v.get('en', '')}" for v in value)
        return value

    # Its value is the list of level names (what the model's JSON field holds), not a text.
    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        levels = []
        for n, line in enumerate(str(value or "").splitlines(), start=1):
            if not line.strip():
                continue
            es, _sep, en = line.partition("|")
            if not es.strip() and not en.strip():
                raise ValidationError(
                    _("Line %(n)s: write the level name as “Spanish | English”."),
                    params={"n": n},
                )
            levels.append({"es": es.strip(), "en": en.strip()})
        return levels


class PlanForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()
    levels = LevelsField(
        label=_("Level names"),
        required=False,
        help_text=_("One per line, top level first, as “Spanish | English”, e.g. Pilar | Pillar."),
    )

    class Meta:
        model = Plan
        fields = [
            "code",
            "kind",
            *bilingual("title", "short_title", "description"),
            "period_start",
            "period_end",
            "owner_body",
            "owner_organisation",
            "parent",
            "document_version",
            "status",
            "visibility",
            "levels",
            *bilingual("source"),
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["owner_body"]).queryset = bodies_for(user)
        cast(
            "forms.ModelChoiceField[Any]", self.fields["owner_organisation"]
        ).queryset = organisations_for(user)
        parents = plans_for(user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.fields["code"].disabled = True
        cast("forms.ModelChoiceField[Any]", self.fields["parent"]).queryset = parents
        bind_version(self)


class PlanElementForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = PlanElement
        fields = [
            "parent",
            "code",
            "order",
            *bilingual("title", "description", "notes"),
            "gcm_objectives",
            "sdg_targets",
            "visibility",
        ]
        widgets = {
            "gcm_objectives": forms.CheckboxSelectMultiple,
            "sdg_targets": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, plan: Plan, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        parents = elements_for(user).filter(plan=plan)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        cast("forms.ModelChoiceField[Any]", self.fields["parent"]).queryset = parents
        self.plan = plan
        bind_version(self)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if element_code_taken(self.plan, code, exclude=self.instance.pk):
            raise ValidationError(_("Another element of this plan already has this code."))
        return code


class ActivityForm(BilingualFormMixin, forms.ModelForm):
    version = VersionField()
    status_reason = forms.CharField(
        label=_("Reason for going ahead without an approved concept note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only the secretariat may mark an activity in progress or finished before its "
            "concept note is approved, and only saying why."
        ),
    )

    status_date = forms.DateField(
        label=_("Date of the status change"),
        required=False,
        widget=DATE,
        help_text=_(
            "When the work changed status, if the status changes (today if left empty): "
            "the semester figures count it on this date."
        ),
    )

    class Meta:
        model = Activity
        fields = [
            "element",
            "code",
            *bilingual("title", "description"),
            "working_group",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "term",
            "plan_year",
            *bilingual("recurrence", "schedule_note"),
            "status",
            "status_date",
            *bilingual(
                "indicators", "assumptions_risks", "responsible_note", "references", "notes"
            ),
            "linked_elements",
            "gcm_objectives",
            "sdg_targets",
            "visibility",
            "status_reason",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "gcm_objectives": forms.CheckboxSelectMultiple,
            "sdg_targets": forms.CheckboxSelectMultiple,
            "linked_elements": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, plan: Plan, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        visible = elements_for(user)
        cast("forms.ModelChoiceField[Any]", self.fields["element"]).queryset = visible.filter(
            plan=plan
        )
        # Cross-links go to the pillars and topics of strategic plans.
        linked = cast("forms.ModelMultipleChoiceField[PlanElement]", self.fields["linked_elements"])
        linked.queryset = visible.filter(plan__kind=Plan.Kind.STRATEGIC).order_by(
            "plan__period_start", "depth", "order"
        )

        def label(obj: PlanElement) -> str:
            return f"{obj.plan.period_label} · {obj.code} {obj.title}"[:120]

        # This field's own labels (the plan's period before each element).
        linked.label_from_instance = label  # type: ignore[method-assign]
        cast(
            "forms.ModelChoiceField[Any]", self.fields["working_group"]
        ).queryset = working_groups_for(user)
        self.fields["plan_year"].help_text = _("1 to %(n)s") % {"n": plan.plan_years}
        for name in ("start_precision", "end_precision"):
            self.fields[name].required = False  # a day when not said
        bind_version(self)

    def clean_start_precision(self) -> str:
        return self.cleaned_data.get("start_precision") or Activity.Precision.DAY

    def clean_end_precision(self) -> str:
        return self.cleaned_data.get("end_precision") or Activity.Precision.DAY

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if activity_code_taken(self.plan, code, exclude=self.instance.pk):
            raise ValidationError(_("Another activity of this plan already has this code."))
        return code

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns the cleaned data (typed as optional on BaseForm).
        data = cast(dict[str, Any], super().clean())
        year = data.get("plan_year")
        if year and year > self.plan.plan_years:
            self.add_error(
                "plan_year", _("The plan runs for %(n)s years.") % {"n": self.plan.plan_years}
            )
        return data


class PartyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=organisations_for(None))
    # An untouched extra row submits the first role; with it as the initial value the row
    # counts as empty instead of as a party without an organisation.
    role = forms.ChoiceField(
        label=_("Role"), choices=ActivityParty.Role.choices, initial=ActivityParty.Role.LEAD
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelChoiceField[Any]", self.fields["organisation"]
        ).queryset = organisations_for(user)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["amount", "currency", "source", "funder", "committed", "spent", "visibility"]
        field_classes = {
            "amount": LocalizedDecimalField,
            "committed": LocalizedDecimalField,
            "spent": LocalizedDecimalField,
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["funder"]).queryset = organisations_for(
            user
        )
        self.fields["visibility"].required = False

    def clean_visibility(self) -> int:
        # A line sent without its level keeps the one it had (new lines: public), never less.
        value = self.cleaned_data.get("visibility")
        if value in (None, ""):
            return int(self.initial.get("visibility", Visibility.PUBLIC))
        return int(value)


PartyFormSet = forms.formset_factory(PartyForm, extra=2, can_delete=True)
BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=1, can_delete=True)


def formset_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a formset as plain dicts."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows
