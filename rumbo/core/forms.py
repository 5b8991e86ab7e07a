"""Form helpers shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from .i18n import current_language
from .numbers import format_decimal, parse_decimal

LANGUAGE_LABELS = {"es": _("Spanish"), "en": _("English")}


class BilingualFormMixin:
    """Labels the per-language fields of translated content as “Title (Spanish)” and marks
    the Spanish one of a required pair as required (the English one falls back to it)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        model = self._meta.model  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)
            base, _sep, lang = name.rpartition("_")
            if lang in LANGUAGE_LABELS and base:
                try:
                    original = model._meta.get_field(base)
                except FieldDoesNotExist:  # not the translation of a model field
                    continue
                field.label = f"{original.verbose_name.capitalize()} ({LANGUAGE_LABELS[lang]})"
                if lang == "es" and not original.blank:
                    field.required = True
                elif lang != "es":
                    field.required = False


class LocalizedDecimalField(forms.DecimalField):
    """A decimal typed as people write it in either language (core.numbers) and shown back
    in the page's language. A text box, not `<input type=number>`: a browser shows a number
    box holding "15000,50" as empty (and sends nothing back), and reads "15000,50" or
    "1.500,50" by its own locale's rules."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    # django-stubs gives DecimalField the to_python of IntegerField (returning an int).
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value), current_language())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_decimal(value, current_language())
        return value


class VersionField(forms.IntegerField):
    """The version of the record the form was opened on (optimistic versioning)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            min_value=1,
            error_messages={
                "required": _(
                    "This form was sent without the version of the record it was opened on. "
                    "Reload the page and make your changes again."
                )
            },
            **kwargs,
        )


def bind_version(form: forms.BaseForm) -> None:
    """An edit form must say which version it was opened on; a new record has none."""
    instance = getattr(form, "instance", None)
    if instance is not None and instance.pk:
        field = form.fields["version"]
        field.initial = instance.version
        field.required = True


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:
            form.add_error(None, error)


def split_files(cleaned: dict[str, Any]) -> tuple[dict[str, Any], list[Any], list[Any], Any]:
    """A record form's cleaned data as its service takes it: the fields, the files added,
    the ids of files to remove, and the version the form was read at."""
    data = dict(cleaned)
    files = data.pop("files", None) or []
    remove = data.pop("remove_files", None) or []
    return data, files, remove, data.pop("version", None)
