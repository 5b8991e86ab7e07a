from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from rumbo.core.admin import AuditedModelAdmin

from .models import ExpectedResult, Indicator


@admin.register(ExpectedResult)
class ExpectedResultAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "plan", "text"]
    list_filter = ["plan"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "plan", "kind", "name"]
    list_filter = ["plan", "kind"]
