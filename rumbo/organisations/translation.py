from modeltranslation.translator import TranslationOptions, register

from .models import Body, Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "acronym", "source")


@register(Body)
class BodyTranslation(TranslationOptions):
    fields = ("name", "mandate")
