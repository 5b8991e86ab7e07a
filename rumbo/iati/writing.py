"""Writing the IATI file's elements: attributes left out when empty, narratives per language."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import translation
from lxml import etree

from rumbo.core.numbers import plain

LANGUAGES = ("es", "en")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry (a text pasted from elsewhere may hold them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Element = Any  # lxml's element type (lxml ships no type information)
Texts = dict[str, str]


def sub(parent: Element, tag: str, **attrs: str | None) -> Element:
    return etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})


def texts(obj: Any, field: str) -> Texts:
    """A translated field's text in each language that has one (no fallback, no copy)."""
    out: Texts = {}
    for lang in LANGUAGES:
        text = _NOT_XML.sub("", getattr(obj, f"{field}_{lang}", None) or "").strip()
        if text:
            out[lang] = text
    return out


def translated(message: Callable[[], str]) -> Texts:
    """A message of Rumbo's own, in each language."""
    out: Texts = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            out[lang] = str(message())
    return out


def narratives(parent: Element, by_language: Texts) -> None:
    for lang, text in by_language.items():
        sub(parent, "narrative", **{XML_LANG: lang}).text = text


def number(value: Decimal) -> str:
    return str(plain(value))
