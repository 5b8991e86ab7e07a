from modeltranslation.translator import TranslationOptions, register

from .models import ApprovalQuestion


@register(ApprovalQuestion)
class ApprovalQuestionTranslation(TranslationOptions):
    fields = ("title", "recorded_as", "source")
