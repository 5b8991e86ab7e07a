"""A person's reminders: whether they get the email digest, the secret address of their
calendar feed, and the record of the digests sent (never two the same day)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.models import VersionedModel


class ReminderSettings(VersionedModel):
    """One person's choices. Changes are audited; the feed's secret is not kept here (an audit
    row copies every field), only when it was last renewed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    digest_enabled = models.BooleanField(_("email digest"), default=True)
    feed_renewed_at = models.DateTimeField(_("calendar address renewed"), null=True, blank=True)

    objects: ClassVar[models.Manager[ReminderSettings]]

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(_("Reminders of %(person)s") % {"person": self.user.get_username()})


class CalendarKey(models.Model):
    """The secret in a person's calendar address (calendar apps cannot log in). Renewing it
    replaces it, so the old address answers 404 at once."""

    settings = models.OneToOneField(
        ReminderSettings, on_delete=models.CASCADE, related_name="calendar_key"
    )
    token = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[CalendarKey]]

    def __str__(self) -> str:
        return f"calendar key #{self.pk}"


class DigestSent(models.Model):
    """A digest sent to a person on a day. Written before the mail goes out (a claim), so two
    runs on one day never mail anyone twice; removed again if the mail could not be sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    day = models.DateField()
    run = models.CharField(max_length=32)
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[DigestSent]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"digest {self.day} #{self.user_id}"
