"""A person's reminders page (digest on or off, their calendar address and its renewal) and
the calendar feeds: a person's own (a secret address: calendar apps cannot log in) and a
body's (what the viewer may see of its meetings)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rumbo.core.forms import apply_service_errors
from rumbo.core.i18n import field_values, pick
from rumbo.organisations.selectors import get_body_for

from . import services
from .calendar import calendar_entries, to_ical
from .digest import language_of
from .forms import ReminderSettingsForm
from .models import CalendarKey
from .selectors import feed_owner, get_reminder_settings_for


def _site(request: HttpRequest) -> str:
    return str(getattr(settings, "RUMBO_SITE_URL", "")) or request.build_absolute_uri("/")


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    current = get_reminder_settings_for(request.user)
    version = current.version if current else 0
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.reminder_settings_change(
                    actor=request.user,
                    digest_enabled=(
                        form.cleaned_data["digest_enabled"] if "save" in request.POST else None
                    ),
                    renew_feed="renew" in request.POST,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Your calendar has a new address: the old one no longer works.")
                    if "renew" in request.POST
                    else _("Your reminder settings were saved."),
                )
                return redirect("calendar_settings")
    else:
        form = ReminderSettingsForm(
            initial={
                "digest_enabled": current.digest_enabled if current else True,
                "version": version,
            }
        )
    key: CalendarKey | None = getattr(current, "calendar_key", None) if current else None
    feed_url = (
        _site(request).rstrip("/") + reverse("personal_calendar", kwargs={"token": key.token})
        if key
        else ""
    )
    return render(
        request,
        "reminders/calendar_settings.html",
        {"form": form, "settings": current, "version": version, "feed_url": feed_url},
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def personal_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """What the address's owner may see now, in their language; 404 for an unknown or renewed
    address and for a deactivated person's."""
    owner = feed_owner(token)
    if owner is None:
        raise Http404
    with translation.override(language_of(owner)):
        body = to_ical(calendar_entries(owner), name=_("Rumbo: my calendar"), site=_site(request))
    response = _ics(body, "rumbo.ics")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def body_calendar(request: HttpRequest, code: str) -> HttpResponse:
    """The meetings of a body that the viewer may see, in the page's language (404 for a body
    they may not see, as for one that does not exist)."""
    body = get_body_for(request.user, code)
    name = pick(field_values(body, "name"))[0]
    content = to_ical(
        calendar_entries(request.user, body=body),
        name=_("Rumbo: %(body)s") % {"body": name},
        site=_site(request),
    )
    return _ics(content, f"{body.code}.ics")
