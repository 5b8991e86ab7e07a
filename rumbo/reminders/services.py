"""Changing reminder settings (audited, with a version check) and sending the daily digest."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rumbo.core.services import audited_create, audited_update

from .digest import DigestItem, digest_items, language_of
from .models import CalendarKey, DigestSent, ReminderSettings
from .selectors import digest_recipients, get_reminder_settings_for, sent_on

log = logging.getLogger(__name__)


def _own(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied


@transaction.atomic
def reminder_settings_change(
    *,
    actor: Any,
    digest_enabled: bool | None = None,
    renew_feed: bool = False,
    expected_version: int | None = None,
) -> ReminderSettings:
    """Change a person's own settings: turn the digest on or off, and/or give their calendar
    feed a new secret address (the old one answers 404 from then on). Audited; the first
    change creates the settings. `expected_version` is the version the form showed."""
    _own(actor)
    current = get_reminder_settings_for(actor)
    data: dict[str, Any] = {}
    if digest_enabled is not None:
        data["digest_enabled"] = digest_enabled
    if renew_feed:
        data["feed_renewed_at"] = timezone.now()
    if current is None:
        current = audited_create(actor=actor, instance=ReminderSettings(user=actor), data=data)
    elif data:
        current = audited_update(
            actor=actor, instance=current, data=data, expected_version=expected_version
        )
    if renew_feed:
        # The secret is written beside the audited settings, never into the audit row.
        CalendarKey.objects.update_or_create(
            settings=current, defaults={"token": secrets.token_urlsafe(32)}
        )
    return current


# --- The daily digest ---------------------------------------------------------------------


@dataclass
class DigestRun:
    recipients: int = 0  # people who get digests at all
    already_sent: int = 0  # sent one earlier today
    nothing_due: int = 0
    sent: int = 0
    failed: int = 0


def _site() -> str:
    # Unset, the address `rumbo runserver` serves at: production sets RUMBO_SITE_URL.
    return (str(getattr(settings, "RUMBO_SITE_URL", "")) or "http://127.0.0.1:8000").rstrip("/")


def _message(user: Any, items: list[DigestItem], today: dt.date) -> EmailMultiAlternatives:
    with translation.override(language_of(user)):
        sections: dict[str, list[DigestItem]] = {}
        for item in items:
            sections.setdefault(item.section, []).append(item)
        context = {
            "person": user.get_full_name() or user.get_username(),
            "sections": sections,
            "site": _site(),
            "today": today,
        }
        subject = _("Rumbo: what you owe soon and what is late (%(count)s)") % {"count": len(items)}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("reminders/digest_email.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("reminders/digest_email.html", context), "text/html"
        )
    return message


def digests_send(*, today: dt.date | None = None) -> DigestRun:
    """Send each person who wants it a digest of what they owe, unless they were sent one
    today already or owe nothing. Each person is claimed (a DigestSent row) before their mail
    goes out: two runs on one day never send twice, and a crash between the claim and the
    mail loses that day's digest for them rather than sending it twice. A mail the server
    refuses frees its claim, so that a later run on the same day tries again."""
    today = today or timezone.localdate()
    run = DigestRun()
    recipients = list(digest_recipients())
    run.recipients = len(recipients)
    done = sent_on(today)
    pending = [user for user in recipients if user.pk not in done]
    run.already_sent = len(recipients) - len(pending)
    items = digest_items(pending, today)
    wanted = [user for user in pending if items.get(user.pk)]
    run.nothing_due = len(pending) - len(wanted)
    claim = secrets.token_hex(8)
    DigestSent.objects.bulk_create(
        [DigestSent(user=u, day=today, run=claim, items=len(items[u.pk])) for u in wanted],
        ignore_conflicts=True,
    )
    claimed = set(DigestSent.objects.filter(day=today, run=claim).values_list("user_id", flat=True))
    failed: list[int] = []
    with get_connection() as connection:
        for user in wanted:
            if user.pk not in claimed:
                continue  # another run claimed them first
            try:
                connection.send_messages([_message(user, items[user.pk], today)])
            except Exception:  # a refused address must not stop the others' digests
                log.exception("digest to user %s not sent", user.pk)
                failed.append(user.pk)
    if failed:
        DigestSent.objects.filter(day=today, run=claim, user_id__in=failed).delete()
    run.failed = len(failed)
    run.sent = len(claimed) - len(failed)
    return run
