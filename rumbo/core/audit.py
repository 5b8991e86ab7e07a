"""Snapshots of records and the audit rows that compare them."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from modeltranslation.manager import get_translatable_fields_for_model

from .models import AuditEvent
from .visibility import Visibility

# Bookkeeping, not content: never shown as a change (a form's one-time key included).
SKIPPED = {
    "created_at",
    "updated_at",
    "version",
    "effective_visibility",
    "password",
    "last_login",
    "previous_login",
    "submission_key",
}

Action = AuditEvent.Action

# Fields whose empty value is "" (None counts as that), and fields whose value given as text
# is read as the number or date it says.
TEXT_FIELDS = (models.CharField, models.TextField)
NUMBER_OR_DATE_FIELDS = (
    models.DateField,  # DateTimeField included
    models.DecimalField,
    models.IntegerField,
    models.FloatField,
)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        # One instant, one text: an aware time is written in UTC whatever zone it came in.
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_value(field: models.Field, value: Any) -> Any:
    """A field's value as the database would hold it: a date given as text is a date, a
    decimal has the field's places ("15000.5" and "15000.50" are one amount)."""
    if value is None:
        # An empty text is empty whether a form left it NULL or "": no phantom change.
        return "" if isinstance(field, TEXT_FIELDS) else None
    if isinstance(value, str) and isinstance(field, NUMBER_OR_DATE_FIELDS):
        try:
            value = field.to_python(value)
        except ValidationError:
            return value
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal | int | float):
        value = Decimal(str(value))
        if value.is_finite() and field.decimal_places is not None:
            with contextlib.suppress(InvalidOperation):
                value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return _plain(value)


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    """Concrete fields that make up a record's content (translated originals are skipped:
    their per-language columns carry the values)."""
    translated = set(get_translatable_fields_for_model(model) or [])
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and f.name not in translated and not f.primary_key
    ]


def snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in audited_fields(type(instance)):
        data[field.name] = field_value(field, getattr(instance, field.attname))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
        extra = getattr(instance, "audit_extra", None)
        if extra is not None:
            data.update(extra())
    return data


def normal_text(value: str) -> str:
    # A browser sends a textarea's lines as CRLF and a form strips the ends: the same text.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def as_number(value: Any) -> Decimal | None:
    """The number a value or its text says (None when it says none, or an infinite one)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def as_moment(value: Any) -> dt.date | None:
    """A date or a time, or the ISO text of one, as a comparable value (else None)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    return None


def is_empty(value: Any) -> bool:
    """Nothing said: None, a blank text, an empty list, a mapping of empties."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def same(old: Any, new: Any) -> bool:
    """Whether two recorded values say the same thing, so that showing them as a change would
    be a phantom: None, "" and a missing value; a text and the same text with other line ends
    or surrounding blanks; a number as a Decimal and as text; a date and its ISO text; lists
    and mappings of such values."""
    if is_empty(old) or is_empty(new):
        return is_empty(old) and is_empty(new)
    if isinstance(old, list | tuple) or isinstance(new, list | tuple):
        return (
            isinstance(old, list | tuple)
            and isinstance(new, list | tuple)
            and len(old) == len(new)
            and all(same(a, b) for a, b in zip(old, new, strict=True))
        )
    if isinstance(old, dict) or isinstance(new, dict):
        return (
            isinstance(old, dict)
            and isinstance(new, dict)
            and all(same(old.get(k), new.get(k)) for k in old.keys() | new.keys())
        )
    if isinstance(old, str) and isinstance(new, str):
        return normal_text(old) == normal_text(new)
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    # A number or a date on one side at least (two texts are compared as texts: codes such as
    # "10.7" and "10.70" differ): compare what the other side's text says.
    a, b = as_number(old), as_number(new)
    if a is not None and b is not None:
        return a == b
    m, n = as_moment(old), as_moment(new)
    if m is not None and n is not None:
        return m == n
    return bool(old == new)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value really changed (see `same`), each once, as {old, new}."""
    keys = before.keys() | after.keys()
    return {
        k: {"old": before.get(k), "new": after.get(k)}
        for k in sorted(keys)
        if not same(before.get(k), after.get(k))
    }


# The name of a change inside `named(...)` (an import, a load from the seed files).
_named: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_named", default=None)

# A record whose status becomes one of these was submitted, approved or returned.
STATUS_ACTIONS = {
    "submitted": Action.SUBMIT,
    "approved": Action.APPROVE,
    "returned": Action.RETURN,
}


@contextlib.contextmanager
def named(action: str) -> Iterator[None]:
    """Record the creations and changes made inside as `action` (e.g. Action.IMPORT around
    applying a workbook), so the log says what happened rather than "created" or "changed"."""
    token = _named.set(action)
    try:
        yield
    finally:
        _named.reset(token)


def named_action(action: str, changes: dict[str, Any]) -> str:
    """The name of an event: one its caller gave stays; a creation or change made inside
    `named(...)` takes that name; a change of status is a status change (or the submission,
    approval or return that status says)."""
    if action not in {Action.CREATE, Action.UPDATE}:
        return action
    context = _named.get()
    if context is not None:
        return context
    if action == Action.UPDATE:
        return status_action(changes) or action
    return action


def status_action(changes: dict[str, Any]) -> str | None:
    """The name of a change that moves a record's status (None when the status stays)."""
    status = changes.get("status")
    if not isinstance(status, dict) or same(status.get("old"), status.get("new")):
        return None
    return STATUS_ACTIONS.get(str(status.get("new")), Action.STATUS)


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return actor.get_username()


def record(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    changes: dict[str, Any],
    reason: str = "",
) -> AuditEvent:
    level = getattr(instance, "effective_visibility", None)
    if level is None:
        level = getattr(instance, "visibility", None)
    if level is None:
        level = Visibility.MEMBERS
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        action=named_action(action, changes),
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_label=str(instance)[:300],
        changes=changes,
        reason=reason,
        visibility=int(level),
    )
