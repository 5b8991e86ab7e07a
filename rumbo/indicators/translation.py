from modeltranslation.translator import TranslationOptions, register

from .models import ExpectedResult, Indicator


@register(ExpectedResult)
class ExpectedResultTranslation(TranslationOptions):
    fields = ("text",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name",)
