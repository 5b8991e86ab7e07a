"""Reading reminder settings (a person's own only), the owner of a calendar address, and the
people a digest may go to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import CalendarKey, DigestSent, ReminderSettings


def reminder_settings_for(user: Any) -> QuerySet[ReminderSettings]:
    """A person's own settings (nobody reads another's)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ReminderSettings.objects.none()
    return ReminderSettings.objects.filter(user=user).select_related("calendar_key")


def get_reminder_settings_for(user: Any) -> ReminderSettings | None:
    return reminder_settings_for(user).first()


def feed_owner(token: str) -> Any:
    """The active person whose calendar address holds `token`, or None (an unknown, renewed
    or deactivated person's token alike)."""
    if not token:
        return None
    key = (
        CalendarKey.objects.filter(token=token, settings__user__is_active=True)
        .select_related("settings__user")
        .first()
    )
    return key.settings.user if key else None


def digest_recipients() -> QuerySet[Any]:
    """Active people with a role and an email address who have not turned the digest off,
    with what `digest.viewer_key` reads of them."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(role="")
        .exclude(reminder_settings__digest_enabled=False)
        .select_related("organisation")
        .prefetch_related("working_groups")
        .order_by("pk")
    )


def sent_on(day: dt.date) -> set[int]:
    """The people already sent a digest on `day`."""
    return set(DigestSent.objects.filter(day=day).values_list("user_id", flat=True))
