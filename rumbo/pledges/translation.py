from modeltranslation.translator import TranslationOptions, register

from .models import Pledge, PledgeUpdate


@register(Pledge)
class PledgeTranslation(TranslationOptions):
    fields = ("title", "description", "in_kind")


@register(PledgeUpdate)
class PledgeUpdateTranslation(TranslationOptions):
    fields = ("narrative", "in_kind_delivered")
