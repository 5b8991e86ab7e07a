from modeltranslation.translator import TranslationOptions, register

from .models import Activity, GcmObjective, Plan, PlanElement, PlanStatement, SdgTarget


@register(GcmObjective)
class GcmObjectiveTranslation(TranslationOptions):
    fields = ("title",)


@register(SdgTarget)
class SdgTargetTranslation(TranslationOptions):
    fields = ("title",)


@register(Plan)
class PlanTranslation(TranslationOptions):
    fields = ("title", "short_title", "description", "source", "status_note")


@register(PlanStatement)
class PlanStatementTranslation(TranslationOptions):
    fields = ("title", "text")


@register(PlanElement)
class PlanElementTranslation(TranslationOptions):
    fields = ("title", "description", "notes")


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = (
        "title",
        "description",
        "references",
        "responsible_note",
        "indicators",
        "recurrence",
        "schedule_note",
        "assumptions_risks",
        "notes",
    )
