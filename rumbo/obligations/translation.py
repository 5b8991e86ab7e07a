from modeltranslation.translator import TranslationOptions, register

from .models import Obligation


@register(Obligation)
class ObligationTranslation(TranslationOptions):
    fields = ("title", "creditor", "quote", "source", "assumption")
