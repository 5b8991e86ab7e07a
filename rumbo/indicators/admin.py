from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from rumbo.core.admin import AuditedModelAdmin

from .models import DESIGN_FIELDS, Category, Dimension, ExpectedResult, Indicator


@admin.register(ExpectedResult)
class ExpectedResultAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "plan", "text"]
    list_filter = ["plan"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "plan", "kind", "unit", "name"]
    list_filter = ["plan", "kind", "unit"]
    # A design change starts a design revision and, once values exist, needs a reason: it is
    # made on the indicator's page (services.indicator_update), never here.
    readonly_fields = [*DESIGN_FIELDS, "design"]


class CategoryInline(TranslationTabularInline):
    model = Category
    extra = 1
    fields = ["code", "name", "order", "active"]


@admin.register(Dimension)
class DimensionAdmin(AuditedModelAdmin, TranslationAdmin):
    """The secretariat adds dimensions and categories; a category in use is retired (not in
    use), never deleted: values entered with it stay readable."""

    list_display = ["code", "name", "order"]
    inlines = [CategoryInline]
