from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, Agreement, Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("title", "place", "participants_note", "minutes", "source")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("text",)
