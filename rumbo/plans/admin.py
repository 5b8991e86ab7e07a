from typing import Any

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from rumbo.core.admin import AuditedModelAdmin

from .models import (
    Activity,
    ActivityParty,
    BudgetLine,
    GcmObjective,
    Plan,
    PlanElement,
    PlanStatement,
    SdgTarget,
)
from .services import record_status_change, refresh_effective_visibility


class RefreshesVisibility(AuditedModelAdmin):
    def after_save(self, obj: Any, *, before: dict[str, Any], actor: Any) -> None:
        refresh_effective_visibility(obj if isinstance(obj, Plan) else obj.plan)
        if isinstance(obj, Activity):
            record_status_change(
                actor=actor,
                activity=obj,
                old_status=before.get("status", Activity.Status.NOT_STARTED),
                reason="admin",
            )


class StatementInline(TranslationStackedInline):
    model = PlanStatement
    extra = 0


@admin.register(Plan)
class PlanAdmin(RefreshesVisibility, TranslationAdmin):
    list_display = ["code", "title", "kind", "period_start", "period_end", "status", "visibility"]
    list_filter = ["kind", "status", "visibility"]
    search_fields = ["code", "title_es", "title_en"]
    inlines = [StatementInline]


@admin.register(PlanElement)
class PlanElementAdmin(RefreshesVisibility, TranslationAdmin):
    list_display = ["code", "plan", "depth", "title", "visibility", "effective_visibility"]
    list_filter = ["plan", "visibility"]
    search_fields = ["code", "title_es", "title_en"]
    list_select_related = ["plan"]
    filter_horizontal = ["gcm_objectives", "sdg_targets"]


class PartyInline(admin.TabularInline):
    model = ActivityParty
    extra = 1


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Activity)
class ActivityAdmin(RefreshesVisibility, TranslationAdmin):
    list_display = ["code", "plan", "title", "status", "start_date", "end_date", "visibility"]
    list_filter = ["plan", "status", "visibility"]
    search_fields = ["code", "title_es", "title_en"]
    list_select_related = ["plan"]
    inlines = [PartyInline, BudgetInline]
    filter_horizontal = ["gcm_objectives", "sdg_targets", "linked_elements"]


@admin.register(GcmObjective)
class GcmObjectiveAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["number", "title"]


@admin.register(SdgTarget)
class SdgTargetAdmin(AuditedModelAdmin, TranslationAdmin):
    list_display = ["code", "title"]
