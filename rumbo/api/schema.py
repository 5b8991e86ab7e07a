"""The OpenAPI schema says every answer an operation can give, not only the happy one.

drf-spectacular documents the 200/201 of each operation. This AutoSchema adds the error
answers, from what the view does: 400 (a list's parameters or a write's body refused), 403
(credentials refused, or not allowed), 404 (a record that does not exist or that the caller
may not see: the same answer), 409 (the record changed since it was read), 415 (a body in a
media type the operation does not read); and the query parameters of each list, from the
form that checks them (rumbo.api.query), so the two say the same thing."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from rumbo.core.params import FlagField, RecordIdField

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ERRORS: dict[str, str] = {
    "400": "Invalid input: each parameter or field refused, with what is wrong with it.",
    "403": "Credentials refused, or the caller may not do this.",
    "404": "No such record, or none the caller may see: the two are not told apart.",
    "409": "The record changed since it was read: read it again, then send the change again.",
    "415": "The request body is in a media type this operation does not read.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field errors ({"field": ["message", ...]}), nested for nested fields, or a list of messages.
INVALID_INPUT_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ]
}


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """The query parameters a filter form reads, with the constraints it checks."""
    parameters = []
    for name, field in form_class.base_fields.items():
        schema: dict[str, Any]
        if isinstance(field, forms.ChoiceField):
            # A form's ChoiceField holds its choices as a list of pairs.
            choices = cast("list[tuple[Any, Any]]", field.choices)
            values = {"type": "string", "enum": [str(v) for v, _label in choices if v]}
            many = isinstance(field, forms.MultipleChoiceField)
            schema = {"type": "array", "items": values} if many else values
        elif isinstance(field, FlagField):
            schema = {"type": "boolean"}
        elif isinstance(field, forms.IntegerField):
            schema = {"type": "integer"}
            if isinstance(field, RecordIdField):
                schema["format"] = "int64"
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
        else:
            schema = {"type": "string"}
            max_length = getattr(field, "max_length", None)
            if max_length:
                schema["maxLength"] = max_length
        parameters.append(OpenApiParameter(name, schema, description=str(field.help_text or "")))
    return parameters


class AutoSchema(BaseAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        form_class = getattr(self.view, "filter_form", None)
        found = form_parameters(form_class) if form_class and self._is_list_view() else []
        action_form = self._action_form()
        if action_form is not None:
            found += form_parameters(action_form)
        return found + super().get_override_parameters()

    def _action_form(self) -> type[forms.Form] | None:
        """The form checking the query parameters of a single-record action, if it has some
        (`query_forms` of the view, by action: rumbo.api.views_indicators.QueryFormsMixin)."""
        query_forms = getattr(self.view, "query_forms", {})
        return query_forms.get(getattr(self.view, "action", None) or "")

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                schema = INVALID_INPUT_SCHEMA if code == "400" else ERROR_SCHEMA
                name = "InvalidInput" if code == "400" else "Error"
                component = ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
                )
                self.registry.register_on_missing(component)
                response = self._get_response_for_code(component.ref, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["403"]  # any operation: HTTP Basic credentials that are refused
        has_body = self.method in WRITES and self.get_request_serializer() is not None
        if self._is_list_view() or self.method in WRITES or self._action_form() is not None:
            codes.append("400")
        if self._has_lookup():
            codes.append("404")
        if self.method in WRITES:
            codes.append("409")
        if has_body:
            codes.append("415")
        return sorted(codes)

    def _has_lookup(self) -> bool:
        lookup = cast(
            str,
            getattr(self.view, "lookup_url_kwarg", None)
            or getattr(self.view, "lookup_field", "pk"),
        )
        return "{" + lookup + "}" in self.path or "{id}" in self.path
