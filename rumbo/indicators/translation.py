from modeltranslation.translator import TranslationOptions, register

from .models import Category, Dimension, ExpectedResult, Indicator


@register(ExpectedResult)
class ExpectedResultTranslation(TranslationOptions):
    fields = ("text",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "means_of_verification")


@register(Dimension)
class DimensionTranslation(TranslationOptions):
    fields = ("name",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)
