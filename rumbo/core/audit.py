"""Snapshots of records and the audit rows that compare them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from modeltranslation.manager import get_translatable_fields_for_model

from .models import AuditEvent
from .visibility import Visibility

SKIPPED = {"created_at", "updated_at", "version", "effective_visibility", "password", "last_login"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    """Concrete fields that make up a record's content (translated originals are skipped:
    their per-language columns carry the values)."""
    translated = set(get_translatable_fields_for_model(model) or [])
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and f.name not in translated and not f.primary_key
    ]


TEXT_FIELDS = (models.CharField, models.TextField)


def snapshot(instance: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in audited_fields(type(instance)):
        value = getattr(instance, field.attname)
        if value is None and isinstance(field, TEXT_FIELDS):
            # An empty text is empty whether a form left it NULL or "": no phantom change.
            value = ""
        data[field.name] = _plain(value)
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
        extra = getattr(instance, "audit_extra", None)
        if extra is not None:
            data.update(extra())
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = before.keys() | after.keys()
    return {
        k: {"old": before.get(k), "new": after.get(k)}
        for k in sorted(keys)
        if before.get(k) != after.get(k)
    }


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
        level = getattr(instance, "visibility", Visibility.MEMBERS)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_label=str(instance)[:300],
        changes=changes,
        reason=reason,
        visibility=int(level),
    )
