"""Good practices: submitted by any participant (member countries, observers, the
civil-society networks), reviewed by the secretariat, published on a date (the UN Network's
work plan, activity 1.4: “one practice per month”)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import AttachedFile, RandomName
from rumbo.core.models import VersionedModel
from rumbo.core.visibility import Visibility


class GoodPractice(VersionedModel):
    """A good practice and its review. It is public once published (its status is scheduled
    or published and its publication date has come); before that only its organisation and
    the secretariat read it (see `selectors.practices_for`)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with comments")
        ACCEPTED = "accepted", _("Accepted")
        SCHEDULED = "scheduled", _("Scheduled for publication")
        PUBLISHED = "published", _("Published")

    # The statuses whose practices are public from their publication date on.
    PUBLISHING = (Status.SCHEDULED, Status.PUBLISHED)

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    countries = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("countries"),
        blank=True,
        related_name="+",
    )
    topics = models.ManyToManyField(
        "plans.PlanElement",
        verbose_name=_("topics"),
        blank=True,
        related_name="+",
        help_text=_("Pillars and topics of the strategic plans."),
    )
    gcm_objectives = models.ManyToManyField(
        "plans.GcmObjective",
        verbose_name=_("Global Compact objectives"),
        blank=True,
        related_name="+",
    )
    gender_perspective = models.BooleanField(_("gender perspective"), default=False)
    gender_notes = models.TextField(_("how it includes a gender perspective"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    publish_on = models.DateField(_("publication date"), null=True, blank=True, db_index=True)
    review_comments = models.TextField(_("review comments"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        title_es: str | None
        title_en: str | None
        summary_es: str | None
        summary_en: str | None
        gender_notes_es: str | None
        gender_notes_en: str | None
        objects: ClassVar[models.Manager[GoodPractice]]
        _default_manager: ClassVar[models.Manager[GoodPractice]]

    class Meta:
        ordering = ["-publish_on", "-submitted_at", "-id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        indexes = [models.Index(fields=["status", "publish_on"])]

    def __str__(self) -> str:
        return (self.title_es or self.title_en or self.title or "")[:300]

    def is_published(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status in self.PUBLISHING
            and self.publish_on is not None
            and self.publish_on <= today
        )

    @property
    def shown_status(self) -> str:
        """The status a person reads: a practice scheduled for a date that has come is
        published (no job moves it: readers compare the date)."""
        if self.is_published():
            return str(self.Status.PUBLISHED.label)
        return str(self.get_status_display())

    @property
    def visibility(self) -> int:
        """The level its audit rows are written at (`core.audit.record` reads it): public
        once published, else members-only (and the log is the secretariat's to read)."""
        return Visibility.PUBLIC if self.is_published() else Visibility.MEMBERS


class PracticeFile(AttachedFile):
    """A document of a good practice. Served only by the `practice_file_download` view, to
    whoever may read its practice (never from the media folder)."""

    practice = models.ForeignKey(
        GoodPractice,
        verbose_name=_("good practice"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=RandomName("practice-files"))

    if TYPE_CHECKING:
        objects: ClassVar[models.Manager[PracticeFile]]

    class Meta:
        ordering = ["practice", "uploaded_at", "id"]
        verbose_name = _("file of a good practice")
        verbose_name_plural = _("files of good practices")
