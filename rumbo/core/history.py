"""Reading the audit log of one record, with field names a person understands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .models import AuditEvent


@dataclass
class Change:
    field: str
    label: str
    old: Any
    new: Any


@dataclass
class Entry:
    event: AuditEvent
    changes: list[Change]


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    if field.auto_created and field.is_relation and not field.concrete:  # a reverse relation
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def history_for(user: Any, record: models.Model) -> list[Entry]:
    model = type(record)
    events = AuditEvent.objects.visible_to(user).for_object(record).select_related("actor")
    return [
        Entry(
            event,
            [
                Change(name, _label(model, name), values.get("old"), values.get("new"))
                for name, values in event.changes.items()
            ],
        )
        for event in events
    ]
