"""Generic audited writes. Domain services (plans.services, ...) call these inside their own
transaction so that the record and its audit row are written together or not at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from . import audit
from .models import AuditEvent

M = TypeVar("M", bound=models.Model)


class ConflictError(ValidationError):
    """The record changed since the caller read it (optimistic versioning)."""

    def __init__(self, instance: models.Model) -> None:
        super().__init__(
            _(
                "Someone else changed “%(record)s” since you opened it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="conflict",
            params={"record": str(instance)},
        )


def _split(instance: models.Model, data: Mapping[str, Any]) -> tuple[dict, dict]:
    m2m_names = {f.name for f in instance._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in m2m_names}
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return plain, m2m


def _set_m2m(instance: models.Model, m2m: Mapping[str, Iterable[Any]]) -> None:
    for name, values in m2m.items():
        getattr(instance, name).set(list(values))


@transaction.atomic
def audited_create(
    *, actor: Any, instance: M, data: Mapping[str, Any] | None = None, reason: str = ""
) -> M:
    plain, m2m = _split(instance, data or {})
    for name, value in plain.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    _set_m2m(instance, m2m)
    after = audit.snapshot(instance)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=instance,
        changes=audit.diff({}, after),
        reason=reason,
    )
    return instance


@transaction.atomic
def audited_update(
    *,
    actor: Any,
    instance: M,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> M:
    """Apply `data` to a fresh, locked copy of `instance`; refuse if its version moved on."""
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    # (`hasattr` written out where `current.version` is read, so that type checkers see it.)
    if (
        hasattr(current, "version")
        and expected_version is not None
        and current.version != expected_version
    ):
        raise ConflictError(current)
    before = audit.snapshot(current)
    plain, m2m = _split(current, data)
    for name, value in plain.items():
        setattr(current, name, value)
    current.full_clean()
    after_plain = audit.snapshot(current)
    for name, values in m2m.items():
        after_plain[name] = sorted(v.pk if isinstance(v, models.Model) else v for v in values)
    changes = audit.diff(before, after_plain)
    if not changes:
        return current
    if hasattr(current, "version"):
        # Compare-and-set: a concurrent writer that got here first makes this match 0 rows.
        moved = model._default_manager.filter(pk=current.pk, version=current.version).update(
            version=F("version") + 1
        )
        if not moved:
            raise ConflictError(current)
        current.version += 1
    current.save()
    _set_m2m(current, m2m)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=current,
        changes=changes,
        reason=reason,
    )
    return current


@transaction.atomic
def audited_delete(*, actor: Any, instance: models.Model, reason: str = "") -> None:
    before = audit.snapshot(instance)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=instance,
        changes=audit.diff(before, {}),
        reason=reason,
    )
    instance.delete()
