from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from rumbo.core.admin import AuditedModelAdmin

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
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            _("Role in the process"),
            {"fields": ("role", "organisation", "working_groups", "preferred_language")},
        ),
    )
    list_display = ["username", "email", "role", "organisation", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    filter_horizontal = ["working_groups", "groups", "user_permissions"]
