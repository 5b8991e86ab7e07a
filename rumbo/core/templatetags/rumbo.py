from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ..accounts import login_link as login_url
from ..history import may_read_history
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
    request = context["request"]
    return translate_url(request.get_full_path(), lang)


@register.filter
def level(plan: Any, depth: int) -> SafeString:
    """The name of a plan's tree level (e.g. Pillar, Topic) in the current language."""
    return tj(plan.level_name(int(depth)))


@register.simple_tag(takes_context=True)
def login_link(context: template.Context) -> str:
    """The log-in URL with a `next` that is safe and never an account page."""
    return login_url(context.get("request"))


@register.simple_tag(takes_context=True)
def history_link(context: template.Context, kind: str, record: Any) -> SafeString:
    """A link to a record's history, only for those the history page lets in (the same rule
    as `record_history`); nothing for everyone else."""
    user = getattr(context.get("request"), "user", None)
    if record is None or not may_read_history(user, kind):
        return SafeString("")
    return format_html(
        '<a href="{}">{}</a>', reverse("record_history", args=[kind, record.pk]), _("History")
    )


@register.simple_tag
def fields_of(form: Any, names: str) -> list[Any]:
    """The visible bound fields of `form` named in `names` (space-separated; a bilingual
    name such as `title` stands for `title_es` and `title_en`), in that order. Each field is
    handed out once: `remaining_fields` gives those no group has taken, so that a field
    added to the form later is still shown."""
    taken = form.__dict__.setdefault("_rumbo_taken", set())
    visible = {f.name: f for f in form.visible_fields()}
    picked = []
    for name in names.split():
        for candidate in (name, f"{name}_es", f"{name}_en"):
            if candidate in visible and candidate not in taken:
                taken.add(candidate)
                picked.append(visible[candidate])
    return picked


@register.simple_tag
def remaining_fields(form: Any) -> list[Any]:
    taken = form.__dict__.get("_rumbo_taken", set())
    return [f for f in form.visible_fields() if f.name not in taken]
