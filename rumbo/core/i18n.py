"""Bilingual content helpers: every user text exists in Spanish and English, and a missing
translation falls back to the other language with a visible mark."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

LANGS = [code for code, _name in settings.LANGUAGES]


def bilingual(*names: str) -> list[str]:
    """The per-language columns of translated fields: title -> title_es, title_en."""
    return [f"{name}_{lang}" for name in names for lang in LANGS]


def current_language() -> str:
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    return lang if lang in LANGS else settings.LANGUAGE_CODE


def other_languages(lang: str) -> list[str]:
    return [code for code in LANGS if code != lang]


def pick(values: Mapping[str, Any], lang: str | None = None) -> tuple[str, str | None]:
    """Text in `lang` or, failing that, in the first other language that has it.

    Returns (text, language it is in when it is a fallback, else None)."""
    lang = lang or current_language()
    text = (values.get(lang) or "").strip()
    if text:
        return text, None
    for other in other_languages(lang):
        text = (values.get(other) or "").strip()
        if text:
            return text, other
    return "", None


def field_values(obj: Any, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}", "") or "" for code in LANGS}
