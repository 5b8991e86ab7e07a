from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import transaction
from django.http import HttpRequest

from . import audit
from .forms import VersionField, bind_version
from .models import AuditEvent, AuditEventQuerySet
from .services import ConflictError


class VersionCheckedForm(forms.ModelForm):
    """An admin form that says which version it was opened on, and is refused (never saved
    over) when the record has changed since. The row is locked while the form is checked and
    saved (the admin saves in one transaction)."""

    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_version(self)

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean returns the cleaned data (typed as optional on BaseForm).
        data = cast(dict[str, Any], super().clean())
        instance = self.instance
        if instance.pk and "version" in data:
            current = (
                type(instance)
                ._default_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != data["version"]:
                raise ConflictError(instance)
        return data


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes go into the same audit log as changes made on the pages: the values
    before are read from the database, the values after once related objects are saved
    (inline rows included, through the record's `audit_extra`). Versioned records are
    checked like any other edit."""

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs

    def _versioned(self) -> bool:
        return any(f.name == "version" for f in self.model._meta.concrete_fields)

    def get_form(  # type: ignore[no-untyped-def]
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ):
        if not self._versioned():
            return super().get_form(request, obj, change=change, **kwargs)
        # `version` is the form's own field, not one the model form may edit.
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != "version"]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(f"Versioned{form.__name__}", (VersionCheckedForm, form), {})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):  # type: ignore[no-untyped-def]
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self._versioned():
            return fieldsets
        if any("version" in (opts.get("fields") or ()) for _name, opts in fieldsets):
            return fieldsets
        name, opts = fieldsets[0]
        return [(name, {**opts, "fields": [*opts["fields"], "version"]}), *fieldsets[1:]]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before: dict[str, Any] = {}
        if change:
            current = type(obj)._default_manager.get(pk=obj.pk)
            before = audit.snapshot(current)
            if hasattr(obj, "version"):
                obj.version = current.version + 1
        request._audit_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", {})
        self.after_save(obj, before=before, actor=request.user)
        changes = audit.diff(before, audit.snapshot(obj))
        if changes:
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
                instance=obj,
                changes=changes,
                reason="admin",
            )

    def after_save(self, obj: Any, *, before: dict[str, Any], actor: Any) -> None:
        """Hook for derived values (e.g. inherited visibility, status history)."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.DELETE,
                instance=obj,
                changes=audit.diff(audit.snapshot(obj), {}),
                reason="admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Readable by the secretariat, changeable by nobody."""

    list_display = ["at", "actor_label", "action", "content_type", "object_label"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_label", "actor_label", "reason"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        # The default manager's queryset: an AuditEventQuerySet.
        events = cast(AuditEventQuerySet, super().get_queryset(request))
        return events.visible_to(request.user).select_related("content_type")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return bool(
            user.is_active and (user.is_superuser or getattr(user, "is_secretariat", False))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
