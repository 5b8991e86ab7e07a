from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..i18n import field_values, pick
from ..visibility import Visibility

register = template.Library()


def _render(text: str, fallback: str | None) -> SafeString:
    if fallback is None:
        return format_html("{}", text)
    return format_html(
        '<span lang="{}">{}</span> <small class="pending">{}</small>',
        fallback,
        text,
        _("(translation pending)"),
    )


@register.filter
def t(obj: Any, field: str) -> SafeString:
    """A translated field in the current language, falling back with a visible mark."""
    if obj is None:
        return format_html("")
    return _render(*pick(field_values(obj, field)))


@register.filter
def tj(values: Any) -> SafeString:
    """Same as `t` for a {es: ..., en: ...} mapping (e.g. a plan's level names)."""
    if not isinstance(values, dict):
        return format_html("{}", values or "")
    return _render(*pick(values))


@register.filter
def has_text(obj: Any, field: str) -> bool:
    return any(field_values(obj, field).values())


@register.inclusion_tag("core/visibility_badge.html")
def visibility_badge(level: int) -> dict[str, Any]:
    return {"level": int(level), "label": Visibility(int(level)).label}


@register.simple_tag(takes_context=True)
def url_in_language(context: template.Context, lang: str) -> str:
    from django.urls import translate_url

    request = context["request"]
    return translate_url(request.get_full_path(), lang)


@register.filter
def level(plan: Any, depth: int) -> SafeString:
    """The name of a plan's tree level (e.g. Pillar, Topic) in the current language."""
    return tj(plan.level_name(int(depth)))
