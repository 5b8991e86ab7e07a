"""Values that come from outside, in URL paths and query strings, checked at the door.

Record ids (`<id:pk>` in URL patterns, RecordIdField in filter forms): Django's `int` path
converter and form IntegerField accept any number of digits, and a value past the 64-bit
range that id columns hold (SQLite INTEGER, PostgreSQL bigint) makes the database driver
raise instead of finding nothing. An id outside the range cannot name a record: a path with
one does not match (the 404 of any missing record), and a filter field refuses it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest value a 64-bit id column holds


def is_record_id(value: Any) -> bool:
    """Whether `value` (an int or the text of one) can be the id of a stored record."""
    text = str(value)
    return text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID


class YearConverter:
    """`<year:year>`: four digits (a year as calendars write it)."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    """`<month:month>`: a month, 1 to 12 (with or without a leading zero)."""

    regex = "0?[1-9]|1[0-2]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


class IdConverter:
    """`<id:pk>` in a URL pattern: digits, as an int in the range of stored ids."""

    regex = "[0-9]{1,19}"  # enough digits for MAX_ID; to_python refuses larger numbers

    def to_python(self, value: str) -> int:
        if not is_record_id(value):
            raise ValueError(value)  # for Django: this pattern does not match
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)


class RecordIdField(forms.IntegerField):
    """A record id typed into a filter: a whole number in the range of stored ids."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class FlagField(forms.BooleanField):
    """A yes/no filter in a query string: a checkbox's "on", or true/false, 1/0 as the API
    documents booleans. Anything else is refused rather than read as yes, which is what
    BooleanField does with any non-empty text."""

    widget = forms.TextInput  # the raw value: a CheckboxInput turns any text into True
    default_error_messages = {"invalid": _("Enter true or false.")}
    YES = frozenset({"on", "true", "1"})
    NO = frozenset({"", "off", "false", "0"})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")
