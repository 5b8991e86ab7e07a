from modeltranslation.translator import TranslationOptions, register

from .models import GoodPractice


@register(GoodPractice)
class GoodPracticeTranslation(TranslationOptions):
    fields = ("title", "summary", "gender_notes")
