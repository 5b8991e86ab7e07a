"""Follow-up of activities: concept notes, progress updates with evidence, import sessions."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rumbo.core.files import RandomName
from rumbo.core.models import TimeStampedModel, VersionedModel
from rumbo.core.visibility import Visibility
from rumbo.plans.models import Activity
from rumbo.plans.models.activity import ActivityPartQuerySet

if TYPE_CHECKING:
    from rumbo.plans.models.activity import ActivityPartManager


class ConceptNote(VersionedModel):
    """The note completed for every approved activity before it is carried out (2023–2026
    Strategic Plan, “Responsabilidades”). Approved, its facts fill the tracking matrix."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    activity = models.OneToOneField(
        "plans.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="concept_note",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    objective = models.TextField(_("objective"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    indicators = models.TextField(_("result / impact indicators"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    target_audience = models.TextField(_("target audience"), blank=True)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    budget_amount = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO code, e.g. USD."))],
    )
    funding_source = models.CharField(_("funding source"), max_length=300, blank=True)
    lead_organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("lead organisations"),
        blank=True,
        related_name="led_notes",
    )
    accompanying_organisations = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("accompanying organisations"),
        blank=True,
        related_name="accompanied_notes",
    )
    assumptions_risks = models.TextField(_("assumptions and risks"), blank=True)
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.MEMBERS
    )
    review_comments = models.TextField(_("review comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who wrote it: while it is a draft (or returned), only they and the secretariat read it.
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), blank=True, related_name="+"
    )

    objects: ClassVar[ActivityPartManager[ConceptNote]] = ActivityPartQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        objective_es: str | None
        objective_en: str | None
        justification_es: str | None
        justification_en: str | None
        expected_results_es: str | None
        expected_results_en: str | None
        indicators_es: str | None
        indicators_en: str | None
        participants_es: str | None
        participants_en: str | None
        target_audience_es: str | None
        target_audience_en: str | None
        place_es: str | None
        place_en: str | None
        funding_source_es: str | None
        funding_source_en: str | None
        assumptions_risks_es: str | None
        assumptions_risks_en: str | None
        review_comments_es: str | None
        review_comments_en: str | None
        _default_manager: ClassVar[ActivityPartManager[ConceptNote]]

    # What a note must say before it can be submitted, in the order the form shows it.
    REQUIRED = (
        "objective",
        "justification",
        "expected_results",
        "indicators",
        "participants",
        "modality",
        "start_date",
        "place",
        "funding_source",
        "lead_organisations",
    )

    class Meta:
        verbose_name = _("concept note")
        verbose_name_plural = _("concept notes")

    def __str__(self) -> str:
        return f"{_('Concept note')} {self.activity}"[:300]


class ProgressUpdate(TimeStampedModel):
    activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    new_status = models.CharField(
        _("new status"),
        max_length=20,
        blank=True,
        choices=Activity.Status.choices,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.PositiveSmallIntegerField(
        _("visible to"), choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # The form's one-time key: the same form sent twice (Back, then Save again) records once.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects: ClassVar[ActivityPartManager[ProgressUpdate]] = ActivityPartQuerySet.as_manager()
    if TYPE_CHECKING:
        # The per-language columns modeltranslation adds (translation.py); its
        # managers are built at run time, so the default one is declared too.
        text_es: str | None
        text_en: str | None
        _default_manager: ClassVar[ActivityPartManager[ProgressUpdate]]

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.activity.code} {self.date}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """Where an evidence file is stored: a random name, never the uploaded one (which stays in
    `Evidence.name` for the download), so that nothing about a file can be guessed from its
    record, its activity or its author."""
    return RandomName("evidence")(instance, filename)


class Evidence(models.Model):
    """A file attached to a progress update. It is served only by the `evidence_download` view,
    as visible as its update (never from the media folder)."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class ImportSession(models.Model):
    """An uploaded workbook between its preview and its application."""

    token = models.CharField(max_length=40, unique=True)
    # What was uploaded ("matrix", or another app's workbook such as "indicators"): each
    # import page opens only its own kind.
    kind = models.CharField(max_length=20, default="matrix")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    plan_code = models.CharField(max_length=60, blank=True)
    preview = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("matrix import")
        verbose_name_plural = _("matrix imports")

    def __str__(self) -> str:
        return self.filename
