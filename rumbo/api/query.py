"""What an API request may say, checked before a view runs.

Each list names a form for its query parameters (`filter_form`); a value the form refuses
(an unknown status, a plan kind that does not exist, a record id that is not one, the same
parameter twice) is a 400 that names the parameter, never a filter silently dropped, which
would answer with more records than asked for. The same forms document the parameters in the
OpenAPI schema (rumbo.api.schema), so the schema and the checks cannot drift apart.

A path id that cannot name a record (not digits, or past the 64-bit range) is a 404 before
any query, like the `<id:pk>` converter of the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from rumbo.core.params import RecordIdField, is_record_id
from rumbo.plans.models import Activity, Plan


def clean_query(query: QueryDict, form_class: type[forms.Form]) -> dict[str, Any]:
    """The query parameters `form_class` knows, cleaned; a 400 listing every bad one."""
    form = form_class(query)
    errors: dict[str, list[str]] = {}
    if not form.is_valid():
        errors = {
            name: [error["message"] for error in found]
            for name, found in form.errors.get_json_data().items()
        }
    for name, field in form.fields.items():
        values = query.getlist(name)
        if not isinstance(field, forms.MultipleChoiceField) and len(values) > 1:
            errors.setdefault(name, []).append(_("Give this parameter once."))
        if "" in values and not isinstance(field, forms.CharField):
            # A page's form sends an empty field for "any"; an API caller leaves it out.
            errors.setdefault(name, []).append(_("Give a value, or leave the parameter out."))
    if errors:
        raise ValidationError(errors)
    return form.cleaned_data


class CheckedInputMixin:
    """For viewsets: path ids and list filters checked before the action runs."""

    filter_form: type[forms.Form] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if "pk" in kwargs and not is_record_id(kwargs["pk"]):
            raise NotFound
        if getattr(self, "action", None) == "list" and self.filter_form is not None:
            clean_query(request.query_params, self.filter_form)


class PlanFilters(forms.Form):
    kind = forms.ChoiceField(choices=Plan.Kind.choices, required=False)
    status = forms.ChoiceField(choices=Plan.Status.choices, required=False)


class ElementFilters(forms.Form):
    plan = forms.CharField(required=False, help_text="plan code")


class ActivityFilters(ElementFilters):
    status = forms.ChoiceField(choices=Activity.Status.choices, required=False)


class ActivityIdFilter(forms.Form):
    activity = RecordIdField(required=False, help_text="activity id")
