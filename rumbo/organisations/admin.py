from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from rumbo.core import audit
from rumbo.core.admin import AuditedModelAdmin
from rumbo.core.models import AuditEvent

from .models import Body, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "name", "acronym", "kind", "un_system", "visibility"]
    list_filter = ["kind", "un_system", "visibility"]
    search_fields = ["code", "name_es", "name_en", "acronym_es", "acronym_en"]


@admin.register(Body)
class BodyAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "name", "kind", "country", "year", "visibility"]
    list_filter = ["kind"]
    search_fields = ["code", "name_es", "name_en"]
    filter_horizontal = ["members"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    """People and their roles: every change (role, superuser, groups, working groups,
    password) is audited like any other record. A person who acted is never deleted (the
    audit log keeps them); deactivate the account instead."""

    fieldsets = (
        # Django's user admin always defines its fieldsets (typed as optional on ModelAdmin).
        *cast("tuple[Any, ...]", BaseUserAdmin.fieldsets),
        (
            _("Role in the process"),
            {"fields": ("role", "organisation", "working_groups", "preferred_language")},
        ),
    )
    list_display = ["username", "email", "role", "organisation", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    filter_horizontal = ["working_groups", "groups", "user_permissions"]

    def user_change_password(self, request, id, form_url=""):  # type: ignore[no-untyped-def]
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(
                actor=request.user,
                action=AuditEvent.Action.UPDATE,
                instance=user,
                changes={"password": {"old": "…", "new": str(_("(changed)"))}},
                reason="admin",
            )
        return response
