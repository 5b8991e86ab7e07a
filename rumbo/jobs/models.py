"""A piece of work run in the background for one person (a large export, a report), its
progress, and the file it made."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import RandomName

# A running job whose last sign of life is older than this is taken for dead (its worker was
# killed or restarted): it is shown as interrupted and may be run again. Runners report
# progress every few seconds at most, so a live job is never this quiet.
STALE_AFTER = dt.timedelta(minutes=10)


class Job(models.Model):
    """One request for a file. The file is built with the visibility of the person who asked
    for it (`requested_by`) and is theirs only (`selectors.jobs_for`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    output = models.FileField(_("file"), upload_to=RandomName("job-files"), blank=True)
    output_name = models.CharField(_("file name"), max_length=255, blank=True)
    output_type = models.CharField(_("file type"), max_length=120, blank=True)
    output_size = models.PositiveBigIntegerField(_("size"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # The last sign of life of a running job (its start and each progress report).
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Each run (the first and each "run again") has its number: a run that finds another
    # number on the row has been replaced and stops without writing anything.
    attempt = models.PositiveIntegerField(_("run"), default=1)
    task_result_id = models.CharField(_("task id"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("file prepared in the background")
        verbose_name_plural = _("files prepared in the background")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        from .registry import label_of

        return f"{label_of(self.kind)} #{self.pk}"

    @property
    def label(self) -> str:
        from .registry import label_of

        return str(label_of(self.kind))

    def is_interrupted(self, now: dt.datetime | None = None) -> bool:
        """Running, with no sign of life for `STALE_AFTER`: its worker died."""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at or self.created_at
        return (now or timezone.now()) - last > STALE_AFTER

    @property
    def interrupted(self) -> bool:
        return self.is_interrupted()

    @property
    def active(self) -> bool:
        """Waiting or running, and not taken for dead: the page refreshes itself."""
        return self.status in {self.Status.QUEUED, self.Status.RUNNING} and not self.interrupted

    @property
    def can_run_again(self) -> bool:
        return self.status == self.Status.FAILED or self.interrupted

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
