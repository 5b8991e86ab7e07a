from modeltranslation.translator import TranslationOptions, register

from .models import ConceptNote, ProgressUpdate


@register(ConceptNote)
class ConceptNoteTranslation(TranslationOptions):
    fields = (
        "objective",
        "justification",
        "expected_results",
        "indicators",
        "participants",
        "target_audience",
        "place",
        "funding_source",
        "assumptions_risks",
        "review_comments",
    )


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ("text",)
